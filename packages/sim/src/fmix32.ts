/**
 * murmur3's 32-bit finaliser: every input bit affects every output bit, so
 * sequential inputs (neighbouring addresses, counters) spread over the whole
 * range. Shared by the map engine's key hash and the PRNG's seeding.
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
