/**
 * The cluster's shape: nodes, address ranges and the dataplane settings.
 * The default is the book's kind cluster as readers run it today: one
 * tainted control-plane node and three workers on the docker network
 * 172.18.0.0/16, whose gateway (172.18.0.1) is the user's machine.
 *
 * Pod ranges are cut as kube-controller-manager's range allocator cuts
 * them: one `--node-cidr-mask-size` block (default /24) of the cluster's
 * pod CIDR per node, in node order, so a /16 holds 256 nodes at /24 and 128
 * at /23. A topology that would run out (more nodes than blocks, a kubelet
 * `--max-pods` above its block's addresses) is refused here with the
 * numbers, instead of failing later inside a node.
 */
import { KUBE_PROXY_MODES, type KubeProxyMode } from "./proxy/service-proxy";
import { type Cidr, cidrContains, formatCidr, formatIPv4, parseCidr, parseIPv4 } from "./net/ip";

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
  /** kube-controller-manager `--node-cidr-mask-size`: the prefix of each node's pod range (default 24). */
  readonly nodeCIDRMaskSize?: number;
  /** kubelet `--max-pods`: pods a node takes before the scheduler says "Too many pods" (default 110). */
  readonly maxPods?: number;
  readonly serviceCIDR?: string;
  readonly clusterDomain?: string;
  /** The user's machine, an external client (default: the node network's first address). */
  readonly externalHost?: string;
  /** `--service-node-port-range` (default 30000-32767). */
  readonly nodePortRange?: string;
  readonly dataplane?: DataplaneOptions;
  /**
   * kind's `networking.kubeProxyMode`: kube-proxy's iptables, nftables or
   * IPVS mode, or `none` (no kube-proxy: Cilium's kube-proxy replacement, the default here).
   */
  readonly kubeProxyMode?: KubeProxyMode;
}

export interface NodeTopology {
  readonly name: string;
  readonly role: NodeRole;
  readonly internalIP: number;
  readonly podCIDR: Cidr;
  readonly zone: string | undefined;
  /** kubelet `--max-pods`: the node's pod capacity. */
  readonly maxPods: number;
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
  readonly kubeProxyMode: KubeProxyMode;
}

const MAGLEV_SIZES = [251, 509, 1021, 2039, 4093, 8191, 16381, 32749, 65521, 131071];

/** kind's node names: `<cluster>-control-plane`, `<cluster>-worker`, `<cluster>-worker2`... */
function defaultName(cluster: string, role: NodeRole, index: number): string {
  return `${cluster}-${role}${index === 0 ? "" : index + 1}`;
}

const ALGORITHMS: readonly LBAlgorithm[] = ["random", "maglev"];
const MODES: readonly ForwardingMode[] = ["snat", "dsr", "hybrid"];
const ROLES: readonly NodeRole[] = ["control-plane", "worker"];

function oneOf<T extends string>(flag: string, value: T | undefined, allowed: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if (!allowed.includes(value)) throw new Error(`invalid ${flag} ${JSON.stringify(value)}: must be one of ${allowed.join(", ")}`);
  return value;
}

function integerIn(flag: string, value: number | undefined, min: number, max: number, dflt: number): number {
  const v = value ?? dflt;
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`invalid ${flag} ${JSON.stringify(v)}: must be an integer from ${min} to ${max}`);
  return v;
}

function overlap(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + b.size && b.base < a.base + a.size;
}

