/** How values are written for people, in one place: byte sizes and durations. */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/**
 * `4.18 KiB`, `512 MiB`: binary units, as the providers' limits are meant ("512 MB" files are 512 × 2²⁰ bytes), with
 * three significant digits.
 */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)} ${BYTE_UNITS[unit]}`;
}

/** `1 h 2 min`, `3 min 5 s`, `12 s`, `250 ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1_000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${Math.floor(m / 60)} h`;
}

/**
 * `$1,234.57`: an amount of money with its currency and two decimals (an amount above zero that rounds to nothing is
 * `< $0.01`, not `$0.00`).
 */
export function formatMoney(amount: number, currency = 'USD'): string {
  const format = new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return amount > 0 && amount < 0.005 ? `< ${format.format(0.01)}` : format.format(amount);
}
