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
import type { VirtualClock } from "./clock";

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
  cancelled: boolean;
}

export interface TimerHandle {
  cancel(): void;
}

/** Work that drains a controller queue; runs only after its wake function was called. */
export type Worker = () => void;

/** Marks the worker as having work: the next drain calls it. */
export type WakeWorker = () => void;

const NS = 1e9;
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
    return this.clock.nowNs() / NS;
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
    const t: Timer = { at: this.clock.nowNs() + Math.round(seconds * NS), seq: this.seq++, run, cancelled: false };
    this.push(t);
    return { cancel: () => void (t.cancelled = true) };
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
    if (!(seconds >= 0)) throw new RangeError(`cannot advance the clock by ${seconds} seconds`);
    this.runUntil(this.clock.nowNs() + Math.round(seconds * NS));
  }

  /** Fires timers up to `deadlineNs`, then leaves the clock at that time. */
  runUntil(deadlineNs: number): void {
    this.drain();
    for (;;) {
      const t = this.heap[0];
      if (t === undefined || t.at > deadlineNs) break;
      this.pop();
      if (t.cancelled) continue;
      if (t.at > this.clock.nowNs()) this.clock.setNs(t.at);
      t.run();
      this.drain();
    }
    if (deadlineNs > this.clock.nowNs()) this.clock.setNs(deadlineNs);
  }

  /** Due time of the next live timer, in ns, if any. */
  nextTimerNs(): number | undefined {
    while (this.heap[0]?.cancelled) this.pop();
    return this.heap[0]?.at;
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(t, h[p] as Timer)) break;
      h[i] = h[p] as Timer;
      i = p;
    }
    h[i] = t;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as Timer;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && before(h[r] as Timer, h[l] as Timer) ? r : l;
      if (!before(h[c] as Timer, last)) break;
      h[i] = h[c] as Timer;
      i = c;
    }
    h[i] = last;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
