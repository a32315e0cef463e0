import { describe, expect, it } from "vitest";
import { parseIPv4 } from "@svclab/sim";
import { PROTO_SCTP, PROTO_TCP, PROTO_UDP } from "../maps/layouts";
import { parseL3n4 } from "./addr";
import { BackendIdAllocator, IdAllocator } from "./id-allocator";

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

describe("BackendIdAllocator", () => {
  const ip = (s: string) => parseIPv4(s);

  it("keys on the whole address, port and protocol", () => {
    const a = new BackendIdAllocator();
    // 10.x and 74.x differ only in bit 30, which picks the inner map.
    const keys: [number, number, number][] = [
      [ip("10.0.0.1"), 80, PROTO_TCP],
      [ip("74.0.0.1"), 80, PROTO_TCP],
      [ip("10.0.0.1"), 81, PROTO_TCP],
      [ip("10.0.0.1"), 80, PROTO_UDP],
      [ip("255.255.255.255"), 65535, PROTO_SCTP],
    ];
    expect(keys.map(([addr, port, proto]) => a.acquire(addr, port, proto))).toEqual([1, 2, 3, 4, 5]);
    expect(keys.map(([addr, port, proto]) => a.lookup(addr, port, proto))).toEqual([1, 2, 3, 4, 5]);
    expect(a.lookup(ip("10.0.0.2"), 80, PROTO_TCP)).toBeUndefined();
  });

  it("does not reuse a released id before the cursor wraps", () => {
    const a = new BackendIdAllocator();
    a.acquire(ip("10.0.0.1"), 80, PROTO_TCP);
    a.acquire(ip("10.0.0.2"), 80, PROTO_TCP);
    a.release(1);
    expect(a.has(1)).toBe(false);
    expect(a.has(2)).toBe(true);
    expect(a.lookup(ip("10.0.0.1"), 80, PROTO_TCP)).toBeUndefined();
    expect(a.acquire(ip("10.0.0.1"), 80, PROTO_TCP)).toBe(3);
  });
});

describe("parseL3n4", () => {
  it.each([
    ["10.244.1.1:8080/TCP", { addr: parseIPv4("10.244.1.1"), port: 8080, proto: PROTO_TCP }],
    ["0.0.0.0:0/ANY", { addr: 0, port: 0, proto: 0 }],
    ["10.244.1.01:8080/TCP", undefined],
    ["10.244.1.1:08080/TCP", undefined],
    ["10.244.1.1:8080/tcp", undefined],
    ["10.244.1.1:70000/TCP", undefined],
    ["10.244.1.1/TCP", undefined],
    ["junk", undefined],
  ])("%s", (s, expected) => {
    expect(parseL3n4(s)).toEqual(expected);
  });
});
