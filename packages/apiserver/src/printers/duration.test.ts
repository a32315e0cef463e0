import { describe, expect, it } from "vitest";
import { age, humanDuration, rfc1123z } from "./duration";

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe("humanDuration (apimachinery duration.HumanDuration)", () => {
  it.each([
    [-2 * s, "<invalid>"],
    [-1 * s, "0s"],
    [0, "0s"],
    [1 * s, "1s"],
    [119 * s, "119s"],
    [2 * m, "2m"],
    [2 * m + 30 * s, "2m30s"],
    [9 * m + 59 * s, "9m59s"],
    [10 * m + 1 * s, "10m"],
    [179 * m, "179m"],
    [3 * h, "3h"],
    [3 * h + 5 * m, "3h5m"],
    [8 * h + 1 * m, "8h"],
    [47 * h + 59 * m, "47h"],
    [48 * h, "2d"],
    [2 * d + 4 * h, "2d4h"],
    [8 * d, "8d"],
    [729 * d, "729d"],
    [2 * 365 * d + 3 * d, "2y3d"],
    [8 * 365 * d, "8y"],
  ])("%d ms -> %s", (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });

  it("measures AGE on the cluster clock", () => {
    expect(age("2024-01-01T00:00:00Z", new Date("2024-01-01T00:02:30Z"))).toBe("2m30s");
    expect(age(undefined, new Date())).toBe("<unknown>");
  });

  it("formats describe timestamps as Go's RFC1123Z", () => {
    expect(rfc1123z("2024-01-01T00:00:01Z")).toBe("Mon, 01 Jan 2024 00:00:01 +0000");
  });
});
