/**
 * The kernel's IPVS table (net/netfilter/ipvs), the part kube-proxy's IPVS
 * mode programs: virtual servers with a scheduler and an optional persistence
 * timeout, real servers with weights, and the connection table, including
 * persistence templates. The IPVS proxier (proxier.ts) programs it and calls
 * it from the LOCAL_IN hook.
 *
 * Behaviour reproduced on purpose:
 * - `rr` walks the real servers with a weight above zero in turn, per virtual server;
 * - a persistent virtual server creates a template (client IP, port 0 ->
 *   virtual server) that sends the client's later connections to the same
 *   real server; each use restarts its timer (ip_vs_conn_put);
 * - a template whose timer runs out while connections it controls are still
 *   in the table (a TIME_WAIT lasts 120 s) is kept: stickiness outlives
 *   timeoutSeconds by up to two minutes (kubernetes#89358);
 * - with `expire_quiescent_template`, a template pointing at a real server of
 *   weight 0 (being drained) expires at once, so the client is rescheduled
 *   (kubernetes#71809); without it, the client keeps going to the draining server.
 */

import type { MonotonicClock } from "@svclab/sim";
import { formatIPv4 } from "@svclab/sim";

export type IpvsProto = "TCP" | "UDP" | "SCTP";

export interface RealServerSpec {
  readonly ip: number;
  readonly port: number;
  /** 1 for a serving endpoint; 0 while it drains (graceful termination). */
  readonly weight: number;
}

export interface VirtualServerSpec {
  readonly proto: IpvsProto;
  readonly ip: number;
  readonly port: number;
  readonly scheduler: "rr";
  /** Persistence timeout in seconds (ClientIP affinity), or 0. */
  readonly persistentSeconds: number;
  readonly realServers: readonly RealServerSpec[];
}

/** `ipvsadm --set` timeouts and the protocol state timeouts of ip_vs_proto_tcp. */
export interface IpvsTimeouts {
  readonly tcp: number;
  readonly tcpFin: number;
  readonly udp: number;
  readonly tcpTimeWait: number;
  readonly tcpSynRecv: number;
}

export const DEFAULT_IPVS_TIMEOUTS: IpvsTimeouts = { tcp: 900, tcpFin: 120, udp: 300, tcpTimeWait: 120, tcpSynRecv: 60 };

interface RealServer extends RealServerSpec {
  active: number;
  inactive: number;
}

interface VirtualServer extends Omit<VirtualServerSpec, "realServers"> {
  realServers: RealServer[];
  /** The rr cursor: index of the last real server chosen. */
  last: number;
}

export type IpvsConnState = "SYN_RECV" | "ESTABLISHED" | "FIN_WAIT" | "TIME_WAIT" | "CLOSE" | "UDP" | "NONE";

export interface IpvsConn {
  readonly proto: IpvsProto;
  readonly cip: number;
  readonly cport: number;
  readonly vip: number;
  readonly vport: number;
  readonly dip: number;
  readonly dport: number;
  state: IpvsConnState;
  expiresNs: number;
  /** Persistence templates: the connections they control. */
  readonly controlled: Set<IpvsConn>;
  readonly template: IpvsConn | undefined;
  readonly isTemplate: boolean;
}

export interface ScheduleResult {
  readonly dest: { readonly ip: number; readonly port: number } | undefined;
  /** How the destination was chosen: an existing connection, a persistence template, or the scheduler. */
  readonly via: "connection" | "template" | "scheduler" | "no-destination";
  readonly conn: IpvsConn | undefined;
}

const vsKey = (proto: string, ip: number, port: number): string => `${proto}/${ip}/${port}`;
const connKey = (proto: string, cip: number, cport: number, vip: number, vport: number): string => `${proto}/${cip}/${cport}/${vip}/${vport}`;

export class IpvsTable {
  private readonly services = new Map<string, VirtualServer>();
  private readonly conns = new Map<string, IpvsConn>();
  readonly timeouts: IpvsTimeouts;

  constructor(
    private readonly clock: MonotonicClock,
    opts: { timeouts?: Partial<IpvsTimeouts>; expireQuiescentTemplate?: boolean } = {},
  ) {
    this.timeouts = { ...DEFAULT_IPVS_TIMEOUTS, ...opts.timeouts };
    this.expireQuiescentTemplate = opts.expireQuiescentTemplate ?? false;
  }

  /** net.ipv4.vs.expire_quiescent_template. */
  expireQuiescentTemplate: boolean;

  /** Makes the table hold exactly `specs`; real servers keep their connection counters across updates. */
  sync(specs: readonly VirtualServerSpec[]): void {
    const seen = new Set<string>();
    for (const spec of specs) {
      const key = vsKey(spec.proto, spec.ip, spec.port);
      seen.add(key);
      const old = this.services.get(key);
      const counters = new Map(old?.realServers.map((r) => [`${r.ip}:${r.port}`, r]));
      this.services.set(key, {
        proto: spec.proto,
        ip: spec.ip,
        port: spec.port,
        scheduler: spec.scheduler,
        persistentSeconds: spec.persistentSeconds,
        realServers: spec.realServers.map((r) => ({ ...r, active: counters.get(`${r.ip}:${r.port}`)?.active ?? 0, inactive: counters.get(`${r.ip}:${r.port}`)?.inactive ?? 0 })),
        last: old?.last ?? -1,
      });
    }
    for (const key of [...this.services.keys()]) if (!seen.has(key)) this.services.delete(key);
  }

