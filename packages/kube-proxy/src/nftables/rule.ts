/**
 * One nftables rule of kube-proxy's table: parsed from the text kube-proxy
 * hands to nft, run statement by statement against a packet, and printed the
 * way `nft list ruleset` prints it. The grammar is the part of nft's that
 * kube-proxy writes: ct state, ip saddr/daddr against addresses, prefixes,
 * anonymous and named sets, concatenated `vmap` lookups, fib, meta mark,
 * numgen, set updates, dnat, masquerade and verdicts.
 */

import { formatIPv4, tryParseIPv4 } from "@svclab/sim";
import { prefixContains, tryParsePrefix4, type Prefix4 } from "../netfilter/addr";
import { CT_ESTABLISHED, CT_INVALID, CT_NEW, CT_RELATED } from "../netfilter/rule";

export type Verdict =
  | { readonly kind: "accept" | "drop" | "reject" | "return" }
  | { readonly kind: "jump" | "goto"; readonly chain: string };

export type AddrValue =
  | { readonly kind: "set"; readonly name: string }
  | { readonly kind: "prefixes"; readonly prefixes: readonly Prefix4[]; readonly texts: readonly string[] };

export type Key = "ip daddr" | "ip saddr" | "meta l4proto" | "th dport";

export type Stmt =
  | { readonly kind: "ct-state"; readonly states: number; readonly text: string }
  | { readonly kind: "addr"; readonly field: "saddr" | "daddr"; readonly neg: boolean; readonly value: AddrValue }
  | { readonly kind: "fib-local"; readonly field: "saddr" | "daddr" }
  | { readonly kind: "l4proto"; readonly proto: string }
  | { readonly kind: "dport"; readonly proto: string; readonly port: number }
  | { readonly kind: "mark-and-zero"; readonly mask: number }
  | { readonly kind: "mark-set"; readonly op: "or" | "xor"; readonly value: number }
  | { readonly kind: "vmap"; readonly keys: readonly Key[]; readonly map: string }
  | { readonly kind: "numgen"; readonly mod: number; readonly targets: readonly Verdict[] }
  | { readonly kind: "update"; readonly set: string }
  | { readonly kind: "dnat"; readonly ip: number; readonly port: number | undefined; readonly text: string }
  | { readonly kind: "masquerade"; readonly fullyRandom: boolean }
  | { readonly kind: "verdict"; readonly verdict: Verdict };

export interface NftRule {
  /** As kube-proxy wrote it (without the comment). */
  readonly text: string;
  readonly comment: string | undefined;
  readonly stmts: readonly Stmt[];
  /** As `nft list ruleset` prints it. */
  readonly listed: string;
}

export class NftParseError extends Error {}

function tokenize(text: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|([{},])|([^\s{},]+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] !== undefined ? `"${m[1]}` : (m[2] ?? (m[3] as string)));
  return out;
}

const CT_STATES: Record<string, number> = { new: CT_NEW, established: CT_ESTABLISHED, related: CT_RELATED, invalid: CT_INVALID };

function num(s: string | undefined, what: string): number {
  const n = s === undefined ? NaN : s.startsWith("0x") ? parseInt(s.slice(2), 16) : Number(s);
  if (!Number.isInteger(n) || n < 0) throw new NftParseError(`Error: syntax error, unexpected ${s ?? "end of file"} (${what})`);
  return n >>> 0;
}

