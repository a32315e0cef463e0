/**
 * DNS clients inside pods: BIND's dig (tools and agnhost images) and
 * nslookup in BIND's (tools) and busybox's dialects. dig sends the name as
 * given (fully qualified) unless +search; nslookup walks the pod's search
 * path like the stub resolver. Answers come from the cluster's CoreDNS,
 * whose kubernetes plugin kind configures with `ttl 30`.
 */
import { createHash } from "node:crypto";
import type { DnsQuery } from "../../dns/coredns";
import type { Service } from "kubernetes-types/core/v1";
import { KINDS } from "@svclab/apiserver";
import { dnsServer, ok, resolveFrom, type Tool, type ToolContext } from "./tool";

const TTL = 30;
/** dig 9.16 as shipped by Ubuntu 20.04 (the tools image). */
const DIG_VERSION = "9.16.1-Ubuntu";

function fqdn(name: string): string {
  return name.endsWith(".") ? name : `${name}.`;
}

/** A stable 16-bit query id (dig picks one at random). */
function queryId(name: string, now: Date): number {
  return createHash("sha256").update(`${name}@${now.toISOString()}`).digest().readUInt16BE(0);
}

function soa(domain: string): string {
  return `${domain}.\t${TTL}\tIN\tSOA\tns.dns.${domain}. hostmaster.${domain}. 1700000000 7200 1800 86400 ${TTL}`;
}

/** dig's +cmd date line: `Thu Nov 26 10:00:00 UTC 2026`. */
function digDate(d: Date): string {
  const [wd, , , , time] = d.toUTCString().replace(",", "").split(" ");
  const month = d.toLocaleString("en-US", { month: "short", timeZone: "UTC" });
  return `${wd} ${month} ${String(d.getUTCDate()).padStart(2, " ")} ${time} UTC ${d.getUTCFullYear()}`;
}

function answerRecords(q: DnsQuery): string[] {
  const lines: string[] = [];
  if (q.cname !== undefined) lines.push(`${fqdn(q.name)}\t${TTL}\tIN\tCNAME\t${fqdn(q.cname)}`);
  for (const a of q.answers) lines.push(`${fqdn(q.name)}\t${TTL}\tIN\tA\t${a}`);
  return lines;
}

export const dig: Tool = async (args, ctx) => {
  let name: string | undefined;
  let short = false;
  let search = false;
  // On a node or outside the cluster dig asks the host's stub resolver.
  let server = "pod" in ctx.client ? dnsServer(ctx.cluster) : "127.0.0.53";
  let type = "A";
  for (const a of args) {
    if (a === "+short") short = true;
    else if (a === "+search") search = true;
    else if (a.startsWith("+")) continue;
    else if (a.startsWith("@")) server = a.slice(1);
    else if (/^(A|AAAA|CNAME|SRV|TXT|MX|NS|SOA|PTR|ANY)$/i.test(a)) type = a.toUpperCase();
    else if (a.startsWith("-")) return { stdout: "", stderr: `Invalid option: ${a}\nUsage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}\n`, exitCode: 1 };
    else name ??= a;
  }
  const asked = name ?? ".";
  const now = ctx.cluster.wallTime();
  // Without +search dig sends the name as given, fully qualified.
  const r = resolveFrom(ctx, search ? asked : fqdn(asked));
  const q: DnsQuery = r.queries.find((x) => x.rcode === "NOERROR") ?? r.queries[r.queries.length - 1] ?? { name: asked.replace(/\.$/, ""), rcode: "NXDOMAIN", answers: [] };
  // CoreDNS answers only A (and CNAME) records for Services here.
  const answers = type === "A" || type === "ANY" || (type === "CNAME" && q.cname !== undefined) ? answerRecords(q) : [];
  if (short) return ok(answers.map((l) => `${l.split("\t")[4]}\n`).join(""));
  const authority = q.rcode === "NXDOMAIN" || answers.length === 0 ? [soa(ctx.cluster.topology.clusterDomain)] : [];
  const qname = fqdn(q.name || asked);
  const size = 12 + qname.length + 1 + 4 + answers.length * 16 + authority.length * 70 + 11;
  let out = `\n; <<>> DiG ${DIG_VERSION} <<>> ${args.join(" ")}\n;; global options: +cmd\n;; Got answer:\n`;
  out += `;; ->>HEADER<<- opcode: QUERY, status: ${q.rcode}, id: ${queryId(qname, now)}\n`;
  out += `;; flags: qr aa rd; QUERY: 1, ANSWER: ${answers.length}, AUTHORITY: ${authority.length}, ADDITIONAL: 1\n`;
  out += ";; WARNING: recursion requested but not available\n\n";
  out += ";; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 4096\n";
  out += `;; QUESTION SECTION:\n;${qname}\t\tIN\t${type}\n\n`;
  if (answers.length > 0) out += `;; ANSWER SECTION:\n${answers.join("\n")}\n\n`;
  if (authority.length > 0) out += `;; AUTHORITY SECTION:\n${authority.join("\n")}\n\n`;
  out += `;; Query time: 0 msec\n;; SERVER: ${server}#53(${server})\n;; WHEN: ${digDate(now)}\n;; MSG SIZE  rcvd: ${size}\n\n`;
  return ok(out);
};

