/**
 * Moving every stored instant by the same amount. `svclab serve --clock
 * manual` advances virtual time on request while the host's clock, which the
 * real kubectl reads to print ages, barely moves; shifting what is stored
 * back by the advance keeps every age (and `<invalid>`-free output) as the
 * virtual clock has it.
 */

/** Fields of the Kubernetes API that hold an RFC 3339 instant. */
const TIME_FIELDS = new Set([
  "creationTimestamp",
  "deletionTimestamp",
  "lastTransitionTime",
  "lastProbeTime",
  "lastHeartbeatTime",
  "lastUpdateTime",
  "lastScheduleTime",
  "startTime",
  "startedAt",
  "finishedAt",
  "renewTime",
  "acquireTime",
  "eventTime",
  "firstTimestamp",
  "lastTimestamp",
  "lastObservedTime",
  "time",
]);

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * metav1.Time is whole seconds, so it moves by `wholeSecondsMs` (a multiple
 * of 1000 the caller keeps the remainder of: truncating each small shift
 * instead would lose up to a second every time); MicroTime keeps a fraction
 * (milliseconds here) and moves by `deltaMs`.
 */
function shifted(text: string, deltaMs: number, wholeSecondsMs: number): string {
  const t = Date.parse(text);
  if (text.includes(".")) return new Date(t + deltaMs).toISOString();
  return new Date(t + wholeSecondsMs).toISOString().replace(/\.\d+Z$/, "Z");
}

/**
 * Rewrites, in place, every instant in `value` (objects and arrays, any
 * depth); whole-second instants by `wholeSecondsMs` (by default `deltaMs`
 * cut to whole seconds).
 */
export function shiftTimestamps(value: unknown, deltaMs: number, wholeSecondsMs = Math.trunc(deltaMs / 1000) * 1000): void {
  if (Array.isArray(value)) {
    for (const item of value) shiftTimestamps(item, deltaMs, wholeSecondsMs);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (typeof v === "string") {
      if (TIME_FIELDS.has(k) && RFC3339.test(v)) obj[k] = shifted(v, deltaMs, wholeSecondsMs);
    } else {
      shiftTimestamps(v, deltaMs, wholeSecondsMs);
    }
  }
}
