/**
 * Range checks for the numeric (allocation-free) write paths: the agent
 * side must reject a value the C field cannot hold instead of silently
 * truncating it.
 */

/** Throws a RangeError unless `value` is an integer in [0, 2^bits - 1]. */
export function checkUint(what: string, value: number, bits: 8 | 16 | 32): void {
  const max = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  if (!(Number.isInteger(value) && value >= 0 && value <= max)) {
    throw new RangeError(`${what}: expected an integer in [0, ${max}], got ${value}`);
  }
}
