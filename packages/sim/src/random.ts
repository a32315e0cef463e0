/**
 * Seeded pseudo-random numbers for the simulation. The datapath draws
 * `get_prandom_u32()` for random backend selection; the model draws from an
 * sfc32 generator instead, so the same seed replays the same choices.
 * `fork(label)` derives an independent stream from the seed and a label (not
 * from how many numbers were already drawn), so adding a consumer in one
 * place does not reshuffle every other component's choices.
 */

import { fmix32 } from "./fmix32";

const TWO_POW_32 = 4294967296;

/** FNV-1a over UTF-16 code units, then a murmur3 finaliser: turns labels into seed words. */
function hashString(s: string, h: number): number {
  h = (h ^ 0x811c9dc5) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  }
  return fmix32(h);
}

/** splitmix32 step: spreads one seed word into well-mixed generator state. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** A deterministic 32-bit generator (sfc32). Same seed, same sequence. */
export class SeededRandom {
  /** The seed this stream was created from (forks append `/label`). */
  readonly seed: string;
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** @param seed a number or string; equal seeds give equal sequences. */
  constructor(seed: number | string) {
    if (typeof seed === "number" && !Number.isFinite(seed)) {
      throw new RangeError(`SeededRandom: seed must be finite, got ${seed}`);
    }
    this.seed = String(seed);
    let x = hashString(this.seed, 0);
    x = splitmix32(x);
    this.a = x;
    x = splitmix32(x);
    this.b = x;
    x = splitmix32(x);
    this.c = x;
    x = splitmix32(x);
    this.d = x;
    // sfc32 needs a few rounds before its output is independent of the seed words.
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** A uniform 32-bit unsigned integer, like the kernel's `get_prandom_u32()`. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform float in [0, 1) with 32 bits of randomness. */
  nextFloat(): number {
    return this.nextU32() / TWO_POW_32;
  }

  /**
   * A uniform integer in [0, n) without modulo bias (rejection sampling).
   * The datapath itself uses the biased `prandom % count`; use
   * {@link nextU32} `% n` where that exact behaviour is modelled.
   */
  intBelow(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`SeededRandom.intBelow: n must be an integer in [1, 2^32], got ${n}`);
    }
    // Reject the top partial block so every residue is equally likely.
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    for (;;) {
      const x = this.nextU32();
      if (x < limit) return x % n;
    }
  }

  /** A uniform integer in [min, max] (inclusive). */
  intBetween(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`SeededRandom.intBetween: need integers min <= max, got ${min}, ${max}`);
    }
    return min + this.intBelow(max - min + 1);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.nextFloat() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("SeededRandom.pick: empty array");
    return items[this.intBelow(items.length)] as T;
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.intBelow(i + 1);
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    }
    return items;
  }

  /**
   * An independent stream derived from this stream's seed and `label` only.
   * `r.fork("node-1")` is the same whatever `r` drew before.
   */
  fork(label: string): SeededRandom {
    return new SeededRandom(`${this.seed}/${label}`);
  }
}
