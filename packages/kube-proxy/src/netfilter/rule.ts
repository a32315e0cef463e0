/**
 * One iptables rule: parsed from the arguments kube-proxy hands to
 * iptables-restore, compiled into the matches and the target the evaluator
 * runs, and printed the way `iptables-save` prints the kernel's copy
 * (addresses with a prefix length, -s/-d/-p first, each match's options in
 * its own canonical form).
 */

import { formatIPv4, tryParseIPv4 } from "@svclab/sim";
import { tryParsePrefix4, type Prefix4 } from "./addr";
import { saveString } from "./tokenize";

export interface AddrMatch {
  readonly prefix: Prefix4;
  readonly neg: boolean;
}

export interface PortRange {
  readonly lo: number;
  readonly hi: number;
  readonly neg: boolean;
}

/** Conntrack states and NAT statuses as `-m conntrack --ctstate` names them (bit order = print order). */
export const CT_STATE_NAMES = ["INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED", "SNAT", "DNAT"] as const;
export type CtStateName = (typeof CT_STATE_NAMES)[number];
export const CT_INVALID = 1;
export const CT_NEW = 2;
export const CT_RELATED = 4;
export const CT_ESTABLISHED = 8;
export const CT_SNAT = 32;
export const CT_DNAT = 64;

export type Match =
  | { readonly kind: "comment"; readonly comment: string }
  | { readonly kind: "l4"; readonly module: string; readonly dport?: PortRange; readonly sport?: PortRange }
  | {
      readonly kind: "addrtype";
      readonly srcType?: { readonly type: string; readonly neg: boolean };
      readonly dstType?: { readonly type: string; readonly neg: boolean };
    }
  | { readonly kind: "mark"; readonly value: number; readonly mask: number; readonly neg: boolean }
  | { readonly kind: "conntrack"; readonly states: number; readonly neg: boolean }
  | { readonly kind: "statistic"; readonly probability: number }
  | {
      readonly kind: "recent";
      readonly name: string;
      readonly op: "rcheck" | "set" | "update" | "remove";
      readonly seconds: number;
      readonly reap: boolean;
    }
  | { readonly kind: "nfacct"; readonly name: string }
  | { readonly kind: "physdev"; readonly isInNeg: boolean }
  | { readonly kind: "set"; readonly name: string; readonly dirs: readonly ("src" | "dst")[]; readonly neg: boolean };

export type Target =
  | { readonly kind: "ACCEPT" | "DROP" | "RETURN" }
  | { readonly kind: "REJECT"; readonly rejectWith: string }
  | { readonly kind: "jump"; readonly chain: string; readonly goto: boolean }
  | { readonly kind: "DNAT"; readonly ip: number; readonly port: number | undefined; readonly text: string }
  | { readonly kind: "MARK"; readonly value: number; readonly mask: number }
  | { readonly kind: "MASQUERADE"; readonly randomFully: boolean };

export interface Rule {
  readonly chain: string;
  readonly src: AddrMatch | undefined;
  readonly dst: AddrMatch | undefined;
  readonly proto: { readonly name: string; readonly neg: boolean } | undefined;
  readonly matches: readonly Match[];
  readonly target: Target | undefined;
  /** As `iptables-save` prints it (computed once: traces quote it). */
  readonly saved: string;
}

export class RuleParseError extends Error {}

const BUILTIN_TARGETS = new Set(["ACCEPT", "DROP", "RETURN", "REJECT", "DNAT", "MARK", "MASQUERADE"]);

function parseNumber(s: string | undefined, what: string): number {
  if (s === undefined) throw new RuleParseError(`option "${what}" requires an argument`);
  const n = s.startsWith("0x") ? parseInt(s.slice(2), 16) : /^\d+$/.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > 0xffffffff) throw new RuleParseError(`Bad value for option "${what}": "${s}"`);
  return n >>> 0;
}

