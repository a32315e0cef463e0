/**
 * Cluster DNS as a pod sees it: the stub resolver's search path and ndots
 * rule from the pod's resolv.conf (ClusterFirst policy), in front of
 * CoreDNS's kubernetes plugin, which answers
 * `<svc>.<ns>.svc.<domain>` (cluster IP, or ready pod IPs when headless, or a
 * CNAME for ExternalName) and `<a-b-c-d>.<ns>.pod.<domain>`.
 */

export interface ServiceRecord {
  readonly clusterIP?: string;
  /** Headless (clusterIP None): the ready endpoint addresses. */
  readonly endpoints?: readonly string[];
  readonly externalName?: string;
}

export type ServiceLookup = (namespace: string, name: string) => ServiceRecord | undefined;

export interface DnsQuery {
  readonly name: string;
  readonly rcode: "NOERROR" | "NXDOMAIN";
  /** A records, or the CNAME target followed by nothing when it leaves the cluster. */
  readonly answers: readonly string[];
  readonly cname?: string;
}

export interface Resolution {
  /** The address the client connects to, if the name resolved. */
  readonly address: string | undefined;
  /** Every query the stub resolver sent, in order. */
  readonly queries: readonly DnsQuery[];
}

export interface ResolvConf {
  readonly nameserver: string;
  readonly search: readonly string[];
  readonly ndots: number;
}

/** The resolv.conf the kubelet writes for a ClusterFirst pod. */
export function podResolvConf(namespace: string, domain: string, nameserver: string): ResolvConf {
  return { nameserver, search: [`${namespace}.svc.${domain}`, `svc.${domain}`, domain], ndots: 5 };
}

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

export class ClusterDns {
  /**
   * Answers per resolver configuration (one object per pod sandbox) and
   * name, until a Service or its endpoints change: a lookup builds no key.
   */
  private cache = new WeakMap<ResolvConf, Map<string, Resolution>>();

  constructor(
    readonly domain: string,
    private readonly lookup: ServiceLookup,
  ) {}

  /** Forgets cached answers (call on any Service or EndpointSlice change). */
  invalidate(): void {
    this.cache = new WeakMap();
  }

  /** What CoreDNS answers for one fully qualified name (without the trailing dot). */
  query(fqdn: string): DnsQuery {
    const name = fqdn.toLowerCase();
    const suffix = `.${this.domain}`;
    if (name.endsWith(suffix)) {
      const labels = name.slice(0, -suffix.length).split(".");
      if (labels.length === 3 && labels[2] === "svc") {
        const rec = this.lookup(labels[1] as string, labels[0] as string);
        if (rec?.externalName !== undefined) return { name, rcode: "NOERROR", answers: [], cname: rec.externalName };
        if (rec?.clusterIP !== undefined) return { name, rcode: "NOERROR", answers: [rec.clusterIP] };
        if (rec?.endpoints !== undefined && rec.endpoints.length > 0) {
          return { name, rcode: "NOERROR", answers: [...rec.endpoints] };
        }
      }
      if (labels.length === 3 && labels[2] === "pod") {
        const ip = (labels[0] as string).replace(/-/g, ".");
        if (IPV4.test(ip)) return { name, rcode: "NOERROR", answers: [ip] };
      }
    }
    return { name, rcode: "NXDOMAIN", answers: [] };
  }

  /** The stub resolver: search list first when the name has fewer than ndots dots. */
  resolve(host: string, conf: ResolvConf | undefined): Resolution {
    if (IPV4.test(host)) return { address: host, queries: [] };
    // /etc/hosts comes first, in pods (the kubelet writes it) as on any host.
    if (host === "localhost") return { address: "127.0.0.1", queries: [] };
    // Nodes and external hosts do not use cluster DNS, so cluster names do not resolve there.
    if (conf === undefined) return { address: undefined, queries: [] };
    let answers = this.cache.get(conf);
    if (answers === undefined) this.cache.set(conf, (answers = new Map()));
    const cached = answers.get(host);
    if (cached !== undefined) return cached;
    const r = this.search(host, conf);
    answers.set(host, r);
    return r;
  }

  private search(host: string, conf: ResolvConf): Resolution {
    const absolute = host.endsWith(".");
    const bare = absolute ? host.slice(0, -1) : host;
    const dots = bare.split(".").length - 1;
    const candidates = absolute
      ? [bare]
      : dots >= conf.ndots
        ? [bare, ...conf.search.map((s) => `${bare}.${s}`)]
        : [...conf.search.map((s) => `${bare}.${s}`), bare];
    const queries: DnsQuery[] = [];
    for (const name of candidates) {
      const q = this.query(name);
      queries.push(q);
      if (q.rcode === "NOERROR") {
        // CoreDNS chases a CNAME it can answer itself (an ExternalName pointing into the cluster).
        const target = q.cname === undefined ? undefined : this.query(q.cname.replace(/\.$/, ""));
        if (target !== undefined) queries.push(target);
        // Several A records: the client takes the first, CoreDNS having shuffled them.
        return { address: (target ?? q).answers[0], queries };
      }
    }
    return { address: undefined, queries };
  }
}
