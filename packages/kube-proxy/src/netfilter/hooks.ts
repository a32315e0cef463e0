/**
 * What runs at a netfilter hook. A hook holds several chains by priority (in
 * iptables mode the nat table's chain, then the filter table's; in nftables
 * mode kube-proxy's own base chains); nat-type chains only see a
 * connection's first packet. A DNAT decided by one chain is visible to the
 * chains after it at the same hook.
 */

import { CT_DNAT } from "./rule";
import type { HookTrace } from "./stack";
import type { TraceStep, WalkEnv, WalkPacket, WalkVerdict } from "./walk";

export type HookName = "PREROUTING" | "INPUT" | "FORWARD" | "OUTPUT" | "POSTROUTING";

export interface HookResult {
  readonly verdict: WalkVerdict;
  readonly masquerade: boolean;
  /** The rule that chose a DNAT destination at this hook, if one did. */
  readonly dnatRule: TraceStep | undefined;
  /** The rule that ended the hook with a verdict of its own (accept / drop / reject). */
  readonly decidedBy: TraceStep | undefined;
}

export interface HookRunner {
  /** Runs `p` through every chain at `hook`; nat chains only when `isNew`. Applies DNAT to `p`. */
  run(hook: HookName, p: WalkPacket, env: WalkEnv, isNew: boolean, trace: HookTrace[] | undefined): HookResult;
}

/** One chain of a hook, as a runner sees it. */
export interface HookChain {
  readonly name: string;
  readonly nat: boolean;
  walk(p: WalkPacket, env: WalkEnv): {
    verdict: WalkVerdict;
    dnat: { ip: number; port: number | undefined } | undefined;
    masquerade: unknown;
    decidedBy: TraceStep | undefined;
  };
}

/** Runs a hook's chains in priority order (shared by both rule engines). */
export function runChains(
  chains: readonly HookChain[],
  p: WalkPacket,
  env: WalkEnv,
  isNew: boolean,
  trace: HookTrace[] | undefined,
): HookResult {
  let masquerade = false;
  let dnatRule: TraceStep | undefined;
  let decidedBy: TraceStep | undefined;
  for (const c of chains) {
    if (c.nat && !isNew) continue;
    const steps: TraceStep[] | undefined = trace ? [] : undefined;
    const r = c.walk(p, steps ? { ...env, trace: steps } : env);
    if (steps && trace) trace.push({ hook: c.name, steps });
    if (r.verdict !== "ACCEPT") return { verdict: r.verdict, masquerade, dnatRule, decidedBy: r.decidedBy };
    if (r.dnat) {
      p.dst = r.dnat.ip;
      if (r.dnat.port !== undefined) p.dport = r.dnat.port;
      p.ctstate |= CT_DNAT;
      dnatRule = r.decidedBy;
    } else if (r.masquerade) {
      masquerade = true;
    } else if (r.decidedBy) {
      decidedBy = r.decidedBy;
    }
  }
  return { verdict: "ACCEPT", masquerade, dnatRule, decidedBy };
}
