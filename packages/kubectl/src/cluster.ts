/**
 * What kubectl uses of the cluster: the API verbs, the clock (AGE, `sleep`,
 * `kubectl wait`) and the kubelet's exec. kubectl stays a client of this
 * narrow surface, as the real one is of the API server; @svclab/cluster's
 * Cluster implements it.
 */
import { StatusError, type KindInfo, type KubeObject, type PatchType } from "@svclab/manifest";
import type { DeleteOptions, ListOptions, WriteResult } from "@svclab/apiserver";

/** One object's outcome of `kubectl apply`, with kubectl's line for it. */
export type AppliedObject =
  | { readonly ok: true; readonly line: string; readonly warnings: readonly string[] }
  | { readonly ok: false; readonly line: string };

/** A process in a container, as `kubectl exec` names it. */
export interface ExecTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

export interface ProcessResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  /** The runtime could not start the process (no such executable). */
  readonly startError?: string;
}

export interface KubectlCluster {
  apply(text: string, opts: { file?: string; namespace?: string }): readonly AppliedObject[];
  create<T extends object = KubeObject>(obj: unknown, opts?: { namespace?: string }): T;
  get<T extends object = KubeObject>(kind: KindInfo, name: string, opts?: { namespace?: string }): T;
  list<T extends object = KubeObject>(kind: KindInfo, opts?: ListOptions & { namespace?: string; allNamespaces?: boolean }): T[];
  patch<T extends object = KubeObject>(kind: KindInfo, name: string, patch: unknown, opts?: { namespace?: string; type?: PatchType }): WriteResult<T>;
  delete<T extends object = KubeObject>(kind: KindInfo, name: string, opts?: DeleteOptions & { namespace?: string }): T;
  exec(target: ExecTarget, argv: readonly string[], stdin: string): Promise<ProcessResult>;
  advance(seconds: number): void;
  waitFor(predicate: () => boolean, opts?: { timeoutSeconds?: number }): void;
  wallTime(): Date;
}

/** Lets time pass until `done()` holds; false when `timeoutSeconds` ran out first. */
export function waitUntil(cluster: KubectlCluster, done: () => boolean, timeoutSeconds: number): boolean {
  try {
    cluster.waitFor(done, { timeoutSeconds });
    return true;
  } catch (e) {
    if (e instanceof Error && e.message.startsWith("timed out")) return done();
    throw e;
  }
}

/** The object, or undefined when the API server answers NotFound. */
export function tryGet(cluster: KubectlCluster, kind: KindInfo, namespace: string, name: string): KubeObject | undefined {
  try {
    return cluster.get<KubeObject>(kind, name, { namespace });
  } catch (e) {
    if (e instanceof StatusError && e.reason === "NotFound") return undefined;
    throw e;
  }
}
