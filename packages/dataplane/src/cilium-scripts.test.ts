/**
 * Cilium's load-balancer script tests (pkg/loadbalancer/tests/testdata),
 * ported to testdata/*.txtar and run by the script engine. A file names its
 * source on a `# ported from:` line; one marked `# known-failing: <why>`
 * is expected to fail (vitest's `it.fails`), so the printed count is honest.
 */

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runScript } from "./test-support/script/runner";

const dir = join(__dirname, "..", "testdata");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".txtar"))
  .sort();

const tally = new Map<string, { ported: number; passing: number }>();

describe("Cilium script tests", () => {
  for (const file of files) {
    const text = readFileSync(join(dir, file), "utf8");
    const source = /^# ported from: (\S+)/m.exec(text)?.[1] ?? "(no source)";
    const knownFailing = /^# known-failing: (.+)$/m.exec(text)?.[1];
    const count = tally.get(source) ?? { ported: 0, passing: 0 };
    tally.set(source, count);
    count.ported++;
    const result = runScript(text);
    if (result.ok) count.passing++;
    const test = knownFailing === undefined ? it : it.fails;
    test(`${file}${knownFailing === undefined ? "" : ` (known failing: ${knownFailing})`}`, () => {
      expect(result.error).toBeUndefined();
      expect(result.ok).toBe(true);
    });
  }
});

afterAll(() => {
  const lines = [...tally].sort(([a], [b]) => (a < b ? -1 : 1)).map(([src, c]) => `${c.passing}/${c.ported}  ${src}`);
  const ported = [...tally.values()].reduce((n, c) => n + c.ported, 0);
  const passing = [...tally.values()].reduce((n, c) => n + c.passing, 0);
  console.log(`Cilium script tests: ${passing} of ${ported} ported cases pass (passing/ported per source file)\n${lines.join("\n")}`);
});
