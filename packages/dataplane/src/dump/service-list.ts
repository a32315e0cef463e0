/**
 * `cilium-dbg service list` (cilium-dbg/cmd/service_list.go): one row per
 * realized frontend, sorted by ID, with its type and every backend slot as
 * `<n> => <addr>:<port>/<proto> (<state>)`, through Go's tabwriter
 * (minwidth 5, padding 3), so cells keep their trailing padding. Built from
 * the service and backend maps, i.e. the realized state.
 */

import { protoName } from "../control/addr";
import { svcTypeOfFlags } from "../control/flags";
import type { LBMapSet } from "../control/bpf-lbmaps";
import { backendStateName } from "./lb-maps";
import { tabwrite } from "./tabwriter";

export function serviceList(maps: Pick<LBMapSet, "services" | "backends">): string {
  const backends = new Map<number, { address: string; port: number; proto: number; flags: number }>();
  for (const { key, value } of maps.backends.entries()) backends.set(key, value);
  type Fe = { id: number; frontend: string; type: string; slots: Map<number, number>; nslots: number };
  const frontends = new Map<string, Fe>();
  const slots: Array<{ fe: string; slot: number; backendId: number }> = [];
  for (const { key, value } of maps.services.entries()) {
    if (key.dport === 0 && key.proto === 0) continue; // wildcard drop entries are not services
    const fe = `${key.address}:${key.dport}/${protoName(key.proto)}${key.scope === 1 ? "/i" : ""}`;
    if (key.backendSlot === 0) {
      frontends.set(fe, {
        id: value.revNatIndex,
        frontend: fe,
        type: svcTypeOfFlags(value.flags | (value.flags2 << 8)),
        slots: new Map(),
        nslots: value.count + value.qcount,
      });
    } else {
      slots.push({ fe, slot: key.backendSlot, backendId: value.backendId });
    }
  }
  for (const s of slots) frontends.get(s.fe)?.slots.set(s.slot, s.backendId);

  let text = "ID\tFrontend\tService Type\tBackend\t\n";
  for (const fe of [...frontends.values()].sort((a, b) => a.id - b.id)) {
    const lines: string[] = [];
    for (let slot = 1; slot <= fe.nslots; slot++) {
      const be = backends.get(fe.slots.get(slot) ?? 0);
      if (be === undefined) continue;
      lines.push(`${lines.length + 1} => ${be.address}:${be.port}/${protoName(be.proto)} (${backendStateName(be.flags)})`);
    }
    if (lines.length === 0) {
      text += `${fe.id}\t${fe.frontend}\t${fe.type}\t\t\n`;
      continue;
    }
    text += `${fe.id}\t${fe.frontend}\t${fe.type}\t${lines[0]}\t\n`;
    for (const l of lines.slice(1)) text += `\t\t\t${l}\t\n`;
  }
  return tabwrite(text, { minwidth: 5, padding: 3 });
}
