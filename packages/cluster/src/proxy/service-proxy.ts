/**
 * The per-node Service proxy as the cluster sees it: kube-proxy's Provider
 * shape on the control side (Services, EndpointSlices, the node, sync) and
 * what a simulated packet needs on the data side. Cilium's eBPF model and
 * kube-proxy's iptables, nftables and IPVS modes implement it; the node
 * agent and the network talk to nothing else.
 */
import type { Node, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { TraceHop } from "../traffic/trace";

/** `none` is kind's name for "no kube-proxy": Cilium replaces it. */
export type KubeProxyMode = "none" | "iptables" | "nftables" | "ipvs";
export const KUBE_PROXY_MODES: readonly KubeProxyMode[] = ["none", "iptables", "nftables", "ipvs"];

export type Protocol = "TCP" | "UDP";

/** A flow the proxy translated per packet: its replies are reverse-translated, and it ends with close(). */
export interface ProxyFlow {
  readonly saddr: number;
  readonly sport: number;
  readonly daddr: number;
  readonly dport: number;
  readonly protocol: Protocol;
}

export interface ProxyDecision {
  /** `pass`: not a service address (routed as it is); `reject`: refused at once; `drop`: never answered. */
  readonly verdict: "pass" | "forward" | "drop" | "reject";
  readonly backendAddr: number;
  readonly backendPort: number;
  /** The source address and port the backend sees. */
  readonly sourceAddr: number;
  readonly sourcePort: number;
  /** Set when the translation is per packet (undefined after a socket-level translation). */
  readonly flow: ProxyFlow | undefined;
  /** The proxy looked something up (a map, a rule), even if it let the packet pass. */
  readonly consulted: boolean;
  /** The hop for the request's trace, when one was asked for. */
  readonly hop: TraceHop | undefined;
}

export interface ProxyError {
  readonly service: string;
  readonly frontend: string;
  readonly error: Error;
}

export interface NodeCommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface NodeServiceProxy {
  readonly mode: KubeProxyMode;

  upsertService(svc: Service): void;
  deleteService(svc: Service): void;
  upsertEndpointSlice(slice: EndpointSlice): void;
  deleteEndpointSlice(slice: EndpointSlice): void;
  /** This node's own object (topology labels for traffic distribution). */
  updateNode(node: Node): void;
  /** Every other node's address (Cilium's socket LB translates a NodePort on any of them). */
  setRemoteNodeIPs(ips: readonly string[]): void;
  /** Programs the dataplane from what it was given; returns what could not be programmed. */
  sync(): readonly ProxyError[];
  /** Expires timed-out connection state. */
  gc(): void;
  /** How often gc() runs, in virtual seconds. */
  readonly gcIntervalSeconds: number;

  /**
   * A socket's connect() on this node, where the proxy translates at the
   * socket (Cilium's socket LB); undefined when it does not.
   */
  socketConnect(cookie: number, saddr: number, daddr: number, dport: number, protocol: Protocol, trace: boolean): ProxyDecision | undefined;
  /** A packet from a pod or the host of this node. */
  fromLocal(saddr: number, sport: number, daddr: number, dport: number, protocol: Protocol, trace: boolean): ProxyDecision;
  /** A packet arriving at this node's interface from another machine. */
  fromOutside(saddr: number, sport: number, daddr: number, dport: number, protocol: Protocol, trace: boolean): ProxyDecision;
  /** The backend's reply to a per-packet flow, as the client receives it. */
  reply(flow: ProxyFlow): { readonly from: string; readonly reverseNat: string } | undefined;
  /** The backend answered a datagram of this flow (no reply hop is traced). */
  answered(flow: ProxyFlow): void;
  /** The connection ends (FIN both ways). */
  close(flow: ProxyFlow): void;

  /** A node command this proxy answers (`iptables-save`, `nft`, `ipvsadm`, `conntrack`), or undefined. */
  command(argv: readonly string[]): NodeCommandResult | undefined;
}
