/**
 * Netfilter connection tracking on one node: each connection's original and
 * reply tuples (the reply tuple carries the NAT: a DNATed connection's reply
 * comes from the backend, a masqueraded one's goes back to the node), its TCP
 * state and timeout. Only a connection's first packet walks the nat table;
 * every later packet, in either direction, is translated from this entry,
 * which is what keeps an established flow on its backend whatever the rules
 * say afterwards.
 */

import { formatIPv4 } from "@svclab/sim";

export type CtProto = "tcp" | "udp" | "sctp";
export type TcpState = "SYN_SENT" | "SYN_RECV" | "ESTABLISHED" | "FIN_WAIT" | "TIME_WAIT" | "CLOSE";

export interface Tuple {
  readonly src: number;
  readonly sport: number;
  readonly dst: number;
  readonly dport: number;
}

export interface ConntrackTimeouts {
  readonly tcpSynSent: number;
  readonly tcpSynRecv: number;
  /** kube-proxy sets nf_conntrack_tcp_timeout_established (conntrack.tcpEstablishedTimeout, default 24h). */
  readonly tcpEstablished: number;
  readonly tcpFinWait: number;
  readonly tcpTimeWait: number;
  readonly tcpClose: number;
  readonly udp: number;
  readonly udpStream: number;
}

/** Kernel defaults, with kube-proxy's default established timeout (86400 s). */
export const DEFAULT_CONNTRACK_TIMEOUTS: ConntrackTimeouts = {
  tcpSynSent: 120,
  tcpSynRecv: 60,
  tcpEstablished: 86400,
  tcpFinWait: 120,
  tcpTimeWait: 120,
  tcpClose: 10,
  udp: 30,
  udpStream: 120,
};

export interface ConntrackEntry {
  readonly id: number;
  readonly proto: CtProto;
  readonly orig: Tuple;
  readonly reply: Tuple;
  readonly dnat: boolean;
  readonly snat: boolean;
  tcpState: TcpState | undefined;
  seenReply: boolean;
  assured: boolean;
  mark: number;
  expiresNs: number;
  /** Packets seen in each direction (UDP becomes ASSURED once both have been seen twice). */
  packets: number;
}

const PROTO_NUMBERS: Record<CtProto, number> = { tcp: 6, udp: 17, sctp: 132 };

function key(proto: CtProto, t: Tuple): string {
  return `${proto}/${t.src}/${t.sport}/${t.dst}/${t.dport}`;
}

export class ConntrackTable {
  private readonly byTuple = new Map<string, { entry: ConntrackEntry; dir: "original" | "reply" }>();
  private readonly entries = new Map<number, ConntrackEntry>();
  private nextId = 1;

  constructor(readonly timeouts: ConntrackTimeouts = DEFAULT_CONNTRACK_TIMEOUTS) {}

  get size(): number {
    return this.entries.size;
  }

  /** The live entry a packet belongs to, and in which direction it travels. */
  lookup(proto: CtProto, t: Tuple, nowNs: number): { entry: ConntrackEntry; dir: "original" | "reply" } | undefined {
    const hit = this.byTuple.get(key(proto, t));
    if (!hit) return undefined;
    if (hit.entry.expiresNs <= nowNs) {
      this.delete(hit.entry);
      return undefined;
    }
    return hit;
  }

  /** True if some live connection already uses `t` as its reply tuple (a NAT clash). */
  tupleInUse(proto: CtProto, t: Tuple, nowNs: number): boolean {
    return this.lookup(proto, t, nowNs) !== undefined;
  }

