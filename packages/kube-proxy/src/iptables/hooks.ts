/**
 * The iptables tables at each netfilter hook, in priority order: nat
 * (-100) before filter (0) at OUTPUT, nat alone at PREROUTING and
 * POSTROUTING, filter then nat at INPUT (IPVS, when present, between them).
 */

import { runChains, type HookChain, type HookName, type HookResult, type HookRunner } from "../netfilter/hooks";
import type { HookTrace } from "../netfilter/stack";
import type { IptablesTables, TableName } from "../netfilter/tables";
import { walkHook, type WalkEnv, type WalkPacket } from "../netfilter/walk";

const ORDER: Record<HookName, readonly (readonly [TableName, string])[]> = {
  PREROUTING: [["nat", "PREROUTING"]],
  INPUT: [
    ["filter", "INPUT"],
    ["nat", "INPUT"],
  ],
  FORWARD: [["filter", "FORWARD"]],
  OUTPUT: [
    ["nat", "OUTPUT"],
    ["filter", "OUTPUT"],
  ],
  POSTROUTING: [["nat", "POSTROUTING"]],
};

export class IptablesHooks implements HookRunner {
  private readonly chains: Record<HookName, HookChain[]>;

  /** `localIn`: another hook function at LOCAL_IN between filter (0) and nat (100), as IPVS registers (98). */
  constructor(tables: IptablesTables, localIn?: HookChain) {
    const mk = ([table, chain]: readonly [TableName, string]): HookChain => ({
      name: `${table}/${chain}`,
      nat: table === "nat",
      walk: (p: WalkPacket, env: WalkEnv) => walkHook(tables, table, chain, p, env),
    });
    this.chains = {
      PREROUTING: ORDER.PREROUTING.map(mk),
      INPUT: localIn ? [mk(["filter", "INPUT"]), localIn, mk(["nat", "INPUT"])] : ORDER.INPUT.map(mk),
      FORWARD: ORDER.FORWARD.map(mk),
      OUTPUT: ORDER.OUTPUT.map(mk),
      POSTROUTING: ORDER.POSTROUTING.map(mk),
    };
  }

  run(hook: HookName, p: WalkPacket, env: WalkEnv, isNew: boolean, trace: HookTrace[] | undefined): HookResult {
    return runChains(this.chains[hook], p, env, isNew, trace);
  }
}
