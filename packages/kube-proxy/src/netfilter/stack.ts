/**
 * The path a packet takes through one node's netfilter hooks, with
 * conntrack. A connection's first packet walks nat PREROUTING (or nat OUTPUT
 * when the node itself sends it), is routed (to this host: filter INPUT;
 * elsewhere: filter FORWARD, then nat POSTROUTING), and is confirmed into
 * conntrack with whatever DNAT and MASQUERADE the rules chose. Later packets,
 * and replies, are translated from the conntrack entry and see only the
 * filter table, with ctstate ESTABLISHED.
 */

import type { MonotonicClock, SeededRandom } from "@svclab/sim";
import { ConntrackTable, type ConntrackEntry, type CtProto, type Tuple } from "./conntrack";
import type { RecentTables } from "./recent";
import { CT_DNAT, CT_ESTABLISHED, CT_NEW, CT_SNAT } from "./rule";
import type { IptablesTables } from "./tables";
import { walkHook, type TraceStep, type WalkEnv, type WalkPacket, type WalkResult, type WalkVerdict } from "./walk";

/** Where a packet enters the stack: from an interface (pods, other hosts) or from the host's own sockets. */
export type PacketOrigin = "prerouting" | "output";

export type TcpFlags = "SYN" | "SYN-ACK" | "ACK" | "FIN" | "RST";

export interface StackPacket {
  readonly proto: CtProto;
  readonly tuple: Tuple;
  readonly origin: PacketOrigin;
  readonly tcpFlags?: TcpFlags;
}

export interface HookTrace {
  /** e.g. `nat/PREROUTING`, `filter/FORWARD`. */
  readonly hook: string;
  readonly steps: readonly TraceStep[];
}

export interface StackResult {
  readonly verdict: WalkVerdict;
  /** The packet as it left the stack (after DNAT/SNAT or conntrack's translation). */
  readonly out: Tuple;
  readonly direction: "original" | "reply";
  /** True when conntrack already knew the connection (no nat rules consulted). */
  readonly established: boolean;
  readonly dnat: boolean;
  readonly snat: boolean;
  /** The rule that chose the DNAT destination, or else the rule that ended the filter walk. */
  readonly decidedBy: TraceStep | undefined;
  readonly trace: readonly HookTrace[];
  readonly conntrack: ConntrackEntry | undefined;
}

export interface StackConfig {
  readonly tables: IptablesTables;
  readonly recent: RecentTables;
  readonly conntrack: ConntrackTable;
  readonly random: SeededRandom;
  readonly clock: MonotonicClock;
  readonly isLocal: (addr: number) => boolean;
  /** The source address MASQUERADE picks for a packet leaving towards `dst`. */
  readonly masqueradeAddress: (dst: number) => number;
}

export class NetfilterStack {
  constructor(private readonly cfg: StackConfig) {}

  process(pkt: StackPacket, wantTrace = true): StackResult {
    const nowNs = this.cfg.clock.nowNs();
    const hit = this.cfg.conntrack.lookup(pkt.proto, pkt.tuple, nowNs);
    const trace: HookTrace[] = [];
    if (hit) return this.established(pkt, hit.entry, hit.dir, nowNs, wantTrace, trace);
    return this.newConnection(pkt, nowNs, wantTrace, trace);
  }

  private env(nowNs: number, steps: TraceStep[] | undefined): WalkEnv {
    return { isLocal: this.cfg.isLocal, random: this.cfg.random, recent: this.cfg.recent, nowNs, trace: steps };
  }

  private run(table: "nat" | "filter", hook: string, p: WalkPacket, nowNs: number, wantTrace: boolean, trace: HookTrace[]): WalkResult {
    const steps: TraceStep[] | undefined = wantTrace ? [] : undefined;
    const r = walkHook(this.cfg.tables, table, hook, p, this.env(nowNs, steps));
    if (steps) trace.push({ hook: `${table}/${hook}`, steps });
    return r;
  }

  private newConnection(pkt: StackPacket, nowNs: number, wantTrace: boolean, trace: HookTrace[]): StackResult {
    const t = pkt.tuple;
    const p: WalkPacket = { proto: pkt.proto, src: t.src, sport: t.sport, dst: t.dst, dport: t.dport, mark: 0, ctstate: CT_NEW };
    const dropped = (r: WalkResult, decidedBy: TraceStep | undefined): StackResult => ({
      verdict: r.verdict,
      out: { src: p.src, sport: p.sport, dst: p.dst, dport: p.dport },
      direction: "original",
      established: false,
      dnat: (p.ctstate & CT_DNAT) !== 0,
      snat: false,
      decidedBy,
      trace,
      conntrack: undefined,
    });
    const natHook = pkt.origin === "output" ? "OUTPUT" : "PREROUTING";
    const nat = this.run("nat", natHook, p, nowNs, wantTrace, trace);
    if (nat.verdict !== "ACCEPT") return dropped(nat, nat.decidedBy);
    let decidedBy = nat.dnat ? nat.decidedBy : undefined;
    if (nat.dnat) {
      p.dst = nat.dnat.ip;
      if (nat.dnat.port !== undefined) p.dport = nat.dnat.port;
      p.ctstate |= CT_DNAT;
    }
    const toLocal = this.cfg.isLocal(p.dst);
    const filterHooks = pkt.origin === "output" ? (toLocal ? ["OUTPUT", "INPUT"] : ["OUTPUT"]) : toLocal ? ["INPUT"] : ["FORWARD"];
    let masquerade = false;
    for (const hook of filterHooks) {
      // Locally sent packets pass nat POSTROUTING between filter OUTPUT and the loopback's INPUT.
      if (hook === "INPUT" && pkt.origin === "output") masquerade = this.postrouting(p, nowNs, wantTrace, trace);
      const f = this.run("filter", hook, p, nowNs, wantTrace, trace);
      if (f.verdict !== "ACCEPT") return dropped(f, f.decidedBy);
      decidedBy ??= f.decidedBy;
    }
    // Delivered to this host, a forwarded packet meets nat INPUT, where kube-proxy has no rules.
    if (!toLocal) masquerade = this.postrouting(p, nowNs, wantTrace, trace);
    let src = t.src;
    let sport = t.sport;
    if (masquerade) {
      src = this.cfg.masqueradeAddress(p.dst);
      sport = this.pickPort(pkt.proto, src, t.sport, p.dst, p.dport, nowNs);
    }
    const reply: Tuple = { src: p.dst, sport: p.dport, dst: src, dport: sport };
    const entry = this.cfg.conntrack.confirm(pkt.proto, t, reply, { dnat: (p.ctstate & CT_DNAT) !== 0, snat: masquerade }, p.mark, nowNs);
    return {
      verdict: "ACCEPT",
      out: { src, sport, dst: p.dst, dport: p.dport },
      direction: "original",
      established: false,
      dnat: entry.dnat,
      snat: masquerade,
      decidedBy,
      trace,
      conntrack: entry,
    };
  }