/** Parses kube-proxy's rule text (`comment` given separately, as knftables.Rule carries it). */
export function parseNftRule(text: string, comment?: string): NftRule {
  const t = tokenize(text);
  let i = 0;
  const peek = (k = 0): string | undefined => t[i + k];
  const next = (): string | undefined => t[i++];
  const expect = (s: string): void => {
    const got = next();
    if (got !== s) throw new NftParseError(`Error: syntax error, unexpected ${got ?? "end of file"}, expecting ${s}`);
  };
  const braced = (): string[] => {
    expect("{");
    const items: string[] = [];
    let cur: string[] = [];
    for (;;) {
      const tok = next();
      if (tok === undefined) throw new NftParseError("Error: syntax error, unexpected end of file, expecting }");
      if (tok === "}") break;
      if (tok === ",") {
        items.push(cur.join(" "));
        cur = [];
      } else cur.push(tok);
    }
    if (cur.length) items.push(cur.join(" "));
    return items;
  };
  const verdictFrom = parseVerdict;
  const keys = (): Key[] => {
    const ks: Key[] = [];
    for (;;) {
      const a = next();
      const b = next();
      const k = `${a} ${b}` as Key;
      if (k !== "ip daddr" && k !== "ip saddr" && k !== "meta l4proto" && k !== "th dport") throw new NftParseError(`Error: unsupported concatenation ${k}`);
      ks.push(k);
      if (peek() !== ".") return ks;
      i++;
    }
  };
  const stmts: Stmt[] = [];
  while (i < t.length) {
    const tok = peek() as string;
    if (tok === "ct" && peek(1) === "state") {
      i += 2;
      const list = next() ?? "";
      let states = 0;
      for (const s of list.split(",")) {
        const bit = CT_STATES[s];
        if (bit === undefined) throw new NftParseError(`Error: unknown ct state ${s}`);
        states |= bit;
      }
      stmts.push({ kind: "ct-state", states, text: list });
    } else if (tok === "ip" && (peek(1) === "saddr" || peek(1) === "daddr") && peek(2) === ".") {
      stmts.push(vmapOf(keys()));
    } else if (tok === "ip" && (peek(1) === "saddr" || peek(1) === "daddr")) {
      const field = peek(1) as "saddr" | "daddr";
      i += 2;
      let neg = false;
      if (peek() === "!=") {
        neg = true;
        i++;
      }
      let value: AddrValue;
      if (peek() === "{") {
        const texts = braced();
        value = { kind: "prefixes", texts, prefixes: texts.map(prefixOf) };
      } else {
        const v = next() ?? "";
        value = v.startsWith("@") ? { kind: "set", name: v.slice(1) } : { kind: "prefixes", texts: [v], prefixes: [prefixOf(v)] };
      }
      stmts.push({ kind: "addr", field, neg, value });
    } else if (tok === "meta" && peek(1) === "l4proto" && peek(2) === ".") {
      stmts.push(vmapOf(keys()));
    } else if (tok === "meta" && peek(1) === "l4proto") {
      i += 2;
      stmts.push({ kind: "l4proto", proto: next() ?? "" });
    } else if ((tok === "tcp" || tok === "udp" || tok === "sctp") && peek(1) === "dport") {
      i += 2;
      stmts.push({ kind: "dport", proto: tok, port: num(next(), "dport") });
    } else if (tok === "fib") {
      i++;
      const field = next();
      expect("type");
      expect("local");
      if (field !== "saddr" && field !== "daddr") throw new NftParseError(`Error: unsupported fib ${field ?? ""}`);
      stmts.push({ kind: "fib-local", field });
    } else if (tok === "mark" && peek(1) === "and") {
      i += 2;
      const mask = num(next(), "mark");
      expect("==");
      if (num(next(), "mark") !== 0) throw new NftParseError("Error: only `mark and M == 0` is modelled");
      stmts.push({ kind: "mark-and-zero", mask });
    } else if (tok === "mark" && peek(1) === "set") {
      i += 2;
      expect("mark");
      const op = next();
      if (op !== "or" && op !== "xor") throw new NftParseError(`Error: unsupported mark operation ${op ?? ""}`);
      stmts.push({ kind: "mark-set", op, value: num(next(), "mark") });
    } else if (tok === "numgen") {
      i++;
      expect("random");
      expect("mod");
      const mod = num(next(), "numgen");
      expect("vmap");
      const targets: Verdict[] = [];
      for (const item of braced()) {
        const [k, v] = item.split(" : ");
        if (Number(k) !== targets.length || v === undefined) throw new NftParseError(`Error: numgen vmap element ${item}`);
        targets.push(verdictFrom(v));
      }
      if (targets.length !== mod) throw new NftParseError("Error: numgen vmap must cover 0..mod-1");
      stmts.push({ kind: "numgen", mod, targets });
    } else if (tok === "update") {
      i++;
      const set = next() ?? "";
      if (!set.startsWith("@")) throw new NftParseError("Error: update needs a named set");
      const items = braced();
      if (items.join() !== "ip saddr") throw new NftParseError("Error: only `update @set { ip saddr }` is modelled");
      stmts.push({ kind: "update", set: set.slice(1) });
    } else if (tok === "dnat") {
      i++;
      expect("to");
      const v = next() ?? "";
      const [a, p] = v.split(":");
      const ip = tryParseIPv4(a ?? "");
      if (ip === undefined) throw new NftParseError(`Error: Could not resolve hostname: ${v}`);
      stmts.push({ kind: "dnat", ip, port: p === undefined ? undefined : num(p, "dnat"), text: v });
    } else if (tok === "masquerade") {
      i++;
      const fullyRandom = peek() === "fully-random";
      if (fullyRandom) i++;
      stmts.push({ kind: "masquerade", fullyRandom });
    } else if (tok === "jump" || tok === "goto") {
      i++;
      stmts.push({ kind: "verdict", verdict: { kind: tok, chain: next() ?? "" } });
    } else if (tok === "accept" || tok === "drop" || tok === "reject" || tok === "return") {
      i++;
      stmts.push({ kind: "verdict", verdict: { kind: tok } });
    } else {
      throw new NftParseError(`Error: syntax error, unexpected ${tok}`);
    }
  }

  function vmapOf(ks: Key[]): Stmt {
    expect("vmap");
    const m = next() ?? "";
    if (!m.startsWith("@")) throw new NftParseError("Error: only named verdict maps are modelled");
    return { kind: "vmap", keys: ks, map: m.slice(1) };
  }
  const rule = { text, comment, stmts, listed: "" };
  rule.listed = listText(rule);
  return rule;
}