function parseValueMask(s: string | undefined, what: string): { value: number; mask: number; hasMask: boolean } {
  if (s === undefined) throw new RuleParseError(`option "${what}" requires an argument`);
  const slash = s.indexOf("/");
  if (slash < 0) return { value: parseNumber(s, what), mask: 0xffffffff, hasMask: false };
  return { value: parseNumber(s.slice(0, slash), what), mask: parseNumber(s.slice(slash + 1), what), hasMask: true };
}

function parsePorts(s: string | undefined, neg: boolean, what: string): PortRange {
  if (s === undefined) throw new RuleParseError(`option "${what}" requires an argument`);
  const [a, b] = s.split(":");
  const lo = a === "" || a === undefined ? 0 : Number(a);
  const hi = b === undefined ? lo : b === "" ? 65535 : Number(b);
  if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo > 65535 || hi > 65535) {
    throw new RuleParseError(`invalid port/service \`${s}' specified`);
  }
  return { lo, hi, neg };
}

function parseAddr(s: string | undefined, neg: boolean): AddrMatch {
  const prefix = s === undefined ? undefined : tryParsePrefix4(s);
  if (!prefix) throw new RuleParseError(`host/network \`${s ?? ""}' not found`);
  return { prefix, neg };
}

/** Collects one match module's options, wherever on the line they appear (as iptables' getopt does). */
interface MatchBuilder {
  /** Consumes option `opt` (its argument via `take`) if this module defines it. */
  accept(opt: string, neg: boolean, take: () => string | undefined): boolean;
  build(): Match;
}

function required(v: string | undefined, opt: string): string {
  if (v === undefined) throw new RuleParseError(`option "${opt}" requires an argument`);
  return v;
}

