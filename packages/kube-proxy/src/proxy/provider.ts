/**
 * The Service proxy contract, in the shape of kube-proxy's proxy.Provider
 * (pkg/proxy/types.go: Service, EndpointSlice and Node handlers, Sync) plus
 * what a simulated packet needs: connect / packet -> a decision with the
 * trace of what decided it, the reply's reverse NAT, close, garbage
 * collection and dumps. Every mode implements it.
 */

import type { Node, Service } from "kubernetes-types/core/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";

export type ProxyMode = "iptables" | "nftables" | "ipvs";
export type Protocol = "TCP" | "UDP" | "SCTP";

export interface PacketRequest {
  readonly protocol?: Protocol;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  /**
   * Where the packet enters this node's stack: `prerouting` from an interface
   * (a pod on this node, another host), `output` from the host's own sockets
   * (hostNetwork pods, the node itself). Default: `output` when `src` is one
   * of this node's addresses, else `prerouting`.
   */
  readonly origin?: "prerouting" | "output";
  readonly tcpFlags?: "SYN" | "SYN-ACK" | "ACK" | "FIN" | "RST";
  /** Collect the trace (default true; benchmarks turn it off). */
  readonly trace?: boolean;
}

export interface TraceStep {
  /** `nat/PREROUTING`, `filter/FORWARD`, an nftables chain, an IPVS lookup... */
  readonly hook: string;
  readonly table: string;
  readonly chain: string;
  /** 1-based rule number in its chain, 0 for a chain policy. */
  readonly rule: number;
  /** The rule as the mode's own dump prints it. */
  readonly text: string;
}

export interface PacketDecision {
  readonly verdict: "ACCEPT" | "DROP" | "REJECT";
  /** The packet as it leaves this node (after DNAT / SNAT / reverse NAT). */
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  /** `IP:port` the connection was DNATed to, if it was. */
  readonly backend: string | undefined;
  /** The connection is masqueraded (its original source rewritten by MASQUERADE); replies are translated back. */
  readonly masqueraded: boolean;
  /** Conntrack already knew the flow: no service rules were consulted. */
  readonly established: boolean;
  readonly direction: "original" | "reply";
  /** The step that chose the backend, or that accepted / dropped / rejected the packet. */
  readonly decidedBy: TraceStep | undefined;
  /** Every rule that matched, hook by hook. */
  readonly trace: readonly TraceStep[];
  /**
   * How many rules the packet was checked against (iptables rules, nftables
   * rules): its cost in work, independent of the machine. In iptables mode a
   * new connection's count grows with the number of services.
   */
  readonly rulesEvaluated: number;
  /** The connection, for reply() / close(); undefined when the packet was dropped before conntrack confirmed it. */
  readonly flow: FlowRef | undefined;
}

/** A tracked connection, as its original tuple. */
export interface FlowRef {
  readonly protocol: Protocol;
  readonly src: string;
  readonly srcPort: number;
  readonly dst: string;
  readonly dstPort: number;
  readonly origin: "prerouting" | "output";
}

export interface SyncResult {
  /** False until both the initial Services and EndpointSlices were seen (kube-proxy waits for them). */
  readonly applied: boolean;
  readonly services: number;
  readonly endpoints: number;
  /** Mode-specific sizes: rules, chains, virtual servers. */
  readonly counts: Readonly<Record<string, number>>;
}

/** What kube-proxy's service health server answers on a healthCheckNodePort (pkg/proxy/healthcheck). */
export interface HealthCheckResponse {
  /** 200 with local ready endpoints, else 503. */
  readonly status: 200 | 503;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ServiceProxy {
  readonly mode: ProxyMode;
  readonly nodeName: string;

  onServiceAdd(service: Service): void;
  onServiceUpdate(oldService: Service, service: Service): void;
  onServiceDelete(service: Service): void;
  onServicesSynced(): void;
  onEndpointSliceAdd(slice: EndpointSlice): void;
  onEndpointSliceUpdate(oldSlice: EndpointSlice, slice: EndpointSlice): void;
  onEndpointSliceDelete(slice: EndpointSlice): void;
  onEndpointSlicesSynced(): void;
  onNodeAdd(node: Node): void;
  onNodeUpdate(oldNode: Node, node: Node): void;
  onNodeDelete(node: Node): void;
  onNodeSynced(): void;

  /** Writes the dataplane from the current objects (kube-proxy's syncProxyRules). */
  sync(): SyncResult;

  /** A new connection: TCP's handshake (SYN, SYN-ACK, ACK) or UDP's first datagram; the decision is the first packet's. */
  connect(req: PacketRequest): PacketDecision;
  /** Any single packet, in either direction. */
  packet(req: PacketRequest): PacketDecision;
  /** The backend's reply to `flow`, reverse-NATed back to the client. */
  reply(flow: FlowRef, opts?: { trace?: boolean }): PacketDecision;
  /** Ends a TCP connection (FIN both ways: TIME_WAIT); a no-op for UDP. */
  close(flow: FlowRef): void;
  /** Expires conntrack entries (and the mode's own timed state); returns how many were removed. */
  gc(): number;

  /** `conntrack -L`. */
  conntrackList(): string;
  /** An HTTP GET to this node's `nodePort` health-check server, or undefined if no service uses that port. */
  healthCheck(nodePort: number): HealthCheckResponse | undefined;
}
