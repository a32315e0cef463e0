import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BashRandom } from "./bash-random";

const BASH = "/bin/bash";

/** `RANDOM=seed` then five reads, as bash 5.2 prints them (recorded from GNU bash 5.2.15). */
const CASES: [string, number[]][] = [
  ["5", [18498, 29338, 982]],
  ["7", [19344]],
];

describe("BashRandom", () => {
  it.each(CASES)("RANDOM=%s reads as bash's", (seed, want) => {
    const r = new BashRandom(0);
    r.assign(seed);
    expect(want.map(() => r.next())).toEqual(want);
  });

  it("ignores an assignment that is not an integer, as bash does", () => {
    const a = new BashRandom(3);
    const b = new BashRandom(3);
    a.assign("abc");
    expect(a.next()).toBe(b.next());
  });

  // The oracle: the host's bash, for seeds at the generator's edges (0 is replaced, 2^31-1 is the modulus, 2^32+1 wraps).
  it.runIf(existsSync(BASH))("agrees with the host's bash over many seeds", () => {
    const seeds = ["0", "1", "2", "42", "12345", "2147483646", "2147483647", "4294967297", "-1", "99999999"];
    const script = seeds.map((s) => `RANDOM=${s}; echo $RANDOM $RANDOM $RANDOM $RANDOM $RANDOM $RANDOM`).join("\n");
    const host = execFileSync(BASH, ["-c", script], { encoding: "utf8" }).trim().split("\n");
    const ours = seeds.map((s) => {
      const r = new BashRandom(0);
      r.assign(s);
      return Array.from({ length: 6 }, () => r.next()).join(" ");
    });
    expect(ours).toEqual(host);
  });
});
