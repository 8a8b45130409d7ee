/**
 * Duplicate lines by fingerprint, in bounded memory: a 53-bit hash of the line's bytes in an open-addressing
 * table (Float64Array of fingerprints, Uint32Array of first lines) that doubles up to `maxTracked` entries
 * and then stops remembering new lines (lookups go on, so repeats of remembered lines are still found).
 */
export class DuplicateTable {
  private keys = new Float64Array(1 << 12);
  private lines = new Uint32Array(1 << 12);
  private size = 0;
  private readonly capacity: number;
  /** False once a line could not be remembered. */
  complete = true;

  constructor(maxTracked: number) {
    this.capacity = Math.max(16, maxTracked);
  }

  get tracked(): number {
    return this.size;
  }

  /** The first line with the same fingerprint, or 0 (and `line` is remembered, while there is room). */
  seen(bytes: Uint8Array, start: number, end: number, line: number): number {
    const key = fingerprint(bytes, start, end);
    const mask = this.keys.length - 1;
    let slot = (key % 4294967296) & mask;
    for (;;) {
      const at = this.keys[slot];
      if (at === 0) break;
      if (at === key) return this.lines[slot] ?? 0;
      slot = (slot + 1) & mask;
    }
    if (this.size >= this.capacity) {
      this.complete = false;
      return 0;
    }
    this.keys[slot] = key;
    this.lines[slot] = line;
    if (++this.size * 4 > this.keys.length * 3) this.grow();
    return 0;
  }

  private grow(): void {
    const { keys, lines } = this;
    this.keys = new Float64Array(keys.length * 2);
    this.lines = new Uint32Array(keys.length * 2);
    const mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] ?? 0;
      if (key === 0) continue;
      let slot = (key % 4294967296) & mask;
      while (this.keys[slot] !== 0) slot = (slot + 1) & mask;
      this.keys[slot] = key;
      this.lines[slot] = lines[i] ?? 0;
    }
  }
}

/** Two 32-bit murmur3-style lanes over the bytes, folded into a non-zero integer below 2^53. */
function fingerprint(b: Uint8Array, start: number, end: number): number {
  let h1 = 0x9747b28c ^ (end - start);
  let h2 = 0x85ebca6b ^ (end - start);
  let i = start;
  for (const last = end - 3; i < last; i += 4) {
    let k = (b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h1 ^= k;
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    h2 = Math.imul(h2 ^ k, 0x27d4eb2d);
    h2 = (h2 << 17) | (h2 >>> 15);
  }
  let tail = 0;
  for (let shift = 0; i < end; i++, shift += 8) tail |= (b[i] as number) << shift;
  h1 ^= Math.imul(tail, 0x1b873593);
  h2 = Math.imul(h2 ^ tail, 0x27d4eb2d);
  h1 = mix(h1);
  h2 = mix(h2 ^ h1);
  return (h1 >>> 0) * 2097152 + (h2 >>> 11) + 1;
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