  /** Confirms a new connection (what happens when its first packet leaves the stack). */
  confirm(
    proto: CtProto,
    orig: Tuple,
    reply: Tuple,
    nat: { dnat: boolean; snat: boolean },
    mark: number,
    nowNs: number,
  ): ConntrackEntry {
    const entry: ConntrackEntry = {
      id: this.nextId++,
      proto,
      orig,
      reply,
      dnat: nat.dnat,
      snat: nat.snat,
      tcpState: proto === "tcp" ? "SYN_SENT" : undefined,
      seenReply: false,
      assured: false,
      mark,
      expiresNs: 0,
      packets: 1,
    };
    entry.expiresNs = nowNs + (proto === "tcp" ? this.timeouts.tcpSynSent : this.timeouts.udp) * 1e9;
    this.entries.set(entry.id, entry);
    this.byTuple.set(key(proto, orig), { entry, dir: "original" });
    this.byTuple.set(key(proto, reply), { entry, dir: "reply" });
    return entry;
  }

  /** Moves a TCP entry to `state` and re-arms its timeout. */
  setTcpState(entry: ConntrackEntry, state: TcpState, nowNs: number): void {
    entry.tcpState = state;
    if (state === "ESTABLISHED") entry.assured = true;
    const t = this.timeouts;
    const secs = {
      SYN_SENT: t.tcpSynSent,
      SYN_RECV: t.tcpSynRecv,
      ESTABLISHED: t.tcpEstablished,
      FIN_WAIT: t.tcpFinWait,
      TIME_WAIT: t.tcpTimeWait,
      CLOSE: t.tcpClose,
    }[state];
    entry.expiresNs = nowNs + secs * 1e9;
  }

  /** A later packet of a UDP (or SCTP) flow: replies mark it seen, a reply plus more traffic makes it a stream. */
  refreshDatagram(entry: ConntrackEntry, dir: "original" | "reply", nowNs: number): void {
    entry.packets++;
    if (dir === "reply") entry.seenReply = true;
    if (entry.seenReply && entry.packets > 2) entry.assured = true;
    entry.expiresNs = nowNs + (entry.assured ? this.timeouts.udpStream : this.timeouts.udp) * 1e9;
  }

  delete(entry: ConntrackEntry): void {
    this.entries.delete(entry.id);
    this.byTuple.delete(key(entry.proto, entry.orig));
    this.byTuple.delete(key(entry.proto, entry.reply));
  }

  /** Removes expired entries (the kernel's gc worker); returns how many. */
  gc(nowNs: number): number {
    let n = 0;
    for (const e of [...this.entries.values()]) {
      if (e.expiresNs <= nowNs) {
        this.delete(e);
        n++;
      }
    }
    return n;
  }

  /** Deletes the entries `pred` selects (conntrack -D, kube-proxy's stale-UDP cleanup). */
  deleteWhere(pred: (e: ConntrackEntry) => boolean): number {
    let n = 0;
    for (const e of [...this.entries.values()]) {
      if (pred(e)) {
        this.delete(e);
        n++;
      }
    }
    return n;
  }

  all(nowNs: number): ConntrackEntry[] {
    return [...this.entries.values()].filter((e) => e.expiresNs > nowNs);
  }

  /** `conntrack -L` lines (the summary line goes to stderr: see conntrackSummary). */
  list(nowNs: number): string {
    const lines = this.all(nowNs).map((e) => {
      const secs = Math.max(0, Math.ceil((e.expiresNs - nowNs) / 1e9) - 1);
      const tuple = (t: Tuple): string =>
        `src=${formatIPv4(t.src)} dst=${formatIPv4(t.dst)} sport=${t.sport} dport=${t.dport}`;
      const parts = [`${e.proto.padEnd(8)} ${PROTO_NUMBERS[e.proto]} ${secs}`];
      if (e.tcpState) parts.push(e.tcpState);
      parts.push(tuple(e.orig));
      if (!e.seenReply) parts.push("[UNREPLIED]");
      parts.push(tuple(e.reply));
      if (e.assured) parts.push("[ASSURED]");
      parts.push(`mark=${e.mark}`, "use=1");
      return parts.join(" ");
    });
    return lines.join("\n") + (lines.length ? "\n" : "");
  }
}

export function conntrackSummary(count: number): string {
  return `conntrack v1.4.7 (conntrack-tools): ${count} flow entries have been shown.`;
}
