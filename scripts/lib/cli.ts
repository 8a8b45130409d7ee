import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './args.js';

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(moduleUrl);
}

/**
 * Run a script's `main`: `--help` / `-h` prints `usage` and exits 0; otherwise its number is the exit code, and a
 * failure is one `error:` line (plus usage for a usage error), never a stack.
 */
export function runCli(main: (argv: string[]) => Promise<number | void>, usage?: string): void {
  const argv = process.argv.slice(2);
  if (usage && (argv.includes('--help') || argv.includes('-h'))) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  main(argv).then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
      if (usage && error instanceof UsageError) process.stderr.write(`${usage}\n`);
      process.exitCode = 1;
    },
  );
}
