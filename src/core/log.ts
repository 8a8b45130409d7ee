import { TunekitError } from './errors.js';

/** How much tunekit logs: nothing, failures, retries, recoveries, every request. */
export type LogLevel = 'off' | 'error' | 'warn' | 'info' | 'debug';

/** Where log lines go (default `console`). Each line is one string starting with `[tunekit]`. */
export interface Logger {
  /** Failed calls. */
  error(message: string): void;
  /** Retries. */
  warn(message: string): void;
  /** Recovered creates. */
  info(message: string): void;
  /** Every attempt: method, path, status, milliseconds, attempt. */
  debug(message: string): void;
}

const levels: readonly LogLevel[] = ['off', 'error', 'warn', 'info', 'debug'];
export const ERROR = 1;
export const WARN = 2;
export const INFO = 3;
export const DEBUG = 4;

/** The level as a number, compared before a line is built (nothing is built when it is off), and the writer. */
export interface Log {
  level: number;
  write(level: number, line: string): void;
}

/** Request bodies and headers are never logged; every line goes through `hide` (the API key). */
export function makeLog(level: string | undefined, logger: Logger, hide: (text: string) => string): Log {
  const index = levels.findIndex((name) => name === level);
  if (index < 0 && level !== undefined) {
    throw new TunekitError(`logLevel (or TUNEKIT_LOG) "${level}" is not one of ${levels.join(', ')}`);
  }
  return {
    level: Math.max(index, 0),
    write: (at, line) => {
      const name = levels[at];
      if (name && name !== 'off') logger[name](`[tunekit] ${hide(line)}`);
    },
  };
}
