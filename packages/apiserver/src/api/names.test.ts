import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { canonicalJson, computeHash, generateName, safeEncodeString, SAFE_ALPHANUMS } from "./names";

describe("names", () => {
  it("SafeEncodeString maps decimal digits as Kubernetes does", () => {
    // '0' is 48, 48 % 27 = 21 -> '4'; '9' is 57 -> 3 -> 'f'.
    expect(safeEncodeString("0123456789")).toBe("456789bcdf");
  });

  it("pod-template-hash is stable, key-order independent and changes with the collision count", () => {
    const a = { metadata: { labels: { app: "sample-app" } }, spec: { containers: [{ name: "c", image: "x" }] } };
    const b = { spec: { containers: [{ image: "x", name: "c" }] }, metadata: { labels: { app: "sample-app" } } };
    expect(computeHash(a)).toBe(computeHash(b));
    expect(computeHash(a, 1)).not.toBe(computeHash(a));
    expect(computeHash(a)).toMatch(/^[456789bcdf]{1,10}$/);
  });

  it("generated names take 5 characters of the safe alphabet", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 5, maxLength: 5 }), (draws) => {
        let i = 0;
        const name = generateName((n) => (draws[i++] as number) % n, "sample-deployment-7f47966499-");
        return name.length === 34 && [...name.slice(-5)].every((ch) => SAFE_ALPHANUMS.includes(ch));
      }),
      { numRuns: 50 },
    );
  });

  it("canonical JSON sorts keys and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: [{ d: undefined, c: "x" }] })).toBe('{"a":[{"c":"x"}],"b":1}');
  });
});