export function resolveTopology(opts: TopologyOptions = {}): Topology {
  const nodeNetwork = parseCidr(opts.nodeNetwork ?? "172.18.0.0/16");
  const podCIDR = parseCidr(opts.podCIDR ?? "10.244.0.0/16");
  const serviceCIDR = parseCidr(opts.serviceCIDR ?? "10.96.0.0/16");
  if (overlap(podCIDR, serviceCIDR)) throw new Error(`pod CIDR ${formatCidr(podCIDR)} and service CIDR ${formatCidr(serviceCIDR)} overlap`);
  const workers = integerIn("workers", opts.workers, 0, nodeNetwork.size, 3);
  const specs: NodeOptions[] = opts.nodes
    ? [...opts.nodes]
    : [{ role: "control-plane" }, ...Array.from({ length: workers }, (): NodeOptions => ({ role: "worker" }))];
  if (specs.length === 0) throw new Error("a cluster needs at least one node");

  const mask = integerIn("node CIDR mask size (--node-cidr-mask-size)", opts.nodeCIDRMaskSize, 1, 30, 24);
  if (mask < podCIDR.prefix) {
    throw new Error(`node CIDR mask size /${mask} is larger than the pod CIDR ${formatCidr(podCIDR)}: it must be /${podCIDR.prefix} or longer`);
  }
  const blockSize = 2 ** (32 - mask);
  const blocks = podCIDR.size / blockSize;
  const needBlocks = specs.filter((s) => s.podCIDR === undefined).length;
  if (needBlocks > blocks) {
    const prefixFor = 32 - Math.ceil(Math.log2(needBlocks * blockSize));
    throw new Error(
      `pod CIDR ${formatCidr(podCIDR)} holds ${blocks} node ranges of /${mask} (--node-cidr-mask-size=${mask}); ` +
        `${needBlocks} nodes need a pod CIDR of /${prefixFor} or wider, or a longer mask size`,
    );
  }
  const maxPods = integerIn("max pods (--max-pods)", opts.maxPods, 1, 1_000_000, 110);

  const perRole = { "control-plane": 0, worker: 0 };
  const names = new Set<string>();
  const nodeIPs = new Set<number>();
  const externalHost = opts.externalHost ? parseIPv4(opts.externalHost) : nodeNetwork.base + 1;
  let nextBlock = 0;
  const nodes = specs.map((s, i): NodeTopology => {
    const role = oneOf(`nodes[${i}].role`, s.role, ROLES, i === 0 ? "control-plane" : "worker");
    const name = s.name ?? defaultName(opts.clusterName ?? "kind", role, perRole[role]++);
    if (names.has(name)) throw new Error(`duplicate node name ${name}`);
    names.add(name);
    const internalIP = s.internalIP ? parseIPv4(s.internalIP) : nodeNetwork.base + 2 + i;
    if (!cidrContains(nodeNetwork, internalIP) || internalIP === nodeNetwork.base || internalIP === nodeNetwork.base + nodeNetwork.size - 1) {
      throw new Error(`node ${name}: address ${formatIPv4(internalIP)} is not a host address of the node network ${formatCidr(nodeNetwork)}`);
    }
    if (internalIP === externalHost) throw new Error(`node ${name}: address ${formatIPv4(internalIP)} is the external host's`);
    if (nodeIPs.has(internalIP)) throw new Error(`node ${name}: address ${formatIPv4(internalIP)} is already another node's`);
    nodeIPs.add(internalIP);
    const range = s.podCIDR ? parseCidr(s.podCIDR) : { base: podCIDR.base + nextBlock++ * blockSize, prefix: mask, size: blockSize };
    if (!cidrContains(podCIDR, range.base) || !cidrContains(podCIDR, range.base + range.size - 1)) {
      throw new Error(`node ${name}: pod range ${formatCidr(range)} is outside the pod CIDR ${formatCidr(podCIDR)}`);
    }
    // The node's IPAM keeps the network, router (.1) and broadcast addresses for itself.
    if (maxPods > range.size - 3) {
      throw new Error(`node ${name}: max pods ${maxPods} exceeds the ${range.size - 3} pod addresses of its range ${formatCidr(range)}; use a shorter --node-cidr-mask-size`);
    }
    return { name, role, internalIP, podCIDR: range, zone: s.zone, maxPods };
  });

  const portRange = /^(\d+)-(\d+)$/.exec(opts.nodePortRange ?? "30000-32767");
  const lo = Number(portRange?.[1]);
  const hi = Number(portRange?.[2]);
  if (portRange === null || !(lo > 0 && hi >= lo && hi <= 65535)) {
    throw new Error(`invalid node port range ${JSON.stringify(opts.nodePortRange)}: expected <low>-<high> within 1-65535`);
  }
  const dp = opts.dataplane ?? {};
  const maglevTableSize = dp.maglevTableSize ?? 16381;
  if (!MAGLEV_SIZES.includes(maglevTableSize)) {
    throw new Error(`maglev table size ${maglevTableSize} is not one of ${MAGLEV_SIZES.join(", ")}`);
  }
  if (dp.socketLB !== undefined && typeof dp.socketLB !== "boolean") throw new Error(`invalid socket LB setting ${JSON.stringify(dp.socketLB)}: must be true or false`);
  return {
    nodes,
    nodeNetwork,
    podCIDR,
    serviceCIDR,
    clusterDomain: opts.clusterDomain ?? "cluster.local",
    externalHost,
    nodePortBase: lo,
    nodePortSize: hi - lo + 1,
    dataplane: {
      mapSize: integerIn("LB map size (--bpf-lb-map-max)", dp.mapSize, 1, 2 ** 24, 65536),
      algorithm: oneOf("LB algorithm (--bpf-lb-algorithm)", dp.algorithm, ALGORITHMS, "random"),
      maglevTableSize,
      mode: oneOf("LB mode (--bpf-lb-mode)", dp.mode, MODES, "snat"),
      socketLB: dp.socketLB ?? true,
    },
    kubeProxyMode: oneOf("kube-proxy mode (networking.kubeProxyMode)", opts.kubeProxyMode, KUBE_PROXY_MODES, "none"),
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
  if (net.kubeProxyMode !== undefined) opts.kubeProxyMode = net.kubeProxyMode as KubeProxyMode;
  return opts;
}
