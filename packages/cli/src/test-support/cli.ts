/** Runs the CLI in process, as the tests drive it. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "../main";

export interface CliRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** `svclab <argv>` with `cwd` as the working directory. */
export async function svclabIn(argv: readonly string[], cwd: string): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d: Buffer) => (out += d.toString()));
  stderr.on("data", (d: Buffer) => (err += d.toString()));
  const code = await main(argv, { stdout, stderr, stdin: new PassThrough(), cwd });
  return { stdout: out, stderr: err, code };
}

/** A fresh temporary directory holding `files` (name to text). */
export function tempDir(files: Readonly<Record<string, string>> = {}, prefix = "svclab-"): string {
  const cwd = mkdtempSync(join(tmpdir(), prefix));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
  return cwd;
}
