/**
 * The real kubectl (/usr/bin/kubectl, the dispatcher that picks its 1.32
 * client from our /version) as a test oracle: a kubeconfig for a served
 * cluster, and one command line run against it.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCluster, type Cluster } from "@svclab/cluster";
import type { KubectlResult } from "../io";
import { SAMPLE_DEPLOYMENT, SAMPLE_POD, SAMPLE_SESSION_AFFINITY } from "./manifests";
import { serveOnLoopback } from "./serve";

export const KUBECTL = "/usr/bin/kubectl";

/** A kubeconfig whose current context is the server at `url`. */
export function kubeconfigFor(url: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "svclab-oracle-")), "config");
  writeFileSync(path, `apiVersion: v1\nkind: Config\ncurrent-context: svclab\ncontexts:\n- name: svclab\n  context: { cluster: svclab }\nclusters:\n- name: svclab\n  cluster: { server: "${url}" }\n`);
  return path;
}

/** Runs the real kubectl with `$KUBECONFIG` set (so no flag precedes the command). */
export function realKubectl(kubeconfig: string, args: readonly string[]): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(KUBECTL, args, { timeout: 60_000, env: { ...process.env, KUBECONFIG: kubeconfig } }, (e, stdout, stderr) => {
      resolve({ stdout, stderr, exitCode: e === null ? 0 : typeof e.code === "number" ? e.code : 1 });
    });
  });
}

/** The article's Deployment, Pod and Service, settled and served on loopback, with a kubeconfig for it. */
export async function servedSampleCluster(seed: number): Promise<{ cluster: Cluster; kubeconfig: string; close: () => Promise<void> }> {
  const cluster = createCluster({ seed });
  for (const m of [SAMPLE_DEPLOYMENT, SAMPLE_POD, SAMPLE_SESSION_AFFINITY]) cluster.apply(m);
  cluster.settle();
  const served = await serveOnLoopback(cluster.restHandler());
  return { cluster, kubeconfig: kubeconfigFor(served.url), close: served.close };
}