  private live(c: IpvsConn | undefined, nowNs: number): IpvsConn | undefined {
    if (!c) return undefined;
    if (c.expiresNs > nowNs) return c;
    this.expire(c, nowNs);
    return this.conns.get(this.keyOf(c)) === c ? c : undefined;
  }

  private keyOf(c: IpvsConn): string {
    return connKey(c.proto, c.cip, c.cport, c.vip, c.vport);
  }

  /** A connection's timer ran out: templates that still control connections are re-armed (the TIME_WAIT quirk). */
  private expire(c: IpvsConn, nowNs: number): void {
    if (c.isTemplate) {
      // The kernel's timer fires at its own times, whenever this model looks: replay each firing up to now.
      // A firing first lets the controlled connections due by then go; a template still busy is retried a
      // minute later (ip_vs_conn_expire's expire_later: cp->timeout = 60*HZ).
      let at = c.expiresNs;
      for (;;) {
        for (const d of [...c.controlled]) if (d.expiresNs <= at) this.expire(d, nowNs);
        if (c.controlled.size === 0 || at + 60e9 > nowNs) break;
        at += 60e9;
      }
      if (c.controlled.size > 0) {
        c.expiresNs = at + 60e9;
        return;
      }
    }
    this.conns.delete(this.keyOf(c));
    c.template?.controlled.delete(c);
    if (!c.isTemplate) {
      const rs = this.realServer(c);
      if (rs) {
        if (c.state === "ESTABLISHED") rs.active--;
        else rs.inactive--;
      }
    }
  }

  private realServer(c: { proto: string; vip: number; vport: number; dip: number; dport: number }): RealServer | undefined {
    return this.services.get(vsKey(c.proto, c.vip, c.vport))?.realServers.find((r) => r.ip === c.dip && r.port === c.dport);
  }

  /** Deletes weight-0 real servers without connections left (the GracefulTerminationManager's periodic check). */
  deleteDrainedRealServers(): number {
    let n = 0;
    for (const vs of this.services.values()) {
      const before = vs.realServers.length;
      vs.realServers = vs.realServers.filter((r) => r.weight > 0 || r.active + r.inactive > 0);
      n += before - vs.realServers.length;
      if (vs.last >= vs.realServers.length) vs.last = -1;
    }
    return n;
  }

  /** A virtual server's real servers with their connection counters (`ipvsadm -Ln` columns). */
  realServers(proto: IpvsProto, ip: number, port: number): readonly (RealServerSpec & { readonly active: number; readonly inactive: number })[] | undefined {
    return this.services.get(vsKey(proto, ip, port))?.realServers;
  }

  /** The live connection entry of client cip:cport to vip:vport, if any. */
  connection(proto: IpvsProto, cip: number, cport: number, vip: number, vport: number): IpvsConn | undefined {
    return this.live(this.conns.get(connKey(proto, cip, cport, vip, vport)), this.clock.nowNs());
  }

  isVirtualServer(proto: IpvsProto, ip: number, port: number): boolean {
    return this.services.has(vsKey(proto, ip, port));
  }

  /** A packet from client cip:cport to virtual server vip:vport (a new connection unless one exists). */
  schedule(proto: IpvsProto, cip: number, cport: number, vip: number, vport: number): ScheduleResult {
    const nowNs = this.clock.nowNs();
    const existing = this.live(this.conns.get(connKey(proto, cip, cport, vip, vport)), nowNs);
    if (existing) return { dest: { ip: existing.dip, port: existing.dport }, via: "connection", conn: existing };
    const vs = this.services.get(vsKey(proto, vip, vport));
    if (!vs) return { dest: undefined, via: "no-destination", conn: undefined };
    let template: IpvsConn | undefined;
    let via: ScheduleResult["via"] = "scheduler";
    let dest: RealServer | undefined;
    if (vs.persistentSeconds > 0) {
      const tkey = connKey(proto, cip, 0, vip, vport);
      template = this.live(this.conns.get(tkey), nowNs);
      if (template) {
        const rs = this.realServer(template);
        if (!rs || (rs.weight === 0 && this.expireQuiescentTemplate)) {
          // ip_vs_check_template: the template's destination is gone or quiescent, so it expires now
          // (connections it controlled keep their own entries and destination).
          this.conns.delete(tkey);
          template = undefined;
        } else {
          dest = rs;
          via = "template";
          template.expiresNs = nowNs + vs.persistentSeconds * 1e9;
        }
      }
    }
    if (!dest) {
      dest = this.rr(vs);
      if (!dest) return { dest: undefined, via: "no-destination", conn: undefined };
      if (vs.persistentSeconds > 0) {
        template = {
          proto, cip, cport: 0, vip, vport, dip: dest.ip, dport: dest.port,
          state: "NONE", expiresNs: nowNs + vs.persistentSeconds * 1e9, controlled: new Set(), template: undefined, isTemplate: true,
        };
        this.conns.set(connKey(proto, cip, 0, vip, vport), template);
      }
    }
    const conn: IpvsConn = {
      proto, cip, cport, vip, vport, dip: dest.ip, dport: dest.port,
      state: proto === "TCP" ? "SYN_RECV" : "UDP",
      expiresNs: nowNs + (proto === "TCP" ? this.timeouts.tcpSynRecv : this.timeouts.udp) * 1e9,
      controlled: new Set(), template, isTemplate: false,
    };
    template?.controlled.add(conn);
    dest.inactive++;
    this.conns.set(connKey(proto, cip, cport, vip, vport), conn);
    return { dest: { ip: dest.ip, port: dest.port }, via, conn };
  }

