// Shared helpers for bench/*.bench.mjs files.
//
// Protocol with bench/run.mjs: a bench file is run as its own Node process
// (`node --expose-gc <file>`); every result it wants in results.json is
// printed as one stdout line `BENCH_RESULT <json>` (use `report()`), where
// json = { group, name, unit, median, ...extra }. Other output is shown as is.
//
// Machines are noisy (20-60% between processes), so compare
// implementations inside one process, alternating them round by round,
// and report medians and ratios.

/** Prints one result line for the driver. */
export function report(result) {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs `fn()` (which performs `ops` operations) and returns Mops/s. */
export function mopsOf(fn, ops) {
  const t0 = process.hrtime.bigint();
  fn();
  const ns = Number(process.hrtime.bigint() - t0);
  return ops / (ns / 1e3);
}

/**
 * Alternates implementations for `rounds` rounds (order rotates each round)
 * after `warmup` untimed rounds; returns { name: [Mops/s per round] }.
 * impls: { name: () => void } each doing `ops` operations per call.
 */
export function alternate(impls, ops, { rounds = 9, warmup = 2 } = {}) {
  const names = Object.keys(impls);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < warmup + rounds; r++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(r + j) % names.length];
      globalThis.gc?.();
      const mops = mopsOf(impls[name], ops);
      if (r >= warmup) samples[name].push(mops);
    }
  }
  return samples;
}

/** Reports each implementation's median Mops/s and its ratio to `baseline`. */
export function reportThroughput(group, samples, baseline) {
  const medians = Object.fromEntries(Object.entries(samples).map(([n, xs]) => [n, median(xs)]));
  for (const [name, m] of Object.entries(medians)) {
    report({
      group,
      name,
      unit: "Mops/s",
      median: round(m),
      min: round(Math.min(...samples[name])),
      max: round(Math.max(...samples[name])),
      rounds: samples[name].length,
      ...(baseline && name !== baseline ? { ratioVs: baseline, ratio: round(m / medians[baseline]) } : {}),
    });
  }
  return medians;
}

export function round(x, digits = 2) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
