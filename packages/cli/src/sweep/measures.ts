/**
 * What a sweep collects: the `MEASURE name=value ...` lines a script
 * prints, per seed, and their distribution over the seeds (count, mean,
 * min, quantiles, max), exact because every value is kept: shard outputs
 * merge by concatenating their runs.
 */

/** One seed's run: its exit status and the measurements it printed. */
export interface RunRecord {
  readonly seed: number;
  readonly status: number;
  readonly measures: Readonly<Record<string, number>>;
  /** Why a MEASURE line was refused, if one was. */
  readonly error?: string;
}

export interface MeasureSummary {
  readonly name: string;
  readonly count: number;
  readonly mean: number;
  readonly min: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

const MEASURE_LINE = /^MEASURE\s+(.*)$/;
const PAIR = /^([A-Za-z_][\w.-]*)=(\S+)$/;

/** The measurements of a run's stdout; later lines overwrite a name. */
export function parseMeasures(stdout: string): { measures: Record<string, number>; error?: string } {
  const measures: Record<string, number> = {};
  for (const line of stdout.split("\n")) {
    const m = MEASURE_LINE.exec(line.trimEnd());
    if (m === null) continue;
    for (const token of (m[1] ?? "").split(/\s+/).filter((t) => t !== "")) {
      const pair = PAIR.exec(token);
      const value = Number(pair?.[2]);
      if (pair === null || !Number.isFinite(value)) return { measures, error: `bad measurement ${JSON.stringify(token)} (expected name=number)` };
      measures[pair[1] as string] = value;
    }
  }
  return { measures };
}

/** The nearest-rank quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number;
}

export function summarize(records: readonly RunRecord[]): MeasureSummary[] {
  const values = new Map<string, number[]>();
  for (const r of records) {
    for (const [name, v] of Object.entries(r.measures)) {
      let list = values.get(name);
      if (list === undefined) values.set(name, (list = []));
      list.push(v);
    }
  }
  return [...values.entries()]
    .sort((a, b) => (a[0] < b[0] ? -1 : 1))
    .map(([name, list]) => {
      const sorted = [...list].sort((a, b) => a - b);
      return {
        name,
        count: sorted.length,
        mean: sorted.reduce((s, v) => s + v, 0) / sorted.length,
        min: sorted[0] as number,
        p50: quantile(sorted, 0.5),
        p90: quantile(sorted, 0.9),
        p99: quantile(sorted, 0.99),
        max: sorted[sorted.length - 1] as number,
      };
    });
}

const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : v.toPrecision(4));

/** The report `svclab sweep` prints: runs, failures, one row per measurement. */
export function formatReport(records: readonly RunRecord[]): string {
  const failed = records.filter((r) => r.status !== 0 || r.error !== undefined);
  const lines = [`runs: ${records.length}, failed: ${failed.length}${failed.length > 0 ? ` (first: seed ${failed[0]?.seed}${failed[0]?.error ? `, ${failed[0].error}` : `, exit ${failed[0]?.status}`})` : ""}`];
  const rows = [["MEASURE", "COUNT", "MEAN", "MIN", "P50", "P90", "P99", "MAX"]];
  for (const s of summarize(records)) rows.push([s.name, String(s.count), fmt(s.mean), fmt(s.min), fmt(s.p50), fmt(s.p90), fmt(s.p99), fmt(s.max)]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length))) ?? [];
  if (rows.length > 1) for (const r of rows) lines.push(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join(""));
  return `${lines.join("\n")}\n`;
}
