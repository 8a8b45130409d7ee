import type { OptionValues } from 'commander';
import type { LogLevel } from '../core/log.js';
import { UsageError } from './exit.js';

/** The global flags, checked (commander has parsed and validated each value). */
export interface GlobalOptions {
  provider: string | undefined;
  baseUrl: string | undefined;
  /** `--timeout`: each request's deadline. */
  timeoutMs: number | undefined;
  maxRetries: number | undefined;
  log: LogLevel | undefined;
  json: boolean;
}

const LEVELS: readonly LogLevel[] = ['off', 'error', 'warn', 'info', 'debug'];

/** `--log`, else `TUNEKIT_LOG` (a usage error about the variable when it is not a level), else undefined. */
function logLevel(flag: unknown, env: Record<string, string | undefined>): LogLevel | undefined {
  const given = LEVELS.find((level) => level === flag);
  if (given) return given;
  const variable = env['TUNEKIT_LOG'];
  if (variable === undefined || variable === '') return undefined;
  const level = LEVELS.find((name) => name === variable.trim().toLowerCase());
  if (!level)
    throw new UsageError(
      `TUNEKIT_LOG "${variable}" is not a log level: use one of ${LEVELS.join(', ')}`,
      'fix or unset TUNEKIT_LOG, or pass --log LEVEL',
    );
  return level;
}

/** Global flags from commander's values (read without casts: every field is checked). */
export function globalOptions(values: OptionValues, env: Record<string, string | undefined> = process.env): GlobalOptions {
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  return {
    provider: text(values['provider']),
    baseUrl: text(values['baseUrl']),
    timeoutMs: number(values['timeout']),
    maxRetries: number(values['maxRetries']),
    log: logLevel(values['log'], env),
    json: values['json'] === true,
  };
}