  /** rr: the next real server with a weight above zero after the last one chosen. */
  private rr(vs: VirtualServer): RealServer | undefined {
    const n = vs.realServers.length;
    for (let i = 1; i <= n; i++) {
      const k = (vs.last + i) % n;
      const rs = vs.realServers[k] as RealServer;
      if (rs.weight > 0) {
        vs.last = k;
        return rs;
      }
    }
    return undefined;
  }

  /** Moves a connection through the TCP states IPVS tracks (the handshake completing, a close). */
  transition(c: IpvsConn, state: "ESTABLISHED" | "FIN_WAIT" | "TIME_WAIT" | "CLOSE"): void {
    const nowNs = this.clock.nowNs();
    const rs = this.realServer(c);
    if (rs && c.state !== "ESTABLISHED" && state === "ESTABLISHED") {
      rs.inactive--;
      rs.active++;
    } else if (rs && c.state === "ESTABLISHED" && state !== "ESTABLISHED") {
      rs.active--;
      rs.inactive++;
    }
    c.state = state;
    const t = this.timeouts;
    c.expiresNs = nowNs + { ESTABLISHED: t.tcp, FIN_WAIT: t.tcpFin, TIME_WAIT: t.tcpTimeWait, CLOSE: 10 }[state] * 1e9;
  }

  /** Runs the connection timers that are due; returns how many entries left the table. */
  gc(): number {
    const nowNs = this.clock.nowNs();
    const before = this.conns.size;
    // Connections first, so the templates they held can go in the same pass.
    for (const c of [...this.conns.values()]) if (!c.isTemplate && c.expiresNs <= nowNs) this.expire(c, nowNs);
    for (const c of [...this.conns.values()]) if (c.isTemplate && c.expiresNs <= nowNs) this.expire(c, nowNs);
    return before - this.conns.size;
  }

  /** `ipvsadm -Ln`. */
  list(): string {
    const out = ["IP Virtual Server version 1.2.1 (size=4096)", "Prot LocalAddress:Port Scheduler Flags", "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn"];
    const vss = [...this.services.values()].sort((a, b) => a.proto.localeCompare(b.proto) || a.ip - b.ip || a.port - b.port);
    for (const vs of vss) {
      out.push(`${vs.proto}  ${formatIPv4(vs.ip)}:${vs.port} ${vs.scheduler}${vs.persistentSeconds > 0 ? ` persistent ${vs.persistentSeconds}` : ""}`);
      for (const rs of vs.realServers) {
        out.push(`  -> ${`${formatIPv4(rs.ip)}:${rs.port}`.padEnd(28)} ${"Masq".padEnd(7)} ${String(rs.weight).padEnd(6)} ${String(rs.active).padEnd(10)} ${rs.inactive}`.trimEnd());
      }
    }
    return out.join("\n") + "\n";
  }

  /** `ipvsadm -Lnc`: connection entries and persistence templates, with their remaining time as mm:ss. */
  listConnections(): string {
    const nowNs = this.clock.nowNs();
    const out = ["IPVS connection entries", "pro expire state       source             virtual            destination"];
    for (const c of this.conns.values()) {
      if (c.expiresNs <= nowNs && !(c.isTemplate && c.controlled.size > 0)) continue;
      const secs = Math.max(0, Math.floor((c.expiresNs - nowNs) / 1e9));
      const expire = `${String(Math.floor(secs / 60)).padStart(2, "0")}:${String(secs % 60).padStart(2, "0")}`;
      const ep = (ip: number, port: number): string => `${formatIPv4(ip)}:${port}`.padEnd(18);
      out.push(`${c.proto} ${expire.padEnd(6)} ${c.state.padEnd(11)} ${ep(c.cip, c.cport)} ${ep(c.vip, c.vport)} ${formatIPv4(c.dip)}:${c.dport}`);
    }
    return out.join("\n") + "\n";
  }
}
