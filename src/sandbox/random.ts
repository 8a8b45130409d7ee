/** Deterministic pseudo-randomness: the same seed always gives the same ids, losses and names. */

/** FNV-1a over the text: a 32-bit seed. */
export function hashText(text: string): number {
  let hash = 2166136261;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return hash >>> 0;
}

/** mulberry32: a stream of floats in [0, 1) from a seed text. */
function randomStream(seed: string): () => number {
  let state = hashText(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One float in [0, 1) for a seed. */
export function unit(seed: string): number {
  return randomStream(seed)();
}

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `length` characters of `alphabet` drawn from the seed. */
export function token(seed: string, length: number, alphabet = ALPHANUMERIC): string {
  const next = randomStream(seed);
  let out = '';
  while (out.length < length) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
}

/** A version-4-shaped UUID drawn from the seed. */
export function uuid(seed: string): string {
  const hex = token(seed, 32, '0123456789abcdef').split('');
  hex[12] = '4';
  hex[16] = '89ab'[parseInt(hex[16] ?? '0', 16) % 4] ?? '8';
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}
