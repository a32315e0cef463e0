// The real kubectl as an oracle: `kubectl patch --local -f FILE -p PATCH
// --type T -o json`, several objects per run (a List file: kubectl patches
// each item and reports every failing item at the end), a few runs at a time.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const KUBECTL = process.env.SVCLAB_KUBECTL ?? "/usr/bin/kubectl";

export interface KubectlRun {
  /** The objects printed on stdout, in order. */
  readonly objects: unknown[];
  /** stderr without its final newline. */
  readonly stderr: string;
  readonly code: number;
}

/** Splits kubectl's `-o json` stream (one indented document per object) into values. */
export function splitJsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === "{" || c === "[") {
      if (depth++ === 0) start = i;
    } else if (c === "}" || c === "]") {
      if (--depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return out;
}

export class KubectlOracle {
  private readonly dir = mkdtempSync(join(tmpdir(), "svclab-patch-oracle-"));
  private readonly kubeconfig = join(this.dir, "kubeconfig");
  private seq = 0;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  runs = 0;

  constructor(private readonly concurrency = 2) {
    writeFileSync(this.kubeconfig, "");
  }

  /** Patches every object (several go into one List file) with one kubectl run. */
  async patch(objects: readonly unknown[], patch: string, type: string): Promise<KubectlRun> {
    const file = join(this.dir, `in-${this.seq++}.json`);
    const doc = objects.length === 1 ? objects[0] : { apiVersion: "v1", kind: "List", items: objects };
    writeFileSync(file, JSON.stringify(doc));
    await this.acquire();
    try {
      this.runs++;
      return await new Promise<KubectlRun>((resolve) => {
        execFile(
          KUBECTL,
          ["patch", "--local", "-f", file, "--type", type, `--patch=${patch}`, "-o", "json"],
          { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: this.dir, KUBECONFIG: this.kubeconfig }, timeout: 30_000, maxBuffer: 64 << 20 },
          (err, stdout, stderr) => {
            const code = err === null ? 0 : typeof err.code === "number" ? err.code : 1;
            resolve({ objects: splitJsonStream(stdout), stderr: stderr.replace(/\n$/, ""), code });
          },
        );
      });
    } finally {
      rmSync(file, { force: true });
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next !== undefined) next();
    else this.running--;
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
