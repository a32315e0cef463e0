/**
 * Bob Jenkins' lookup3 `jhash_3words`, as in the kernel's and Cilium's
 * bpf/lib/jhash.h. The datapath hashes a flow's tuple with it to pick a
 * Maglev table slot (`__hash_from_tuple_v4`).
 */

const JHASH_INITVAL = 0xdeadbeef;

function rol32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** jhash_3words(a, b, c, initval) on u32 inputs; returns a u32. */
export function jhash3Words(a: number, b: number, c: number, initval: number): number {
  const init = (initval + JHASH_INITVAL + (3 << 2)) | 0;
  a = (a + init) | 0;
  b = (b + init) | 0;
  c = (c + init) | 0;
  // __jhash_final
  c ^= b;
  c = (c - rol32(b, 14)) | 0;
  a ^= c;
  a = (a - rol32(c, 11)) | 0;
  b ^= a;
  b = (b - rol32(a, 25)) | 0;
  c ^= b;
  c = (c - rol32(b, 16)) | 0;
  a ^= c;
  a = (a - rol32(c, 4)) | 0;
  b ^= a;
  b = (b - rol32(a, 14)) | 0;
  c ^= b;
  c = (c - rol32(b, 24)) | 0;
  return c >>> 0;
}
