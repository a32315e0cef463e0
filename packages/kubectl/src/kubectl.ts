/**
 * kubectl's entry point: global flags, subcommand dispatch, and the way
 * kubectl turns errors into stderr text and exit codes (cobra usage errors,
 * kubectl's own `error: ...` lines, API Status errors).
 */
import { KubectlError, StatusError, renderKubectlError } from "@svclab/manifest";
import { ApiClient } from "./client/api-client";
import type { ClusterClient } from "./client/cluster-client";
import { GLOBAL_FLAGS, type KubectlCommand } from "./command";
import { apply } from "./cmd/apply";
import { create } from "./cmd/create";
import { del } from "./cmd/delete";
import { describe } from "./cmd/describe";
import { exec } from "./cmd/exec";
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
import { Output, type KubectlIO, type KubectlResult } from "./io";

const COMMANDS: readonly KubectlCommand[] = [apply, create, expose, del, get, describe, patch, scale, label, exec, run, wait, rollout, version];

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
  const suggestions = COMMANDS.map((c) => c.name).filter((c) => distance(name, c) <= 2 || c.startsWith(name));
  let text = `Error: unknown command ${JSON.stringify(name)} for "kubectl"`;
  if (suggestions.length > 0) text += `\n\nDid you mean this?\n${suggestions.map((s) => `\t${s}\n`).join("")}\n`;
  return text;
}

/** `get `, `rollout status `: the command path cobra names in a usage line. */
function usagePath(command: KubectlCommand | undefined, rest: readonly string[]): string {
  if (command === undefined) return "";
  const sub = command.subcommands ? rest.find((a) => !a.startsWith("-")) : undefined;
  return `${command.name} ${sub === undefined ? "" : `${sub} `}`;
}

/** A kubectl bound to one cluster, through one transport. */
export class Kubectl {
  private readonly client: ApiClient;

  constructor(readonly cluster: ClusterClient) {
    this.client = new ApiClient(cluster);
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
      if (name === undefined) {
        parseFlags(leading, GLOBAL_FLAGS);
        out.out("kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/");
        return out.result();
      }
      if (command === undefined) {
        parseFlags(leading, GLOBAL_FLAGS);
        out.fail(unknownCommand(name));
        return out.result();
      }
      const p = parseFlags([...leading, ...argv.slice(i + 1)], [...GLOBAL_FLAGS, ...command.flags]);
      // `-n ''` is no namespace given: kubectl falls back to the context's.
      const namespace = stringFlag(p, "namespace") || undefined;
      await command.run(p, { client: this.client, clock: this.cluster.clock, io, out, namespace: namespace ?? "default", namespaceGiven: namespace !== undefined });
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
