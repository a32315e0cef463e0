/**
 * MurmurHash3 x64_128, byte for byte the variant of Cilium's pkg/murmur3
 * (itself the smhasher reference on a little-endian machine). Maglev hashes
 * each backend's string once per table build, so BigInt's 64-bit
 * arithmetic is fast enough and keeps the code a readable transcription.
 */

const MASK64 = (1n << 64n) - 1n;
const C1 = 0x87c37b91114253d5n;
const C2 = 0x4cf5ad432745937fn;

function rotl64(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & MASK64;
}

function mul64(a: bigint, b: bigint): bigint {
  return (a * b) & MASK64;
}

function fmix64(k: bigint): bigint {
  k ^= k >> 33n;
  k = mul64(k, 0xff51afd7ed558ccdn);
  k ^= k >> 33n;
  k = mul64(k, 0xc4ceb9fe1a85ec53n);
  k ^= k >> 33n;
  return k;
}

function readU64LE(data: Uint8Array, at: number, len: number): bigint {
  let v = 0n;
  for (let i = len - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[at + i] as number);
  return v;
}

/** The two 64-bit halves of a murmur3 x64_128 hash, as Go's `Hash128` returns them. */
export interface Hash128 {
  h1: bigint;
  h2: bigint;
}

/** MurmurHash3 x64_128 of `data` (a string is hashed as its UTF-8 bytes) with a 32-bit seed. */
export function murmur3Hash128(data: Uint8Array | string, seed: number): Hash128 {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const len = bytes.length;
  const nblocks = Math.floor(len / 16);
  let h1 = BigInt(seed >>> 0);
  let h2 = h1;

  for (let i = 0; i < nblocks; i++) {
    let k1 = readU64LE(bytes, i * 16, 8);
    let k2 = readU64LE(bytes, i * 16 + 8, 8);
    k1 = mul64(rotl64(mul64(k1, C1), 31n), C2);
    h1 ^= k1;
    h1 = rotl64(h1, 27n);
    h1 = (h1 + h2) & MASK64;
    h1 = (mul64(h1, 5n) + 0x52dce729n) & MASK64;
    k2 = mul64(rotl64(mul64(k2, C2), 33n), C1);
    h2 ^= k2;
    h2 = rotl64(h2, 31n);
    h2 = (h2 + h1) & MASK64;
    h2 = (mul64(h2, 5n) + 0x38495ab5n) & MASK64;
  }

  const tail = nblocks * 16;
  const rest = len & 15;
  if (rest > 8) {
    const k2 = readU64LE(bytes, tail + 8, rest - 8);
    h2 ^= mul64(rotl64(mul64(k2, C2), 33n), C1);
  }
  if (rest > 0) {
    const k1 = readU64LE(bytes, tail, Math.min(rest, 8));
    h1 ^= mul64(rotl64(mul64(k1, C1), 31n), C2);
  }

  const n = BigInt(len);
  h1 ^= n;
  h2 ^= n;
  h1 = (h1 + h2) & MASK64;
  h2 = (h2 + h1) & MASK64;
  h1 = fmix64(h1);
  h2 = fmix64(h2);
  h1 = (h1 + h2) & MASK64;
  h2 = (h2 + h1) & MASK64;
  return { h1, h2 };
}
