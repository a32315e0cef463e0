/**
 * Time for the simulated datapath. Cilium's BPF programs read a monotonic
 * clock (`bpf_mono_now()`, whole seconds since boot) to stamp affinity and
 * conntrack entries; the model reads the same kind of clock, but a virtual
 * one that only moves when the simulation says so, so every run is
 * reproducible.
 *
 * The time is kept as the kernel keeps a `timespec64`: whole seconds plus
 * nanoseconds within the second, two integers in doubles. Seconds stay exact
 * up to 2^53 s (285 million years), so the clock holds for any run, and
 * `nowSeconds()` — read per packet by the datapath — is a field load, not a
 * division. A single nanosecond count in a double would stop being exact after
 * 2^53 ns, about 104 days.
 */

const NS_PER_SECOND = 1_000_000_000;
const NS_PER_MS = 1_000_000;
/** The last second the clock can represent exactly (about 285 million years). */
const MAX_SECONDS = Number.MAX_SAFE_INTEGER;

/** A point in virtual time, as a `timespec64`: `nsec` is in [0, 1e9). */
export interface Instant {
  readonly sec: number;
  readonly nsec: number;
}

/** A monotonic clock as the datapath sees it. */
export interface MonotonicClock {
  /** Whole seconds since boot, like `bpf_mono_now()` (what affinity and CT entries store). */
  nowSeconds(): number;
  /**
   * Nanoseconds since boot, like `ktime_get_ns()`: exact for the first 2^53 ns
   * (104 days), the nearest double after that. Use `now()` of a VirtualClock
   * for exact time over longer runs.
   */
  nowNs(): number;
}

/**
 * `base` plus `seconds` (finite, >= 0, may be fractional), rounded to the
 * nanosecond; saturates at the clock's last second, so a timeout of any
 * length is representable (it just never comes).
 */
export function instantAfter(base: Instant, seconds: number): Instant {
  if (!(seconds >= 0) || seconds === Infinity) {
    if (seconds === Infinity) return { sec: MAX_SECONDS, nsec: 0 };
    throw new RangeError(`cannot add ${seconds} seconds to a point in time (a duration is finite and not negative)`);
  }
  const whole = Math.floor(seconds);
  // seconds - whole is exact in binary floating point, so only the rounding to ns loses anything.
  let nsec = base.nsec + Math.round((seconds - whole) * NS_PER_SECOND);
  let sec = base.sec + whole;
  if (nsec >= NS_PER_SECOND) {
    nsec -= NS_PER_SECOND;
    sec += 1;
  }
  if (sec >= MAX_SECONDS) return { sec: MAX_SECONDS, nsec: 0 };
  return { sec, nsec };
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function compareInstants(a: Instant, b: Instant): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}

/** A clock that moves only when told to; it never goes backwards. */
export class VirtualClock implements MonotonicClock {
  private sec = 0;
  private nsec = 0;

  /** @param startSeconds initial time in seconds since boot (default 0). */
  constructor(startSeconds = 0) {
    this.set(startSeconds);
  }

  nowSeconds(): number {
    return this.sec;
  }

  nowNs(): number {
    return this.sec * NS_PER_SECOND + this.nsec;
  }

  /** Whole milliseconds since boot (exact for 285,000 years). */
  nowMs(): number {
    return this.sec * 1000 + Math.floor(this.nsec / NS_PER_MS);
  }

  /** The exact time. */
  now(): Instant {
    return { sec: this.sec, nsec: this.nsec };
  }

  /** Seconds since boot with the fraction (microsecond-exact for centuries). */
  nowFractional(): number {
    return this.sec + this.nsec / NS_PER_SECOND;
  }

  /** Moves the clock forward by `seconds` (may be fractional). */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`VirtualClock: cannot advance by ${seconds} s (a monotonic clock only moves forward)`);
    }
    this.setInstant(instantAfter(this.now(), seconds));
  }

  /** Moves the clock forward by `ns` nanoseconds. */
  advanceNs(ns: number): void {
    if (!Number.isFinite(ns) || ns < 0) {
      throw new RangeError(`VirtualClock: cannot advance by ${ns} ns (a monotonic clock only moves forward)`);
    }
    const whole = Math.round(ns);
    let sec = this.sec + Math.floor(whole / NS_PER_SECOND);
    let nsec = this.nsec + (whole % NS_PER_SECOND);
    if (nsec >= NS_PER_SECOND) {
      nsec -= NS_PER_SECOND;
      sec += 1;
    }
    this.setInstant({ sec, nsec });
  }

  /** Sets the absolute time in seconds since boot; must not be earlier than now. */
  set(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) {
      throw new RangeError(`VirtualClock: cannot set time to ${seconds} s (time since boot is finite and not negative)`);
    }
    this.setInstant(instantAfter({ sec: 0, nsec: 0 }, seconds));
  }

  /** Sets the absolute time in nanoseconds since boot (a safe integer); must not be earlier than now. */
  setNs(ns: number): void {
    if (!Number.isSafeInteger(ns) || ns < 0) {
      throw new RangeError(`VirtualClock: cannot set time to ${ns} ns (not a whole number of nanoseconds since boot)`);
    }
    this.setInstant({ sec: Math.floor(ns / NS_PER_SECOND), nsec: ns % NS_PER_SECOND });
  }

  /** Sets the absolute time; must not be earlier than now. */
  setInstant(t: Instant): void {
    if (!Number.isSafeInteger(t.sec) || !Number.isInteger(t.nsec) || t.nsec < 0 || t.nsec >= NS_PER_SECOND) {
      throw new RangeError(`VirtualClock: ${t.sec} s + ${t.nsec} ns is not a point in time`);
    }
    if (t.sec < this.sec || (t.sec === this.sec && t.nsec < this.nsec)) {
      throw new RangeError(
        `VirtualClock: cannot set time to ${formatInstant(t)} (now ${formatInstant(this.now())}; a monotonic clock never goes backwards)`,
      );
    }
    this.sec = t.sec;
    this.nsec = t.nsec;
  }
}

function formatInstant(t: Instant): string {
  return `${t.sec}.${String(t.nsec).padStart(9, "0")} s`;
}