/** What CoreDNS answers for a PTR query: a Service's name for its cluster IP. */
function reverseName(ctx: ToolContext, ip: string): string | undefined {
  const svc = ctx.cluster.list<Service>(KINDS.service, { allNamespaces: true }).find((s) => s.spec?.clusterIP === ip);
  return svc === undefined ? undefined : `${svc.metadata?.name}.${svc.metadata?.namespace}.svc.${ctx.cluster.topology.clusterDomain}`;
}

/** BusyBox up to 1.28 (`busybox:1.28`, the Kubernetes docs' DNS check): numbered addresses with their PTR names. */
export const nslookupBusybox128: Tool = async (args, ctx) => {
  const name = args.find((a) => !a.startsWith("-"));
  if (name === undefined) return { stdout: "", stderr: "BusyBox v1.28.4 (2018-05-22 17:00:17 UTC) multi-call binary.\n\nUsage: nslookup [HOST] [SERVER]\n", exitCode: 1 };
  const server = dnsServer(ctx.cluster);
  const named = (ip: string): string => {
    const ptr = reverseName(ctx, ip);
    return ptr === undefined ? ip : `${ip} ${ptr}`;
  };
  const head = `Server:    ${server}\nAddress 1: ${named(server)}\n\n`;
  const hit = resolveFrom(ctx, name).queries.find((q) => q.rcode === "NOERROR" && q.answers.length > 0);
  if (hit === undefined) return { stdout: head, stderr: `nslookup: can't resolve '${name}'\n`, exitCode: 1 };
  return ok(`${head}Name:      ${name}\n${hit.answers.map((a, i) => `Address ${i + 1}: ${named(a)}\n`).join("")}`);
};

function nslookupWith(dialect: "bind" | "busybox"): Tool {
  return async (args: readonly string[], ctx: ToolContext) => {
    const name = args.find((a) => !a.startsWith("-"));
    if (name === undefined) {
      return dialect === "busybox"
        ? { stdout: "", stderr: "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n", exitCode: 1 }
        : { stdout: "", stderr: "", exitCode: 1 };
    }
    const server = dnsServer(ctx.cluster);
    const head = dialect === "bind" ? `Server:\t\t${server}\nAddress:\t${server}#53\n\n` : `Server:\t\t${server}\nAddress:\t${server}:53\n\n`;
    const r = resolveFrom(ctx, name);
    const hit = r.queries.find((q) => q.rcode === "NOERROR");
    if (hit === undefined) {
      const shown = name.replace(/\.$/, "");
      return { stdout: `${head}** server can't find ${shown}: NXDOMAIN\n\n`, stderr: "", exitCode: 1 };
    }
    let out = head;
    if (hit.cname !== undefined) out += `${hit.name}\tcanonical name = ${hit.cname}.\n`;
    for (const a of hit.answers) out += `Name:\t${hit.name}\nAddress: ${a}\n`;
    return ok(`${out}\n`);
  };
}

export const nslookupBind = nslookupWith("bind");
export const nslookupBusybox = nslookupWith("busybox");
