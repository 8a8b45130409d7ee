import { CommanderError } from 'commander';
import { CliError, commandName, EXIT, UsageError } from './exit.js';
import type { Output } from './output.js';

/** How a failure is told: its exit code, one message, an optional hint, and extra fields for `--json`. */
interface Told {
  exitCode: number;
  type: string;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
  /** More lines for a person (each problem of a validation error). */
  lines?: string[];
}

/** The library's errors, told by their class (loaded only when something failed). */
async function classify(error: unknown, interrupted: boolean): Promise<Told> {
  if (error instanceof CommanderError) {
    return { exitCode: EXIT.usage, type: 'UsageError', message: error.message.replace(/^error: /, '') };
  }
  if (error instanceof UsageError) return { exitCode: EXIT.usage, type: 'UsageError', message: error.message, hint: error.hint };
  if (error instanceof CliError)
    return {
      exitCode: error.exitCode,
      type:
        error.type ??
        (error.exitCode === EXIT.interrupted
          ? 'Interrupted'
          : error.exitCode === EXIT.waitTimeout
            ? 'WaitTimeout'
            : error.exitCode === EXIT.auth
              ? 'AuthenticationError'
              : 'Failure'),
      message: error.message,
      hint: error.hint,
      details: error.details,
    };
  const errors = await import('../core/errors.js');
  const { JobCancelledError, JobFailedError } = await import('../poller/errors.js');
  const { DatasetCheckError } = await import('../dataset/assert.js');
  if (error instanceof errors.APIUserAbortError || (interrupted && error instanceof errors.TunekitError)) {
    return { exitCode: EXIT.interrupted, type: 'Interrupted', message: error.message };
  }
  if (error instanceof errors.ValidationError) {
    return {
      exitCode: EXIT.usage,
      type: 'ValidationError',
      message: error.problems.length > 1 ? `${error.problems.length} problems, nothing was sent:` : error.message,
      lines:
        error.problems.length > 1
          ? error.problems.map((p) => `${p.message}${p.suggestion ? ` (did you mean ${p.suggestion}?)` : ''}`)
          : undefined,
      details: { problems: error.problems },
    };
  }
  if (error instanceof DatasetCheckError) {
    const { formatDatasetReport } = await import('../dataset/format-report.js');
    return {
      exitCode: EXIT.failure,
      type: 'DatasetCheckError',
      message: 'the dataset check failed; nothing was uploaded',
      lines: formatDatasetReport(error.report, { maxIssues: 10 }).split('\n'),
      details: { report: { name: error.report.name, errors: error.report.errors.slice(0, 50), counts: error.report.counts } },
    };
  }
  if (error instanceof errors.AuthenticationError || error instanceof errors.PermissionDeniedError) {
    return {
      exitCode: EXIT.auth,
      type: error.name,
      message: error.message,
      hint: 'check the API key in the environment (and --provider / --base-url)',
      details: { status: error.status },
    };
  }
  if (error instanceof JobFailedError) {
    return {
      exitCode: EXIT.failure,
      type: error.name,
      message: error.message,
      details: { jobId: error.jobId, code: error.code, providerMessage: error.providerMessage },
    };
  }
  if (error instanceof JobCancelledError)
    return { exitCode: EXIT.failure, type: error.name, message: error.message, details: { jobId: error.jobId } };
  if (error instanceof errors.APIError) {
    return {
      exitCode: EXIT.failure,
      type: error.name,
      message: error.message,
      details: { status: error.status, requestId: error.requestId },
    };
  }
  if (error instanceof errors.TunekitError) {
    const noKey = /no API key/.test(error.message);
    return { exitCode: noKey ? EXIT.auth : EXIT.failure, type: error.name, message: error.message };
  }
  if (error instanceof Error) return { exitCode: EXIT.failure, type: 'Error', message: error.message || String(error) };
  return { exitCode: EXIT.failure, type: 'Error', message: String(error) };
}

/** Tells the failure on stderr (a line for a person, or `{"error": …}` with `--json`) and returns the exit code. Never a stack trace. */
export async function reportFailure(error: unknown, out: Output, interrupted: boolean): Promise<number> {
  if (
    error instanceof CommanderError &&
    (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help')
  )
    return EXIT.ok;
  const told = await classify(error, interrupted);
  if (out.json) {
    out.stderr.write(
      `${JSON.stringify({ error: { type: told.type, message: told.message, exitCode: told.exitCode, ...(told.hint ? { hint: told.hint } : {}), ...told.details } })}\n`,
    );
  } else {
    const c = out.err;
    // A user's Ctrl-C is not an error: said plainly, in yellow.
    const label = told.exitCode === EXIT.interrupted ? c.yellow('interrupted') : c.red(c.bold('error'));
    out.stderr.write(`${label} ${told.message}\n`);
    for (const line of told.lines ?? []) out.stderr.write(`  ${line}\n`);
    if (told.hint) out.stderr.write(`${c.dim(told.hint)}\n`);
    if (error instanceof CommanderError) out.stderr.write(c.dim(`(see ${commandName()} --help, or ${commandName()} COMMAND --help)\n`));
  }
  return told.exitCode;
}
