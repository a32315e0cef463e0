/**
 * Walks one packet through one hook's chain of one table, rule by rule, the
 * way ipt_do_table does: IP header matches, then each match in order (a
 * match may have side effects: `statistic` draws a random number, `recent
 * --set` records the source), then the target. Jumps push a return point,
 * `-g` does not, RETURN or the end of a user chain pops, a built-in chain
 * ends in its policy. Nothing here knows about Services: every decision
 * comes from the rules.
 */

import type { SeededRandom } from "@svclab/sim";
import { prefixContains } from "./addr";
import type { IpSets } from "./ipset";
import type { RecentTables } from "./recent";
import type { Match, Rule, Target } from "./rule";
import type { IptablesTables, TableName } from "./tables";

export interface WalkPacket {
  readonly proto: string;
  readonly src: number;
  readonly sport: number;
  dst: number;
  dport: number;
  /** skb->mark, changed by `-j MARK`. */
  mark: number;
  /** Conntrack state bits (rule.ts CT_*) as `-m conntrack --ctstate` sees them. */
  ctstate: number;
}

export interface WalkEnv {
  readonly isLocal: (addr: number) => boolean;
  readonly random: SeededRandom;
  readonly recent: RecentTables;
  /** The ip sets `-m set` looks in (IPVS mode); none: every `--match-set` misses. */
  readonly ipsets?: IpSets;
  readonly nowNs: number;
  /** Collects every rule that matched (and policies) when set. */
  readonly trace: TraceStep[] | undefined;
  /** Counts the rules looked at, the packet's cost in work that does not depend on the machine. */
  readonly counter: { rules: number };
}

export interface TraceStep {
  /** `nat`, `filter` (iptables) or `ip kube-proxy` (nftables). */
  readonly table: string;
  readonly chain: string;
  /** 1-based rule number in the chain (as `iptables -L --line-numbers`), 0 for the chain policy. */
  readonly rule: number;
  /** The rule as iptables-save prints it, or `:CHAIN POLICY` for a policy. */
  readonly text: string;
}

export type WalkVerdict = "ACCEPT" | "DROP" | "REJECT";

export interface WalkResult {
  readonly verdict: WalkVerdict;
  readonly dnat: { readonly ip: number; readonly port: number | undefined } | undefined;
  readonly masquerade: { readonly randomFully: boolean } | undefined;
  /** The rule that ended the walk (undefined when a policy did). */
  readonly decidedBy: TraceStep | undefined;
}

function matchOne(m: Match, p: WalkPacket, env: WalkEnv): boolean {
  switch (m.kind) {
    case "comment":
    case "nfacct":
      return true;
    case "l4": {
      if (p.proto !== m.module) return false;
      if (m.dport && (p.dport >= m.dport.lo && p.dport <= m.dport.hi) === m.dport.neg) return false;
      if (m.sport && (p.sport >= m.sport.lo && p.sport <= m.sport.hi) === m.sport.neg) return false;
      return true;
    }
    case "addrtype":
      if (m.srcType && (m.srcType.type === "LOCAL" && env.isLocal(p.src)) === m.srcType.neg) return false;
      if (m.dstType && (m.dstType.type === "LOCAL" && env.isLocal(p.dst)) === m.dstType.neg) return false;
      return true;
    case "mark":
      return (((p.mark & m.mask) >>> 0) === m.value) !== m.neg;
    case "conntrack":
      return ((p.ctstate & m.states) !== 0) !== m.neg;
    case "statistic":
      // xt_statistic: (get_random_u32() & 0x7FFFFFFF) < probability
      return (env.random.nextU32() & 0x7fffffff) < m.probability;
    case "recent":
      if (m.op === "set") {
        env.recent.set(m.name, p.src, env.nowNs);
        return true;
      }
      if (m.op === "remove") return env.recent.remove(m.name, p.src);
      if (m.op === "update") {
        const hit = env.recent.check(m.name, p.src, m.seconds, m.reap, env.nowNs);
        if (hit) env.recent.set(m.name, p.src, env.nowNs);
        return hit;
      }
      return env.recent.check(m.name, p.src, m.seconds, m.reap, env.nowNs);
    case "physdev":
      // The modelled nodes have no bridge ports: no packet came in through one.
      return m.isInNeg;
    case "set":
      return (env.ipsets?.test(m.name, m.dirs, p) ?? false) !== m.neg;
  }
}

