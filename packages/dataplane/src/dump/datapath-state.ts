/**
 * Readable dumps of the state the datapath writes itself: session-affinity
 * entries (client, service, backend, last use, age, time to expiry) and the
 * service conntrack entries (flow, backend, expiry). Times are seconds of
 * the node's monotonic clock.
 */

import { protoName } from "../control/addr";
import { formatIPv4 } from "@svclab/sim";
import { TUPLE_F_IN, TUPLE_F_SERVICE, type AffinityMap, type BackendMap, type ConntrackMap, type RevNatMap, type ServiceMap } from "../maps";

export interface DatapathStateMaps {
  readonly services: ServiceMap;
  readonly backends: BackendMap;
  readonly revNat: RevNatMap;
  readonly affinity: AffinityMap;
  readonly conntrack: ConntrackMap;
  readonly conntrackAny?: ConntrackMap;
}

function backendText(maps: DatapathStateMaps, id: number): string {
  const idx = maps.backends.lookupIndex(id);
  return idx < 0 ? `backend ${id} (gone)` : `${formatIPv4(maps.backends.address(idx))}:${maps.backends.port(idx)} (id ${id})`;
}

function serviceText(maps: DatapathStateMaps, revNat: number): string {
  const idx = maps.revNat.lookupIndex(revNat);
  return idx < 0 ? `rev_nat ${revNat} (gone)` : `${formatIPv4(maps.revNat.address(idx))}:${maps.revNat.port(idx)} (rev_nat ${revNat})`;
}

/** Affinity timeout of a service by rev-NAT id, read from its master entry. */
function timeoutsByRevNat(services: ServiceMap): Map<number, number> {
  const out = new Map<number, number>();
  for (const { key, value } of services.entries()) {
    if (key.backendSlot === 0 && value.revNatIndex !== 0) out.set(value.revNatIndex, value.backendId & 0xffffff);
  }
  return out;
}

/**
 * One line per affinity entry, most recently used first:
 * `client 10.0.0.5 -> 10.96.0.10:80 (rev_nat 1) => 10.244.1.5:80 (id 3) last_used=100 age=5s expires_in=10795s`.
 */
export function affinityDump(maps: DatapathStateMaps, nowSeconds: number): string[] {
  const timeouts = timeoutsByRevNat(maps.services);
  const a = maps.affinity;
  return a.table.indices().map((idx) => {
    const key = a.keyAt(idx);
    const lastUsed = a.lastUsed(idx);
    const timeout = timeouts.get(key.revNatId);
    const client = key.netnsCookie ? `netns cookie ${key.clientId}` : formatIPv4(key.clientId);
    const expiry =
      timeout === undefined ? "expires_in=? (service gone)" : lastUsed + timeout <= nowSeconds ? "expired" : `expires_in=${lastUsed + timeout - nowSeconds}s`;
    return `client ${client} -> ${serviceText(maps, key.revNatId)} => ${backendText(maps, a.backendId(idx))} last_used=${lastUsed} age=${nowSeconds - lastUsed}s ${expiry}`;
  });
}

/**
 * One line per conntrack entry, most recently used first:
 * `TCP 10.0.0.5:40000 -> 10.96.0.10:80 SERVICE => 10.244.1.5:80 (id 3) rev_nat=1 expires=21700 (in 21600s)`.
 */
export function conntrackDump(maps: DatapathStateMaps, nowSeconds: number): string[] {
  // cilium_ct4_global (TCP), then cilium_ct_any4_global.
  return [maps.conntrack, ...(maps.conntrackAny !== undefined ? [maps.conntrackAny] : [])].flatMap((ct) => ct.table.indices().map((idx) => {
    const k = ct.keyAt(idx);
    const lifetime = ct.lifetime(idx);
    const kind = (k.flags & TUPLE_F_SERVICE) !== 0 ? "SERVICE" : (k.flags & TUPLE_F_IN) !== 0 ? "IN" : "OUT";
    const left = lifetime >= nowSeconds ? `in ${lifetime - nowSeconds}s` : "expired";
    return `${protoName(k.nexthdr)} ${k.saddr}:${k.sport} -> ${k.daddr}:${k.dport} ${kind} => ${backendText(maps, ct.backendId(idx))} rev_nat=${ct.revNatIndex(idx)} expires=${lifetime} (${left})`;
  }));
}
