/**
 * `kubectl get` tables: the server-side table printers of
 * pkg/printers/internalversion/printers.go (columns, `<none>`/`<pending>`
 * placeholders, wide columns) laid out by kubectl's tab writer (minimum
 * width 6, padding 3). Objects are plain Kubernetes JSON.
 */
import type { Endpoints, Namespace, Node, Pod, Service } from "kubernetes-types/core/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { age } from "./duration";
import { formatLabels, formatSelector, goValue, listWithMore } from "./format";
import { jsonpathValues } from "./jsonpath";
import { tabwrite } from "./tabwriter";

export interface TableOptions {
  readonly wide?: boolean;
  readonly showLabels?: boolean;
  /** `-A`: a NAMESPACE column first. */
  readonly withNamespace?: boolean;
  readonly noHeaders?: boolean;
  /** The cluster's wall clock, for AGE. */
  readonly now: Date;
}

interface Column {
  readonly name: string;
  /** 1 = shown only with `-o wide`. */
  readonly priority: 0 | 1;
}

interface TablePrinter<T> {
  readonly columns: readonly Column[];
  row(obj: T, now: Date, wide: boolean): string[];
}

const col = (name: string, priority: 0 | 1 = 0): Column => ({ name, priority });

const none = (s: string | undefined): string => (s === undefined || s === "" ? "<none>" : s);

function containerColumns(spec: { containers?: readonly { name: string; image?: string }[] } | undefined): string[] {
  const cs = spec?.containers ?? [];
  return [cs.map((c) => c.name).join(","), cs.map((c) => c.image ?? "").join(",")];
}

/** printPod's STATUS reasoning, READY count and RESTARTS (with `(Xm ago)`). */
function podStatus(pod: Pod, now: Date): { ready: string; status: string; restarts: string } {
  const statuses = pod.status?.containerStatuses ?? [];
  let reason = pod.status?.reason || pod.status?.phase || "";
  let ready = 0;
  let restarts = 0;
  let lastRestart: number | undefined;
  let hasRunning = false;
  for (let i = statuses.length - 1; i >= 0; i--) {
    const c = statuses[i]!;
    restarts += c.restartCount;
    const finished = c.lastState?.terminated?.finishedAt;
    if (finished !== undefined) {
      const t = Date.parse(finished);
      if (lastRestart === undefined || t > lastRestart) lastRestart = t;
    }
    const st = c.state ?? {};
    if (st.waiting?.reason) reason = st.waiting.reason;
    else if (st.terminated?.reason) reason = st.terminated.reason;
    else if (st.terminated !== undefined) {
      reason = st.terminated.signal ? `Signal:${st.terminated.signal}` : `ExitCode:${st.terminated.exitCode}`;
    } else if (c.ready && st.running !== undefined) {
      hasRunning = true;
      ready++;
    }
  }
  if (reason === "Completed" && hasRunning) {
    const readyCond = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
    reason = readyCond ? "Running" : "NotReady";
  }
  const phase = pod.status?.phase;
  if (pod.metadata?.deletionTimestamp !== undefined && pod.status?.reason === "NodeLost") reason = "Unknown";
  else if (pod.metadata?.deletionTimestamp !== undefined && phase !== "Succeeded" && phase !== "Failed") reason = "Terminating";
  const total = pod.spec?.containers.length ?? 0;
  const restartText = lastRestart === undefined ? String(restarts) : `${restarts} (${age(new Date(lastRestart).toISOString(), now)} ago)`;
  return { ready: `${ready}/${total}`, status: reason, restarts: restartText };
}

const pods: TablePrinter<Pod> = {
  columns: [col("Name"), col("Ready"), col("Status"), col("Restarts"), col("Age"), col("IP", 1), col("Node", 1), col("Nominated Node", 1), col("Readiness Gates", 1)],
  row(pod, now, wide) {
    const s = podStatus(pod, now);
    const row = [pod.metadata?.name ?? "", s.ready, s.status, s.restarts, age(pod.metadata?.creationTimestamp, now)];
    if (wide) {
      const gates = pod.spec?.readinessGates ?? [];
      let gateText = "<none>";
      if (gates.length > 0) {
        const met = gates.filter((g) => pod.status?.conditions?.some((c) => c.type === g.conditionType && c.status === "True")).length;
        gateText = `${met}/${gates.length}`;
      }
      row.push(none(pod.status?.podIP), none(pod.spec?.nodeName), none(pod.status?.nominatedNodeName), gateText);
    }
    return row;
  },
};

