/**
 * The cluster network: where a connection goes, hop by hop. A pod (or node)
 * client resolves the name through cluster DNS, opens a TCP connection from
 * an ephemeral port, and its own node's datapath translates it — at
 * connect() when socket LB is on, else per packet. External clients reach
 * node addresses directly or LoadBalancer addresses through the cloud load
 * balancer, and the entry node's datapath translates per packet (SNAT to
 * the node for remote backends, the client's address kept for local ones or
 * DSR). The backend pod's app answers what it sees; the reply is
 * reverse-translated. Dropped packets cost the client the kernel's connect
 * timeout; a port nobody listens on is refused.
 */
import { formatIPv4, type SeededRandom } from "@svclab/sim";
import type { HttpHandler } from "../apps/images";
import type { HttpRequest, HttpResponse } from "../apps/http";
import type { ClusterDns, ResolvConf } from "../dns/coredns";
import type { EventLoop } from "@svclab/sim";
import type { PodSandbox } from "../node/sandbox";
import { tryParseIPv4 } from "../net/ip";
import type { NodeServiceProxy, ProxyDecision, ProxyFlow } from "../proxy/service-proxy";
import type { TraceHop } from "./trace";
import { EPHEMERAL_HIGH, EPHEMERAL_LOW, EphemeralPorts } from "./ephemeral-ports";

/** A node as the network sees it. */
export interface NodeHost {
  readonly name: string;
  readonly ip: number;
  readonly ipText: string;
  /** The node's Service proxy (Cilium's datapath or kube-proxy's rules). */
  readonly proxy: NodeServiceProxy;
  /** Host sockets (health-check servers, kube-proxy healthz). */
  readonly listener: (port: number) => { handler: HttpHandler; name: string } | undefined;
}

/** The cloud load balancer's view: which node gets a new connection to an ingress address. */
export interface CloudLoadBalancer {
  pickNode(address: number, port: number): { node: string; healthy: readonly string[] } | undefined;
}

export type ClientSpec =
  | { readonly pod: string; readonly namespace?: string }
  | { readonly node: string }
  /** A machine outside the cluster; the default is the user's machine. */
  | { readonly host?: string };

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Record the trace (default true; off is faster). */
  readonly trace?: boolean;
  /** curl --connect-timeout / -m: give up on an unanswered connect after this many seconds. */
  readonly connectTimeoutSeconds?: number;
}

export interface CurlResult {
  /** curl's exit code: 0, 6 (DNS), 7 (refused), 28 (timed out), 56 (reset). */
  readonly exitCode: number;
  /** The response body, as curl prints it. */
  readonly stdout: string;
  /** curl's error line, empty on success. */
  readonly stderr: string;
  readonly response: HttpResponse | undefined;
  readonly trace: readonly TraceHop[];
  /** Virtual seconds the request took. */
  readonly elapsedSeconds: number;
}

/** Linux's tcp_syn_retries=6: 1+2+4+...+64 s before connect() gives up. */
export const KERNEL_CONNECT_TIMEOUT_SECONDS = 127;
/** Round trips, in virtual seconds. */
const RTT_LOCAL = 0.0001;
const RTT_NODES = 0.0004;
const DNS_QUERY = 0.0003;
const DNS_PORT = 53;
/** glibc's defaults: timeout:5, attempts:2. */
const RESOLVER_GIVE_UP_SECONDS = 10;
const APP_TIME = 0.0005;
const HOST_NETNS_COOKIE = 1;
const USER_AGENT = "curl/8.5.0";
const NO_TRACE: readonly TraceHop[] = Object.freeze([]);

interface Client {
  readonly ip: number;
  readonly ipText: string;
  readonly node: NodeHost | undefined;
  readonly sandbox: PodSandbox | undefined;
  readonly resolv: ResolvConf | undefined;
  readonly cookie: number;
}

type Target =
  | { readonly kind: "pod"; readonly sandbox: PodSandbox; readonly port: number }
  | { readonly kind: "host"; readonly node: NodeHost; readonly port: number };

interface Delivery {
  readonly kind: "deliver";
  readonly target: Target;
  /** The source address and port the server sees. */
  readonly seen: number;
  readonly seenPort: number;
  /** The per-packet translation the replies go back through (none after socket LB or without a service). */
  readonly flow: ProxyFlow | undefined;
  readonly via: NodeServiceProxy | undefined;
}

type Outcome = Delivery | { readonly kind: "refused" } | { readonly kind: "timeout" };