function matchBuilder(module: string): MatchBuilder {
  switch (module) {
    case "comment": {
      let comment: string | undefined;
      return {
        accept: (o, _n, take) => (o === "--comment" ? ((comment = required(take(), o)), true) : false),
        build: () => {
          if (comment === undefined) throw new RuleParseError(`comment: option "--comment" is required`);
          return { kind: "comment", comment };
        },
      };
    }
    case "tcp":
    case "udp":
    case "sctp": {
      let dport: PortRange | undefined;
      let sport: PortRange | undefined;
      return {
        accept: (o, n, take) => {
          if (o === "--dport" || o === "--destination-port") dport = parsePorts(take(), n, o);
          else if (o === "--sport" || o === "--source-port") sport = parsePorts(take(), n, o);
          else return false;
          return true;
        },
        build: () => ({ kind: "l4", module, dport, sport }),
      };
    }
    case "addrtype": {
      let srcType: { type: string; neg: boolean } | undefined;
      let dstType: { type: string; neg: boolean } | undefined;
      return {
        accept: (o, neg, take) => {
          if (o !== "--src-type" && o !== "--dst-type") return false;
          const type = required(take(), o);
          if (type !== "LOCAL") throw new RuleParseError(`addrtype: only LOCAL is modelled, got "${type}"`);
          if (o === "--src-type") srcType = { type, neg };
          else dstType = { type, neg };
          return true;
        },
        build: () => ({ kind: "addrtype", srcType, dstType }),
      };
    }
    case "mark": {
      let m: { value: number; mask: number; neg: boolean } | undefined;
      return {
        accept: (o, neg, take) => {
          if (o !== "--mark") return false;
          const vm = parseValueMask(take(), o);
          m = { value: vm.value, mask: vm.mask, neg };
          return true;
        },
        build: () => {
          if (!m) throw new RuleParseError(`mark: option "--mark" is required`);
          return { kind: "mark", ...m };
        },
      };
    }
    case "conntrack": {
      let m: { states: number; neg: boolean } | undefined;
      return {
        accept: (o, neg, take) => {
          if (o !== "--ctstate") return false;
          let states = 0;
          for (const st of required(take(), o).split(",")) {
            const bit = CT_STATE_NAMES.indexOf(st as CtStateName);
            if (bit < 0) throw new RuleParseError(`Bad ctstate "${st}"`);
            states |= 1 << bit;
          }
          m = { states, neg };
          return true;
        },
        build: () => {
          if (!m) throw new RuleParseError("conntrack: only --ctstate is modelled");
          return { kind: "conntrack", ...m };
        },
      };
    }
    case "statistic": {
      let mode: string | undefined;
      let probability: number | undefined;
      return {
        accept: (o, _n, take) => {
          if (o === "--mode") mode = required(take(), o);
          else if (o === "--probability") {
            const v = required(take(), o);
            const prob = Number(v);
            if (!(prob >= 0 && prob <= 1)) throw new RuleParseError("--probability must be between 0 and 1");
            // libxt_statistic stores lround(2^31 * p); the kernel compares a 31-bit random number to it.
            probability = Math.round(0x80000000 * prob);
          } else return false;
          return true;
        },
        build: () => {
          if (mode !== "random" || probability === undefined) throw new RuleParseError("statistic: only --mode random --probability is modelled");
          return { kind: "statistic", probability };
        },
      };
    }
    case "recent": {
      let name = "DEFAULT";
      let op: "rcheck" | "set" | "update" | "remove" | undefined;
      let seconds = 0;
      let reap = false;
      return {
        accept: (o, _n, take) => {
          if (o === "--name") name = required(take(), o);
          else if (o === "--rcheck" || o === "--set" || o === "--update" || o === "--remove") {
            if (op !== undefined) throw new RuleParseError("recent: only one of `--set', `--rcheck' `--update' or `--remove' may be set");
            op = o.slice(2) as "rcheck" | "set" | "update" | "remove";
          } else if (o === "--seconds") seconds = parseNumber(take(), o);
          else if (o === "--reap") reap = true;
          else if (o === "--mask") take();
          else if (o !== "--rsource") return false;
          return true;
        },
        build: () => {
          if (op === undefined) throw new RuleParseError("recent: you must specify one of `--set', `--rcheck' `--update' or `--remove'");
          if (reap && seconds === 0) throw new RuleParseError("recent: --reap is only valid with --seconds");
          return { kind: "recent", name, op, seconds, reap };
        },
      };
    }
    case "nfacct": {
      let name: string | undefined;
      return {
        accept: (o, _n, take) => (o === "--nfacct-name" ? ((name = required(take(), o)), true) : false),
        build: () => {
          if (name === undefined) throw new RuleParseError(`nfacct: option "--nfacct-name" is required`);
          return { kind: "nfacct", name };
        },
      };
    }
    case "physdev": {
      let isInNeg: boolean | undefined;
      return {
        accept: (o, neg) => (o === "--physdev-is-in" ? ((isInNeg = neg), true) : false),
        build: () => {
          if (isInNeg === undefined) throw new RuleParseError("physdev: only --physdev-is-in is modelled");
          return { kind: "physdev", isInNeg };
        },
      };
    }
    case "set": {
      let m: { name: string; dirs: ("src" | "dst")[]; neg: boolean } | undefined;
      return {
        accept: (o, neg, take) => {
          if (o !== "--match-set") return false;
          const name = required(take(), o);
          const flags = required(take(), o);
          const dirs = flags.split(",");
          if (dirs.length > 6 || dirs.some((d) => d !== "src" && d !== "dst")) throw new RuleParseError(`You must specify (the comma separated list of) 'src' or 'dst'.`);
          m = { name, dirs: dirs as ("src" | "dst")[], neg };
          return true;
        },
        build: () => {
          if (!m) throw new RuleParseError("You must specify `--match-set' with proper arguments");
          return { kind: "set", ...m };
        },
      };
    }
    default:
      throw new RuleParseError(`Couldn't load match \`${module}':No such file or directory`);
  }
}

interface TargetBuilder {
  accept(opt: string, take: () => string | undefined): boolean;
  build(): Target;
}

