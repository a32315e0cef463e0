import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

/** The real kubectl (gcloud's version dispatcher), the oracle of these tests. */
export const KUBECTL = "/usr/bin/kubectl";

/** Per test: a kubectl run takes ~0.2 s, but the machine is shared and can be loaded many times over. */
export const KUBECTL_TEST_TIMEOUT_MS = 30_000;

export interface KubectlResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A throwaway HOME with a kubeconfig path inside it, so no test reads or writes the user's files. */
export class KubectlHome {
  readonly dir = mkdtempSync(path.join(tmpdir(), "svclab-kubectl-"));
  readonly kubeconfig = path.join(this.dir, ".kube", "config");

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH, HOME: this.dir, KUBECONFIG: this.kubeconfig, ...extra };
  }

  /** Starts kubectl; the caller reads its output and ends it. */
  spawn(args: readonly string[], extra: Record<string, string> = {}): ChildProcess {
    return spawn(KUBECTL, args, { env: this.env(extra), stdio: ["pipe", "pipe", "pipe"] });
  }

  /** Runs kubectl to its end (killed after `timeoutMs`), feeding `stdin` if given. */
  run(args: readonly string[], options: { stdin?: string; timeoutMs?: number; env?: Record<string, string> } = {}): Promise<KubectlResult> {
    const child = this.spawn(args, options.env);
    let stdout = "";
    let stderr = "";
    child.stdout?.setEncoding("utf8").on("data", (text: string) => (stdout += text));
    child.stderr?.setEncoding("utf8").on("data", (text: string) => (stderr += text));
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    else child.stdin?.end();
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 20_000);
    return new Promise((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
