/**
 * The path a packet takes through one node's netfilter hooks, with
 * conntrack. A connection's first packet meets PREROUTING (or OUTPUT when the
 * node itself sends it), is routed (to this host: INPUT; elsewhere: FORWARD
 * then POSTROUTING), and is confirmed into conntrack with whatever DNAT and
 * MASQUERADE the rules chose. Later packets, and replies, are translated from
 * the conntrack entry and see only filter chains, with ctstate ESTABLISHED.
 * Which rules run at each hook is the mode's business (a HookRunner).
 */

import type { MonotonicClock, SeededRandom } from "@svclab/sim";
import { ConntrackTable, type ConntrackEntry, type CtProto, type Tuple } from "./conntrack";
import type { HookName, HookRunner } from "./hooks";
import type { IpSets } from "./ipset";
import type { RecentTables } from "./recent";
import { CT_DNAT, CT_ESTABLISHED, CT_NEW, CT_SNAT } from "./rule";
import type { TraceStep, WalkEnv, WalkPacket, WalkVerdict } from "./walk";

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
  /** e.g. `nat/PREROUTING`, `filter/FORWARD`, or an nftables base chain. */
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
  /** The rule that chose the DNAT destination, or else the rule that ended the filter walk. */
  readonly decidedBy: TraceStep | undefined;
  readonly trace: readonly HookTrace[];
  readonly conntrack: ConntrackEntry | undefined;
  /** Rules looked at on the way (see WalkEnv.counter). */
  readonly rulesEvaluated: number;
}

export interface StackConfig {
  readonly hooks: HookRunner;
  /** The `recent` tables the iptables rules use (an empty one for other modes). */
  readonly recent: RecentTables;
  /** The ip sets the rules match against (IPVS mode). */
  readonly ipsets?: IpSets;
  readonly conntrack: ConntrackTable;
  readonly random: SeededRandom;
  readonly clock: MonotonicClock;
  readonly isLocal: (addr: number) => boolean;
  /** The source address MASQUERADE picks for a packet leaving towards `dst`. */
  readonly masqueradeAddress: (dst: number) => number;
}

export class NetfilterStack {
  constructor(private readonly cfg: StackConfig) {}

  /** The walk environment for one packet (tracing into `steps` when given). */
  env(nowNs: number, steps: TraceStep[] | undefined): WalkEnv {
    return {
      isLocal: this.cfg.isLocal,
      random: this.cfg.random,
      recent: this.cfg.recent,
      ...(this.cfg.ipsets ? { ipsets: this.cfg.ipsets } : {}),
      nowNs,
      trace: steps,
      counter: { rules: 0 },
    };
  }

  process(pkt: StackPacket, wantTrace = true): StackResult {
    const nowNs = this.cfg.clock.nowNs();
    const hit = this.cfg.conntrack.lookup(pkt.proto, pkt.tuple, nowNs);
    const trace: HookTrace[] | undefined = wantTrace ? [] : undefined;
    if (hit) return this.established(pkt, hit.entry, hit.dir, nowNs, trace);
    return this.newConnection(pkt, nowNs, trace);
  }

  private hookOrder(origin: PacketOrigin, toLocal: boolean): HookName[] {
    if (origin === "output") return toLocal ? ["POSTROUTING", "INPUT"] : ["POSTROUTING"];
    return toLocal ? ["INPUT"] : ["FORWARD", "POSTROUTING"];
  }

  private newConnection(pkt: StackPacket, nowNs: number, trace: HookTrace[] | undefined): StackResult {
    const t = pkt.tuple;
    const p: WalkPacket = { proto: pkt.proto, src: t.src, sport: t.sport, dst: t.dst, dport: t.dport, mark: 0, ctstate: CT_NEW };
    const env = this.env(nowNs, undefined);
    const run = (hook: HookName) => this.cfg.hooks.run(hook, p, env, true, trace);
    const stopped = (verdict: WalkVerdict, decidedBy: TraceStep | undefined): StackResult => ({
      verdict,
      out: { src: p.src, sport: p.sport, dst: p.dst, dport: p.dport },
      direction: "original",
      established: false,
      decidedBy,
      trace: trace ?? [],
      conntrack: undefined,
      rulesEvaluated: env.counter.rules,
    });
    const first = run(pkt.origin === "output" ? "OUTPUT" : "PREROUTING");
    let decidedBy = first.dnatRule ?? first.decidedBy;
    if (first.verdict !== "ACCEPT") return stopped(first.verdict, first.decidedBy);
    let masquerade = first.masquerade;
    const order = this.hookOrder(pkt.origin, this.cfg.isLocal(p.dst));
    const routed = order.length;
    for (let i = 0; i < order.length; i++) {
      const hook = order[i] as HookName;
      const dstBefore = p.dst;
      const nat = i < routed || (hook === "POSTROUTING" && !order.slice(0, routed).includes("POSTROUTING"));
      const r = this.cfg.hooks.run(hook, p, env, nat, trace);
      if (r.verdict !== "ACCEPT") return stopped(r.verdict, r.decidedBy);
      masquerade ||= r.masquerade;
      if (r.dnatRule) decidedBy = r.dnatRule;
      else if (!first.dnatRule) decidedBy ??= r.decidedBy;
      // IPVS takes a connection at LOCAL_IN and sends it on to the real server through
      // LOCAL_OUT and POST_ROUTING (ip_vs_nat_xmit); nat runs there only if it has not yet.
      if (hook === "INPUT" && p.dst !== dstBefore && !this.cfg.isLocal(p.dst)) order.push("OUTPUT", "POSTROUTING");
    }
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
      decidedBy,
      trace: trace ?? [],
      conntrack: entry,
      rulesEvaluated: env.counter.rules,
    };
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

  private established(pkt: StackPacket, entry: ConntrackEntry, dir: "original" | "reply", nowNs: number, trace: HookTrace[] | undefined): StackResult {
    const other = dir === "original" ? entry.reply : entry.orig;
    const out: Tuple = { src: other.dst, sport: other.dport, dst: other.src, dport: other.sport };
    let state = entry.seenReply || dir === "reply" ? CT_ESTABLISHED : CT_NEW;
    if (entry.dnat) state |= CT_DNAT;
    if (entry.snat) state |= CT_SNAT;
    const p: WalkPacket = { proto: pkt.proto, src: out.src, sport: out.sport, dst: out.dst, dport: out.dport, mark: 0, ctstate: state };
    const env = this.env(nowNs, undefined);
    const hooks: HookName[] = [pkt.origin === "output" ? "OUTPUT" : "PREROUTING", ...this.hookOrder(pkt.origin, this.cfg.isLocal(out.dst))];
    let decidedBy: TraceStep | undefined;
    for (const hook of hooks) {
      const r = this.cfg.hooks.run(hook, p, env, false, trace);
      decidedBy ??= r.decidedBy;
      if (r.verdict !== "ACCEPT") {
        return { verdict: r.verdict, out, direction: dir, established: true, decidedBy: r.decidedBy, trace: trace ?? [], conntrack: entry, rulesEvaluated: env.counter.rules };
      }
    }
    if (entry.proto === "tcp") this.advanceTcp(entry, dir, pkt.tcpFlags ?? "ACK", nowNs);
    else this.cfg.conntrack.refreshDatagram(entry, dir, nowNs);
    return { verdict: "ACCEPT", out, direction: dir, established: true, decidedBy, trace: trace ?? [], conntrack: entry, rulesEvaluated: env.counter.rules };
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
