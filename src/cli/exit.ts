/** The exit codes of `tunekit`, as `--help` and the README document them. */
export const EXIT = {
  ok: 0,
  /** An API error, a failed or cancelled job, a failed dataset check, a job declined at the cost question. */
  failure: 1,
  /** A wrong command line, or input refused before any request (a flag's value, a missing file). */
  usage: 2,
  /** `--max-wait` passed: the job is still running. */
  waitTimeout: 3,
  /** No API key, or the provider refused the key (401, 403). */
  auth: 4,
  /** Ctrl-C: the command stopped; a job it was watching keeps running. */
  interrupted: 130,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    failure: an API error, a failed or cancelled job, a failed dataset check,
       a job declined at the cost question
  2    usage or bad input (refused before any request is sent)
  3    --max-wait passed while the job is still running (it keeps running)
  4    authentication: no API key in the environment, or the key was refused
  130  interrupted (Ctrl-C): a job being watched keeps running; the command that resumes is printed`;

/** A mistake in the command line or its values: exit code 2, with the flag, the value and the rule in the message. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** One more line: what to do instead. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A condition the CLI itself reports with a chosen exit code (a failed check, no API key, …). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
    readonly hint?: string,
    /** Extra fields for the `{"error": …}` object in `--json` mode. */
    readonly details?: Record<string, unknown>,
    /** Its `type` there (by default from the exit code). */
    readonly type?: string,
  ) {
    super(message);
  }
}

/**
 * How to write a tunekit command for the user to run again: `npx tunekit` when npm started this one (`npx tunekit`,
 * `npm exec`, a package script: `tunekit` may not be on the user's PATH then), else `tunekit`.
 */
export function commandName(env: Record<string, string | undefined> = process.env): string {
  return env['npm_command'] ? 'npx tunekit' : 'tunekit';
}
