import { describe, expect, it } from "vitest";
import { IdAllocator } from "./id-allocator";

describe("IdAllocator", () => {
  it("allocates from the first id and returns the same id for the same key", () => {
    const a = new IdAllocator(1, 0xffff);
    expect(a.acquire("10.96.0.1:80/TCP")).toBe(1);
    expect(a.acquire("10.96.0.2:80/TCP")).toBe(2);
    expect(a.acquire("10.96.0.1:80/TCP")).toBe(1);
  });

  it("does not reuse a released id before the cursor wraps", () => {
    const a = new IdAllocator(1, 0xffff);
    a.acquire("a");
    a.acquire("b");
    a.release("a");
    expect(a.acquire("c")).toBe(3);
    expect(a.lookup("a")).toBeUndefined();
  });

  it("wraps around to free ids and fails when the range is exhausted", () => {
    const a = new IdAllocator(1, 4); // ids 1..3
    expect([a.acquire("a"), a.acquire("b"), a.acquire("c")]).toEqual([1, 2, 3]);
    expect(() => a.acquire("d")).toThrow("no ID available");
    a.release("b");
    expect(a.acquire("d")).toBe(2);
    expect(a.keyOf(2)).toBe("d");
  });
});
