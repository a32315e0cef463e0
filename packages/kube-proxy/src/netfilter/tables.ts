/**
 * The kernel's iptables rulesets of one node: tables of chains of rules,
 * changed the way kube-proxy changes them (`iptables-restore --noflush`,
 * EnsureChain, EnsureRule) and printed the way `iptables-save` prints them.
 * A restore is atomic: the whole input is checked first, and on an error
 * nothing changes.
 */

import { parseRule, RuleParseError, type Rule } from "./rule";
import { tokenizeRuleLine } from "./tokenize";

export type TableName = "raw" | "mangle" | "nat" | "filter";
export type Policy = "ACCEPT" | "DROP";

const BUILTIN_CHAINS: Record<TableName, readonly string[]> = {
  raw: ["PREROUTING", "OUTPUT"],
  mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
  nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
  filter: ["INPUT", "FORWARD", "OUTPUT"],
};

/** The order `iptables-save` lists the tables a kind node has loaded. */
const SAVE_ORDER: readonly TableName[] = ["raw", "mangle", "filter", "nat"];

export interface Chain {
  readonly name: string;
  /** Built-in chains have a policy; user chains return to their caller. */
  policy: Policy | undefined;
  readonly rules: Rule[];
}

export class IptablesRestoreError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
  ) {
    super(
      `iptables-restore v1.8.9 (nf_tables): ${reason}\nError occurred at line: ${line}\n` +
        "Try `iptables-restore -h' or 'iptables-restore --help' for more information.",
    );
  }
}

function isTableName(s: string): s is TableName {
  return s === "raw" || s === "mangle" || s === "nat" || s === "filter";
}

export class IptablesTables {
  private readonly tables = new Map<TableName, Map<string, Chain>>();
  /** Bumped on every change, so callers can tell a stale view. */
  generation = 0;

  constructor(readonly policies: Partial<Record<string, Policy>> = {}) {
    for (const t of Object.keys(BUILTIN_CHAINS) as TableName[]) this.initTable(t);
  }

  private initTable(t: TableName): Map<string, Chain> {
    const chains = new Map<string, Chain>();
    for (const c of BUILTIN_CHAINS[t]) chains.set(c, { name: c, policy: this.policies[`${t}/${c}`] ?? "ACCEPT", rules: [] });
    this.tables.set(t, chains);
    return chains;
  }

  chain(table: TableName, name: string): Chain | undefined {
    return this.tables.get(table)?.get(name);
  }

  chainNames(table: TableName): string[] {
    return [...(this.tables.get(table)?.keys() ?? [])];
  }

  /** Creates a user chain if missing; true if it already existed. */
  ensureChain(table: TableName, name: string): boolean {
    const chains = this.tables.get(table) as Map<string, Chain>;
    if (chains.has(name)) return true;
    chains.set(name, { name, policy: undefined, rules: [] });
    this.generation++;
    return false;
  }

  /** Adds a rule unless an identical one exists (iptables -C, then -I or -A); true if it existed. */
  ensureRule(position: "prepend" | "append", table: TableName, chain: string, args: readonly string[]): boolean {
    const c = this.chain(table, chain);
    if (!c) throw new Error(`iptables: No chain/target/match by that name (${table}/${chain}).`);
    const rule = parseRule(chain, args);
    if (c.rules.some((r) => r.saved === rule.saved)) return true;
    if (position === "prepend") c.rules.unshift(rule);
    else c.rules.push(rule);
    this.generation++;
    return false;
  }

