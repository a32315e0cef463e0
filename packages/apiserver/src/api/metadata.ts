/**
 * System metadata the API server stamps on objects: UIDs (RFC 4122 version 4
 * from the seeded generator) and RFC 3339 timestamps from the virtual clock.
 */
import type { SeededRandom } from "@svclab/sim";

export function newUid(rng: SeededRandom): string {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, "0");
  const a = rng.nextU32();
  const b = rng.nextU32();
  const c = rng.nextU32();
  const d = rng.nextU32();
  return (
    `${hex(a, 8)}-${hex(b >>> 16, 4)}-${hex(0x4000 | (b & 0x0fff), 4)}-` +
    `${hex(0x8000 | ((c >>> 16) & 0x3fff), 4)}-${hex(c & 0xffff, 4)}${hex(d, 8)}`
  );
}

/** metav1.Time's JSON form: second precision, UTC. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
