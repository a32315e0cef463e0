import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { VirtualClock } from "./clock";
import { EventLoop } from "./event-loop";

const YEAR = 365 * 86_400;

describe("EventLoop", () => {
  it("fires timers in time order with the clock at their due time", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 30 }), (delays) => {
        const loop = new EventLoop(new VirtualClock());
        const fired: [number, number][] = [];
        delays.forEach((d, i) => loop.after(d / 10, () => fired.push([loop.now(), i])));
        loop.advance(100);
        const expected = delays.map((d, i) => [d / 10, i] as [number, number]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        expect(fired).toEqual(expected);
        expect(loop.now()).toBe(100);
      }),
      { numRuns: 30 },
    );
  });

  it("skips cancelled timers and drains workers between timers", () => {
    const loop = new EventLoop(new VirtualClock());
    const log: string[] = [];
    const wake = loop.addWorker(() => log.push(`work@${loop.now()}`));
    loop.after(1, wake).cancel();
    loop.after(2, wake);
    loop.advance(5);
    expect(log).toEqual(["work@2"]);
  });

  it("releases a timer when it fires or is cancelled: only live ones stay pending", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 100 }), cancel: fc.boolean() }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 120 }),
        (timers, until) => {
          const loop = new EventLoop(new VirtualClock());
          const fired: number[] = [];
          const handles = timers.map((t, i) => loop.after(t.delay, () => fired.push(i)));
          timers.forEach((t, i) => t.cancel && handles[i]?.cancel());
          loop.advance(until);
          const live = timers.map((t, i) => ({ ...t, i })).filter((t) => !t.cancel);
          expect(fired.sort((a, b) => a - b)).toEqual(live.filter((t) => t.delay <= until).map((t) => t.i));
          expect(loop.pendingTimers()).toBe(live.filter((t) => t.delay > until).length);
          for (const h of handles) h.cancel(); // cancelling a fired or cancelled timer is harmless
          expect(loop.pendingTimers()).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("runs past 2^53 ns: timers days and years out fire at their second", () => {
    const loop = new EventLoop(new VirtualClock());
    const fired: number[] = [];
    loop.after(3000 * 3600, () => fired.push(loop.clock.nowSeconds())); // 125 days
    loop.after(300 * YEAR, () => fired.push(loop.clock.nowSeconds()));
    loop.advance(400 * YEAR);
    expect(fired).toEqual([3000 * 3600, 300 * YEAR]);
    expect(loop.clock.nowSeconds()).toBe(400 * YEAR);
    let ticks = 0;
    const tick = () => {
      ticks++;
      if (ticks < 1000) loop.after(0.001, tick);
    };
    loop.after(0.001, tick);
    loop.advance(1);
    expect(ticks).toBe(1000);
    expect(loop.clock.now()).toEqual({ sec: 400 * YEAR + 1, nsec: 0 });
  });

  it("refuses a non-finite or negative advance without moving", () => {
    const loop = new EventLoop(new VirtualClock(5));
    expect(() => loop.advance(Number.NaN)).toThrow(RangeError);
    expect(() => loop.advance(-1)).toThrow(RangeError);
    expect(() => loop.advance(Infinity)).toThrow(RangeError);
    expect(loop.now()).toBe(5);
  });

  it("calls only woken workers, in the order they were added, round after round", () => {
    const loop = new EventLoop(new VirtualClock());
    const log: string[] = [];
    const wakes: (() => void)[] = [];
    const plan: Record<string, number[]> = { w0: [2], w2: [0, 1] };
    for (let i = 0; i < 3; i++) {
      wakes.push(
        loop.addWorker(() => {
          log.push(`w${i}`);
          for (const j of plan[`w${i}`]?.splice(0) ?? []) (wakes[j] as () => void)();
        }),
      );
    }
    (wakes[0] as () => void)();
    (wakes[0] as () => void)();
    loop.drain();
    // w0 wakes w2 (later: same round); w2 wakes w0 and w1 (earlier: next round), each once.
    expect(log).toEqual(["w0", "w2", "w0", "w1"]);
    loop.drain();
    expect(log).toHaveLength(4);
  });

  it("stops a reconcile loop that never settles", () => {
    const loop = new EventLoop(new VirtualClock());
    const wakes: (() => void)[] = [];
    wakes.push(loop.addWorker(() => (wakes[1] as () => void)()));
    wakes.push(loop.addWorker(() => (wakes[0] as () => void)()));
    (wakes[0] as () => void)();
    expect(() => loop.drain()).toThrow("controllers did not settle");
  });
});
