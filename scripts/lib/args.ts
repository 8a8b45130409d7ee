import { parseArgs as parseNodeArgs } from 'node:util';

export interface ParsedArgs {
  flags: Set<string>;
  values: Map<string, string>;
}

export class UsageError extends Error {}

/** `node:util` parseArgs, with options named as on the command line (`--mirror`) and errors as UsageError. */
export function parseArgs(argv: string[], valueOptions: string[], flagOptions: string[]): ParsedArgs {
  const options = Object.fromEntries([
    ...valueOptions.map((name) => [name.replace(/^--/, ''), { type: 'string' as const }]),
    ...flagOptions.map((name) => [name.replace(/^--/, ''), { type: 'boolean' as const }]),
  ]);
  let parsed: ReturnType<typeof parseNodeArgs>;
  try {
    parsed = parseNodeArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const flags = new Set<string>();
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (value === true) flags.add(`--${name}`);
    else if (typeof value === 'string') {
      if (value === '') throw new UsageError(`--${name} needs a value`);
      values.set(`--${name}`, value);
    }
  }
  return { flags, values };
}