function ruleMatches(r: Rule, p: WalkPacket, env: WalkEnv): boolean {
  if (r.src && prefixContains(r.src.prefix, p.src) === r.src.neg) return false;
  if (r.dst && prefixContains(r.dst.prefix, p.dst) === r.dst.neg) return false;
  if (r.proto && r.proto.name !== "all" && (r.proto.name === p.proto) === r.proto.neg) return false;
  const ms = r.matches;
  for (let i = 0; i < ms.length; i++) if (!matchOne(ms[i] as Match, p, env)) return false;
  return true;
}

interface Frame {
  readonly chain: string;
  readonly rules: readonly Rule[];
  index: number;
}

const MAX_DEPTH = 64;

/** Runs `packet` through `table`'s built-in `hook` chain. */
export function walkHook(tables: IptablesTables, table: TableName, hook: string, p: WalkPacket, env: WalkEnv): WalkResult {
  const base = tables.chain(table, hook);
  if (!base) throw new Error(`no built-in chain ${table}/${hook}`);
  const stack: Frame[] = [{ chain: hook, rules: base.rules, index: 0 }];
  const step = (f: Frame, r: Rule): TraceStep => ({ table, chain: f.chain, rule: f.index, text: r.saved });
  for (;;) {
    const f = stack[stack.length - 1] as Frame;
    if (f.index >= f.rules.length) {
      if (stack.length === 1) {
        const verdict = base.policy ?? "ACCEPT";
        env.trace?.push({ table, chain: hook, rule: 0, text: `:${hook} ${verdict}` });
        return { verdict, dnat: undefined, masquerade: undefined, decidedBy: undefined };
      }
      stack.pop();
      continue;
    }
    const r = f.rules[f.index++] as Rule;
    env.counter.rules++;
    if (!ruleMatches(r, p, env)) continue;
    const t = r.target as Target | undefined;
    if (env.trace) env.trace.push(step(f, r));
    if (t === undefined) continue;
    switch (t.kind) {
      case "jump": {
        const c = tables.chain(table, t.chain);
        if (!c) continue; // restore refuses such jumps; a chain deleted since is skipped
        if (stack.length >= MAX_DEPTH) throw new Error(`iptables: chain nesting deeper than ${MAX_DEPTH} at ${t.chain}`);
        if (t.goto) stack.pop();
        stack.push({ chain: t.chain, rules: c.rules, index: 0 });
        continue;
      }
      case "RETURN":
        if (stack.length === 1) {
          const verdict = base.policy ?? "ACCEPT";
          return { verdict, dnat: undefined, masquerade: undefined, decidedBy: undefined };
        }
        stack.pop();
        continue;
      case "MARK":
        p.mark = ((p.mark & ~t.mask) ^ t.value) >>> 0;
        continue;
      case "ACCEPT":
      case "DROP":
        return { verdict: t.kind, dnat: undefined, masquerade: undefined, decidedBy: step(f, r) };
      case "REJECT":
        return { verdict: "REJECT", dnat: undefined, masquerade: undefined, decidedBy: step(f, r) };
      case "DNAT":
        return { verdict: "ACCEPT", dnat: { ip: t.ip, port: t.port }, masquerade: undefined, decidedBy: step(f, r) };
      case "MASQUERADE":
        return { verdict: "ACCEPT", dnat: undefined, masquerade: { randomFully: t.randomFully }, decidedBy: step(f, r) };
    }
  }
}
