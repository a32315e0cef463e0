/**
 * The cluster's shape: nodes, address ranges and the dataplane settings.
 * The default is the book's kind cluster as readers run it today: one
 * tainted control-plane node and three workers on the docker network
 * 172.18.0.0/16, whose gateway (172.18.0.1) is the user's machine.
 */
import { type Cidr, parseCidr, parseIPv4 } from "./net/ip";

export type NodeRole = "control-plane" | "worker";
export type LBAlgorithm = "random" | "maglev";
export type ForwardingMode = "snat" | "dsr" | "hybrid";

export interface NodeOptions {
  readonly name?: string;
  readonly role?: NodeRole;
  readonly internalIP?: string;
  readonly podCIDR?: string;
  /** Sets topology.kubernetes.io/zone. */
  readonly zone?: string;
}

export interface DataplaneOptions {
  /** `--bpf-lb-map-max`: capacity of every LB map (default 65536). */
  readonly mapSize?: number;
  /** `--bpf-lb-algorithm` (default random). */
  readonly algorithm?: LBAlgorithm;
  /** `--bpf-lb-maglev-table-size` (default 16381). */
  readonly maglevTableSize?: number;
  /** `--bpf-lb-mode` (default snat). */
  readonly mode?: ForwardingMode;
  /** `--bpf-lb-sock` (default true): translate at connect() for pod clients. */
  readonly socketLB?: boolean;
}

export interface TopologyOptions {
  /** kind's cluster name, the node names' prefix (default "kind"). */
  readonly clusterName?: string;
  /** Number of workers when `nodes` is not given (default 3). */
  readonly workers?: number;
  /** Explicit node list; overrides `workers`. */
  readonly nodes?: readonly NodeOptions[];
  /** Node network; node IPs are handed out from .2 upwards, .1 is the external host. */
  readonly nodeNetwork?: string;
  readonly podCIDR?: string;
  readonly serviceCIDR?: string;
  readonly clusterDomain?: string;
  /** The user's machine, an external client (default: the node network's first address). */
  readonly externalHost?: string;
  /** `--service-node-port-range` (default 30000-32767). */
  readonly nodePortRange?: string;
  readonly dataplane?: DataplaneOptions;
}

export interface NodeTopology {
  readonly name: string;
  readonly role: NodeRole;
  readonly internalIP: number;
  readonly podCIDR: Cidr;
  readonly zone: string | undefined;
}

export interface Topology {
  readonly nodes: readonly NodeTopology[];
  readonly nodeNetwork: Cidr;
  readonly podCIDR: Cidr;
  readonly serviceCIDR: Cidr;
  readonly clusterDomain: string;
  readonly externalHost: number;
  readonly nodePortBase: number;
  readonly nodePortSize: number;
  readonly dataplane: Required<DataplaneOptions>;
}

const MAGLEV_SIZES = [251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071];

/** kind's node names: `<cluster>-control-plane`, `<cluster>-worker`, `<cluster>-worker2`... */
function defaultName(cluster: string, role: NodeRole, index: number): string {
  return `${cluster}-${role}${index === 0 ? "" : index + 1}`;
}