  /** nat POSTROUTING for a new connection; true if it chose MASQUERADE. */
  private postrouting(p: WalkPacket, nowNs: number, wantTrace: boolean, trace: HookTrace[]): boolean {
    const r = this.run("nat", "POSTROUTING", p, nowNs, wantTrace, trace);
    return r.masquerade !== undefined;
  }

  /** Keeps the source port unless another connection's reply tuple already uses it (nf_nat's clash rule). */
  private pickPort(proto: CtProto, src: number, sport: number, dst: number, dport: number, nowNs: number): number {
    const ct = this.cfg.conntrack;
    const free = (port: number): boolean => !ct.tupleInUse(proto, { src: dst, sport: dport, dst: src, dport: port }, nowNs);
    if (free(sport)) return sport;
    for (let i = 0; i < 64512; i++) {
      const port = 1024 + this.cfg.random.intBelow(64512);
      if (free(port)) return port;
    }
    throw new Error("nf_nat: no free source port");
  }

  private established(
    pkt: StackPacket,
    entry: ConntrackEntry,
    dir: "original" | "reply",
    nowNs: number,
    wantTrace: boolean,
    trace: HookTrace[],
  ): StackResult {
    const other = dir === "original" ? entry.reply : entry.orig;
    const out: Tuple = { src: other.dst, sport: other.dport, dst: other.src, dport: other.sport };
    const ct = this.cfg.conntrack;
    let state = entry.seenReply || dir === "reply" ? CT_ESTABLISHED : CT_NEW;
    if (entry.dnat) state |= CT_DNAT;
    if (entry.snat) state |= CT_SNAT;
    const p: WalkPacket = { proto: pkt.proto, src: out.src, sport: out.sport, dst: out.dst, dport: out.dport, mark: 0, ctstate: state };
    const toLocal = this.cfg.isLocal(out.dst);
    const hooks = pkt.origin === "output" ? (toLocal ? ["OUTPUT", "INPUT"] : ["OUTPUT"]) : toLocal ? ["INPUT"] : ["FORWARD"];
    let decidedBy: TraceStep | undefined;
    for (const hook of hooks) {
      const f = this.run("filter", hook, p, nowNs, wantTrace, trace);
      decidedBy ??= f.decidedBy;
      if (f.verdict !== "ACCEPT") {
        return { verdict: f.verdict, out, direction: dir, established: true, dnat: entry.dnat, snat: entry.snat, decidedBy: f.decidedBy, trace, conntrack: entry };
      }
    }
    if (entry.proto === "tcp") this.advanceTcp(entry, dir, pkt.tcpFlags ?? "ACK", nowNs);
    else ct.refreshDatagram(entry, dir, nowNs);
    return { verdict: "ACCEPT", out, direction: dir, established: true, dnat: entry.dnat, snat: entry.snat, decidedBy, trace, conntrack: entry };
  }

  /** A reduced nf_conntrack_proto_tcp state machine: handshake, data, FIN exchange, RST. */
  private advanceTcp(e: ConntrackEntry, dir: "original" | "reply", flags: TcpFlags, nowNs: number): void {
    const ct = this.cfg.conntrack;
    if (dir === "reply") e.seenReply = true;
    if (flags === "RST") return ct.setTcpState(e, "CLOSE", nowNs);
    switch (e.tcpState) {
      case "SYN_SENT":
        if (dir === "reply" && flags === "SYN-ACK") ct.setTcpState(e, "SYN_RECV", nowNs);
        return;
      case "SYN_RECV":
        if (dir === "original" && flags === "ACK") ct.setTcpState(e, "ESTABLISHED", nowNs);
        return;
      case "ESTABLISHED":
        ct.setTcpState(e, flags === "FIN" ? "FIN_WAIT" : "ESTABLISHED", nowNs);
        return;
      case "FIN_WAIT":
        if (flags === "FIN" || flags === "ACK") ct.setTcpState(e, "TIME_WAIT", nowNs);
        return;
      default:
        return;
    }
  }
}
