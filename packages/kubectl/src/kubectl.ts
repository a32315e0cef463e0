/**
 * kubectl's entry point: global flags, subcommand dispatch, and the way
 * kubectl turns errors into stderr text and exit codes (cobra usage errors,
 * kubectl's own `error: ...` lines, API Status errors).
 */
import { KubectlError, StatusError, renderKubectlError } from "@svclab/manifest";
import { SeededRandom } from "@svclab/sim";
import { ApiClient } from "./client/api-client";
import type { ClusterClient } from "./client/cluster-client";
import { GLOBAL_FLAGS, type KubectlCommand } from "./command";
import { apply } from "./cmd/apply";
import { create } from "./cmd/create";
import { del } from "./cmd/delete";
import { describe } from "./cmd/describe";
import { exec } from "./cmd/exec";
import { logs } from "./cmd/logs";
import { expose } from "./cmd/expose";
import { get } from "./cmd/get";
import { label } from "./cmd/label";
import { patch } from "./cmd/patch";
import { rollout } from "./cmd/rollout";
import { run } from "./cmd/run";
import { scale } from "./cmd/scale";
import { version } from "./cmd/version";
import { wait } from "./cmd/wait";
import { UsageError, parseFlags, stringFlag } from "./flags";
import { helpText } from "./help";
import { annotate } from "./cmd/annotate";
import { apiResources, top } from "./cmd/api-resources";
import { config } from "./cmd/config";
import { set } from "./cmd/set";
import { Output, type KubectlIO, type KubectlResult } from "./io";

const COMMANDS: readonly KubectlCommand[] = [apply, create, expose, del, get, describe, patch, scale, label, annotate, set, exec, logs, run, wait, rollout, version, apiResources, top, config];

/** Levenshtein distance, for cobra's "Did you mean this?" (distance <= 2). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

function unknownCommand(name: string): string {
  // cobra suggests among all of kubectl's commands, in the order its help lists them.
  const names = [...(helpText("") as string).matchAll(/^  ([a-z][-a-z]*) {2,}/gm)].map((m) => m[1] as string);
  const suggestions = names.filter((c) => distance(name, c) <= 2 || c.startsWith(name));
  let text = `Error: unknown command ${JSON.stringify(name)} for "kubectl"`;
  if (suggestions.length > 0) text += `\n\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join("")}\n`;
  return text;
}

/**
 * What `kind create cluster` writes for a cluster named kind: the in-process
 * cluster answers `kubectl config` as that cluster would (its server the
 * control plane's 6443; the credentials are the simulator's placeholders).
 */
const PLACEHOLDER_PEM = Buffer.from("-----BEGIN CERTIFICATE-----\nsvclab in-process cluster\n-----END CERTIFICATE-----\n").toString("base64");
const KIND_KUBECONFIG: Record<string, unknown> = {
  apiVersion: "v1",
  clusters: [{ cluster: { "certificate-authority-data": PLACEHOLDER_PEM, server: "https://127.0.0.1:6443" }, name: "kind-kind" }],
  contexts: [{ context: { cluster: "kind-kind", user: "kind-kind" }, name: "kind-kind" }],
  "current-context": "kind-kind",
  kind: "Config",
  preferences: {},
  users: [{ name: "kind-kind", user: { "client-certificate-data": PLACEHOLDER_PEM, "client-key-data": PLACEHOLDER_PEM } }],
};
/** `get `, `rollout status `: the command path cobra names in a usage line. */
function usagePath(command: KubectlCommand | undefined, rest: readonly string[]): string {
  if (command === undefined) return "";
  const sub = command.subcommands ? rest.find((a) => !a.startsWith("-")) : undefined;
  return `${command.name} ${sub === undefined ? "" : `${sub} `}`;
}

/** A kubectl bound to one cluster, through one transport. */
export class Kubectl {
  private readonly client: ApiClient;
  private readonly random = new SeededRandom("kubectl");

  private readonly kubeconfig: Record<string, unknown>;

  /** `options.kubeconfig`: the parsed kubeconfig `kubectl config` shows; by default kind's for a cluster named kind. */
  constructor(readonly cluster: ClusterClient, options: { kubeconfig?: Record<string, unknown> } = {}) {
    this.client = new ApiClient(cluster);
    this.kubeconfig = options.kubeconfig ?? KIND_KUBECONFIG;
  }

  async run(argv: readonly string[], io: KubectlIO): Promise<KubectlResult> {
    const out = new Output();
    // Global flags may come before the subcommand (`kubectl -n x get pods`).
    let i = 0;
    const leading: string[] = [];
    while (i < argv.length && (argv[i] as string).startsWith("-")) {
      const a = argv[i] as string;
      leading.push(a);
      const spec = GLOBAL_FLAGS.find((f) => a === `--${f.name}` || a === `-${f.short ?? "\0"}`);
      if (spec !== undefined && spec.type !== "bool" && i + 1 < argv.length) leading.push(argv[++i] as string);
      i++;
    }
    const name = argv[i];
    const command = COMMANDS.find((c) => c.name === name);
    try {
      if (name === undefined || name === "help") {
        parseFlags(leading, GLOBAL_FLAGS);
        const topic = name === "help" ? argv[i + 1] : undefined;
        const text = helpText(topic ?? "");
        // An unknown topic: cobra's notice and the root usage (help without its description), on stderr, exit 0.
        if (text === undefined) out.err(`Unknown help topic [\`${topic}\`]\n\n\n${(helpText("") as string).split("\n").slice(4).join("\n")}`);
        else out.stdout += text;
        return out.result();
      }
      if (command === undefined) {
        parseFlags(leading, GLOBAL_FLAGS);
        out.fail(unknownCommand(name));
        return out.result();
      }
      const rest = argv.slice(i + 1);
      const dash = rest.indexOf("--");
      const own = dash < 0 ? rest : rest.slice(0, dash);
      const help = helpText(command.name);
      if (help !== undefined && (own.includes("--help") || own.includes("-h"))) {
        out.stdout += help;
        return out.result();
      }
      const p = parseFlags([...leading, ...rest], [...GLOBAL_FLAGS, ...command.flags]);
      // `-n ''` is no namespace given: kubectl falls back to the context's.
      const namespace = stringFlag(p, "namespace") || undefined;
      await command.run(p, { client: this.client, clock: this.cluster.clock, io, out, namespace: namespace ?? "default", namespaceGiven: namespace !== undefined, random: (n) => this.random.intBelow(n), kubeconfig: this.kubeconfig });
    } catch (e) {
      if (e instanceof UsageError) out.fail(`Error: ${e.message}\nSee 'kubectl ${usagePath(command, argv.slice(i + 1))}--help' for usage.`);
      else if (e instanceof KubectlError || e instanceof StatusError) out.fail(renderKubectlError(e));
      // Anything else the cluster rejects (a malformed selector, say) is one error line, as kubectl prints it.
      else if (e instanceof Error) out.fail(`error: ${e.message}`);
      else throw e;
    }
    return out.result();
  }
}
