/**
 * The real kubectl (/usr/bin/kubectl, the dispatcher that picks its 1.32
 * client from our /version) as an oracle: a kubeconfig for a loopback URL,
 * and one invocation with what it printed and its exit code.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCluster, type Cluster } from "@svclab/cluster";
import { SAMPLE_DEPLOYMENT, SAMPLE_POD, SAMPLE_SESSION_AFFINITY } from "./manifests";
import { serveOnLoopback } from "./serve";

export const KUBECTL = "/usr/bin/kubectl";
export const HAVE_KUBECTL = existsSync(KUBECTL);

export interface RealResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export function kubeconfigFor(url: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "svclab-oracle-")), "config");
  writeFileSync(path, `apiVersion: v1\nkind: Config\ncurrent-context: svclab\ncontexts:\n- name: svclab\n  context: { cluster: svclab }\nclusters:\n- name: svclab\n  cluster: { server: "${url}" }\n`);
  return path;
}

export function realKubectl(kubeconfig: string, args: readonly string[]): Promise<RealResult> {
  return new Promise((resolve) => {
    // KUBECONFIG rather than --kubeconfig: kubectl refuses flags before `help` (a possible plugin name).
    execFile(KUBECTL, args, { timeout: 60_000, env: { ...process.env, KUBECONFIG: kubeconfig } }, (e, stdout, stderr) => {
      resolve({ stdout, stderr, exitCode: e === null ? 0 : typeof e.code === "number" ? e.code : 1 });
    });
  });
}

/** The article's Deployment, Pod and Service, settled and served on loopback, with a kubeconfig for it. */
export async function servedSampleCluster(seed: number): Promise<{ cluster: Cluster; kubeconfig: string; close: () => Promise<void> }> {
  // Half a minute before the host's now: the real kubectl ages what describe prints by the host's clock.
  const cluster = createCluster({ seed, startTime: new Date(Math.floor(Date.now() / 1000) * 1000 - 30_000).toISOString() });
  for (const m of [SAMPLE_DEPLOYMENT, SAMPLE_POD, SAMPLE_SESSION_AFFINITY]) cluster.apply(m);
  cluster.settle();
  const served = await serveOnLoopback(cluster.restHandler());
  return { cluster, kubeconfig: kubeconfigFor(served.url), close: served.close };
}