export class Network {
  readonly sandboxes = new Map<number, PodSandbox>();
  readonly nodes = new Map<number, NodeHost>();
  readonly nodesByName = new Map<string, NodeHost>();
  /** @internal TCP source ports of every client, as each one's kernel picks them. */
  readonly ports: EphemeralPorts;
  /** Nodes that are down (`docker stop`): nothing reaches them. */
  readonly downNodes = new Set<string>();
  /** Nodes whose pod network is cut off from the other nodes' (pod traffic across nodes is dropped). */
  readonly partitionedNodes = new Set<string>();

  constructor(
    private readonly loop: EventLoop,
    private readonly dns: ClusterDns,
    private readonly rng: SeededRandom,
    private readonly cloud: CloudLoadBalancer,
    private readonly findPod: (namespace: string, name: string) => PodSandbox | undefined,
    readonly externalHost: number,
  ) {
    this.ports = new EphemeralPorts(rng.fork("ephemeral-ports"), () => loop.now());
  }

  addNode(n: NodeHost): void {
    this.nodes.set(n.ip, n);
    this.nodesByName.set(n.name, n);
  }

  /** Sandboxes come and go with the kubelet. */
  setSandbox(s: PodSandbox, up: boolean): void {
    if (up) this.sandboxes.set(s.ip, s);
    else if (this.sandboxes.get(s.ip) === s) this.sandboxes.delete(s.ip);
  }

  private client(spec: ClientSpec): Client {
    if ("pod" in spec) {
      const ns = spec.namespace ?? "default";
      const s = this.findPod(ns, spec.pod);
      if (s === undefined) throw new Error(`pod ${ns}/${spec.pod} is not running`);
      const node = this.nodesByName.get(s.nodeName);
      return { ip: s.ip, ipText: s.ipText, node, sandbox: s, resolv: s.resolvConf, cookie: s.netnsCookie };
    }
    if ("node" in spec) {
      const node = this.nodesByName.get(spec.node);
      if (node === undefined) throw new Error(`no node named ${spec.node}`);
      if (this.downNodes.has(node.name)) throw new Error(`node ${spec.node} is not running`);
      return { ip: node.ip, ipText: node.ipText, node, sandbox: undefined, resolv: undefined, cookie: HOST_NETNS_COOKIE };
    }
    const ip = spec.host === undefined ? this.externalHost : tryParseIPv4(spec.host);
    if (ip === undefined) throw new Error(`invalid host address ${spec.host}`);
    if (this.nodes.has(ip) || this.sandboxes.has(ip)) throw new Error(`${spec.host} is inside the cluster; use { node } or { pod }`);
    return { ip, ipText: formatIPv4(ip), node: undefined, sandbox: undefined, resolv: undefined, cookie: 0 };
  }

  /** One HTTP request on a new connection, as `curl <url>` from the client. */
  request(from: ClientSpec, url: string, opts: RequestOptions = {}): CurlResult {
    const start = this.loop.now();
    const opened = this.open(from, url, opts);
    if (!(opened instanceof Connection)) return opened;
    const r = opened.exchange(opened.url.path, opts, opts.trace === false ? null : [...opened.setupTrace], start);
    opened.close();
    return r;
  }

