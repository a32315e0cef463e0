/**
 * kube-proxy's nftables table (`table ip kube-proxy`) as the kernel holds
 * it: chains (base chains hooked into netfilter at a priority, and regular
 * ones), named sets and verdict maps with their elements (affinity sets are
 * dynamic, with per-element timeouts). It is changed through the operations
 * of a knftables transaction, printed as knftables' Fake.Dump() (what
 * kube-proxy's golden tests compare) and as `nft list ruleset`, and walked
 * packet by packet.
 */

import { formatIPv4, tryParseIPv4 } from "@svclab/sim";
import { runChains, type HookChain, type HookName, type HookResult, type HookRunner } from "../netfilter/hooks";
import type { HookTrace } from "../netfilter/stack";
import type { TraceStep, WalkEnv, WalkPacket, WalkResult } from "../netfilter/walk";
import { numericKey, parseNftRule, parseVerdict, runStmt, type NftRule, type StmtContext, type StmtOutcome, type Verdict } from "./rule";

export const FAMILY = "ip";
export const TABLE = "kube-proxy";

export interface BaseChainSpec {
  readonly type: "filter" | "nat";
  readonly hook: "prerouting" | "input" | "forward" | "output" | "postrouting";
  readonly priority: number;
}

export interface NftChain {
  readonly name: string;
  base: BaseChainSpec | undefined;
  comment: string | undefined;
  readonly rules: NftRule[];
}

export interface NftElement {
  readonly value: string | undefined;
  /** `value` parsed, for verdict maps. */
  readonly verdict: Verdict | undefined;
  readonly comment: string | undefined;
  /** Dynamic elements of a set with a timeout expire. */
  expiresNs: number | undefined;
}

export interface NftSet {
  readonly name: string;
  readonly isMap: boolean;
  readonly type: string;
  readonly flags: readonly string[];
  readonly timeoutSeconds: number | undefined;
  readonly comment: string | undefined;
  /** Elements by their printed key. */
  readonly elements: Map<string, NftElement>;
  /** The same elements by numeric key (see numericKey), for lookups. */
  readonly index: Map<number, NftElement>;
  readonly keyKinds: readonly ("addr" | "proto" | "port")[];
}

export class NftError extends Error {}

const q = (s: string): string => `"${s}"`;

export class NftTable {
  comment: string | undefined;
  private readonly chains = new Map<string, NftChain>();
  private readonly sets = new Map<string, NftSet>();
  /** The chains hooked into netfilter (a handful), kept apart so hooks need not scan every chain. */
  private readonly baseChains = new Set<string>();
  /** Bumped when base chains come, go or change (the hook runner caches them). */
  chainGeneration = 0;

  chain(name: string): NftChain | undefined {
    return this.chains.get(name);
  }
  set(name: string): NftSet | undefined {
    return this.sets.get(name);
  }
  chainNames(): string[] {
    return [...this.chains.keys()];
  }
  setNames(): string[] {
    return [...this.sets.keys()];
  }

  addChain(name: string, opts: { base?: BaseChainSpec; comment?: string } = {}): void {
    const c = this.chains.get(name);
    if (c) {
      if (opts.base) {
        c.base = opts.base;
        this.baseChains.add(name);
        this.chainGeneration++;
      }
      if (opts.comment !== undefined) c.comment = opts.comment;
      return;
    }
    this.chains.set(name, { name, base: opts.base, comment: opts.comment, rules: [] });
    if (opts.base) {
      this.baseChains.add(name);
      this.chainGeneration++;
    }
  }

  /** The base chains, in creation order. */
  baseChainList(): NftChain[] {
    return [...this.baseChains].map((n) => this.chains.get(n) as NftChain);
  }

  flushChain(name: string): void {
    const c = this.chains.get(name);
    if (!c) throw new NftError(`Error: No such file or directory; did you mean chain '${name}' in table ${FAMILY} '${TABLE}'?`);
    c.rules.length = 0;
  }

