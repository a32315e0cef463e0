/**
 * A lookup's trace: the map accesses in the order the datapath made them
 * (map, key, hit or miss, the value read or written, and why), then the
 * verdict. Tracing is opt-in per lookup: the datapath checks for a sink once
 * per access and builds no strings when there is none.
 */

import { protoName } from "../control/addr";
import { formatIPv4 } from "@svclab/sim";

export type MapAccessOp = "lookup" | "update" | "delete";
export type MapAccessResult = "hit" | "miss" | "ok";

export interface MapAccess {
  map: string;
  op: MapAccessOp;
  key: string;
  result: MapAccessResult;
  /** The value read (on a hit) or written; "" otherwise. */
  value: string;
  /** Why the datapath made this access. */
  reason: string;
}

export class LookupTrace {
  readonly accesses: MapAccess[] = [];
  /** "forward to 10.244.1.1:80 (backend 3)", "drop: Service backend not found", "pass: not a service". */
  verdict = "";

  add(map: string, op: MapAccessOp, key: string, result: MapAccessResult, value: string, reason: string): void {
    this.accesses.push({ map, op, key, result, value, reason });
  }

  /** One line per access, then the verdict: handy in notebooks and test failures. */
  toString(): string {
    const lines = this.accesses.map(
      (a, i) =>
        `${i + 1}. ${a.map} ${a.op} ${a.key} -> ${a.result}${a.value === "" ? "" : ` ${a.value}`} (${a.reason})`,
    );
    lines.push(`verdict: ${this.verdict}`);
    return lines.join("\n");
  }
}

export function fmtServiceKey(addr: number, port: number, proto: number, slot: number, scope: number): string {
  return `{${formatIPv4(addr)}:${port}/${protoName(proto)} slot=${slot} scope=${scope === 1 ? "int" : "ext"}}`;
}

export function fmtTuple(saddr: number, sport: number, daddr: number, dport: number, proto: number): string {
  return `{${formatIPv4(saddr)}:${sport} -> ${formatIPv4(daddr)}:${dport}/${protoName(proto)} SERVICE}`;
}

export function fmtAffinityKey(clientId: number, revNat: number, netnsCookie: boolean): string {
  return netnsCookie
    ? `{netns_cookie=${clientId} rev_nat_id=${revNat}}`
    : `{client_ip=${formatIPv4(clientId)} rev_nat_id=${revNat}}`;
}
