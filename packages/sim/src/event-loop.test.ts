import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { VirtualClock } from "./clock";
import { EventLoop } from "./event-loop";

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
