/**
 * The real kubectl (/usr/bin/kubectl, the dispatcher that picks its 1.32
 * client from the server's /version) for the oracle tests: a kubeconfig
 * for a loopback server and a run that reports what kubectl printed.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const KUBECTL = "/usr/bin/kubectl";

export function kubeconfigFor(url: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "svclab-oracle-")), "config");
  writeFileSync(path, `apiVersion: v1\nkind: Config\ncurrent-context: svclab\ncontexts:\n- name: svclab\n  context: { cluster: svclab }\nclusters:\n- name: svclab\n  cluster: { server: "${url}" }\n`);
  return path;
}

export function realKubectl(kubeconfig: string, args: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return new Promise((resolve) => {
    execFile(KUBECTL, ["--kubeconfig", kubeconfig, ...args], { timeout: 60_000 }, (e, stdout, stderr) => {
      resolve({ stdout, stderr, exitCode: e === null ? 0 : typeof e.code === "number" ? e.code : 1 });
    });
  });
}
