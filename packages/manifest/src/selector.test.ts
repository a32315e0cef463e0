import { describe, expect, it } from "vitest";
import { matchesLabelSelector, matchesSelectorMap } from "./selector";

describe("label selectors", () => {
  const labels = { app: "web", tier: "front" };
  it.each<[string, Parameters<typeof matchesLabelSelector>[0], boolean]>([
    ["matchLabels hit", { matchLabels: { app: "web" } }, true],
    ["matchLabels miss", { matchLabels: { app: "db" } }, false],
    ["In", { matchExpressions: [{ key: "tier", operator: "In", values: ["front", "back"] }] }, true],
    ["NotIn", { matchExpressions: [{ key: "tier", operator: "NotIn", values: ["front"] }] }, false],
    ["NotIn on missing key", { matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, true],
    ["Exists", { matchExpressions: [{ key: "app", operator: "Exists" }] }, true],
    ["DoesNotExist", { matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, false],
    ["both must hold", { matchLabels: { app: "web" }, matchExpressions: [{ key: "tier", operator: "In", values: ["back"] }] }, false],
    ["empty selector matches everything", {}, true],
    ["missing selector matches nothing", undefined, false],
  ])("%s", (_n, sel, expected) => {
    expect(matchesLabelSelector(sel, labels)).toBe(expected);
  });

  it("service selector maps: empty selects nothing, prototype keys are not labels", () => {
    expect(matchesSelectorMap({ app: "web" }, labels)).toBe(true);
    expect(matchesSelectorMap({ app: "web", x: "y" }, labels)).toBe(false);
    expect(matchesSelectorMap({}, labels)).toBe(false);
    expect(matchesSelectorMap({ toString: "x" }, {})).toBe(false);
  });
});