function targetBuilder(name: string, goto: boolean): TargetBuilder {
  const none = (t: Target): TargetBuilder => ({ accept: () => false, build: () => t });
  if (goto || !BUILTIN_TARGETS.has(name)) return none({ kind: "jump", chain: name, goto });
  switch (name) {
    case "ACCEPT":
    case "DROP":
    case "RETURN":
      return none({ kind: name });
    case "REJECT": {
      let rejectWith = "icmp-port-unreachable";
      return {
        accept: (o, take) => (o === "--reject-with" ? ((rejectWith = required(take(), o)), true) : false),
        build: () => ({ kind: "REJECT", rejectWith }),
      };
    }
    case "DNAT": {
      let t: Target | undefined;
      return {
        accept: (o, take) => {
          if (o !== "--to-destination") return false;
          const text = required(take(), o);
          const colon = text.indexOf(":");
          const ip = tryParseIPv4(colon < 0 ? text : text.slice(0, colon));
          const port = colon < 0 ? undefined : Number(text.slice(colon + 1));
          if (ip === undefined || (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))) {
            throw new RuleParseError(`Bad IP address "${text}"`);
          }
          t = { kind: "DNAT", ip, port, text };
          return true;
        },
        build: () => {
          if (!t) throw new RuleParseError('DNAT: option "--to-destination" is required');
          return t;
        },
      };
    }
    case "MARK": {
      let t: Target | undefined;
      return {
        accept: (o, take) => {
          let value: number;
          let mask: number;
          if (o === "--or-mark") {
            value = parseNumber(take(), o);
            mask = value;
          } else if (o === "--xor-mark") {
            value = parseNumber(take(), o);
            mask = 0;
          } else if (o === "--and-mark") {
            value = 0;
            mask = ~parseNumber(take(), o) >>> 0;
          } else if (o === "--set-xmark" || o === "--set-mark") {
            const vm = parseValueMask(take(), o);
            value = vm.value;
            mask = vm.mask;
          } else return false;
          t = { kind: "MARK", value, mask };
          return true;
        },
        build: () => {
          if (!t) throw new RuleParseError("MARK target: Parameter --set/and/or/xor-mark is required");
          return t;
        },
      };
    }
    default: {
      let randomFully = false;
      return {
        accept: (o) => (o === "--random-fully" ? ((randomFully = true), true) : false),
        build: () => ({ kind: "MASQUERADE", randomFully }),
      };
    }
  }
}

/** Parses the arguments of `-A <chain> ...`. */
export function parseRule(chain: string, args: readonly string[]): Rule {
  let src: AddrMatch | undefined;
  let dst: AddrMatch | undefined;
  let proto: Rule["proto"];
  const builders: MatchBuilder[] = [];
  let target: TargetBuilder | undefined;
  let neg = false;
  let i = 0;
  const take = (): string | undefined => args[++i];
  for (; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "!") {
      neg = true;
      continue;
    }
    if (a === "-s" || a === "--source") src = parseAddr(take(), neg);
    else if (a === "-d" || a === "--destination") dst = parseAddr(take(), neg);
    else if (a === "-p" || a === "--protocol") proto = { name: required(take(), a).toLowerCase(), neg };
    else if (a === "-m" || a === "--match") builders.push(matchBuilder(required(take(), a)));
    else if (a === "-j" || a === "--jump" || a === "-g" || a === "--goto") {
      if (target) throw new RuleParseError("multiple -j flags not allowed");
      target = targetBuilder(required(take(), a), a === "-g" || a === "--goto");
    } else if (a.startsWith("--")) {
      // The last loaded extension that knows the option takes it.
      let taken = target?.accept(a, take) ?? false;
      for (let b = builders.length - 1; !taken && b >= 0; b--) taken = (builders[b] as MatchBuilder).accept(a, neg, take);
      if (!taken) throw new RuleParseError(`unknown option "${a}"`);
    } else throw new RuleParseError(`Bad argument \`${a}'`);
    neg = false;
  }
  const rule = { chain, src, dst, proto, matches: builders.map((b) => b.build()), target: target?.build(), saved: "" };
  rule.saved = saveText(rule);
  return rule;
}

