import { describe, expect, it } from "vitest";
import { markdownTable } from "./table";

describe("markdownTable", () => {
  it("writes a header, a separator and one line per row", () => {
    expect(markdownTable(["pod", "requests"], [["a", 3], ["b", 0]])).toBe(
      ["| pod | requests |", "| --- | --- |", "| a | 3 |", "| b | 0 |"].join("\n"),
    );
  });

  it("keeps cell text from breaking the table", () => {
    expect(markdownTable(["key"], [["{a | b}\nnext"], [undefined], [null]])).toBe(
      ["| key |", "| --- |", "| {a \\| b} next |", "|  |", "|  |"].join("\n"),
    );
  });
});
