/**
 * Cilium-format dumps of the load-balancing maps:
 *
 * - `lbList`: `cilium-dbg bpf lb list` (cilium-dbg/cmd/bpf_lb_list.go):
 *   one row per service-map entry, master entries as
 *   `0.0.0.0:0 (<revnat>) (0) [<flags>] `, slots as the backend address.
 *   Rows are sorted (the CLI prints Go map order, which is random).
 * - `lbMapsDump`: the `SVC:` / `BE:` / `REV:` / `AFF:` / `SRCRANGE:` /
 *   `MAGLEV:` lines of Cilium's reconciler tests (pkg/loadbalancer/maps
 *   DumpLBMaps), sorted like there, with the IPv6 maps' entries when the
 *   node has them (addresses in brackets, as Go's netip.AddrPort prints).
 */

import { protoName } from "../control/addr";
import { SERVICE_FLAG_L7_LOADBALANCER, svcFlagsToString } from "../control/flags";
import { createLBMaps, type LBMapSet } from "../control/bpf-lbmaps";
import type { LBMaps } from "../control/lbmaps";
import { formatIPv4 } from "@svclab/sim";
import { affinityTimeoutOf, lbAlgorithmOf, type ServiceValue } from "../maps";
import type { IPv6Maps } from "../maps/maps6";
import { tabwrite } from "./tabwriter";

const BACKEND_STATES = ["active", "terminating", "quarantined", "maintenance"];

/** Backend state name for a backend map `flags` value (GetBackendStateFromFlags). */
export function backendStateName(flags: number): string {
  return BACKEND_STATES[flags] ?? "active";
}

function flagsOf(v: ServiceValue): number {
  return v.flags | (v.flags2 << 8);
}

function addrPort(addr: string, port: number): string {
  return `${addr}:${port}`;
}

/** `cilium-dbg bpf lb list`. */
export function lbList(maps: Pick<LBMapSet, "services" | "backends">): string {
  const backends = new Map<number, { address: string; port: number; proto: number }>();
  for (const { key, value } of maps.backends.entries()) backends.set(key, value);
  const rows: Array<{ key: string; sort: [number, number, number, number, number]; entry: string }> = [];
  for (const { key, value } of maps.services.entries()) {
    const svc = `${addrPort(key.address, key.dport)}/${protoName(key.proto)}${key.scope === 1 ? "/i" : ""} (${key.backendSlot})`;
    let entry: string;
    if (key.backendSlot === 0) {
      entry = `0.0.0.0:0 (${value.revNatIndex}) (0) [${svcFlagsToString(flagsOf(value))}] `;
    } else {
      const be = backends.get(value.backendId);
      entry =
        be === undefined
          ? `backend ${value.backendId} not found`
          : `${addrPort(be.address, be.port)}/${protoName(be.proto)} (${value.revNatIndex}) (${key.backendSlot})`;
    }
    rows.push({ key: svc, sort: [addrNum(key.address), key.dport, key.proto, key.scope, key.backendSlot], entry });
  }
  rows.sort((a, b) => {
    for (let i = 0; i < 5; i++) {
      const d = (a.sort[i] as number) - (b.sort[i] as number);
      if (d !== 0) return d;
    }
    return 0;
  });
  let text = "SERVICE ADDRESS\tBACKEND ADDRESS (REVNAT_ID) (SLOT)\t\n";
  for (const r of rows) text += `${r.key}\t${r.entry}\t\n`;
  return tabwrite(text, { minwidth: 5, padding: 3 });
}

function addrNum(a: string): number {
  const p = a.split(".").map(Number);
  return (((p[0] ?? 0) * 256 + (p[1] ?? 0)) * 256 + (p[2] ?? 0)) * 256 + (p[3] ?? 0);
}

const LB_ALG_NAMES = ["undef", "random", "maglev"];

/** DumpLBMaps over the real maps (and the IPv6 ones, when given). */
export function lbMapsDump(maps: LBMapSet, v6?: IPv6Maps): string[] {
  const lines = dumpLBMaps(createLBMaps(maps));
  return v6 === undefined ? lines : [...lines, ...dumpIPv6LBMaps(v6)].sort();
}

/** An `SVC:` line. */
function svcLine(addrPort: string, proto: number, scope: number, slot: number, word: number, count: number, qcount: number, revNat: number, flags: number): string {
  const a = `${addrPort}/${protoName(proto)}${scope === 1 ? "/i" : ""}`;
  // A master entry of an L7 proxy redirect holds the proxy port where the timeout and algorithm would be.
  const info =
    slot !== 0
      ? `BEID=${word}`
      : (flags & SERVICE_FLAG_L7_LOADBALANCER) !== 0
        ? `L7Proxy=${word}`
        : `LBALG=${LB_ALG_NAMES[lbAlgorithmOf(word)] ?? "undef"} AFFTimeout=${affinityTimeoutOf(word)}`;
  const names = svcFlagsToString(flags).split(", ").join("+");
  return `SVC: ID=${revNat} ADDR=${a} SLOT=${slot} ${info} COUNT=${count} QCOUNT=${qcount} FLAGS=${names}`;
}

function beLine(id: number, addrPort: string, proto: number, state: number): string {
  return `BE: ID=${id} ADDR=${addrPort}/${protoName(proto)} STATE=${backendStateName(state)}`;
}

/** The `SVC:` / `BE:` / `REV:` lines of the IPv6 maps, sorted. */
export function dumpIPv6LBMaps(maps: IPv6Maps): string[] {
  const out: string[] = [];
  for (const { key: k, value: v } of maps.services.entries()) {
    out.push(svcLine(addrPort(`[${k.address}]`, k.dport), k.proto, k.scope, k.backendSlot, v.backendId, v.count, v.qcount, v.revNatIndex, flagsOf(v)));
  }
  for (const { key: id, value: v } of maps.backends.entries()) out.push(beLine(id, addrPort(`[${v.address}]`, v.port), v.proto, v.flags));
  for (const { key: id, value: v } of maps.revNat.entries()) out.push(`REV: ID=${id} ADDR=${addrPort(`[${v.address}]`, v.port)}`);
  return out.sort();
}

/**
 * DumpLBMaps (pkg/loadbalancer/maps): Cilium's test dump of any LBMaps, one
 * line per map entry, sorted as strings.
 */
export function dumpLBMaps(lbmaps: LBMaps): string[] {
  const out: string[] = [];
  lbmaps.dumpService((addr, port, proto, scope, slot, word, count, qcount, revNat, flags) => {
    out.push(svcLine(addrPort(formatIPv4(addr), port), proto, scope, slot, word, count, qcount, revNat, flags));
  });
  lbmaps.dumpBackend((id, addr, port, proto, state) => out.push(beLine(id, addrPort(formatIPv4(addr), port), proto, state)));
  lbmaps.dumpRevNat((id, addr, port) => out.push(`REV: ID=${id} ADDR=${addrPort(formatIPv4(addr), port)}`));
  lbmaps.dumpAffinityMatch((revNat, backendId) => out.push(`AFF: ID=${revNat} BEID=${backendId}`));
  lbmaps.dumpSourceRange((revNat, addr, bits) => out.push(`SRCRANGE: ID=${revNat} CIDR=${formatIPv4(addr)}/${bits}`));
  lbmaps.dumpMaglev((revNat, table) => {
    const counts = new Map<number, number>();
    for (const id of table) counts.set(id, (counts.get(id) ?? 0) + 1);
    const compact = [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0]).map(([id, n]) => `${id}(${n})`);
    out.push(`MAGLEV: ID=${revNat} INNER=[${compact.join(", ")}]`);
  });
  return out.sort();
}
