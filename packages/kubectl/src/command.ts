/**
 * The shape every kubectl subcommand shares: its flags (plus kubectl's
 * global ones) and a run function writing to an Output.
 */
import type { IntSource } from "@svclab/apiserver";
import type { ApiClient } from "./client/api-client";
import type { ClientClock } from "./client/cluster-client";
import type { FlagSpec, ParsedArgs } from "./flags";
import type { KubectlIO, Output } from "./io";

export interface CommandContext {
  readonly client: ApiClient;
  readonly clock: ClientClock;
  readonly io: KubectlIO;
  readonly out: Output;
  /** `-n`, else the context's namespace (default). */
  readonly namespace: string;
  readonly namespaceGiven: boolean;
  /** The kubeconfig kubectl loaded (`kubectl config`). */
  readonly kubeconfig: Record<string, unknown>;
  /** kubectl's own random choices (utilrand suffixes), from a seeded generator. */
  readonly random: IntSource;
}

export interface KubectlCommand {
  readonly name: string;
  readonly flags: readonly FlagSpec[];
  /** Its first argument names a subcommand (`rollout status`), which its usage lines name too. */
  readonly subcommands?: boolean;
  run(p: ParsedArgs, ctx: CommandContext): Promise<void> | void;
}

/** Flags every kubectl command accepts. */
export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { name: "namespace", short: "n", type: "string" },
  { name: "context", type: "string" },
  { name: "kubeconfig", type: "string" },
  { name: "cluster", type: "string" },
  { name: "user", type: "string" },
  { name: "request-timeout", type: "string" },
  { name: "v", short: "v", type: "int" },
];

export const FILENAME_FLAGS: readonly FlagSpec[] = [
  { name: "filename", short: "f", type: "strings" },
  { name: "recursive", short: "R", type: "bool" },
];
