/**
 * Duplicate lines by fingerprint, in bounded memory: a 53-bit hash of the line's bytes in an open-addressing
 * table (Float64Array of fingerprints, Uint32Array of first lines: 12 bytes a slot, at most 80 % full). The
 * table grows by half, or is sized once up front (`reserve`) when the file's size tells how many lines to
 * expect, and stops remembering new lines at `maxTracked` (lookups go on, so repeats of remembered lines are
 * still found).
 */
export class DuplicateTable {
  private keys = new Float64Array(4096);
  private lines = new Uint32Array(4096);
  private size = 0;
  private readonly capacity: number;
  /** False once a line could not be remembered. */
  complete = true;

  constructor(maxTracked: number) {
    this.capacity = Math.max(1, maxTracked);
  }

  get tracked(): number {
    return this.size;
  }

  /** Makes room for `entries` (up to the cap) in one step, so a file of known size never regrows the table. */
  reserve(entries: number): void {
    const slots = Math.ceil(Math.min(entries, this.capacity) / 0.8) + 1;
    if (slots > this.keys.length) this.rehash(slots);
  }

  /** The first line with the same fingerprint, or 0 (and `line` is remembered, while there is room). */
  seen(view: DataView, start: number, end: number, line: number): number {
    const key = fingerprint(view, start, end);
    const keys = this.keys;
    const length = keys.length;
    let slot = home(key, length);
    for (;;) {
      const at = keys[slot];
      if (at === 0) break;
      if (at === key) return this.lines[slot] ?? 0;
      if (++slot === length) slot = 0;
    }
    if (this.size >= this.capacity) {
      this.complete = false;
      return 0;
    }
    keys[slot] = key;
    this.lines[slot] = line;
    if (++this.size > length * 0.8) this.rehash(Math.min(Math.ceil(length * 1.5), Math.ceil(this.capacity / 0.8) + 1));
    return 0;
  }

  private rehash(slots: number): void {
    const { keys, lines } = this;
    this.keys = new Float64Array(slots);
    this.lines = new Uint32Array(slots);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] ?? 0;
      if (key === 0) continue;
      let slot = home(key, slots);
      while (this.keys[slot] !== 0) if (++slot === slots) slot = 0;
      this.keys[slot] = key;
      this.lines[slot] = lines[i] ?? 0;
    }
  }
}

/** Two 32-bit murmur3-style lanes over 8-byte words (read through a DataView: fast, alignment-free), folded into a non-zero integer below 2^53. */
function fingerprint(view: DataView, start: number, end: number): number {
  let h1 = 0x9747b28c ^ (end - start);
  let h2 = 0x85ebca6b ^ (end - start);
  let i = start;
  for (const last = end - 7; i < last; i += 8) {
    let k = view.getInt32(i, true);
    let j = view.getInt32(i + 4, true);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h1 = Math.imul(h1 ^ k, 0x1b873593);
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    j = Math.imul(j, 0x1b873593);
    j = (j << 17) | (j >>> 15);
    h2 = Math.imul(h2 ^ j, 0xcc9e2d51);
    h2 = (h2 << 13) | (h2 >>> 19);
    h2 = (Math.imul(h2, 5) + 0x561ccd1b) | 0;
  }
  let tail = 0;
  let tail2 = 0;
  for (let shift = 0; i < end; i++, shift += 8) {
    if (shift < 32) tail |= view.getUint8(i) << shift;
    else tail2 |= view.getUint8(i) << (shift - 32);
  }
  h1 ^= Math.imul(tail, 0x1b873593);
  h2 ^= Math.imul(tail2, 0xcc9e2d51);
  // Each lane saw every other word: fold both into both halves of the result, so a change in either lane
  // changes all 53 bits (with h1 alone in the high half, lines differing only in odd words shared it).
  h1 = mix(h1 ^ ((h2 << 16) | (h2 >>> 16)));
  h2 = mix(h2 ^ h1);
  return (h1 >>> 0) * 2097152 + (h2 >>> 11) + 1;
}

/** A fingerprint's home slot in a table of `length` slots (multiply, no modulo). */
function home(key: number, length: number): number {
  return Math.floor((key / 9007199254740992) * length);
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