const hex = (n: number): string => "0x" + n.toString(16);

function addrText(a: AddrMatch, flag: string): string {
  return `${a.neg ? "! " : ""}${flag} ${formatIPv4(a.prefix.addr)}/${a.prefix.bits}`;
}

function portText(p: PortRange, flag: string): string {
  const v = p.lo === p.hi ? String(p.lo) : `${p.lo}:${p.hi}`;
  return `${p.neg ? "! " : ""}${flag} ${v}`;
}

function matchSaveText(m: Match): string {
  switch (m.kind) {
    case "comment":
      return `-m comment --comment ${saveString(m.comment)}`;
    case "l4": {
      const parts = [`-m ${m.module}`];
      if (m.sport) parts.push(portText(m.sport, "--sport"));
      if (m.dport) parts.push(portText(m.dport, "--dport"));
      return parts.join(" ");
    }
    case "addrtype": {
      const parts = ["-m addrtype"];
      if (m.srcType) parts.push(`${m.srcType.neg ? "! " : ""}--src-type ${m.srcType.type}`);
      if (m.dstType) parts.push(`${m.dstType.neg ? "! " : ""}--dst-type ${m.dstType.type}`);
      return parts.join(" ");
    }
    case "mark":
      return `-m mark ${m.neg ? "! " : ""}--mark ${hex(m.value)}${m.mask === 0xffffffff ? "" : "/" + hex(m.mask)}`;
    case "conntrack": {
      const names = CT_STATE_NAMES.filter((_, bit) => (m.states & (1 << bit)) !== 0);
      return `-m conntrack ${m.neg ? "! " : ""}--ctstate ${names.join(",")}`;
    }
    case "statistic":
      // libxt_statistic prints the stored 31-bit fraction with 11 decimals.
      return `-m statistic --mode random --probability ${(m.probability / 0x80000000).toFixed(11)}`;
    case "recent": {
      const parts = ["-m recent", `--${m.op}`];
      if (m.seconds) parts.push(`--seconds ${m.seconds}`);
      if (m.reap) parts.push("--reap");
      parts.push(`--name ${m.name}`, "--mask 255.255.255.255", "--rsource");
      return parts.join(" ");
    }
    case "nfacct":
      return `-m nfacct --nfacct-name ${saveString(m.name)}`;
    case "physdev":
      return `-m physdev ${m.isInNeg ? "! " : ""}--physdev-is-in`;
    case "set":
      return `-m set ${m.neg ? "! " : ""}--match-set ${m.name} ${m.dirs.join(",")}`;
  }
}

function targetSaveText(t: Target): string {
  switch (t.kind) {
    case "jump":
      return `${t.goto ? "-g" : "-j"} ${t.chain}`;
    case "REJECT":
      return `-j REJECT --reject-with ${t.rejectWith}`;
    case "DNAT":
      return `-j DNAT --to-destination ${t.text}`;
    case "MARK":
      return `-j MARK --set-xmark ${hex(t.value)}/${hex(t.mask)}`;
    case "MASQUERADE":
      return t.randomFully ? "-j MASQUERADE --random-fully" : "-j MASQUERADE";
    default:
      return `-j ${t.kind}`;
  }
}

/** The rule as `iptables-save` prints the kernel's copy. */
export function saveText(rule: Omit<Rule, "saved">): string {
  const parts = ["-A", rule.chain];
  if (rule.src) parts.push(addrText(rule.src, "-s"));
  if (rule.dst) parts.push(addrText(rule.dst, "-d"));
  if (rule.proto) parts.push(`${rule.proto.neg ? "! " : ""}-p ${rule.proto.name}`);
  for (const m of rule.matches) parts.push(matchSaveText(m));
  if (rule.target) parts.push(targetSaveText(rule.target));
  return parts.join(" ");
}
