/** Maglev lookup-table sizes Cilium accepts (`--bpf-lb-maglev-table-size`). */

export const MAGLEV_TABLE_SIZES: readonly number[] = [
  251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071,
];

/** Cilium's default M. */
export const DEFAULT_MAGLEV_TABLE_SIZE = 16381;

/** Returns `m` if Cilium accepts it as a Maglev table size, else throws the agent's error (Go's %v of the list). */
export function checkMaglevTableSize(m: number): number {
  if (!MAGLEV_TABLE_SIZES.includes(m)) {
    throw new RangeError(
      `Invalid value for --bpf-lb-maglev-table-size: ${m}, supported values are: [${MAGLEV_TABLE_SIZES.join(" ")}]`,
    );
  }
  return m;
}
