/**
 * Server-side printing (pkg/printers/internalversion/printers.go): the
 * columns of each kind's table, their types and priorities (1 = shown only
 * with `-o wide`), and the cells of one object's row, `<none>`/`<pending>`
 * placeholders included. The server always prints the wide cells
 * (GenerateOptions{Wide: true}); kubectl hides priority-1 columns itself.
 * Ages are computed on the server's clock, as translateTimestampSince does.
 */
import type { Endpoints, Event, Namespace, Node, Pod, Service } from "kubernetes-types/core/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { age } from "./duration";
import { formatLabels, formatSelector, listWithMore } from "./format";

/** metav1.TableColumnDefinition. */
export interface TableColumnDefinition {
  readonly name: string;
  readonly type: "string" | "integer" | "number" | "boolean" | "date";
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

export type TableCell = string | number | boolean;

interface TablePrinter<T> {
  readonly columns: readonly TableColumnDefinition[];
  cells(obj: T, now: Date): TableCell[];
}

function col(name: string, description: string, type: TableColumnDefinition["type"] = "string", priority = 0): TableColumnDefinition {
  return { name, type, format: "", description, priority };
}

const NAME: TableColumnDefinition = {
  name: "Name",
  type: "string",
  format: "name",
  description: "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
  priority: 0,
};

const AGE = col(
  "Age",
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
);

const CONTAINERS = col("Containers", "Names of each container in the template.", "string", 1);
const IMAGES = col("Images", "Images referenced by each container in the template.", "string", 1);

const none = (s: string | undefined): string => (s === undefined || s === "" ? "<none>" : s);

function containerCells(spec: { containers?: readonly { name: string; image?: string }[] } | undefined): string[] {
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
  columns: [
    NAME,
    col("Ready", "The aggregate readiness state of this pod for accepting traffic."),
    col("Status", "The aggregate status of the containers in this pod."),
    col("Restarts", "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
    AGE,
    col("IP", "podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.", "string", 1),
    col("Node", "NodeName indicates in which node this pod is scheduled.", "string", 1),
    col("Nominated Node", "nominatedNodeName is set only when this pod preempts other pods on the node.", "string", 1),
    col("Readiness Gates", "If specified, all readiness gates will be evaluated for pod readiness.", "string", 1),
  ],
  cells(pod, now) {
    const s = podStatus(pod, now);
    const gates = pod.spec?.readinessGates ?? [];
    let gateText = "<none>";
    if (gates.length > 0) {
      const met = gates.filter((g) => pod.status?.conditions?.some((c) => c.type === g.conditionType && c.status === "True")).length;
      gateText = `${met}/${gates.length}`;
    }
    return [
      pod.metadata?.name ?? "",
      s.ready,
      s.status,
      s.restarts,
      age(pod.metadata?.creationTimestamp, now),
      none(pod.status?.podIP),
      none(pod.spec?.nodeName),
      none(pod.status?.nominatedNodeName),
      gateText,
    ];
  },
};

/** getServiceExternalIP with wide=true (the server's options): external IPs, load-balancer ingress, `<pending>` without one. */
function serviceExternalIP(svc: Service): string {
  const spec = svc.spec ?? {};
  const externalIPs = spec.externalIPs ?? [];
  switch (spec.type ?? "ClusterIP") {
    case "ClusterIP":
    case "NodePort":
      return externalIPs.length > 0 ? externalIPs.join(",") : "<none>";
    case "LoadBalancer": {
      const lb = [...new Set((svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || "").filter((x) => x !== ""))].sort().join(",");
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
  columns: [
    NAME,
    col("Type", "type determines how the Service is exposed."),
    col("Cluster-IP", "clusterIP is the IP address of the service and is usually assigned randomly."),
    col("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
    col("Port(s)", "The list of ports that are exposed by this service."),
    AGE,
    col("Selector", "Route service traffic to pods with label keys and values matching this selector.", "string", 1),
  ],
  cells: (svc, now) => [
    svc.metadata?.name ?? "",
    svc.spec?.type ?? "ClusterIP",
    none(svc.spec?.clusterIP),
    serviceExternalIP(svc),
    servicePorts(svc),
    age(svc.metadata?.creationTimestamp, now),
    formatLabels(svc.spec?.selector),
  ],
};

const deployments: TablePrinter<Deployment> = {
  columns: [
    NAME,
    col("Ready", "Number of the pod with ready state"),
    col("Up-to-date", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", "integer"),
    col("Available", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", "integer"),
    AGE,
    CONTAINERS,
    IMAGES,
    col("Selector", "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.", "string", 1),
  ],
  cells(d, now) {
    const st = d.status ?? {};
    return [
      d.metadata?.name ?? "",
      `${st.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
      st.updatedReplicas ?? 0,
      st.availableReplicas ?? 0,
      age(d.metadata?.creationTimestamp, now),
      ...containerCells(d.spec?.template.spec),
      formatSelector(d.spec?.selector),
    ];
  },
};

const replicaSets: TablePrinter<ReplicaSet> = {
  columns: [
    NAME,
    col("Desired", "Replicas is the number of desired pods.", "integer"),
    col("Current", "Replicas is the most recently observed number of non-terminating pods.", "integer"),
    col("Ready", "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition.", "integer"),
    AGE,
    CONTAINERS,
    IMAGES,
    col("Selector", "Selector is a label query over pods that should match the replica count.", "string", 1),
  ],
  cells: (rs, now) => [
    rs.metadata?.name ?? "",
    rs.spec?.replicas ?? 1,
    rs.status?.replicas ?? 0,
    rs.status?.readyReplicas ?? 0,
    age(rs.metadata?.creationTimestamp, now),
    ...containerCells(rs.spec?.template?.spec),
    formatSelector(rs.spec?.selector),
  ],
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
  columns: [NAME, col("Endpoints", "The set of all endpoints is the union of all subsets."), AGE],
  cells: (ep, now) => [ep.metadata?.name ?? "", formatEndpoints(ep), age(ep.metadata?.creationTimestamp, now)],
};

const endpointSlices: TablePrinter<EndpointSlice> = {
  columns: [
    NAME,
    col("AddressType", "addressType specifies the type of address carried by this EndpointSlice."),
    col("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice."),
    col("Endpoints", "endpoints is a list of unique endpoints in this slice."),
    AGE,
  ],
  cells(es, now) {
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

const ADDRESSES = "List of addresses reachable to the node.";

const nodes: TablePrinter<Node> = {
  columns: [
    NAME,
    col("Status", "The status of the node"),
    col("Roles", "The roles of the node"),
    AGE,
    col("Version", "Kubelet Version reported by the node."),
    col("Internal-IP", ADDRESSES, "string", 1),
    col("External-IP", ADDRESSES, "string", 1),
    col("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).", "string", 1),
    col("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", "string", 1),
    col("Container-Runtime", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).", "string", 1),
  ],
  cells(node, now) {
    const ready = node.status?.conditions?.find((c) => c.type === "Ready");
    const status = [ready === undefined ? "Unknown" : ready.status === "True" ? "Ready" : "NotReady"];
    if (node.spec?.unschedulable) status.push("SchedulingDisabled");
    const info = node.status?.nodeInfo;
    return [
      node.metadata?.name ?? "",
      status.join(","),
      nodeRoles(node).join(",") || "<none>",
      age(node.metadata?.creationTimestamp, now),
      info?.kubeletVersion ?? "",
      nodeAddress(node, "InternalIP"),
      nodeAddress(node, "ExternalIP"),
      info?.osImage || "<unknown>",
      info?.kernelVersion || "<unknown>",
      info?.containerRuntimeVersion || "<unknown>",
    ];
  },
};

const namespaces: TablePrinter<Namespace> = {
  columns: [NAME, col("Status", "The status of the namespace"), AGE],
  cells: (ns, now) => [ns.metadata?.name ?? "", ns.status?.phase ?? "", age(ns.metadata?.creationTimestamp, now)],
};

/** printers.go formatEventSource: the legacy source, else the reporting controller and instance. */
function eventSource(ev: Event): string {
  const component = ev.source?.component || ev.reportingComponent || "";
  const instance = ev.source?.host || ev.reportingInstance || "";
  return instance === "" ? component : `${component}, ${instance}`;
}

const FIELD_PATH =
  'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.';

/**
 * printEvent: LAST SEEN falls back from lastTimestamp to the first sighting
 * (firstTimestamp, else eventTime) and a series overrides both it and the
 * count; an events.k8s.io singleton has no count and prints 1.
 */
const events: TablePrinter<Event> = {
  columns: [
    col("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
    col("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
    col("Reason", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
    col("Object", "The object that this event is about."),
    col("Subobject", FIELD_PATH, "string", 1),
    col("Source", "The component reporting this event. Should be a short machine understandable string.", "string", 1),
    col("Message", "A human-readable description of the status of this operation."),
    col("First Seen", "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)", "string", 1),
    col("Count", "The number of times this event has occurred.", "integer", 1),
    { ...NAME, priority: 1 },
  ],
  cells: (ev, now) => {
    const first = age(ev.firstTimestamp ?? ev.eventTime, now);
    let last = ev.lastTimestamp ? age(ev.lastTimestamp, now) : first;
    let count = ev.count ?? 0;
    if (ev.series !== undefined) {
      last = age(ev.series.lastObservedTime, now);
      count = ev.series.count ?? 0;
    } else if (count === 0) count = 1;
    const kind = (ev.involvedObject?.kind ?? "").toLowerCase();
    const target = ev.involvedObject?.name ? `${kind}/${ev.involvedObject.name}` : kind;
    const message = (ev.message ?? "").trim();
    return [last, ev.type ?? "", ev.reason ?? "", target, ev.involvedObject?.fieldPath ?? "", eventSource(ev), message, first, count, ev.metadata?.name ?? ""];
  },
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
  Event: events,
};

/** The printer of a kind (every served kind has one): its columns and a row's cells. */
export function printerFor(kind: string): TablePrinter<{ metadata?: ObjectMeta }> | undefined {
  return PRINTERS[kind] as TablePrinter<{ metadata?: ObjectMeta }> | undefined;
}
