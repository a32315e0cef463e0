/**
 * A script-test engine in the style of Cilium's pkg/loadbalancer/tests
 * (hive script tests on txtar files): the shebang line carries agent
 * flags, `hive start` builds the node, `k8s/add|update|delete` feed
 * Kubernetes YAML through the reflector, `db/cmp` compares the agent's
 * tables in `db show` format and `lb/maps-dump` writes the BPF maps in
 * DumpLBMaps format for `cmp`.
 *
 * Every step reconciles until the maps converge (map faults make the
 * reconciler retry), up to a bound; a command prefixed with `*` (retry until
 * it succeeds) runs the agent's pending retries between attempts. One
 * prefixed with `!` must fail.
 *
 * `k8s/*` commands fill the reflector's buffer, as Cilium's fake client
 * does: the events of one object coalesce into its newest (a delete followed
 * by an add is seen as the add alone), and the buffer is processed before
 * the next command of any other kind.
 */

import { parseAllDocuments } from "yaml";
import { SeededRandom, VirtualClock, parseIPv4 } from "@svclab/sim";
import { FaultyLBMaps, randomFaults } from "../../control/faulty-lbmaps";
import { NodeDataplane, type NodeDataplaneConfig } from "../../control/node-dataplane";
import type { K8sEndpointSlice, K8sService } from "../../control/reflector";
import type { LBAlgorithm, LBMode, ReconcileError } from "../../control/reconciler";
import { compareTable, type NodeAddressRow } from "./db-tables";
import { parseTxtar } from "./txtar";

export interface ScriptOptions {
  lbAlgorithm: LBAlgorithm;
  lbMode: LBMode;
  wildcardEntries: boolean;
  externalClusterIP: boolean;
  maglevTableSize: number;
  algorithmAnnotation: boolean;
  lbModeAnnotation: boolean;
  sourceRangeAllTypes: boolean;
  /** `--enable-external-ips`: provision spec.externalIPs frontends. */
  externalIPs: boolean;
  /** `--lb-test-fault-probability`: each map operation fails with this probability (Cilium's tests: 0.1). */
  faultProbability: number;
  nodeName: string;
}

/** The defaults of Cilium's script test hive (script_test.go). */
const DEFAULT_OPTIONS: ScriptOptions = {
  lbAlgorithm: "random",
  lbMode: "snat",
  wildcardEntries: true,
  externalClusterIP: false,
  maglevTableSize: 1021,
  algorithmAnnotation: false,
  lbModeAnnotation: false,
  sourceRangeAllTypes: false,
  externalIPs: true,
  faultProbability: 0.1,
  nodeName: "testnode",
};

