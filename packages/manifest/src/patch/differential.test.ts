// Differential test against the real kubectl 1.32: seeded random Services,
// Deployments and Pods, and strategic / merge / JSON patches on them, applied
// by `kubectl patch --local -o json` and by localPatch. Prints
// `patch agreement: N/M`. SVCLAB_PATCH_CASES sets the number of cases
// (default 2000), SVCLAB_PATCH_SEED the seed; every case that disagrees is
// listed with both outputs, and the test fails on any.
import { existsSync, writeFileSync } from "node:fs";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { hasOwn, isJsonObject, jsonEqual } from "../safe";
import { KubectlError } from "../status";
import { GoPanic } from "./gov";
import { localPatch } from "./local";
import { batch, type Batch } from "./test-support/arbitraries";
import { KUBECTL, KubectlOracle, type KubectlRun } from "./test-support/kubectl";

const CASES = Number(process.env.SVCLAB_PATCH_CASES ?? 2000);
const SEED = Number(process.env.SVCLAB_PATCH_SEED ?? 15);
const PER_BATCH = 8;

type Outcome = { readonly object: unknown } | { readonly error: string } | { readonly panic: string };

function ours(object: Record<string, unknown>, patch: string, type: Batch["type"]): Outcome {
  try {
    return { object: localPatch(object, patch, type) };
  } catch (e) {
    if (e instanceof KubectlError) return { error: e.message };
    if (e instanceof GoPanic) return { panic: e.message };
    throw e;
  }
}

/** kubectl's output for these outcomes in one run: printed objects, then every error. */
function sameAsRun(outcomes: readonly Outcome[], run: KubectlRun): boolean {
  // Where kubectl crashes, agreeing means the same Go panic (the goroutine dump aside).
  if (outcomes.length === 1 && "panic" in outcomes[0]!) return run.code === 2 && run.stderr.startsWith(`panic: ${outcomes[0].panic}\n`);
  if (outcomes.some((o) => "panic" in o)) return false;
  const objects = outcomes.flatMap((o) => ("object" in o ? [o.object] : []));
  const errors = outcomes.flatMap((o) => ("error" in o ? [o.error] : []));
  const stderr = errors.length === 1 ? errors[0]! : errors.map((e) => e.replace(/^error: /, "")).join("\n");
  return run.stderr === stderr && run.objects.length === objects.length && objects.every((o, i) => jsonEqual(o, run.objects[i]));
}

function describeOutcome(o: Outcome): string {
  return "object" in o ? JSON.stringify(o.object) : "error" in o ? o.error : `panic: ${o.panic}`;
}