  /**
   * Opens a TCP connection (name resolution, connect, the datapath's
   * choice) and keeps it: requests on it reach the same backend, as HTTP
   * keep-alive does. Returns the failure instead when connecting fails.
   */
  open(from: ClientSpec, url: string, opts: RequestOptions = {}): Connection | CurlResult {
    const start = this.loop.now();
    const trace: TraceHop[] | null = opts.trace === false ? null : [];
    const client = this.client(from);
    const fail = (exitCode: number, stderr: string): CurlResult => {
      trace?.push({ step: "error", message: stderr });
      return { exitCode, stdout: "", stderr, response: undefined, trace: trace ?? NO_TRACE, elapsedSeconds: this.loop.now() - start };
    };
    let u: HttpUrl;
    try {
      u = parseHttpUrl(url);
    } catch (e) {
      if (e instanceof CurlUrlError) return fail(e.exitCode, e.message);
      throw e;
    }

    let resolution = this.dns.resolve(u.host, client.resolv);
    if (resolution.queries.length > 0) {
      const server = this.nameserverPod(client, trace);
      if (server === undefined) {
        // No CoreDNS answers: the stub resolver waits out timeout:5 x attempts:2 on the first query.
        this.loop.advance(RESOLVER_GIVE_UP_SECONDS);
        resolution = { address: undefined, queries: resolution.queries.slice(0, 1).map((q) => ({ name: q.name, rcode: q.rcode, answers: [] })) };
      } else {
        this.loop.advance(DNS_QUERY * resolution.queries.length);
      }
      trace?.push({ step: "dns", server: client.resolv?.nameserver ?? "", answeredBy: server?.key, queries: resolution.queries, answer: resolution.address });
    }
    const dst = resolution.address === undefined ? undefined : tryParseIPv4(resolution.address);
    if (dst === undefined) return fail(6, `curl: (6) Could not resolve host: ${u.host}`);
    const sport = this.ports.connect(client.ip, dst, u.port);
    if (sport === undefined) {
      // Every port of ip_local_port_range is connected or in TIME_WAIT to this destination: EADDRNOTAVAIL.
      const ms = Math.round((this.loop.now() - start) * 1000);
      return fail(7, `curl: (7) Failed to connect to ${u.host} port ${u.port} after ${ms} ms: Couldn't connect to server`);
    }
    // A failed connect() leaves no TIME_WAIT behind (the kernel answered with a reset or gave up).
    const failConnect = (r: CurlResult): CurlResult => {
      this.ports.abort(client.ip, sport, dst, u.port);
      return r;
    };
    trace?.push({ step: "connect", source: `${client.ipText}:${sport}`, destination: `${formatIPv4(dst)}:${u.port}`, ...(client.node ? { clientNode: client.node.name } : {}) });

    const outcome = client.node === undefined ? this.fromOutside(client, sport, dst, u.port, trace) : this.fromInside(client, sport, dst, u.port, trace);
    const refused = () => {
      const ms = Math.round((this.loop.now() - start) * 1000);
      return failConnect(fail(7, `curl: (7) Failed to connect to ${u.host} port ${u.port} after ${ms} ms: Couldn't connect to server`));
    };
    if (outcome.kind === "timeout") {
      const own = opts.connectTimeoutSeconds;
      if (own !== undefined && own < KERNEL_CONNECT_TIMEOUT_SECONDS) {
        // curl's own connect timer fires first (its multi handle checks it a millisecond late).
        this.loop.advance(own + 0.001);
        const ms = Math.round((this.loop.now() - start) * 1000);
        return failConnect(fail(28, `curl: (28) Connection timed out after ${ms} milliseconds`));
      }
      this.loop.advance(KERNEL_CONNECT_TIMEOUT_SECONDS);
      const ms = Math.round((this.loop.now() - start) * 1000);
      return failConnect(fail(28, `curl: (28) Failed to connect to ${u.host} port ${u.port} after ${ms} ms: Couldn't connect to server`));
    }
    if (outcome.kind === "refused") {
      this.loop.advance(RTT_NODES);
      return refused();
    }
    const t = outcome.target;
    const sameNode = t.kind === "pod" ? t.sandbox.nodeName === client.node?.name : t.node === client.node;
    const rtt = sameNode ? RTT_LOCAL : RTT_NODES;
    this.loop.advance(rtt);
    const listening = t.kind === "pod" ? t.sandbox.accepting && t.sandbox.listeners.has(t.port) : t.node.listener(t.port) !== undefined;
    if (!listening) return refused();
    if (trace !== null) {
      const seen = `${formatIPv4(outcome.seen)}:${outcome.seenPort}`;
      if (t.kind === "pod") trace.push({ step: "pod", pod: t.sandbox.key, node: t.sandbox.nodeName, address: `${t.sandbox.ipText}:${t.port}`, seenSource: seen });
      else trace.push({ step: "host", node: t.node.name, address: `${t.node.ipText}:${t.port}`, listener: t.node.listener(t.port)?.name ?? "" });
    }
    return new Connection(this, u, { saddr: client.ip, sport, daddr: dst }, outcome, rtt, trace ?? []);
  }

  /** @internal The reply hop of a delivered request. */
  replyFor(status: number, outcome: Delivery, dst: number, port: number): TraceHop {
    return this.replyHop(status, outcome, formatIPv4(dst), port);
  }

  /** @internal Virtual time for the exchange. */
  elapse(seconds: number): void {
    this.loop.advance(seconds);
  }

  /** @internal */
  clock(): number {
    return this.loop.now();
  }

