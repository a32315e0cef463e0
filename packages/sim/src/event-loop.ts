/**
 * The cluster's single thread of virtual time. Timers (pod start-up, grace
 * periods, probe and health-check intervals) fire in time order, each with
 * the clock set to its due time; controller work queued by watch events
 * runs to quiescence between timers, as if reconciling took no time.
 *
 * A draining pass only calls the workers that were woken (something was
 * queued for them), in the order they were added: a worker woken by one
 * later in the order runs in the next round, one woken by an earlier worker
 * in the same round, so with hundreds of kubelets and node agents a request
 * or a timer costs what it touches, not one call per component.
 */
import { type Instant, type VirtualClock, compareInstants, instantAfter } from "./clock";

/**
 * A pending timer. It leaves the heap the moment it fires or is cancelled and
 * drops its callback then, so a handle kept by its owner pins nothing.
 */
interface Timer {
  readonly sec: number;
  readonly nsec: number;
  readonly seq: number;
  run: () => void;
  /** Position in the heap; -1 once fired or cancelled. */
  index: number;
}

export interface TimerHandle {
  cancel(): void;
}

/** Work that drains a controller queue; runs only after its wake function was called. */
export type Worker = () => void;

/** Marks the worker as having work: the next drain calls it. */
export type WakeWorker = () => void;

const RELEASED = (): void => {};
/** A safety net against controllers that keep re-queuing each other. */
const MAX_ROUNDS = 10_000;

export class EventLoop {
  private heap: Timer[] = [];
  private seq = 0;
  private readonly workers: Worker[] = [];
  /** 1 at a worker's index while it has work queued. */
  private woken = new Uint8Array(16);
  private wokenCount = 0;

  constructor(readonly clock: VirtualClock) {}

  /** Seconds since the cluster started (fractional). */
  now(): number {
    return this.clock.nowFractional();
  }

  /** Adds a worker; call the returned function whenever work is queued for it. */
  addWorker(w: Worker): WakeWorker {
    const index = this.workers.length;
    this.workers.push(w);
    if (index === this.woken.length) {
      const grown = new Uint8Array(index * 2);
      grown.set(this.woken);
      this.woken = grown;
    }
    return () => {
      if (this.woken[index] === 1) return;
      this.woken[index] = 1;
      this.wokenCount++;
    };
  }

  /** Runs `run` after `seconds` of virtual time. */
  after(seconds: number, run: () => void): TimerHandle {
    const at = instantAfter(this.clock.now(), seconds);
    const t: Timer = { sec: at.sec, nsec: at.nsec, seq: this.seq++, run, index: -1 };
    this.push(t);
    return { cancel: () => this.remove(t) };
  }

  /** Timers waiting to fire (cancelled and fired ones are gone). */
  pendingTimers(): number {
    return this.heap.length;
  }

  /** Runs controllers until none has work left. */
  drain(): void {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      if (this.wokenCount === 0) return;
      for (let i = 0; i < this.workers.length && this.wokenCount > 0; i++) {
        if (this.woken[i] === 0) continue;
        this.woken[i] = 0;
        this.wokenCount--;
        (this.workers[i] as Worker)();
      }
    }
    throw new Error("controllers did not settle (a reconcile loop keeps re-queuing)");
  }

  /** Advances virtual time by `seconds`, firing due timers in order. */
  advance(seconds: number): void {
    if (!(seconds >= 0) || !Number.isFinite(seconds)) throw new RangeError(`cannot advance the clock by ${seconds} seconds`);
    this.runUntil(instantAfter(this.clock.now(), seconds));
  }

  /** Fires timers up to `deadline`, then leaves the clock at that time. */
  runUntil(deadline: Instant): void {
    this.drain();
    for (;;) {
      const t = this.heap[0];
      if (t === undefined || t.sec > deadline.sec || (t.sec === deadline.sec && t.nsec > deadline.nsec)) break;
      const run = t.run;
      this.remove(t);
      this.moveClockTo(t);
      run();
      this.drain();
    }
    this.moveClockTo(deadline);
  }

  private moveClockTo(t: Instant): void {
    if (compareInstants(t, this.clock.now()) > 0) this.clock.setInstant(t);
  }

  /** Due time of the next timer, if any. */
  nextTimer(): Instant | undefined {
    const t = this.heap[0];
    return t === undefined ? undefined : { sec: t.sec, nsec: t.nsec };
  }

  private push(t: Timer): void {
    t.index = this.heap.length;
    this.heap.push(t);
    this.siftUp(t.index);
  }

  /** Takes `t` out of the heap (a no-op once it has fired or been cancelled). */
  private remove(t: Timer): void {
    const i = t.index;
    if (i < 0) return;
    t.index = -1;
    t.run = RELEASED;
    const h = this.heap;
    const last = h.pop() as Timer;
    if (i === h.length) return;
    h[i] = last;
    last.index = i;
    this.siftDown(i);
    this.siftUp(last.index);
  }

  private siftUp(i: number): void {
    const h = this.heap;
    const t = h[i] as Timer;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p] as Timer;
      if (!before(t, parent)) break;
      h[i] = parent;
      parent.index = i;
      i = p;
    }
    h[i] = t;
    t.index = i;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    const t = h[i] as Timer;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && before(h[r] as Timer, h[l] as Timer) ? r : l;
      const child = h[c] as Timer;
      if (!before(child, t)) break;
      h[i] = child;
      child.index = i;
      i = c;
    }
    h[i] = t;
    t.index = i;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.sec < b.sec || (a.sec === b.sec && (a.nsec < b.nsec || (a.nsec === b.nsec && a.seq < b.seq)));
}
