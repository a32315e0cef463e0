// Views of the simulated cluster for the notebooks' tables: the pods with
// their nodes and addresses, and each node's affinity map entries with the
// backend address translated back to the pod's name.
import type { Cluster } from "@svclab/cluster";
import type { Pod } from "kubernetes-types/core/v1";
import { showTable } from "./display";
import { markdownTable, type Cell } from "./table";

/** Pod name by pod IP, for turning backend addresses into names. */
export function podNames(cluster: Cluster): Map<string, string> {
  const names = new Map<string, string>();
  for (const pod of cluster.list<Pod>("pods")) {
    if (pod.status?.podIP) names.set(pod.status.podIP, pod.metadata?.name ?? "");
  }
  return names;
}

export interface AffinityEntry {
  node: string;
  /** The client's IP, or `netns cookie N` for a pod's socket-level connect(). */
  client: string;
  /** The frontend (address:port) and its rev-NAT id, i.e. the service scope. */
  frontend: string;
  revNat: number;
  backend: string;
  backendId: number;
  pod: string;
  lastUsed: number;
  /** `expires_in=Ns` or `expired`, as the dump states it. */
  expiry: string;
}

// The dataplane's affinityDump line:
// client <id> -> <frontend> (rev_nat N) => <backend> (id N) last_used=N age=Ns <expiry>
const DUMP_LINE = /^client (.+) -> (\S+) \(rev_nat (\d+)\) => (\S+) \(id (\d+)\) last_used=(\d+) age=\d+s (.+)$/;

/** Every node's cilium_lb4_affinity entries, most recently used first per node. */
export function affinityEntries(cluster: Cluster, nodes: readonly string[] = cluster.nodes().map((n) => n.name)): AffinityEntry[] {
  const pods = podNames(cluster);
  return nodes.flatMap((node) =>
    cluster
      .node(node)
      .dataplane.affinityDump()
      .map((line) => {
        const m = DUMP_LINE.exec(line);
        if (m === null) throw new Error(`unexpected affinity dump line: ${line}`);
        const backend = m[4] ?? "";
        return {
          node,
          client: m[1] ?? "",
          frontend: m[2] ?? "",
          revNat: Number(m[3]),
          backend,
          backendId: Number(m[5]),
          pod: pods.get(backend.split(":")[0] ?? "") ?? "(gone)",
          lastUsed: Number(m[6]),
          expiry: m[7] ?? "",
        };
      }),
  );
}

const AFFINITY_HEADERS = ["node", "client", "service frontend (rev-NAT id)", "backend (id)", "pod", "last_used", "expiry"];
const affinityRows = (entries: readonly AffinityEntry[]): Cell[][] =>
  entries.map((e) => [e.node, e.client, `${e.frontend} (${e.revNat})`, `${e.backend} (${e.backendId})`, e.pod, e.lastUsed, e.expiry]);

/** The affinity entries as a Markdown table. */
export function affinityTable(entries: readonly AffinityEntry[]): string {
  if (entries.length === 0) return "*(no affinity entries)*";
  return markdownTable(AFFINITY_HEADERS, affinityRows(entries));
}

/** Displays the affinity entries as a table (Markdown and plain text). */
export function showAffinity(entries: readonly AffinityEntry[]): void {
  if (entries.length === 0) console.log("(no affinity entries)");
  else showTable(AFFINITY_HEADERS, affinityRows(entries));
}

/** The pod that answered an echo-nginx request (`From=` of its body). */
export function answeredBy(body: string): string {
  return /From=(\S+)/.exec(body)?.[1] ?? "";
}

/** The client address the pod saw (`ClientIP=` of its body). */
export function clientIPSeen(body: string): string {
  return /ClientIP=(\S*)/.exec(body)?.[1] ?? "";
}
