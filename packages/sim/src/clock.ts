/**
 * Time for the simulated datapath. Cilium's BPF programs read a monotonic
 * clock (`bpf_mono_now()`, whole seconds since boot) to stamp affinity and
 * conntrack entries; the model reads the same kind of clock, but a virtual
 * one that only moves when the simulation says so, so every run is
 * reproducible. Nanoseconds are JS numbers: a float64 holds integer
 * nanoseconds exactly up to 2^53 ns (about 104 days).
 */

const NS_PER_SECOND = 1e9;

/** A monotonic clock as the datapath sees it. */
export interface MonotonicClock {
  /** Whole seconds since boot, like `bpf_mono_now()` (what affinity and CT entries store). */
  nowSeconds(): number;
  /** Nanoseconds since boot, like `ktime_get_ns()`. */
  nowNs(): number;
}

/** A clock that moves only when told to; it never goes backwards. */
export class VirtualClock implements MonotonicClock {
  private ns: number;

  /** @param startSeconds initial time in seconds since boot (default 0). */
  constructor(startSeconds = 0) {
    this.ns = 0;
    this.set(startSeconds);
  }

  nowSeconds(): number {
    return Math.floor(this.ns / NS_PER_SECOND);
  }

  nowNs(): number {
    return this.ns;
  }

  /** Moves the clock forward by `seconds` (may be fractional). */
  advance(seconds: number): void {
    this.advanceNs(Math.round(seconds * NS_PER_SECOND));
  }

  /** Moves the clock forward by `ns` nanoseconds. */
  advanceNs(ns: number): void {
    if (!Number.isFinite(ns) || ns < 0) {
      throw new RangeError(`VirtualClock: cannot advance by ${ns} ns (a monotonic clock only moves forward)`);
    }
    this.setNs(this.ns + Math.round(ns));
  }

  /** Sets the absolute time in seconds since boot; must not be earlier than now. */
  set(seconds: number): void {
    this.setNs(Math.round(seconds * NS_PER_SECOND));
  }

  /** Sets the absolute time in nanoseconds since boot; must not be earlier than now. */
  setNs(ns: number): void {
    if (!Number.isSafeInteger(ns) || ns < this.ns) {
      throw new RangeError(
        `VirtualClock: cannot set time to ${ns} ns (now ${this.ns} ns; a monotonic clock never goes backwards)`,
      );
    }
    this.ns = ns;
  }
}