  private replyHop(status: number, outcome: Delivery, dst: string, port: number): TraceHop {
    const r = outcome.via === undefined || outcome.flow === undefined ? undefined : outcome.via.reply(outcome.flow);
    return { step: "reply", status, from: r?.from ?? `${dst}:${port}`, reverseNat: r?.reverseNat ?? "" };
  }

  /**
   * The CoreDNS pod a pod's queries reach: the nameserver (kube-dns's
   * cluster IP) goes through the client node's datapath like any UDP
   * socket. Undefined when no DNS pod answers.
   */
  private nameserverPod(c: Client, trace: TraceHop[] | null): PodSandbox | undefined {
    const node = c.node;
    const ns = tryParseIPv4(c.resolv?.nameserver ?? "");
    if (node === undefined || ns === undefined) return undefined;
    const proxy = node.proxy;
    let r: ProxyDecision | undefined = proxy.socketConnect(c.cookie, c.ip, ns, DNS_PORT, "UDP", trace !== null);
    if (r?.verdict === "pass") r = undefined;
    r ??= proxy.fromLocal(c.ip, this.rng.intBetween(EPHEMERAL_LOW, EPHEMERAL_HIGH), ns, DNS_PORT, "UDP", trace !== null);
    const target = r.verdict === "forward" ? r.backendAddr : r.verdict === "pass" ? ns : 0;
    const port = r.verdict === "forward" ? r.backendPort : DNS_PORT;
    if (r.verdict !== "pass") this.hop(trace, r);
    const sandbox = this.sandboxes.get(target);
    if (sandbox !== undefined && this.cutOff(node.name, sandbox.nodeName)) return undefined;
    const answers = sandbox !== undefined && sandbox.accepting && sandbox.udpPorts.has(port);
    // The answer comes back through the translation (netfilter marks the flow as replied).
    if (answers && r.flow !== undefined) proxy.answered(r.flow);
    return answers ? sandbox : undefined;
  }

  /** Pods and nodes: socket LB at connect(), else the per-packet path of the client's node. */
  private fromInside(c: Client, sport: number, dst: number, port: number, trace: TraceHop[] | null): Outcome {
    const node = c.node as NodeHost;
    const proxy = node.proxy;
    const s = proxy.socketConnect(c.cookie, c.ip, dst, port, "TCP", trace !== null);
    if (s !== undefined) {
      if (s.verdict !== "pass") {
        this.hop(trace, s);
        // A socket-level refusal fails connect() itself.
        if (s.verdict === "drop" || s.verdict === "reject") return { kind: "refused" };
        // Translated at connect(): the backend sees the socket's own address.
        return this.toBackend(s.backendAddr, s.backendPort, c.ip, sport, undefined, undefined, node, trace);
      }
      if (s.consulted) this.hop(trace, s);
    }
    const r = proxy.fromLocal(c.ip, sport, dst, port, "TCP", trace !== null);
    if (r.verdict !== "pass" || r.consulted) this.hop(trace, r);
    if (r.verdict === "drop") return { kind: "timeout" };
    if (r.verdict === "reject") return { kind: "refused" };
    if (r.verdict === "forward") return this.toBackend(r.backendAddr, r.backendPort, r.sourceAddr, r.sourcePort, r.flow, proxy, node, trace);
    return this.plainRoute(c, sport, dst, port, trace);
  }

  /** Untranslated traffic: to a pod, to a node (whose datapath sees it arrive from outside), or nowhere. */
  private plainRoute(c: Client, sport: number, dst: number, port: number, trace: TraceHop[] | null): Outcome {
    if (dst >>> 24 === 127) {
      // Loopback stays in the client's own network namespace.
      const target: Target = c.sandbox ? { kind: "pod", sandbox: c.sandbox, port } : { kind: "host", node: c.node as NodeHost, port };
      return { kind: "deliver", target, seen: dst, seenPort: sport, flow: undefined, via: undefined };
    }
    const sandbox = this.sandboxes.get(dst);
    if (sandbox !== undefined && c.node !== undefined && this.cutOff(c.node.name, sandbox.nodeName)) return { kind: "timeout" };
    if (sandbox !== undefined) return { kind: "deliver", target: { kind: "pod", sandbox, port }, seen: c.ip, seenPort: sport, flow: undefined, via: undefined };
    const node = this.nodes.get(dst);
    if (node === undefined) return { kind: "timeout" };
    if (node === c.node) return { kind: "deliver", target: { kind: "host", node, port }, seen: c.ip, seenPort: sport, flow: undefined, via: undefined };
    return this.atNode(node, c.ip, sport, dst, port, trace);
  }

