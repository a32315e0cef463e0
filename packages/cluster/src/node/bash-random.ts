/**
 * bash's `$RANDOM` generator (bash 5.1+, `lib/sh/random.c`): Park and
 * Miller's minimal standard generator x' = 16807 x mod (2^31 - 1), computed
 * with Schrage's method, its 31-bit state folded to 15 bits as
 * `(x >> 16) ^ (x & 0xffff)`, and a value never repeated twice in a row.
 * Assigning `RANDOM=n` reseeds it, so `RANDOM=5; echo $RANDOM` prints what
 * bash prints (18498).
 */
const M = 0x7fffffff;

/** One step of the generator (`intrand32`); 0 cannot seed it, bash substitutes 123459876. */
function step(last: number): number {
  const x = last === 0 ? 123459876 : last;
  const h = Math.floor(x / 127773);
  const l = x - 127773 * h;
  const t = 16807 * l - 2836 * h;
  return t < 0 ? t + M : t;
}

export class BashRandom {
  private state: number;
  private last = 0;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** `RANDOM=value`: bash reseeds only with a valid integer (kept to 32 bits, as `sbrand` does). */
  assign(value: string): void {
    const v = value.trim();
    if (!/^[-+]?\d+$/.test(v)) return;
    this.state = Number(BigInt.asUintN(32, BigInt(v)));
    this.last = 0;
  }

  /** The next `$RANDOM`, 0..32767. */
  next(): number {
    let v: number;
    do {
      this.state = step(this.state);
      v = ((this.state >>> 16) ^ (this.state & 0xffff)) & 0x7fff;
    } while (v === this.last);
    this.last = v;
    return v;
  }
}