  deleteChain(name: string): void {
    this.chains.delete(name);
    if (this.baseChains.delete(name)) this.chainGeneration++;
  }

  addRule(chain: string, text: string, comment?: string): void {
    const c = this.chains.get(chain);
    if (!c) throw new NftError(`Error: No such file or directory; chain ${chain} does not exist`);
    c.rules.push(parseNftRule(text, comment));
  }

  addSet(name: string, spec: { isMap: boolean; type: string; flags?: string[]; timeoutSeconds?: number; comment?: string }): void {
    if (this.sets.has(name)) return; // "add" of an existing set keeps its elements
    const keyType = spec.type.split(" : ")[0] as string;
    const keyKinds = keyType.split(" . ").map((t) => (t === "ipv4_addr" ? "addr" : t === "inet_proto" ? "proto" : "port") as "addr" | "proto" | "port");
    this.sets.set(name, {
      name,
      isMap: spec.isMap,
      type: spec.type,
      flags: spec.flags ?? [],
      timeoutSeconds: spec.timeoutSeconds,
      comment: spec.comment,
      elements: new Map(),
      index: new Map(),
      keyKinds,
    });
  }

  flushSet(name: string): void {
    const s = this.sets.get(name);
    s?.elements.clear();
    s?.index.clear();
  }

  deleteSet(name: string): void {
    this.sets.delete(name);
  }

  addElement(set: string, key: string, value?: string, comment?: string): void {
    const s = this.sets.get(set);
    if (!s) throw new NftError(`Error: No such file or directory; set ${set} does not exist`);
    const parts = key.split(" . ").map((v, i) => (s.keyKinds[i] === "addr" ? tryParseIPv4(v) : s.keyKinds[i] === "port" ? Number(v) : v));
    if (parts.some((v) => v === undefined || (typeof v === "number" && !Number.isFinite(v)))) {
      throw new NftError(`Error: Could not parse element ${key} of ${set} (type ${s.type})`);
    }
    const e: NftElement = { value, verdict: value === undefined ? undefined : parseVerdict(value), comment, expiresNs: undefined };
    s.elements.set(key, e);
    s.index.set(numericKey(s.keyKinds, parts as (number | string)[]), e);
  }

  /** Checks every jump, goto and set reference (nft refuses a transaction that breaks one). */
  validate(): void {
    const target = (v: Verdict): void => {
      if ((v.kind === "jump" || v.kind === "goto") && !this.chains.has(v.chain)) {
        throw new NftError(`Error: Could not process rule: No such file or directory (chain ${v.chain})`);
      }
    };
    for (const c of this.chains.values()) {
      for (const r of c.rules) {
        for (const s of r.stmts) {
          if (s.kind === "verdict") target(s.verdict);
          else if (s.kind === "numgen") s.targets.forEach(target);
          else if ((s.kind === "vmap" && !this.sets.has(s.map)) || (s.kind === "update" && !this.sets.has(s.set))) {
            throw new NftError(`Error: Could not process rule: No such file or directory (set ${s.kind === "vmap" ? s.map : s.set})`);
          }
        }
      }
    }
    for (const s of this.sets.values()) {
      if (!s.isMap) continue;
      for (const e of s.elements.values()) {
        const [kind, chain] = (e.value ?? "").split(" ");
        if ((kind === "goto" || kind === "jump") && !this.chains.has(chain as string)) {
          throw new NftError(`Error: Could not process rule: No such file or directory (chain ${chain})`);
        }
      }
    }
  }

  /** Drops timed-out dynamic elements (the kernel's set gc); returns how many. */
  gc(nowNs: number): number {
    let n = 0;
    for (const s of this.sets.values()) {
      for (const [k, e] of s.elements) {
        if (e.expiresNs !== undefined && e.expiresNs <= nowNs) {
          s.elements.delete(k);
          s.index.delete(tryParseIPv4(k) as number);
          n++;
        }
      }
    }
    return n;
  }

