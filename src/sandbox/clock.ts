/** How simulated time moves: only when told, with real time at a speed, or on every poll. */
export type ClockOption = 'manual' | 'on-poll' | { speed: number };

export interface Clock {
  readonly mode: 'manual' | 'on-poll' | 'speed';
  /** Simulated milliseconds per real millisecond (0 unless `mode` is `speed`). */
  readonly speed: number;
  /** Simulated time, ms since the epoch. */
  now(): number;
  /** Move simulated time forward by `ms` (every mode); returns the new time. */
  advance(ms: number): number;
}

/** Why a clock option is unusable, or `undefined`. */
export function clockProblem(option: unknown): string | undefined {
  if (option === 'manual' || option === 'on-poll') return undefined;
  if (typeof option === 'object' && option !== null && 'speed' in option) {
    const { speed } = option;
    return typeof speed === 'number' && Number.isFinite(speed) && speed > 0
      ? undefined
      : `clock.speed = ${JSON.stringify(speed)} must be a number above 0`;
  }
  return `clock = ${JSON.stringify(option)} must be 'manual', 'on-poll' or { speed: N }`;
}

export function createClock(option: ClockOption, start: number, realNow: () => number = Date.now): Clock {
  let advanced = 0;
  const speed = typeof option === 'object' ? option.speed : 0;
  const realStart = realNow();
  return {
    mode: typeof option === 'object' ? 'speed' : option,
    speed,
    now: () => start + advanced + (speed ? Math.floor((realNow() - realStart) * speed) : 0),
    advance(ms) {
      advanced += ms;
      return this.now();
    },
  };
}
