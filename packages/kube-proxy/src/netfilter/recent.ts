/**
 * The `recent` match's tables (net/netfilter/xt_recent.c), one per --name,
 * per node: each source address seen, with its last few timestamps. kube-proxy
 * builds ClientIP affinity from them: the KUBE-SEP chain `--set`s the client,
 * the KUBE-SVC chain `--rcheck --seconds T --reap`s it. Limits are the
 * module's defaults: 200 addresses per table (the least recently seen is
 * forgotten first) and 20 timestamps per address.
 */

import { formatIPv4 } from "@svclab/sim";

export interface RecentLimits {
  /** xt_recent ip_list_tot: addresses per table. */
  readonly ipListTot: number;
  /** xt_recent ip_pkt_list_tot: timestamps kept per address. */
  readonly ipPktListTot: number;
}

export const DEFAULT_RECENT_LIMITS: RecentLimits = { ipListTot: 200, ipPktListTot: 20 };

interface RecentEntry {
  /** Timestamps in ns, oldest first. */
  stamps: number[];
}

export class RecentTables {
  private readonly tables = new Map<string, Map<number, RecentEntry>>();

  constructor(private readonly limits: RecentLimits = DEFAULT_RECENT_LIMITS) {}

  private table(name: string): Map<number, RecentEntry> {
    let t = this.tables.get(name);
    if (!t) this.tables.set(name, (t = new Map()));
    return t;
  }

  /** `--set` (and `--update` on a hit): records `addr` now; always matches. */
  set(name: string, addr: number, nowNs: number): void {
    const t = this.table(name);
    let e = t.get(addr);
    if (e) {
      t.delete(addr); // moves to the most recently used end
    } else {
      if (t.size >= this.limits.ipListTot) t.delete(t.keys().next().value as number);
      e = { stamps: [] };
    }
    e.stamps.push(nowNs);
    if (e.stamps.length > this.limits.ipPktListTot) e.stamps.shift();
    t.set(addr, e);
  }

  /**
   * `--rcheck [--seconds s] [--reap]`: matches if `addr` was seen (within
   * `seconds`); --reap then forgets it if even its newest stamp is too old.
   */
  check(name: string, addr: number, seconds: number, reap: boolean, nowNs: number): boolean {
    const t = this.tables.get(name);
    const e = t?.get(addr);
    if (!t || !e) return false;
    if (seconds === 0) return true;
    const since = nowNs - seconds * 1e9;
    const hit = e.stamps.some((s) => s >= since);
    if (reap && (e.stamps[e.stamps.length - 1] as number) < since) t.delete(addr);
    return hit;
  }

  remove(name: string, addr: number): boolean {
    return this.tables.get(name)?.delete(addr) ?? false;
  }

  /** Drops every table whose chain no longer exists (the kernel frees a table with its last rule). */
  retain(names: ReadonlySet<string>): void {
    for (const n of this.tables.keys()) if (!names.has(n)) this.tables.delete(n);
  }

  names(): string[] {
    return [...this.tables.keys()].sort();
  }

  /**
   * `/proc/net/xt_recent/<name>` as the kernel prints it: one line per
   * address, `last_seen` and `oldest_pkt` in jiffies (HZ=250, from boot).
   */
  procText(name: string): string {
    const t = this.tables.get(name);
    if (!t) return "";
    const jiffies = (ns: number): number => Math.floor(ns / 4e6) + 4294892296; // INITIAL_JIFFIES wraps 5 min after boot
    const lines: string[] = [];
    for (const [addr, e] of t) {
      const stamps = e.stamps.map((s) => String(jiffies(s) >>> 0));
      lines.push(`src=${formatIPv4(addr)} ttl: 64 last_seen: ${stamps[stamps.length - 1]} oldest_pkt: ${e.stamps.length} ${stamps.join(", ")}`);
    }
    return lines.join("\n") + (lines.length ? "\n" : "");
  }
}