  /** knftables Fake.Dump(): the table as a transaction of `add` lines. */
  dump(): string {
    const p = `${FAMILY} ${TABLE}`;
    const out: string[] = [`add table ${p}${this.comment !== undefined ? ` { comment ${q(this.comment)} ; }` : ""}`];
    for (const c of this.chains.values()) {
      const props: string[] = [];
      if (c.base) props.push(`type ${c.base.type} hook ${c.base.hook} priority ${c.base.priority} ;`);
      if (c.comment !== undefined) props.push(`comment ${q(c.comment)} ;`);
      out.push(`add chain ${p} ${c.name}${props.length ? ` { ${props.join(" ")} }` : ""}`);
    }
    for (const s of this.sets.values()) {
      const props = [`type ${s.type} ;`];
      if (s.flags.length) props.push(`flags ${s.flags.join(",")} ;`);
      if (s.timeoutSeconds !== undefined) props.push(`timeout ${s.timeoutSeconds}s ;`);
      if (s.comment !== undefined) props.push(`comment ${q(s.comment)} ;`);
      out.push(`add ${s.isMap ? "map" : "set"} ${p} ${s.name} { ${props.join(" ")} }`);
    }
    for (const c of this.chains.values()) {
      for (const r of c.rules) out.push(`add rule ${p} ${c.name} ${r.text}${r.comment !== undefined ? ` comment ${q(r.comment)}` : ""}`);
    }
    for (const s of this.sets.values()) {
      for (const [k, e] of s.elements) {
        out.push(`add element ${p} ${s.name} { ${k}${e.comment !== undefined ? ` comment ${q(e.comment)}` : ""}${e.value !== undefined ? ` : ${e.value}` : ""} }`);
      }
    }
    return out.join("\n") + "\n";
  }

  /** `nft list ruleset` (this table). */
  list(nowNs: number): string {
    const out: string[] = [`table ${FAMILY} ${TABLE} {`];
    if (this.comment !== undefined) out.push(`\tcomment ${q(this.comment)}`);
    const blocks: string[][] = [];
    for (const s of this.sets.values()) {
      const b = [`\t${s.isMap ? "map" : "set"} ${s.name} {`, `\t\ttype ${s.type}`];
      if (s.flags.includes("dynamic")) b.push("\t\tsize 65535");
      if (s.flags.length) b.push(`\t\tflags ${s.flags.join(",")}`);
      if (s.timeoutSeconds !== undefined) b.push(`\t\ttimeout ${duration(s.timeoutSeconds * 1000)}`);
      if (s.comment !== undefined) b.push(`\t\tcomment ${q(s.comment)}`);
      const els: string[] = [];
      for (const [k, e] of s.elements) {
        if (e.expiresNs !== undefined && e.expiresNs <= nowNs) continue;
        let t = k;
        if (e.expiresNs !== undefined && s.timeoutSeconds !== undefined) {
          t += ` timeout ${duration(s.timeoutSeconds * 1000)} expires ${duration(Math.floor((e.expiresNs - nowNs) / 1e6))}`;
        }
        if (e.comment !== undefined) t += ` comment ${q(e.comment)}`;
        if (e.value !== undefined) t += ` : ${e.value}`;
        els.push(t);
      }
      if (els.length) b.push(`\t\telements = { ${els.join(",\n\t\t\t     ")} }`);
      b.push("\t}");
      blocks.push(b);
    }
    for (const c of this.chains.values()) {
      const b = [`\tchain ${c.name} {`];
      if (c.comment !== undefined) b.push(`\t\tcomment ${q(c.comment)}`);
      if (c.base) b.push(`\t\ttype ${c.base.type} hook ${c.base.hook} priority ${priorityName(c.base)}; policy accept;`);
      for (const r of c.rules) b.push(`\t\t${r.listed}`);
      b.push("\t}");
      blocks.push(b);
    }
    out.push(blocks.map((b) => b.join("\n")).join("\n\n"));
    out.push("}");
    return out.join("\n") + "\n";
  }
}