export function resolveTopology(opts: TopologyOptions = {}): Topology {
  const nodeNetwork = parseCidr(opts.nodeNetwork ?? "172.18.0.0/16");
  const podCIDR = parseCidr(opts.podCIDR ?? "10.244.0.0/16");
  const serviceCIDR = parseCidr(opts.serviceCIDR ?? "10.96.0.0/16");
  const workers = opts.workers ?? 3;
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`workers must be a non-negative integer, got ${workers}`);
  const specs: NodeOptions[] = opts.nodes
    ? [...opts.nodes]
    : [{ role: "control-plane" }, ...Array.from({ length: workers }, (): NodeOptions => ({ role: "worker" }))];
  if (specs.length === 0) throw new Error("a cluster needs at least one node");
  if (podCIDR.prefix > 24) throw new Error(`pod CIDR ${opts.podCIDR} is too small for /24 node ranges`);

  const perRole = { "control-plane": 0, worker: 0 };
  const names = new Set<string>();
  const nodes = specs.map((s, i): NodeTopology => {
    const role = s.role ?? (i === 0 ? "control-plane" : "worker");
    const name = s.name ?? defaultName(opts.clusterName ?? "kind", role, perRole[role]++);
    if (names.has(name)) throw new Error(`duplicate node name ${name}`);
    names.add(name);
    return {
      name,
      role,
      internalIP: s.internalIP ? parseIPv4(s.internalIP) : nodeNetwork.base + 2 + i,
      podCIDR: s.podCIDR ? parseCidr(s.podCIDR) : { base: podCIDR.base + i * 256, prefix: 24, size: 256 },
      zone: s.zone,
    };
  });

  const [lo, hi] = (opts.nodePortRange ?? "30000-32767").split("-").map(Number);
  if (lo === undefined || hi === undefined || !(lo > 0 && hi >= lo && hi <= 65535)) {
    throw new Error(`invalid node port range ${opts.nodePortRange}`);
  }
  const dp = opts.dataplane ?? {};
  const maglevTableSize = dp.maglevTableSize ?? 16381;
  if (!MAGLEV_SIZES.includes(maglevTableSize)) {
    throw new Error(`maglev table size ${maglevTableSize} is not one of ${MAGLEV_SIZES.join(", ")}`);
  }
  return {
    nodes,
    nodeNetwork,
    podCIDR,
    serviceCIDR,
    clusterDomain: opts.clusterDomain ?? "cluster.local",
    externalHost: opts.externalHost ? parseIPv4(opts.externalHost) : nodeNetwork.base + 1,
    nodePortBase: lo,
    nodePortSize: hi - lo + 1,
    dataplane: {
      mapSize: dp.mapSize ?? 65536,
      algorithm: dp.algorithm ?? "random",
      maglevTableSize,
      mode: dp.mode ?? "snat",
      socketLB: dp.socketLB ?? true,
    },
  };
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * A topology file: either kind's cluster config (`kind: Cluster`,
 * `apiVersion: kind.x-k8s.io/v1alpha4`, with `name`, `nodes[].role`,
 * `nodes[].labels["topology.kubernetes.io/zone"]` and `networking.podSubnet` /
 * `serviceSubnet`), or the TopologyOptions fields themselves, already parsed
 * from YAML or JSON.
 */
export function topologyFromConfig(doc: unknown): TopologyOptions {
  if (!isObject(doc)) throw new Error("topology: expected a mapping");
  if (doc.kind !== "Cluster") return doc as TopologyOptions;
  if (typeof doc.apiVersion !== "string" || !doc.apiVersion.startsWith("kind.x-k8s.io/")) {
    throw new Error(`topology: unsupported apiVersion ${JSON.stringify(doc.apiVersion)} for kind Cluster`);
  }
  const nodes = Array.isArray(doc.nodes) ? doc.nodes : [{ role: "control-plane" }];
  const net = isObject(doc.networking) ? doc.networking : {};
  const opts: { -readonly [K in keyof TopologyOptions]: TopologyOptions[K] } = {
    nodes: nodes.map((n, i): NodeOptions => {
      if (!isObject(n)) throw new Error(`topology: nodes[${i}] is not a mapping`);
      const role = n.role ?? "control-plane";
      if (role !== "control-plane" && role !== "worker") throw new Error(`topology: nodes[${i}].role: unknown role ${JSON.stringify(role)}`);
      const labels = isObject(n.labels) ? n.labels : {};
      const zone = labels["topology.kubernetes.io/zone"];
      return { role, ...(typeof zone === "string" ? { zone } : {}) };
    }),
  };
  if (typeof doc.name === "string") opts.clusterName = doc.name;
  if (typeof net.podSubnet === "string") opts.podCIDR = net.podSubnet;
  if (typeof net.serviceSubnet === "string") opts.serviceCIDR = net.serviceSubnet;
  return opts;
}
