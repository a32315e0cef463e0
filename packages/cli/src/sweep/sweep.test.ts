import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatReport, parseMeasures, summarize } from "./measures";
import { mergeSweepFiles, parseSeedRange, parseShard, runSweep, shardSeeds } from "./sweep";

describe("svclab sweep", () => {
  it.each([
    ["MEASURE switched=1", { measures: { switched: 1 } }],
    ["noise\nMEASURE a=1 b=2.5\nMEASURE a=3\n", { measures: { a: 3, b: 2.5 } }],
    ["  MEASURE a=1", { measures: {} }],
    ["MEASURE a=x", { measures: {}, error: 'bad measurement "a=x" (expected name=number)' }],
  ])("reads the MEASURE lines of %j", (stdout, expected) => {
    expect(parseMeasures(stdout)).toEqual(expected);
  });

  it("summarises with nearest-rank quantiles", () => {
    const records = Array.from({ length: 100 }, (_, i) => ({ seed: i, status: 0, measures: { v: i + 1 } }));
    expect(summarize(records)).toEqual([{ name: "v", count: 100, mean: 50.5, min: 1, p50: 50, p90: 90, p99: 99, max: 100 }]);
    expect(formatReport([...records, { seed: 100, status: 3, measures: {} }])).toBe(
      "runs: 101, failed: 1 (first: seed 100, exit 3)\nMEASURE   COUNT   MEAN    MIN   P50   P90   P99   MAX\nv         100     50.50   1     50    90    99    100\n",
    );
  });

  it("cuts a seed range into shards that cover it once", () => {
    fc.assert(
      fc.property(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 30 }), (from, span, count) => {
        const range = { from, to: from + span };
        const all = Array.from({ length: count }, (_, index) => shardSeeds(range, { index, count })).flat();
        expect(all).toEqual(Array.from({ length: span + 1 }, (_, i) => from + i));
      }),
    );
  });

  it.each([
    () => parseSeedRange("5-1"),
    () => parseSeedRange("a"),
    () => parseShard("2/2"),
    () => parseShard("1"),
    () => mergeSweepFiles([{ name: "x.json", value: { runs: [] } }, { name: "y.json", value: [] }]),
  ])("refuses bad input %#", (f) => {
    expect(f).toThrow(/--seeds must be|--shard must be|not the output of svclab sweep/);
  });

  it("merges shards into the sweep's runs, refusing a seed twice", () => {
    const a = { seeds: { from: 1, to: 2 }, shard: { index: 0, count: 2 }, runs: [{ seed: 1, status: 0, measures: { x: 1 } }] };
    const b = { seeds: { from: 1, to: 2 }, shard: { index: 1, count: 2 }, runs: [{ seed: 2, status: 0, measures: { x: 0 } }] };
    expect(mergeSweepFiles([{ name: "b", value: b }, { name: "a", value: a }]).map((r) => r.seed)).toEqual([1, 2]);
    expect(() => mergeSweepFiles([{ name: "a", value: a }, { name: "a2", value: a }])).toThrow("a2: seed 1 is in another file too");
  });

  it("runs a script once per seed against a fresh cluster", async () => {
    const script = 'n=$(kubectl get nodes --no-headers | wc -l)\necho "MEASURE nodes=$n"\n';
    const runs = await runSweep({ script, cwd: process.cwd(), topology: { workers: 1 } }, [7, 8], 1);
    expect(runs).toEqual([
      { seed: 7, status: 0, measures: { nodes: 2 } },
      { seed: 8, status: 0, measures: { nodes: 2 } },
    ]);
  });
});

describe("svclab sweep on worker threads", () => {
  // Worker threads run the built module (test depends on build in turbo.json).
  it("gives the runs one thread gives, whatever thread ran them", async () => {
    const { spawnSync } = await import("node:child_process");
    const { mkdtempSync, writeFileSync, readFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = mkdtempSync(join(tmpdir(), "svclab-sweep-"));
    writeFileSync(join(dir, "s.sh"), 'kubectl create deployment web --image=nginx --replicas=2 >/dev/null\nkubectl rollout status deployment web >/dev/null\necho "MEASURE on_worker2=$(kubectl get pods -o wide --no-headers | grep -c kind-worker2)"\n');
    const bin = join(__dirname, "../../bin/svclab.cjs");
    const run = (threads: number) => {
      const r = spawnSync(process.execPath, [bin, "sweep", "s.sh", "--seeds", "1-12", "--threads", String(threads), "--out", `t${threads}.json`], { cwd: dir, encoding: "utf8" });
      expect(r.stderr).toBe("");
      return JSON.parse(readFileSync(join(dir, `t${threads}.json`), "utf8")) as { runs: unknown[] };
    };
    const one = run(1);
    expect(one.runs).toHaveLength(12);
    expect(run(2)).toEqual(one);
  }, 120_000);
});
