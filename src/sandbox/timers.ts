import type { Clock } from './clock.js';

interface Entry {
  due: number;
  fire: () => void;
}

/**
 * Timers on the sandbox's clock (a client's deadlines when it runs on `sandbox.clock`): each fires once simulated
 * time reaches it, whoever moves it (`advance`, a sleep on the sandbox's clock, a fault that takes time) or, at a
 * speed, real time. They hold no process open.
 */
export class Timers {
  private entries: Entry[] = [];
  private real: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly clock: Clock) {}

  /** Arms `fire` for `ms` from now; returns what disarms it. */
  add(ms: number, fire: () => void): () => void {
    const entry: Entry = { due: this.clock.now() + Math.max(0, ms), fire };
    const at = this.entries.findIndex((other) => other.due > entry.due);
    this.entries.splice(at < 0 ? this.entries.length : at, 0, entry);
    this.schedule();
    return () => {
      this.entries = this.entries.filter((other) => other !== entry);
      this.schedule();
    };
  }

  /** Milliseconds of simulated time until the next timer fires (`undefined` when none is armed). */
  nextIn(): number | undefined {
    const next = this.entries[0];
    return next === undefined ? undefined : Math.max(0, next.due - this.clock.now());
  }

  /** Moves simulated time forward by `ms`, firing each timer in order as time reaches it; returns the new time. */
  advance(ms: number): number {
    const target = this.clock.now() + ms;
    for (let next = this.entries[0]; next !== undefined && next.due <= target; next = this.entries[0]) {
      this.entries.shift();
      const step = next.due - this.clock.now();
      if (step > 0) this.clock.advance(step);
      next.fire();
    }
    const rest = target - this.clock.now();
    if (rest > 0) this.clock.advance(rest);
    this.schedule();
    return this.clock.now();
  }

  clear(): void {
    this.entries = [];
    this.schedule();
  }

  /** At a speed, a real timer for the next entry (simulated time moves by itself). */
  private schedule(): void {
    clearTimeout(this.real);
    this.real = undefined;
    const next = this.nextIn();
    if (this.clock.mode !== 'speed' || next === undefined) return;
    this.real = setTimeout(() => this.advance(0), Math.ceil(next / this.clock.speed));
    this.real.unref();
  }
}