function parseBool(flag: string, v: string): boolean {
  if (v === "true" || v === "") return true;
  if (v === "false") return false;
  throw new Error(`invalid argument "${v}" for "${flag}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
}

/** The agent flags of a `#!` line; unknown flags are an error, as pflag makes them. */
export function parseFlags(args: readonly string[]): ScriptOptions {
  const o = { ...DEFAULT_OPTIONS };
  for (const arg of args) {
    const [flag, value = ""] = arg.replace(/^--/, "").split("=", 2) as [string, string?];
    switch (flag) {
      case "enable-experimental-lb":
        break;
      case "lb-test-fault-probability": {
        const p = Number(value);
        if (!(p >= 0 && p <= 1)) throw new Error(`invalid --lb-test-fault-probability "${value}"`);
        o.faultProbability = p;
        break;
      }
      case "node-port-algorithm": // the deprecated name of --bpf-lb-algorithm
      case "bpf-lb-algorithm":
        if (value !== "random" && value !== "maglev") throw new Error(`invalid --bpf-lb-algorithm "${value}"`);
        o.lbAlgorithm = value;
        break;
      case "bpf-lb-mode":
        if (value !== "snat" && value !== "dsr" && value !== "hybrid") throw new Error(`invalid --bpf-lb-mode "${value}"`);
        o.lbMode = value;
        break;
      case "bpf-lb-enable-wildcard-entries":
        o.wildcardEntries = parseBool(flag, value);
        break;
      case "bpf-lb-external-clusterip":
        o.externalClusterIP = parseBool(flag, value);
        break;
      case "bpf-lb-maglev-table-size":
        o.maglevTableSize = Number(value);
        break;
      case "bpf-lb-algorithm-annotation":
        o.algorithmAnnotation = parseBool(flag, value);
        break;
      case "enable-external-ips":
        o.externalIPs = parseBool(flag, value);
        break;
      case "bpf-lb-source-range-all-types":
        o.sourceRangeAllTypes = parseBool(flag, value);
        break;
      case "bpf-lb-mode-annotation":
        o.lbModeAnnotation = parseBool(flag, value);
        break;
      default:
        throw new Error(`unknown flag: --${flag}`);
    }
  }
  return o;
}

/** Splits a script line into words; single quotes group words, as in Go's script engine. */
function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = "";
  let quoted = false;
  let inWord = false;
  for (const ch of line) {
    if (ch === "'") {
      quoted = !quoted;
      inWord = true;
    } else if (!quoted && (ch === " " || ch === "\t")) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

export class ScriptError extends Error {}

/** Reconcile rounds a step or a `*` command waits for the agent's retries (10% faults converge in a handful). */
const MAX_RETRY_ROUNDS = 1000;

/** One script run: its files (the archive, plus what commands write) and the node once started. */
export class ScriptState {
  readonly files: Map<string, string>;
  dp: NodeDataplane | undefined;
  /** The node-addresses table as the script wrote it. */
  private nodeAddressRows: NodeAddressRow[] = [];
  private readonly nodeAddresses: string[] = [];
  /** Node addresses not used for NodePort (nodeport: false). */
  private localAddresses: string[] = [];
  private options: ScriptOptions = DEFAULT_OPTIONS;
  /** The reflector's buffer: the newest event of each object ("kind/namespace/name"), in the order of those events. */
  private readonly k8sBuffer = new Map<string, { op: "upsert" | "delete"; obj: K8sObject }>();

  constructor(files: Map<string, string>) {
    this.files = new Map(files);
  }

  private file(name: string): string {
    const text = this.files.get(name);
    if (text === undefined) throw new ScriptError(`${name}: no such file`);
    return text;
  }

  private node(): NodeDataplane {
    if (this.dp === undefined) throw new ScriptError("hive not started");
    return this.dp;
  }

  setFlags(args: readonly string[]): void {
    this.options = parseFlags(args);
  }

  run(cmd: string, args: string[]): void {
    if (!cmd.startsWith("k8s/")) this.flushK8s();
    switch (cmd) {
      case "hive":
        if (args[0] === "start") this.start();
        else if (args[0] !== "stop") throw new ScriptError(`hive: unknown subcommand ${args[0]}`);
        return;
      case "db/insert":
        return this.dbNodeAddresses(args, true);
      case "db/delete":
        return this.dbNodeAddresses(args, false);
      case "db/initialized":
        return;
      case "db/cmp": {
        const diff = compareTable(this.dp, args[0] as string, this.file(args[1] as string), this.nodeAddressRows);
        if (diff !== undefined) throw new ScriptError(diff);
        return;
      }
      case "db/empty":
        for (const t of args) if (this.tableSize(t) !== 0) throw new ScriptError(`table ${t} not empty`);
        return;
      case "k8s/add":
      case "k8s/update":
        for (const f of args) this.k8s(f, "upsert");
        return;
      case "k8s/delete":
        for (const f of args) this.k8s(f, "delete");
        return;
      case "lb/maps-dump": {
        const lines = this.node().lbMapsDump();
        this.files.set(args[0] as string, lines.map((l) => `${l}\n`).join(""));
        return;
      }
      case "lb/maps-empty": {
        const lines = this.node().lbMapsDump();
        if (lines.length > 0) throw new ScriptError(`BPF maps not empty:\n${lines.join("\n")}`);
        return;
      }
      case "cmp": {
        const [a, b] = [this.file(args[0] as string), this.file(args[1] as string)];
        if (a.trimEnd() !== b.trimEnd()) throw new ScriptError(`${args[0]} and ${args[1]} differ:\n${lineDiff(a, b)}`);
        return;
      }
      case "grep": {
        // grep pattern file: some line matches (Go regexp syntax, close enough to JavaScript's here).
        const [pattern, name] = args as [string, string];
        const re = new RegExp(pattern);
        if (!this.file(name).split("\n").some((l) => re.test(l))) throw new ScriptError(`no match for \`${pattern}\` in ${name}`);
        return;
      }
      case "lb/prune": {
        // The periodic full resync: every frontend is reprogrammed from the tables.
        const dp = this.node();
        dp.writer.refreshFrontends();
        this.converge(dp.reconcile().errors);
        return;
      }
      case "cp":
        this.files.set(args[1] as string, this.file(args[0] as string));
        return;
      case "sed": {
        // Go regexp syntax is close enough to JavaScript's for these scripts.
        const [from, to, name] = args as [string, string, string];
        this.files.set(name, this.file(name).replace(new RegExp(from, "g"), to));
        return;
      }
      case "replace": {
        const [from, to, name] = args as [string, string, string];
        this.files.set(name, this.file(name).split(from).join(to));
        return;
      }
      case "test/bpfops-state-empty":
        if (!this.node().reconciler.stateIsEmpty()) throw new ScriptError("reconciler state not empty");
        return;
      case "test/set-node-labels": {
        const labels: Record<string, string> = {};
        for (const arg of args) {
          const eq = arg.indexOf("=");
          if (eq < 0) throw new ScriptError(`bad key=value: "${arg}"`);
          labels[arg.slice(0, eq)] = arg.slice(eq + 1);
        }
        this.node().setNodeLabels(labels);
        return;
      }
      case "test/update-backend-health": {
        const [svc, addr, healthy] = args as [string, string, string];
        this.converge(this.node().setBackendHealth(svc, addr, parseBool("healthy", healthy)).errors);
        return;
      }
      default:
        throw new ScriptError(`unknown command "${cmd}"`);
    }
  }

  private start(): void {
    const o = this.options;
    const config: NodeDataplaneConfig = {
      nodeName: o.nodeName,
      nodeIPs: this.nodeAddresses,
      lbAlgorithm: o.lbAlgorithm,
      lbMode: o.lbMode,
      wildcardEntries: o.wildcardEntries,
      externalClusterIP: o.externalClusterIP,
      maglevTableSize: o.maglevTableSize,
      algorithmAnnotation: o.algorithmAnnotation,
      lbModeAnnotation: o.lbModeAnnotation,
      sourceRangeAllTypes: o.sourceRangeAllTypes,
      externalIPs: o.externalIPs,
      localAddresses: this.localAddresses,
      clock: new VirtualClock(1000),
      rng: new SeededRandom(1),
      // Cilium runs its script tests over FaultyLBMaps; the reconciler must retry until the maps are right.
      wrapLBMaps: (maps) => new FaultyLBMaps(maps, randomFaults(o.faultProbability, new SeededRandom("lb-test-faults"))),
    };
    this.dp = new NodeDataplane(config);
  }

  /**
   * db/insert and db/delete of node addresses: NodePort addresses are fixed
   * once the node runs (they are its identity in the model); the other local
   * addresses may come and go.
   */
  private dbNodeAddresses(args: string[], insert: boolean): void {
    if (args[0] !== "node-addresses") throw new ScriptError(`db/${insert ? "insert" : "delete"}: unsupported table ${args[0]}`);
    for (const f of args.slice(1)) {
      for (const doc of parseAllDocuments(this.file(f))) {
        const obj = doc.toJS() as { addr?: string; nodeport?: boolean; primary?: boolean; devicename?: string } | null;
        if (obj?.addr === undefined || obj.addr.includes(":")) continue; // The model is IPv4 only.
        parseIPv4(obj.addr);
        const addr = obj.addr;
        this.nodeAddressRows = this.nodeAddressRows.filter((r) => r.addr !== addr);
        if (insert) {
          this.nodeAddressRows.push({ addr, nodeport: obj.nodeport ?? false, primary: obj.primary ?? false, devicename: obj.devicename ?? "" });
        }
        if (obj.nodeport !== true) {
          this.localAddresses = insert ? [...this.localAddresses, obj.addr] : this.localAddresses.filter((a) => a !== obj.addr);
        } else if (this.dp !== undefined) {
          throw new ScriptError("changing NodePort node addresses after hive start is not modelled");
        } else if (insert) {
          this.nodeAddresses.push(obj.addr);
        }
      }
    }
    if (this.dp !== undefined) this.converge(this.dp.setLocalAddresses(this.localAddresses).errors);
  }

  private tableSize(t: string): number {
    const dp = this.node();
    switch (t) {
      case "services":
        return dp.tables.services.size;
      case "frontends":
        return dp.tables.frontends.size;
      case "backends":
        return [...dp.tables.backends.values()].length;
      default:
        throw new ScriptError(`db/empty: unknown table ${t}`);
    }
  }

  /**
   * The reconciler's retries: with faults injected, reconcile again until a
   * round has no errors (Cilium retries with backoff; the model's time does
   * not pass meanwhile). Errors that are not injected faults fail the step.
   */
  private converge(errors: ReconcileError[]): void {
    const dp = this.node();
    // Still failing after the bound: the agent keeps retrying in the background; `*` commands wait for it.
    for (let round = 0; errors.length > 0 && round < MAX_RETRY_ROUNDS; round++) {
      const real = errors.filter((e) => !e.error.message.endsWith("injected fault"));
      if (real.length > 0) throw new ScriptError(real.map((e) => e.error.message).join("; "));
      errors = dp.reconcile().errors;
    }
  }

  /** A `*` command: retried, with the agent's pending retries run in between, until it succeeds or the bound. */
  runRetrying(cmd: string, args: string[]): void {
    for (let round = 0; ; round++) {
      try {
        this.run(cmd, args);
        return;
      } catch (err) {
        if (round >= MAX_RETRY_ROUNDS || this.dp === undefined) throw err;
        this.converge(this.dp.reconcile().errors);
      }
    }
  }

  private k8s(name: string, op: "upsert" | "delete"): void {
    this.node();
    for (const doc of parseAllDocuments(this.file(name))) {
      const obj = doc.toJS() as K8sObject | null;
      if (obj === null) continue;
      if (!["Service", "EndpointSlice", "Pod"].includes(obj.kind ?? "")) throw new ScriptError(`${name}: unsupported kind ${obj.kind}`);
      const key = `${obj.kind}/${obj.metadata?.namespace ?? "default"}/${obj.metadata?.name ?? ""}`;
      this.k8sBuffer.delete(key);
      this.k8sBuffer.set(key, { op, obj });
    }
  }

  /** Processes the reflector's buffer (before any other command and at the end of the script). */
  flushK8s(): void {
    const events = [...this.k8sBuffer.values()];
    this.k8sBuffer.clear();
    for (const { op, obj } of events) this.applyK8s(op, obj);
  }

  private applyK8s(op: "upsert" | "delete", obj: K8sObject): void {
    const dp = this.node();
    const ns = obj.metadata?.namespace ?? "default";
    const name = obj.metadata?.name ?? "";
    let result;
    if (obj.kind === "Service") result = op === "upsert" ? dp.applyService(obj as K8sService) : dp.deleteService(ns, name);
    else if (obj.kind === "EndpointSlice") result = op === "upsert" ? dp.applyEndpointSlice(obj as K8sEndpointSlice) : dp.deleteEndpointSlice(obj as K8sEndpointSlice);
    else result = op === "upsert" ? dp.applyPod(obj as Parameters<NodeDataplane["applyPod"]>[0]) : dp.deletePod(ns, name);
    this.converge(result.errors.filter((e) => e.frontend !== ""));
  }
}

type K8sObject = { kind?: string; metadata?: { name?: string; namespace?: string } };

function lineDiff(expected: string, actual: string): string {
  const e = new Set(expected.trimEnd().split("\n"));
  const a = new Set(actual.trimEnd().split("\n"));
  const out: string[] = [];
  for (const l of e) if (!a.has(l)) out.push(`- ${l}`);
  for (const l of a) if (!e.has(l)) out.push(`+ ${l}`);
  return out.join("\n");
}

export interface ScriptResult {
  ok: boolean;
  /** The failing line and why, when not ok. */
  error?: string;
}

/** Runs a txtar script test to its end or its first failing command. */
export function runScript(text: string): ScriptResult {
  const archive = parseTxtar(text);
  const state = new ScriptState(archive.files);
  const lines = archive.comment.split("\n");
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line.startsWith("#!")) {
      try {
        state.setFlags(splitWords(line.slice(2)));
      } catch (err) {
        return { ok: false, error: `line ${i + 1}: ${(err as Error).message}` };
      }
      continue;
    }
    if (line === "" || line.startsWith("#")) continue;
    let words = splitWords(line);
    let negate = false;
    let retry = false;
    if (words[0] === "*") {
      retry = true;
      words = words.slice(1);
    }
    if (words[0] === "!") {
      negate = true;
      words = words.slice(1);
    }
    const [cmd, ...args] = words as [string, ...string[]];
    try {
      if (retry && !negate) state.runRetrying(cmd, args);
      else state.run(cmd, args);
      if (negate) return { ok: false, error: `line ${i + 1}: ${line}: unexpected success` };
    } catch (err) {
      if (!negate) return { ok: false, error: `line ${i + 1}: ${line}: ${(err as Error).message}` };
    }
  }
  try {
    state.flushK8s();
  } catch (err) {
    return { ok: false, error: `end of script: ${(err as Error).message}` };
  }
  return { ok: true };
}