/** nft prints standard priorities by name where the hook has one. */
function priorityName(b: BaseChainSpec): string {
  const named = (name: string, base: number): string => {
    const d = b.priority - base;
    return d === 0 ? name : `${name} ${d > 0 ? "+" : "-"} ${Math.abs(d)}`;
  };
  if (b.hook === "prerouting" && Math.abs(b.priority + 100) <= 10) return named("dstnat", -100);
  if (b.hook === "postrouting" && Math.abs(b.priority - 100) <= 10) return named("srcnat", 100);
  if (b.priority === 0) return "filter";
  return String(b.priority);
}

/** nft's time format: 3h, 2h59m58s, 1s500ms. */
function duration(ms: number): string {
  const parts: string[] = [];
  const d = Math.floor(ms / 86400000);
  const h = Math.floor(ms / 3600000) % 24;
  const m = Math.floor(ms / 60000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const r = ms % 1000;
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s) parts.push(`${s}s`);
  if (r || parts.length === 0) parts.push(`${r}ms`);
  return parts.join("");
}

interface Frame {
  readonly chain: NftChain;
  index: number;
}

const MAX_DEPTH = 64;

/** Runs a packet through one base chain of the table. */
export function walkNftChain(table: NftTable, base: NftChain, p: WalkPacket, env: WalkEnv, ctx: StmtContext): WalkResult {
  const stack: Frame[] = [{ chain: base, index: 0 }];
  const trace = env.trace;
  for (;;) {
    const f = stack[stack.length - 1] as Frame;
    if (f.index >= f.chain.rules.length) {
      if (stack.length === 1) {
        trace?.push({ table: TABLE_NAME, chain: f.chain.name, rule: 0, text: "policy accept" });
        return accepted(undefined);
      }
      stack.pop();
      continue;
    }
    const r = f.chain.rules[f.index++] as NftRule;
    env.counter.rules++;
    let outcome: StmtOutcome | undefined;
    let matched = true;
    let via: TraceStep | undefined;
    for (const s of r.stmts) {
      const o = runStmt(s, p, ctx);
      if (o.kind === "continue") continue;
      if (o.kind === "nomatch") matched = false;
      else {
        outcome = o;
        // A map lookup or numgen decided: the element is part of the trace.
        if (trace && o.kind === "verdict" && o.via) via = { table: TABLE_NAME, chain: s.kind === "vmap" ? `@${s.map}` : f.chain.name, rule: 0, text: o.via };
      }
      break;
    }
    if (!matched) continue;
    if (trace) {
      trace.push(stepOf(f, r));
      if (via) trace.push(via);
    }
    if (outcome === undefined) continue;
    if (outcome.kind === "dnat") return { verdict: "ACCEPT", dnat: { ip: outcome.ip, port: outcome.port }, masquerade: undefined, decidedBy: stepOf(f, r) };
    if (outcome.kind === "masquerade") return { verdict: "ACCEPT", dnat: undefined, masquerade: { randomFully: true }, decidedBy: stepOf(f, r) };
    if (outcome.kind !== "verdict") continue;
    const verdict = outcome.verdict;
    switch (verdict.kind) {
      case "accept":
        return accepted(stepOf(f, r));
      case "drop":
        return { verdict: "DROP", dnat: undefined, masquerade: undefined, decidedBy: stepOf(f, r) };
      case "reject":
        return { verdict: "REJECT", dnat: undefined, masquerade: undefined, decidedBy: stepOf(f, r) };
      case "return":
        if (stack.length === 1) return accepted(undefined);
        stack.pop();
        continue;
      default: {
        const c = table.chain(verdict.chain);
        if (!c) continue;
        if (stack.length >= MAX_DEPTH) throw new Error(`nft: chain nesting deeper than ${MAX_DEPTH} at ${verdict.chain}`);
        if (verdict.kind === "goto") stack.pop();
        stack.push({ chain: c, index: 0 });
      }
    }
  }
}