/** getServiceExternalIP: external IPs, load-balancer ingress, `<pending>` without one. */
function serviceExternalIP(svc: Service, wide: boolean): string {
  const spec = svc.spec ?? {};
  const externalIPs = spec.externalIPs ?? [];
  switch (spec.type ?? "ClusterIP") {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length > 0 ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      let lb = [...new Set((svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || "").filter((x) => x !== ""))].sort().join(",");
      // loadBalancerWidth: long ingress lists are cut in the narrow table.
      if (!wide && lb.length > 16) lb = `${lb.slice(0, 13)}...`;
      if (externalIPs.length > 0) return [...(lb ? lb.split(",") : []), ...externalIPs].join(",");
      return lb || "<pending>";
    }
    case "ExternalName":
      return spec.externalName ?? "";
    default:
      return "<unknown>";
  }
}

function servicePorts(svc: Service): string {
  const ports = svc.spec?.ports ?? [];
  if (ports.length === 0) return "<none>";
  return ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? "TCP"}` : `${p.port}/${p.protocol ?? "TCP"}`)).join(",");
}

const services: TablePrinter<Service> = {
  columns: [col("Name"), col("Type"), col("Cluster-IP"), col("External-IP"), col("Port(s)"), col("Age"), col("Selector", 1)],
  row(svc, now, wide) {
    const row = [
      svc.metadata?.name ?? "",
      svc.spec?.type ?? "ClusterIP",
      none(svc.spec?.clusterIP),
      serviceExternalIP(svc, wide),
      servicePorts(svc),
      age(svc.metadata?.creationTimestamp, now),
    ];
    if (wide) row.push(formatLabels(svc.spec?.selector));
    return row;
  },
};

const deployments: TablePrinter<Deployment> = {
  columns: [col("Name"), col("Ready"), col("Up-to-date"), col("Available"), col("Age"), col("Containers", 1), col("Images", 1), col("Selector", 1)],
  row(d, now, wide) {
    const st = d.status ?? {};
    const row = [
      d.metadata?.name ?? "",
      `${st.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
      String(st.updatedReplicas ?? 0),
      String(st.availableReplicas ?? 0),
      age(d.metadata?.creationTimestamp, now),
    ];
    if (wide) row.push(...containerColumns(d.spec?.template.spec), formatSelector(d.spec?.selector));
    return row;
  },
};

const replicaSets: TablePrinter<ReplicaSet> = {
  columns: [col("Name"), col("Desired"), col("Current"), col("Ready"), col("Age"), col("Containers", 1), col("Images", 1), col("Selector", 1)],
  row(rs, now, wide) {
    const row = [
      rs.metadata?.name ?? "",
      String(rs.spec?.replicas ?? 1),
      String(rs.status?.replicas ?? 0),
      String(rs.status?.readyReplicas ?? 0),
      age(rs.metadata?.creationTimestamp, now),
    ];
    if (wide) row.push(...containerColumns(rs.spec?.template?.spec), formatSelector(rs.spec?.selector));
    return row;
  },
};

/** formatEndpoints: `ip:port` per subset, port and address, three at most. */
export function formatEndpoints(ep: Endpoints, portNames?: ReadonlySet<string>): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return "<none>";
  const list: string[] = [];
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    if ((ss.ports ?? []).length === 0) {
      list.push(...addrs.map((a) => a.ip));
      continue;
    }
    for (const p of ss.ports ?? []) {
      if (portNames === undefined || portNames.has(p.name ?? "")) list.push(...addrs.map((a) => `${a.ip}:${p.port}`));
    }
  }
  return list.length > 3 ? `${list.slice(0, 3).join(",")} + ${list.length - 3} more...` : list.join(",");
}

const endpoints: TablePrinter<Endpoints> = {
  columns: [col("Name"), col("Endpoints"), col("Age")],
  row: (ep, now) => [ep.metadata?.name ?? "", formatEndpoints(ep), age(ep.metadata?.creationTimestamp, now)],
};

const endpointSlices: TablePrinter<EndpointSlice> = {
  columns: [col("Name"), col("AddressType"), col("Ports"), col("Endpoints"), col("Age")],
  row(es, now) {
    const ports = (es.ports ?? []).map((p) => (p.port !== undefined ? String(p.port) : p.name !== undefined ? p.name : "*"));
    const addrs = (es.endpoints ?? []).flatMap((e) => e.addresses);
    return [es.metadata?.name ?? "", es.addressType, listWithMore(ports, "<unset>"), listWithMore(addrs, "<unset>"), age(es.metadata?.creationTimestamp, now)];
  },
};

