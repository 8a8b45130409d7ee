/** How values are written for people: bytes, times, losses, bars. */

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `2025-03-01 14:05:09 +01:00`: local time, with its offset from UTC (never a time without its zone); empty for no date. */
export function formatDate(date: Date | undefined): string {
  if (!date) return '';
  const offset = -date.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${pad2(Math.floor(Math.abs(offset) / 60))}:${pad2(Math.abs(offset) % 60)}`;
  return `${date.getFullYear()}-${pad2(date.getMonth() + 1)}-${pad2(date.getDate())} ${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())} ${zone}`;
}

/** `0:00:42` / `1:02:03`: a clock for elapsed time. */
export function formatClock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 3600)}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`;
}

/** A loss with four significant decimals (`1.234`, `0.04521`). */
export function formatLoss(loss: number | undefined): string {
  if (loss === undefined) return '';
  return Math.abs(loss) >= 1 ? loss.toFixed(3) : loss.toPrecision(4);
}

/** `120/400` or `120`. */
export function formatSteps(step: number | undefined, total: number | undefined): string {
  if (step === undefined) return '';
  return total ? `${step}/${total}` : String(step);
}

/** A bar of `width` cells, `fraction` of them full. */
export function bar(fraction: number, width: number): string {
  const full = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** `42%`. */
export function percent(fraction: number): string {
  return `${Math.floor(Math.min(1, Math.max(0, fraction)) * 100)}%`;
}
