#!/usr/bin/env node
/**
 * `tunekit`: the command line. This file stays small (the command tree, the Ctrl-C and error handling); each
 * command's code, the library and the live view are loaded only when a command runs.
 */
import { CliError, EXIT } from './exit.js';
import { ensureRequire } from './node-require.js';
import { Output, redactKeys } from './output.js';

/** Boolean flags also accept `--flag=true|false` (commander takes only `--flag` / `--no-flag`). */
const BOOLEAN_FLAGS = new Set(['lora', 'wait', 'check', 'json', 'deploy', 'follow', 'all']);

export function normalizeArgs(argv: string[]): string[] {
  return argv.map((arg) => {
    const match = /^--([a-z-]+)=(.*)$/.exec(arg);
    if (!match || !BOOLEAN_FLAGS.has(match[1] ?? '')) return arg;
    const value = booleanWord(match[2] ?? '');
    return value === undefined ? arg : value ? `--${match[1]}` : `--no-${match[1]}`;
  });
}

/** `--lora false` (with a space) leaves "false" as an argument: say how to write it. */
function booleanHint(argv: string[]): string | undefined {
  for (let i = 0; i + 1 < argv.length; i++) {
    const flag = /^--([a-z-]+)$/.exec(argv[i] ?? '')?.[1];
    if (flag && BOOLEAN_FLAGS.has(flag) && booleanWord(argv[i + 1] ?? '') !== undefined) {
      return `--${flag} takes no value: write --${flag}=${argv[i + 1]}${booleanWord(argv[i + 1] ?? '') ? ` (or --${flag})` : ` (or --no-${flag})`}`;
    }
  }
  return undefined;
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);
const booleanWord = (value: string): boolean | undefined =>
  TRUE.has(value.toLowerCase()) ? true : FALSE.has(value.toLowerCase()) ? false : undefined;

async function main(argv: string[]): Promise<number> {
  redactKeys(process.env);
  ensureRequire();
  const [{ buildProgram }, { reportFailure }] = await Promise.all([import('./program.js'), import('./report.js')]);
  const args = normalizeArgs(argv);
  const out = new Output(args.includes('--json'));
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    if (++interrupts > 1) process.exit(EXIT.interrupted);
    controller.abort(new Error('interrupted'));
    // A command that does not watch the signal still ends: Ctrl-C never leaves tunekit hanging.
    setTimeout(() => process.exit(EXIT.interrupted), 3_000).unref();
  });
  const program = buildProgram({ out, signal: controller.signal });
  try {
    await program.parseAsync(args, { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    const hint = booleanHint(args);
    const told =
      hint && error instanceof Error && 'code' in error && error.code === 'commander.excessArguments'
        ? new CliError(error.message.replace(/^error: /, ''), EXIT.usage, hint)
        : error;
    return reportFailure(told, out, controller.signal.aborted);
  }
}

for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
  process.on(event, (error: unknown) => {
    process.stderr.write(`error ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT.failure);
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    // Pending sockets (keep-alive) must not hold the process open once the command is done.
    process.stdout.write('', () => process.exit(code));
  },
  (error: unknown) => {
    process.stderr.write(`error ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT.failure);
  },
);