/** A verdict as written in a rule or a verdict-map element (`goto chain`, `drop`...). */
export function parseVerdict(s: string): Verdict {
  const [v, chain] = s.split(" ");
  if ((v === "jump" || v === "goto") && chain) return { kind: v, chain };
  if (v === "accept" || v === "drop" || v === "reject" || v === "return") return { kind: v };
  throw new NftParseError(`Error: syntax error, unexpected ${s}`);
}

function prefixOf(s: string): Prefix4 {
  const p = tryParsePrefix4(s);
  if (!p) throw new NftParseError(`Error: Could not resolve hostname: ${s}`);
  return p;
}

const hex8 = (n: number): string => "0x" + n.toString(16).padStart(8, "0");

function verdictText(v: Verdict): string {
  return v.kind === "jump" || v.kind === "goto" ? `${v.kind} ${v.chain}` : v.kind;
}

/** The rule as `nft list ruleset` prints it. */
export function listText(r: Pick<NftRule, "stmts" | "comment">): string {
  const parts = r.stmts.map((s): string => {
    switch (s.kind) {
      case "ct-state":
        return `ct state ${s.text}`;
      case "addr": {
        const v =
          s.value.kind === "set"
            ? `@${s.value.name}`
            : s.value.texts.length === 1
              ? (s.value.texts[0] as string)
              : `{ ${s.value.texts.join(", ")} }`;
        return `ip ${s.field} ${s.neg ? "!= " : ""}${v}`;
      }
      case "fib-local":
        return `fib ${s.field} type local`;
      case "l4proto":
        return `meta l4proto ${s.proto}`;
      case "dport":
        return `${s.proto} dport ${s.port}`;
      case "mark-and-zero":
        return `meta mark & ${hex8(s.mask)} == ${hex8(0)}`;
      case "mark-set":
        return `meta mark set meta mark ${s.op === "or" ? "|" : "^"} ${hex8(s.value)}`;
      case "vmap":
        return `${s.keys.join(" . ")} vmap @${s.map}`;
      case "numgen":
        return `numgen random mod ${s.mod} vmap { ${s.targets.map((v, k) => `${k} : ${verdictText(v)}`).join(", ")} }`;
      case "update":
        return `update @${s.set} { ip saddr }`;
      case "dnat":
        return `dnat to ${s.text}`;
      case "masquerade":
        return s.fullyRandom ? "masquerade fully-random" : "masquerade";
      case "verdict":
        return verdictText(s.verdict);
    }
  });
  if (r.comment !== undefined) parts.push(`comment "${r.comment}"`);
  return parts.join(" ");
}

const PROTO_CODES: Record<string, number> = { tcp: 1, udp: 2, sctp: 3 };

/**
 * A concatenated key as one number (address 32 bits, protocol 2, port 16:
 * at most 50 bits), so a verdict-map lookup allocates nothing. `parts` are
 * the key's fields in order, already converted (address as u32, protocol
 * name, port number).
 */