/** findNodeRoles: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`. */
export function nodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith("node-role.kubernetes.io/")) roles.add(k.slice("node-role.kubernetes.io/".length));
    else if (k === "kubernetes.io/role" && v !== "") roles.add(v);
  }
  return [...roles].sort();
}

function nodeAddress(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? "<none>";
}

const nodes: TablePrinter<Node> = {
  columns: [col("Name"), col("Status"), col("Roles"), col("Age"), col("Version"), col("Internal-IP", 1), col("External-IP", 1), col("OS-Image", 1), col("Kernel-Version", 1), col("Container-Runtime", 1)],
  row(node, now, wide) {
    const ready = node.status?.conditions?.find((c) => c.type === "Ready");
    const status = [ready === undefined ? "Unknown" : ready.status === "True" ? "Ready" : "NotReady"];
    if (node.spec?.unschedulable) status.push("SchedulingDisabled");
    const info = node.status?.nodeInfo;
    const row = [node.metadata?.name ?? "", status.join(","), nodeRoles(node).join(",") || "<none>", age(node.metadata?.creationTimestamp, now), info?.kubeletVersion ?? ""];
    if (wide) {
      row.push(nodeAddress(node, "InternalIP"), nodeAddress(node, "ExternalIP"), info?.osImage || "<unknown>", info?.kernelVersion || "<unknown>", info?.containerRuntimeVersion || "<unknown>");
    }
    return row;
  },
};

const namespaces: TablePrinter<Namespace> = {
  columns: [col("Name"), col("Status"), col("Age")],
  row: (ns, now) => [ns.metadata?.name ?? "", ns.status?.phase ?? "", age(ns.metadata?.creationTimestamp, now)],
};

const PRINTERS: Record<string, TablePrinter<never>> = {
  Namespace: namespaces,
  Pod: pods,
  Service: services,
  Deployment: deployments,
  ReplicaSet: replicaSets,
  Endpoints: endpoints,
  EndpointSlice: endpointSlices,
  Node: nodes,
};

/** Any object the printers know, as far as they need it. */
export interface PrintableObject {
  readonly kind?: string;
  readonly metadata?: ObjectMeta;
}

export function hasTablePrinter(kind: string): boolean {
  return PRINTERS[kind] !== undefined;
}

/** The rows (header first unless noHeaders) kubectl prints for objects of one kind. */
export function tableRows(kind: string, objects: readonly PrintableObject[], opts: TableOptions): string[][] {
  const printer = PRINTERS[kind] as TablePrinter<PrintableObject> | undefined;
  if (printer === undefined) throw new Error(`no table printer for ${kind}`);
  const wide = opts.wide ?? false;
  const cols = printer.columns.filter((c) => wide || c.priority === 0).map((c) => c.name.toUpperCase());
  const rows: string[][] = [];
  if (!opts.noHeaders) rows.push([...(opts.withNamespace ? ["NAMESPACE"] : []), ...cols, ...(opts.showLabels ? ["LABELS"] : [])]);
  for (const o of objects) {
    rows.push([
      ...(opts.withNamespace ? [o.metadata?.namespace ?? ""] : []),
      ...printer.row(o, opts.now, wide),
      ...(opts.showLabels ? [formatLabels(o.metadata?.labels)] : []),
    ]);
  }
  return rows;
}

/** kubectl's tab writer for tables (printers.GetNewTabWriter). */
export function renderTable(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return "";
  return tabwrite(rows.map((r) => r.join("\t")).join("\n") + "\n", { minwidth: 6, padding: 3 });
}

/** `-o custom-columns=HEADER:.path,...`: every cell tab-terminated, so the last column is padded too. */
export function customColumns(spec: string, objects: readonly unknown[], noHeaders: boolean): string {
  const columns = spec.split(",").map((c) => {
    const colon = c.indexOf(":");
    if (colon <= 0) throw new Error(`unexpected custom-columns spec: ${c}, expected <header>:<json-path-expr>`);
    return { header: c.slice(0, colon), path: c.slice(colon + 1) };
  });
  const rows = objects.map((o) =>
    columns.map((c) => {
      const values = jsonpathValues(c.path, o);
      return values.length === 0 ? "<none>" : values.map(goValue).join(",");
    }),
  );
  if (!noHeaders) rows.unshift(columns.map((c) => c.header));
  return tabwrite(rows.map((r) => `${r.join("\t")}\t\n`).join(""), { minwidth: 6, padding: 3 });
}
