// The article's experiment as a timeline: when each request was sent, which
// pod answered, how the datapath chose it (from the trace), and the spans in
// which the client's affinity entry was valid.
import type { Cluster, CurlResult } from "@svclab/cluster";
import type { TimelineOptions, TimelineRequest } from "./charts";
import { journey, serviceHops } from "./journey";
import { shortPodName } from "./pictures";

export const AFFINITY_HIT = "affinity entry (same pod)";
export const NEW_ENTRY = "random draw, remembered";
export const NO_AFFINITY = "random draw (no affinity)";

/** How the datapath chose the backend, read off the request's map accesses. */
export function howChosen(request: CurlResult): string {
  const accesses = serviceHops(request.trace)[0]?.accesses ?? [];
  const affinity = accesses.filter((a) => a.map === "cilium_lb4_affinity");
  if (affinity.length === 0) return NO_AFFINITY;
  const live = affinity.some((a) => a.op === "lookup" && a.result === "hit") && !affinity.some((a) => a.op === "delete");
  return live ? AFFINITY_HIT : NEW_ENTRY;
}


/**
 * The timeline of requests sent at the given times: an affinity entry is
 * valid for `timeoutSeconds` after each request that used or wrote one (the
 * timer slides with every use); where a later request finds it expired, the
 * expiry is marked. `events` are the notebook's own moments (a patch).
 */
export function affinityTimeline(
  cluster: Cluster,
  sent: readonly { at: number; request: CurlResult }[],
  timeoutSeconds: number,
  events: readonly { at: number; label: string }[] = [],
): Pick<TimelineOptions, "requests" | "windows" | "expiries" | "events"> {
  const requests: TimelineRequest[] = sent.map(({ at, request }) => ({ at, pod: shortPodName(journey(cluster, request).pod ?? "?"), how: howChosen(request) }));
  const windows: { from: number; to: number }[] = [];
  const expiries: { at: number; label: string }[] = [];
  sent.forEach(({ at, request }, i) => {
    if (howChosen(request) === NO_AFFINITY) return;
    const last = windows.at(-1);
    if (last !== undefined && at < last.to) last.to = at + timeoutSeconds;
    else windows.push({ from: at, to: at + timeoutSeconds });
    const next = sent[i + 1];
    if (next !== undefined && next.at >= at + timeoutSeconds && howChosen(next.request) !== NO_AFFINITY) expiries.push({ at: at + timeoutSeconds, label: "entry expires" });
  });
  return { requests, windows, expiries, events };
}
