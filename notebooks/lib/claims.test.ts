import { afterEach, describe, expect, it, vi } from "vitest";
import { claim } from "./claims";

describe("claim", () => {
  afterEach(() => vi.restoreAllMocks());

  it("prints a check mark when the statement holds", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    claim("the first two requests reach the same pod", true);
    expect(log).toHaveBeenCalledWith("✓ the first two requests reach the same pod");
  });

  it("throws, naming the statement, when it does not", () => {
    expect(() => claim("one pod answers them all", false)).toThrow("claim does not hold: one pod answers them all");
  });
});
