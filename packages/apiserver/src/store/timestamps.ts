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

function shifted(text: string, deltaMs: number): string {
  const t = Date.parse(text);
  const iso = new Date(t + deltaMs).toISOString();
  // metav1.Time is whole seconds; MicroTime keeps a fraction (milliseconds here).
  return text.includes(".") ? iso : iso.replace(/\.\d+Z$/, "Z");
}

/** Rewrites, in place, every instant in `value` (objects and arrays, any depth). */
export function shiftTimestamps(value: unknown, deltaMs: number): void {
  if (Array.isArray(value)) {
    for (const item of value) shiftTimestamps(item, deltaMs);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (typeof v === "string") {
      if (TIME_FIELDS.has(k) && RFC3339.test(v)) obj[k] = shifted(v, deltaMs);
    } else {
      shiftTimestamps(v, deltaMs);
    }
  }
}
