import { describe, expect, it } from "vitest";
import { markdownTable, textTable } from "./table";

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

describe("textTable", () => {
  it("pads every column but the last to its widest cell, three spaces apart", () => {
    expect(textTable(["NAME", "IP"], [["sample-pod", "10.244.1.3"], ["a", undefined]])).toBe(
      ["NAME         IP", "sample-pod   10.244.1.3", "a"].join("\n"),
    );
  });

  it("counts Hangul as two terminal columns", () => {
    expect(textTable(["요청", "pod"], [["1", "a"]])).toBe(["요청   pod", "1      a"].join("\n"));
  });
});