  /**
   * `iptables-restore --noflush`: a chain line flushes (or creates) that chain,
   * `-A` appends, `-X` deletes a chain; chains not named are left alone.
   */
  restore(data: string): void {
    type Op =
      | { op: "chain"; table: TableName; name: string; policy: Policy | undefined }
      | { op: "append"; table: TableName; rule: Rule }
      | { op: "delete"; table: TableName; name: string };
    const ops: Op[] = [];
    let table: TableName | undefined;
    const lines = data.split("\n");
    // Which chains exist as the input goes, to check jumps and appends up front.
    const known = new Map<TableName, Set<string>>();
    const knownIn = (t: TableName): Set<string> => {
      let s = known.get(t);
      if (!s) known.set(t, (s = new Set(this.chainNames(t))));
      return s;
    };
    for (let n = 0; n < lines.length; n++) {
      const line = (lines[n] as string).trim();
      const lineNo = n + 1;
      if (line === "" || line.startsWith("#")) continue;
      if (line.startsWith("*")) {
        const name = line.slice(1);
        if (!isTableName(name)) throw new IptablesRestoreError(`can't initialize iptables table \`${name}': Table does not exist`, lineNo);
        table = name;
        continue;
      }
      if (table === undefined) throw new IptablesRestoreError("no command specified", lineNo);
      if (line === "COMMIT") {
        table = undefined;
        continue;
      }
      if (line.startsWith(":")) {
        const [name, policy] = line.slice(1).split(/\s+/) as [string, string | undefined];
        const builtin = BUILTIN_CHAINS[table].includes(name);
        if (builtin && policy !== "ACCEPT" && policy !== "DROP") throw new IptablesRestoreError(`Bad built-in chain name`, lineNo);
        if (!builtin && policy !== "-") throw new IptablesRestoreError(`Can't set policy \`${policy ?? ""}' on \`${name}' line ${lineNo}: Bad built-in chain name`, lineNo);
        if (name.length > 28) throw new IptablesRestoreError(`Invalid chain name \`${name}'`, lineNo);
        knownIn(table).add(name);
        ops.push({ op: "chain", table, name, policy: builtin ? (policy as Policy) : undefined });
        continue;
      }
      let args: string[];
      try {
        args = tokenizeRuleLine(line);
      } catch (e) {
        throw new IptablesRestoreError((e as Error).message, lineNo);
      }
      const cmd = args[0];
      const chain = args[1];
      if ((cmd === "-A" || cmd === "-X") && chain === undefined) throw new IptablesRestoreError(`option "${cmd}" requires an argument`, lineNo);
      if (cmd === "-X") {
        if (BUILTIN_CHAINS[table].includes(chain as string)) throw new IptablesRestoreError("Can't delete built-in chain", lineNo);
        knownIn(table).delete(chain as string);
        ops.push({ op: "delete", table, name: chain as string });
        continue;
      }
      if (cmd !== "-A") throw new IptablesRestoreError(`unknown command "${cmd ?? ""}"`, lineNo);
      if (!knownIn(table).has(chain as string)) throw new IptablesRestoreError(`Chain '${chain}' does not exist`, lineNo);
      let rule: Rule;
      try {
        rule = parseRule(chain as string, args.slice(2));
      } catch (e) {
        if (e instanceof RuleParseError) throw new IptablesRestoreError(e.message, lineNo);
        throw e;
      }
      if (rule.target?.kind === "jump" && !knownIn(table).has(rule.target.chain)) {
        throw new IptablesRestoreError(`Couldn't load target \`${rule.target.chain}':No such file or directory`, lineNo);
      }
      ops.push({ op: "append", table, rule });
    }
    if (table !== undefined) throw new IptablesRestoreError(`COMMIT expected`, lines.length);
    for (const op of ops) {
      const chains = this.tables.get(op.table) as Map<string, Chain>;
      if (op.op === "chain") {
        const c = chains.get(op.name);
        // --noflush: a user chain's line flushes it; a built-in chain's line only sets the policy.
        if (c && op.policy === undefined) c.rules.length = 0;
        else if (c) c.policy = op.policy;
        else chains.set(op.name, { name: op.name, policy: undefined, rules: [] });
      } else if (op.op === "delete") {
        chains.delete(op.name);
      } else {
        (chains.get(op.rule.chain) as Chain).rules.push(op.rule);
      }
    }
    this.generation++;
  }

  /**
   * `iptables-save [-t table]`: built-in chains with their policies first,
   * then user chains in name order, then every chain's rules.
   */
  save(only?: TableName, header?: { version: string; date: string }): string {
    const out: string[] = [];
    for (const t of SAVE_ORDER) {
      if (only !== undefined && t !== only) continue;
      const chains = this.tables.get(t) as Map<string, Chain>;
      // A table nobody wrote to is not loaded on a kind node, so it is not listed.
      if (only === undefined && [...chains.values()].every((c) => c.policy !== undefined && c.rules.length === 0)) continue;
      if (header) out.push(`# Generated by iptables-save ${header.version} on ${header.date}`);
      out.push(`*${t}`);
      const builtins = BUILTIN_CHAINS[t].map((n) => chains.get(n) as Chain);
      const users = [...chains.values()].filter((c) => c.policy === undefined).sort((a, b) => (a.name < b.name ? -1 : 1));
      for (const c of builtins) out.push(`:${c.name} ${c.policy} [0:0]`);
      for (const c of users) out.push(`:${c.name} - [0:0]`);
      for (const c of [...builtins, ...users]) for (const r of c.rules) out.push(r.saved);
      out.push("COMMIT");
      if (header) out.push(`# Completed on ${header.date}`);
    }
    return out.join("\n") + "\n";
  }
}

