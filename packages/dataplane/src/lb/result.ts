/**
 * The outcome of one service lookup. The load balancer fills one reusable
 * instance per call (no allocation on the hot path), so copy what you need
 * before the next lookup, or call `snapshot()`.
 */

import { protoName } from "../control/addr";
import { formatIPv4 } from "@svclab/sim";
import { dropReasonText } from "./drop";
import type { LookupTrace } from "./trace";

/** Not a service address: the packet continues untranslated. */
export const VERDICT_PASS = 0;
export const VERDICT_FORWARD = 1;
export const VERDICT_DROP = 2;

export type Verdict = "pass" | "forward" | "drop";
export type TrafficPath = "north-south" | "east-west" | "socket";

const VERDICT_NAMES: readonly Verdict[] = ["pass", "forward", "drop"];

/** A plain, immutable copy of a LookupResult with printable addresses. */
export interface LookupSnapshot {
  verdict: Verdict;
  /** Cilium's drop reason text, e.g. "Service backend not found"; "" unless dropped. */
  dropReason: string;
  path: TrafficPath;
  frontend: string;
  scope: "external" | "internal";
  revNatIndex: number;
  backendId: number;
  backend: string;
  backendNode: string;
  /** The backend runs on this node. */
  local: boolean;
  /** Source address:port the backend sees (the node's address under SNAT). */
  source: string;
  snat: boolean;
  dsr: boolean;
  /** The flow already had a conntrack entry. */
  conntrackHit: boolean;
  /** The backend came from the session-affinity map. */
  affinityHit: boolean;
  trace: LookupTrace | null;
}

export class LookupResult {
  verdict = VERDICT_PASS;
  /** DROP_* code, 0 unless dropped. */
  dropReason = 0;
  path: TrafficPath = "east-west";
  frontendAddr = 0;
  frontendPort = 0;
  proto = 0;
  scope = 0;
  revNatIndex = 0;
  backendId = 0;
  backendAddr = 0;
  backendPort = 0;
  backendNode = "";
  local = false;
  sourceAddr = 0;
  sourcePort = 0;
  snat = false;
  dsr = false;
  conntrackHit = false;
  affinityHit = false;
  trace: LookupTrace | null = null;

  get verdictName(): Verdict {
    return VERDICT_NAMES[this.verdict] as Verdict;
  }

  get dropReasonText(): string {
    return this.dropReason === 0 ? "" : dropReasonText(this.dropReason);
  }

  snapshot(): LookupSnapshot {
    const fwd = this.verdict === VERDICT_FORWARD;
    return {
      verdict: this.verdictName,
      dropReason: this.dropReasonText,
      path: this.path,
      frontend: `${formatIPv4(this.frontendAddr)}:${this.frontendPort}/${protoName(this.proto)}`,
      scope: this.scope === 1 ? "internal" : "external",
      revNatIndex: this.revNatIndex,
      backendId: this.backendId,
      backend: fwd ? `${formatIPv4(this.backendAddr)}:${this.backendPort}` : "",
      backendNode: fwd ? this.backendNode : "",
      local: fwd && this.local,
      source: fwd ? `${formatIPv4(this.sourceAddr)}:${this.sourcePort}` : "",
      snat: this.snat,
      dsr: this.dsr,
      conntrackHit: this.conntrackHit,
      affinityHit: this.affinityHit,
      trace: this.trace,
    };
  }
}