const TABLE_NAME = `${FAMILY} ${TABLE}`;

function stepOf(f: Frame, r: NftRule): TraceStep {
  return { table: TABLE_NAME, chain: f.chain.name, rule: f.index, text: r.listed };
}

function accepted(decidedBy: TraceStep | undefined): WalkResult {
  return { verdict: "ACCEPT", dnat: undefined, masquerade: undefined, decidedBy };
}

/**
 * The set and map operations statements need, over `table` at the time of
 * the packet being walked (`env`, set before each walk: one object per
 * table, so the per-packet path allocates nothing for it).
 */
export class TableContext implements StmtContext {
  env!: WalkEnv;

  constructor(private readonly table: NftTable) {}

  get tracing(): boolean {
    return this.env.trace !== undefined;
  }

  readonly isLocal = (a: number): boolean => this.env.isLocal(a);

  inSet(name: string, addr: number): boolean {
    // kube-proxy's named sets hold plain addresses (no interval flag), so a lookup is exact.
    const e = this.table.set(name)?.index.get(addr);
    return e !== undefined && (e.expiresNs === undefined || e.expiresNs > this.env.nowNs);
  }

  lookup(name: string, key: number): NftElement | undefined {
    return this.table.set(name)?.index.get(key);
  }

  updateSet(name: string, addr: number): void {
    const s = this.table.set(name);
    if (!s) return;
    const expiresNs = s.timeoutSeconds === undefined ? undefined : this.env.nowNs + s.timeoutSeconds * 1e9;
    const old = s.index.get(addr);
    if (old) {
      old.expiresNs = expiresNs;
      return;
    }
    const e: NftElement = { value: undefined, verdict: undefined, comment: undefined, expiresNs };
    s.elements.set(formatIPv4(addr), e);
    s.index.set(addr, e);
  }

  randomU32(): number {
    return this.env.random.nextU32();
  }
}

const HOOKS: Record<HookName, BaseChainSpec["hook"]> = {
  PREROUTING: "prerouting",
  INPUT: "input",
  FORWARD: "forward",
  OUTPUT: "output",
  POSTROUTING: "postrouting",
};

/** The table's base chains at each hook, by priority. */
export class NftHooks implements HookRunner {
  private cache: { generation: number; chains: Record<HookName, HookChain[]> } | undefined;
  private readonly ctx: TableContext;

  constructor(private readonly table: NftTable) {
    this.ctx = new TableContext(table);
  }

  private chainsAt(hook: HookName): HookChain[] {
    const generation = this.table.chainGeneration;
    if (!this.cache || this.cache.generation !== generation) {
      const byHook = {} as Record<HookName, HookChain[]>;
      for (const h of Object.keys(HOOKS) as HookName[]) {
        byHook[h] = this.table
          .baseChainList()
          .filter((c) => c.base?.hook === HOOKS[h])
          .sort((a, b) => (a.base?.priority ?? 0) - (b.base?.priority ?? 0))
          .map((c) => ({
            name: c.name,
            nat: c.base?.type === "nat",
            walk: (p: WalkPacket, env: WalkEnv) => {
            this.ctx.env = env;
            return walkNftChain(this.table, c, p, env, this.ctx);
          },
        }));
      }
      this.cache = { generation, chains: byHook };
    }
    return this.cache.chains[hook];
  }

  run(hook: HookName, p: WalkPacket, env: WalkEnv, isNew: boolean, trace: HookTrace[] | undefined): HookResult {
    return runChains(this.chainsAt(hook), p, env, isNew, trace);
  }
}