  /** External clients: node addresses directly, LoadBalancer addresses through the cloud load balancer. */
  private fromOutside(c: Client, sport: number, dst: number, port: number, trace: TraceHop[] | null): Outcome {
    const node = this.nodes.get(dst);
    if (node !== undefined) return this.atNode(node, c.ip, sport, dst, port, trace);
    const pick = this.cloud.pickNode(dst, port);
    if (pick === undefined) return { kind: "timeout" };
    const entry = this.nodesByName.get(pick.node);
    if (entry === undefined) return { kind: "timeout" };
    trace?.push({ step: "cloud-lb", address: `${formatIPv4(dst)}:${port}`, node: pick.node, healthyNodes: pick.healthy });
    return this.atNode(entry, c.ip, sport, dst, port, trace);
  }

  /** A packet arriving at a node's interface from outside: the north-south path. */
  private atNode(node: NodeHost, saddr: number, sport: number, dst: number, port: number, trace: TraceHop[] | null): Outcome {
    if (this.downNodes.has(node.name)) return { kind: "timeout" };
    const r = node.proxy.fromOutside(saddr, sport, dst, port, "TCP", trace !== null);
    if (r.verdict !== "pass" || r.consulted) this.hop(trace, r);
    if (r.verdict === "drop") return { kind: "timeout" };
    if (r.verdict === "reject") return { kind: "refused" };
    if (r.verdict === "forward") {
      const backend = this.sandboxes.get(r.backendAddr);
      if (r.sourceAddr === saddr && node.proxy.mode !== "none" && backend !== undefined && backend.nodeName !== node.name) {
        // kube-proxy forwarded it without masquerading: the pod answers the client straight from its own node, the
        // client drops a reply from an address it never called, and the connection never completes.
        trace?.push({ step: "forward", from: node.name, to: backend.nodeName, reason: "not masqueraded: the reply bypasses this node's conntrack" });
        return { kind: "timeout" };
      }
      return this.toBackend(r.backendAddr, r.backendPort, r.sourceAddr, r.sourcePort, r.flow, node.proxy, node, trace);
    }
    if (node.ip !== dst) return { kind: "timeout" };
    if (node.listener(port) === undefined) return { kind: "refused" };
    return { kind: "deliver", target: { kind: "host", node, port }, seen: saddr, seenPort: sport, flow: undefined, via: undefined };
  }

  private toBackend(addr: number, port: number, seen: number, seenPort: number, flow: ProxyFlow | undefined, via: NodeServiceProxy | undefined, from: NodeHost, trace: TraceHop[] | null): Outcome {
    const sandbox = this.sandboxes.get(addr);
    if (sandbox !== undefined) {
      if (this.cutOff(from.name, sandbox.nodeName)) return { kind: "timeout" };
      if (trace !== null && sandbox.nodeName !== from.name) trace.push({ step: "forward", from: from.name, to: sandbox.nodeName, reason: "backend on another node" });
      return { kind: "deliver", target: { kind: "pod", sandbox, port }, seen, seenPort, flow, via };
    }
    const node = this.nodes.get(addr);
    if (node !== undefined && !this.downNodes.has(node.name)) return { kind: "deliver", target: { kind: "host", node, port }, seen, seenPort, flow, via };
    // A stale backend whose pod is gone: nothing answers.
    return { kind: "timeout" };
  }

  /** Pod traffic between these nodes is dropped by a partition. */
  private cutOff(a: string, b: string): boolean {
    return a !== b && (this.partitionedNodes.has(a) || this.partitionedNodes.has(b));
  }

  private hop(trace: TraceHop[] | null, d: ProxyDecision): void {
    if (trace !== null && d.hop !== undefined) trace.push(d.hop);
  }

}

export interface HttpUrl {
  readonly host: string;
  readonly port: number;
  readonly path: string;
}

const urlCache = new Map<string, HttpUrl>();

/** curl's URL handling for http: a missing scheme means http, a missing path `/`. */
export function parseHttpUrl(url: string): HttpUrl {
  let u = urlCache.get(url);
  if (u === undefined) {
    u = parseUrl(url);
    // A small memo: benchmarks and notebooks repeat a handful of URLs.
    if (urlCache.size >= 1024) urlCache.clear();
    urlCache.set(url, u);
  }
  return u;
}