/** The value with every object's keys rotated by `by` (reversed for -1): another order Go's map iteration may take. */
function reorderKeys(v: unknown, by: number): unknown {
  if (Array.isArray(v)) return v.map((x) => reorderKeys(x, by));
  if (!isJsonObject(v)) return v;
  const keys = Object.keys(v);
  const order = by < 0 ? [...keys].reverse() : keys.map((_, i) => keys[(i + by) % keys.length]!);
  const out: Record<string, unknown> = {};
  for (const k of order) Object.defineProperty(out, k, { value: reorderKeys(v[k], by), enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * Whether processing the patch's keys in another order (as Go's randomised
 * map iteration may) yields kubectl's output: a patch with several faults
 * reports whichever kubectl meets first.
 */
function agreesInAnotherOrder(object: Record<string, unknown>, b: Batch, run: KubectlRun): boolean {
  if (!b.patch.trimStart().startsWith("{")) return false;
  const patch = JSON.parse(b.patch) as unknown;
  return [-1, 1, 2, 3].some((by) => sameAsRun([ours(object, JSON.stringify(reorderKeys(patch, by)), b.type)], run));
}

/** Where two JSON values first differ, e.g. `.spec.ports[1]: {...} vs {...}`. */
function firstDifference(a: unknown, b: unknown, at = ""): string | undefined {
  if (jsonEqual(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${at}[${i}]`);
      if (d !== undefined) return d;
    }
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const d = firstDifference(hasOwn(a, k) ? a[k] : undefined, hasOwn(b, k) ? b[k] : undefined, `${at}.${k}`);
      if (d !== undefined) return d;
    }
  }
  return `${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

function describeRun(run: KubectlRun): string {
  return run.objects.length === 1 && run.stderr === "" ? JSON.stringify(run.objects[0]) : run.stderr;
}

interface Disagreement {
  readonly batch: Batch;
  readonly object: Record<string, unknown>;
  readonly ours: string;
  readonly kubectl: string;
  readonly diff?: string;
}

describe.skipIf(!existsSync(KUBECTL))("kubectl patch --local differential", () => {
  const oracle = new KubectlOracle(2);
  afterAll(() => oracle.close());

  it(`agrees with kubectl on ${CASES} seeded cases`, { timeout: 1_800_000 }, async () => {
    const batches = fc.sample(batch(PER_BATCH), { seed: SEED, numRuns: Math.ceil(CASES / PER_BATCH) });
    let agree = 0;
    let total = 0;
    let nondeterministic = 0;
    let otherOrder = 0;
    const disagreements: Disagreement[] = [];

    await Promise.all(
      batches.map(async (b) => {
        const objects = b.objects.slice(0, Math.min(PER_BATCH, CASES - total));
        total += objects.length;
        const outcomes = objects.map((o) => ours(o, b.patch, b.type));
        if (sameAsRun(outcomes, await oracle.patch(objects, b.patch, b.type))) {
          agree += objects.length;
          return;
        }
        // Attribute the difference: one run per object.
        await Promise.all(
          objects.map(async (object, i) => {
            const outcome = outcomes[i]!;
            let run = await oracle.patch([object], b.patch, b.type);
            if (sameAsRun([outcome], run)) {
              agree++;
              return;
            }
            // Go's map order can change which error wins (a patch with several faults;
            // insertion order, which we follow, is only the likeliest): rerun before
            // calling it a difference.
            for (let retry = 0; retry < 8; retry++) {
              const again = await oracle.patch([object], b.patch, b.type);
              if (sameAsRun([outcome], again)) {
                agree++;
                nondeterministic++;
                return;
              }
              run = again;
            }
            if (agreesInAnotherOrder(object, b, run)) {
              agree++;
              otherOrder++;
              return;
            }
            const diff = "object" in outcome && run.objects.length === 1 ? firstDifference(outcome.object, run.objects[0]) : undefined;
            disagreements.push({ batch: b, object, ours: describeOutcome(outcome), kubectl: describeRun(run), ...(diff === undefined ? {} : { diff }) });
          }),
        );
      }),
    );

    // SVCLAB_PATCH_DUMP=file.json keeps every disagreement in full.
    if (process.env.SVCLAB_PATCH_DUMP !== undefined) writeFileSync(process.env.SVCLAB_PATCH_DUMP, JSON.stringify(disagreements, null, 1));
    console.log(`patch agreement: ${agree}/${total} (seed ${SEED}, ${oracle.runs} kubectl runs, ${nondeterministic} agreeing only on a rerun, ${otherOrder} only in another map order)`);
    for (const d of disagreements.slice(0, 20)) {
      console.log(
        [`--- ${d.batch.type} patch on ${d.batch.kind}`, `patch:   ${JSON.stringify(d.batch.patch)}`, `differ:  ${d.diff ?? "-"}`, `object:  ${JSON.stringify(d.object)}`, `ours:    ${d.ours}`, `kubectl: ${d.kubectl}`].join("\n"),
      );
    }
    expect(disagreements.map((d) => `${d.batch.type} ${d.batch.patch} on ${JSON.stringify(d.object)}: ours ${d.ours} / kubectl ${d.kubectl}`)).toEqual([]);
  });
});
