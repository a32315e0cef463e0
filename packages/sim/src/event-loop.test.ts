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
    let queued = 0;
    const log: string[] = [];
    loop.addWorker(() => {
      if (queued === 0) return false;
      queued--;
      log.push(`work@${loop.now()}`);
      return true;
    });
    loop.after(1, () => (queued = 2)).cancel();
    loop.after(2, () => (queued = 1));
    loop.advance(5);
    expect(log).toEqual(["work@2"]);
  });
});