/** A URL curl refuses, with its exit code. */
export class CurlUrlError extends Error {
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

function parseUrl(url: string): HttpUrl {
  const m = /^(?:(\w+):\/\/)?([^/:?#]+)(?::(\d+))?([^#]*)/.exec(url.trim());
  if (m === null) throw new CurlUrlError(3, "curl: (3) URL using bad/illegal format or missing URL");
  const scheme = (m[1] ?? "http").toLowerCase();
  // The simulated apps speak plain HTTP only; TLS is out of the model.
  if (scheme !== "http") throw new CurlUrlError(1, `curl: (1) Protocol "${scheme}" not supported`);
  const port = m[3] === undefined ? 80 : Number(m[3]);
  if (port < 1 || port > 65535) throw new CurlUrlError(3, "curl: (3) URL using bad/illegal format or missing URL");
  let path = m[4] ?? "";
  if (path === "" || path.startsWith("?")) path = `/${path}`;
  return { host: (m[2] as string).toLowerCase(), port, path };
}

/**
 * An established TCP connection: HTTP requests on it go to the backend the
 * connection reached, as long as that pod's socket lives. A pod that is
 * terminating still answers the connections it holds (nginx drains them);
 * once its containers are gone the connection is reset.
 */
export class Connection {
  private closed = false;
  private readonly sandbox: PodSandbox | undefined;

  constructor(
    private readonly network: Network,
    readonly url: HttpUrl,
    /** The flow as the translating datapath saw it. */
    private readonly flow: { readonly saddr: number; readonly sport: number; readonly daddr: number },
    private readonly delivery: Delivery,
    private readonly rtt: number,
    /** Hops of the connection setup (DNS, connect, datapath, pod). */
    readonly setupTrace: readonly TraceHop[],
  ) {
    const t = delivery.target;
    this.sandbox = t.kind === "pod" ? t.sandbox : undefined;
    if (this.sandbox) this.sandbox.openConnections++;
  }

  /** The pod answering on this connection (`namespace/name`), if a pod. */
  get backend(): string | undefined {
    return this.sandbox?.key;
  }

  get open(): boolean {
    return !this.closed;
  }

  /** Sends one request (GET `path` by default) and waits for the answer. */
  send(path: string = this.url.path, opts: RequestOptions = {}): CurlResult {
    return this.exchange(path, opts, opts.trace === false ? null : [], this.network.clock());
  }

  /** @internal One request/response, appending to `trace`. */
  exchange(path: string, opts: RequestOptions, trace: TraceHop[] | null, start: number): CurlResult {
    const t = this.delivery.target;
    const gone = this.closed || (t.kind === "pod" && this.network.sandboxes.get(t.sandbox.ip) !== t.sandbox);
    const handler = gone ? undefined : t.kind === "pod" ? t.sandbox.listeners.get(t.port) : t.node.listener(t.port)?.handler;
    if (handler === undefined) {
      const stderr = "curl: (56) Recv failure: Connection reset by peer";
      trace?.push({ step: "error", message: stderr });
      return { exitCode: 56, stdout: "", stderr, response: undefined, trace: trace ?? NO_TRACE, elapsedSeconds: this.network.clock() - start };
    }
    const u = this.url;
    const headers: Record<string, string> = { host: u.port === 80 ? u.host : `${u.host}:${u.port}`, "user-agent": USER_AGENT, accept: "*/*" };
    for (const [k, v] of Object.entries(opts.headers ?? {})) headers[k.toLowerCase()] = v;
    const req: HttpRequest = { method: opts.method ?? "GET", path, headers, ...(opts.body !== undefined ? { body: opts.body } : {}) };
    const res = handler(req, {
      remoteAddress: formatIPv4(this.delivery.seen),
      remotePort: this.delivery.seenPort,
      localAddress: t.kind === "pod" ? t.sandbox.ipText : t.node.ipText,
      localPort: t.port,
    });
    this.network.elapse(this.rtt + APP_TIME);
    trace?.push(this.network.replyFor(res.status, this.delivery, this.flow.daddr, u.port));
    return { exitCode: 0, stdout: res.body, stderr: "", response: res, trace: trace ?? NO_TRACE, elapsedSeconds: this.network.clock() - start };
  }

  /** FIN both ways: the pod's socket closes and a per-packet conntrack entry moves to its close timeout. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.sandbox?.closeConnection();
    this.network.ports.close(this.flow.saddr, this.flow.sport, this.flow.daddr, this.url.port);
    const d = this.delivery;
    if (d.via !== undefined && d.flow !== undefined) d.via.close(d.flow);
  }
}
