import { describe, expect, it } from "vitest";
import { murmur3Hash128 } from "./murmur3";

// Vectors from cilium/cilium pkg/murmur3/murmur3_test.go.
const vectors: [number, bigint, bigint, string][] = [
  [0, 0x0000000000000000n, 0x0000000000000000n, ""],
  [1234, 0x1629cce705a7069cn, 0x316c1fbd953aaecdn, "hello world"],
  [500, 0x188f69f0abbd67den, 0x1b0eeb31b4c00cb6n, "lorem ipsum dolor sit amet"],
  [31, 0x24b05ffca412286an, 0x7d81ac914b62fe96n, "this is a test of 31 bytes long"],
  [0xd09, 0x5e0fd714b3169ae6n, 0x2f36e811c1535dc7n, "The quick brown fox jumps over the lazy dog."],
];

describe("murmur3Hash128", () => {
  it.each(vectors)("seed %d matches Cilium's vector for %#x", (seed, h1, h2, s) => {
    expect(murmur3Hash128(s, seed)).toEqual({ h1, h2 });
  });

  it("hashes bytes and their string form alike", () => {
    expect(murmur3Hash128(new TextEncoder().encode("hello world"), 1234)).toEqual(murmur3Hash128("hello world", 1234));
  });
});
