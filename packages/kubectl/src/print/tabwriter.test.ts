import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { tabwrite } from "./tabwriter";

describe("tabwrite (Go text/tabwriter)", () => {
  it.each([
    // kubectl get: padding 3, minimum width 6, the last column never padded
    ["a\tbb\tc\nlong-name\tx\ty\n", 6, 3, "a           bb    c\nlong-name   x     y\n"],
    // a line without tabs ends the column block above it
    ["Name:\tx\nPorts:\nPort:\tp\n", 0, 2, "Name:  x\nPorts:\nPort:  p\n"],
    // consecutive lines share column widths; a shorter line interrupts nothing of column 0
    ["a\tb\tc\naaaa\tb\nx\ty\tz\n", 0, 1, "a    b c\naaaa b\nx    y z\n"],
    // cells of nested columns align only within their own block
    ["  Type\tStatus\n  Ready \tTrue \nQoS:\tBestEffort\n", 0, 2, "  Type    Status\n  Ready   True \nQoS:      BestEffort\n"],
    // empty cells are padded too
    ["\tx\nab\ty\n", 0, 2, "    x\nab  y\n"],
  ])("%j (minwidth %i, padding %i)", (input, minwidth, padding, want) => {
    expect(tabwrite(input, { minwidth, padding })).toBe(want);
  });

  it("keeps text without tabs as it is", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom("a", "b", " ", "é") }), { maxLength: 5 }), (lines) => {
        const text = lines.map((l) => `${l}\n`).join("");
        expect(tabwrite(text, { padding: 3 })).toBe(text);
      }),
      { numRuns: 50 },
    );
  });

  it("aligns every cell of a column to the same start", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.stringMatching(/^[a-z]{0,8}$/), fc.stringMatching(/^[a-z]{1,8}$/)), { minLength: 1, maxLength: 6 }), (rows) => {
        const out = tabwrite(rows.map(([a, b]) => `${a}\t${b}\n`).join(""), { padding: 3 });
        const starts = out
          .trimEnd()
          .split("\n")
          .map((l, i) => l.length - (rows[i] as [string, string])[1].length);
        expect(new Set(starts).size).toBe(1);
      }),
      { numRuns: 50 },
    );
  });
});
