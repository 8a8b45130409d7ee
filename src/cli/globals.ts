import type { OptionValues } from 'commander';
import type { LogLevel } from '../core/log.js';

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

/** Global flags from commander's values (read without casts: every field is checked). */
export function globalOptions(values: OptionValues): GlobalOptions {
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const number = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
  return {
    provider: text(values['provider']),
    baseUrl: text(values['baseUrl']),
    timeoutMs: number(values['timeout']),
    maxRetries: number(values['maxRetries']),
    log: LEVELS.find((level) => level === values['log']),
    json: values['json'] === true,
  };
}