export function numericKey(kinds: readonly ("addr" | "proto" | "port")[], parts: readonly (number | string)[]): number {
  let acc = 0;
  for (let i = 0; i < kinds.length; i++) {
    const k = kinds[i];
    const v = parts[i] as number | string;
    if (k === "addr") acc = acc * 4294967296 + (v as number);
    else if (k === "proto") acc = acc * 4 + (PROTO_CODES[v as string] ?? 0);
    else acc = acc * 65536 + (v as number);
  }
  return acc;
}

/** What a statement needs from the table while it runs (the packet comes separately). */
export interface StmtContext {
  readonly isLocal: (a: number) => boolean;
  readonly inSet: (set: string, addr: number) => boolean;
  readonly lookup: (map: string, key: number) => { readonly value: string | undefined; readonly verdict: Verdict | undefined } | undefined;
  /** Collect trace text (the element taken); off on the fast path. */
  readonly tracing: boolean;
  readonly updateSet: (set: string, addr: number) => void;
  readonly randomU32: () => number;
}

/** The packet fields statements read and write. */
export interface StmtPacket {
  readonly src: number;
  readonly dst: number;
  readonly proto: string;
  readonly dport: number;
  mark: number;
  readonly ctstate: number;
}

export type StmtOutcome =
  | { readonly kind: "continue" }
  | { readonly kind: "nomatch" }
  | { readonly kind: "verdict"; readonly verdict: Verdict; readonly via?: string }
  | { readonly kind: "dnat"; readonly ip: number; readonly port: number | undefined }
  | { readonly kind: "masquerade" };

/** Runs one statement. */
export function runStmt(s: Stmt, p: StmtPacket, c: StmtContext): StmtOutcome {
  switch (s.kind) {
    case "ct-state":
      return (p.ctstate & s.states) !== 0 ? CONTINUE : NOMATCH;
    case "addr": {
      const a = s.field === "saddr" ? p.src : p.dst;
      const hit = s.value.kind === "set" ? c.inSet(s.value.name, a) : s.value.prefixes.some((p) => prefixContains(p, a));
      return hit !== s.neg ? CONTINUE : NOMATCH;
    }
    case "fib-local":
      return c.isLocal(s.field === "saddr" ? p.src : p.dst) ? CONTINUE : NOMATCH;
    case "l4proto":
      return p.proto === s.proto ? CONTINUE : NOMATCH;
    case "dport":
      return p.proto === s.proto && p.dport === s.port ? CONTINUE : NOMATCH;
    case "mark-and-zero":
      return (p.mark & s.mask) === 0 ? CONTINUE : NOMATCH;
    case "mark-set":
      p.mark = (s.op === "or" ? p.mark | s.value : p.mark ^ s.value) >>> 0;
      return CONTINUE;
    case "vmap": {
      let key = 0;
      for (let i = 0; i < s.keys.length; i++) {
        const k = s.keys[i];
        if (k === "ip daddr") key = key * 4294967296 + p.dst;
        else if (k === "ip saddr") key = key * 4294967296 + p.src;
        else if (k === "meta l4proto") key = key * 4 + (PROTO_CODES[p.proto] ?? 0);
        else key = key * 65536 + p.dport;
      }
      const e = c.lookup(s.map, key);
      if (e === undefined || e.verdict === undefined) return NOMATCH;
      if (!c.tracing) return { kind: "verdict", verdict: e.verdict };
      const text = s.keys
        .map((k) => (k === "ip daddr" ? formatIPv4(p.dst) : k === "ip saddr" ? formatIPv4(p.src) : k === "meta l4proto" ? p.proto : String(p.dport)))
        .join(" . ");
      return { kind: "verdict", verdict: e.verdict, via: `${text} : ${e.value}` };
    }
    case "numgen": {
      // nft_ng_random: reciprocal_scale(get_random_u32(), modulus)
      const n = Math.floor((c.randomU32() * s.mod) / 4294967296);
      if (!c.tracing) return { kind: "verdict", verdict: s.targets[n] as Verdict };
      return { kind: "verdict", verdict: s.targets[n] as Verdict, via: `${n} : ${verdictText(s.targets[n] as Verdict)}` };
    }
    case "update":
      c.updateSet(s.set, p.src);
      return CONTINUE;
    case "dnat":
      return { kind: "dnat", ip: s.ip, port: s.port };
    case "masquerade":
      return { kind: "masquerade" };
    case "verdict":
      return { kind: "verdict", verdict: s.verdict };
  }
}

const CONTINUE: StmtOutcome = { kind: "continue" };
const NOMATCH: StmtOutcome = { kind: "nomatch" };
