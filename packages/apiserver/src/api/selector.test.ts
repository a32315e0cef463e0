import { describe, expect, it } from "vitest";
import { matchesLabelSelector } from "@svclab/manifest";
import { parseLabelSelector } from "./selector";

describe("parseLabelSelector", () => {
  it.each([
    ["app=sample-app", { app: "sample-app" }, true],
    ["app==sample-app", { app: "other" }, false],
    ["app!=sample-app", { app: "other" }, true],
    ["app!=sample-app", {}, true],
    ["env in (a, b),tier", { env: "b", tier: "x" }, true],
    ["env notin (a)", { env: "a" }, false],
    ["!legacy", { legacy: "1" }, false],
    ["", { any: "thing" }, true],
  ])("%j on %j -> %s", (sel, labels, ok) => {
    expect(matchesLabelSelector(parseLabelSelector(sel), labels)).toBe(ok);
  });

  it("rejects malformed requirements", () => {
    expect(() => parseLabelSelector("a=b=c")).toThrow("unable to parse requirement");
  });
});
