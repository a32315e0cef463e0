/**
 * kubectl's process boundary: the files `-f` reads, stdin, and what it
 * prints. Shell sessions supply the files from their virtual filesystem.
 */
import { KubectlError, parseManifests, type ManifestDocument } from "@svclab/manifest";

export interface FileAccess {
  /** The file's text, or undefined when nothing exists at `path`. */
  readFile(path: string): Promise<string | undefined>;
  /** A directory's entry names, or undefined when `path` is not a directory. */
  readDir(path: string): Promise<string[] | undefined>;
}

export interface KubectlIO {
  readonly files: FileAccess;
  readonly stdin: string;
  /** Whether stdin is a terminal (`exec -it` needs one); a script's is not. */
  readonly stdinIsTerminal?: boolean;
}

export interface KubectlResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** What a command prints, in order per stream. */
export class Output {
  stdout = "";
  stderr = "";
  exitCode = 0;

  out(line: string): void {
    this.stdout += `${line}\n`;
  }

  err(text: string): void {
    this.stderr += text.endsWith("\n") ? text : `${text}\n`;
  }

  fail(text: string, code = 1): void {
    this.err(text);
    this.exitCode = code;
  }

  result(): KubectlResult {
    return { stdout: this.stdout, stderr: this.stderr, exitCode: this.exitCode };
  }
}

const MANIFEST_EXTENSIONS = [".json", ".yaml", ".yml"];

/**
 * The objects of every `-f` source (a file, a directory's manifest files in
 * name order, or `-` for stdin), as kubectl's resource builder visits them.
 */
export async function readManifests(sources: readonly string[], io: KubectlIO, recursive = false): Promise<ManifestDocument[]> {
  const docs: ManifestDocument[] = [];
  const visit = async (path: string, top: boolean): Promise<void> => {
    if (path === "-") {
      docs.push(...parseManifests(io.stdin, "STDIN"));
      return;
    }
    if (/^https?:\/\//.test(path)) {
      throw new KubectlError([`error: unable to read URL ${JSON.stringify(path)}: the simulator has no Internet access; save the manifest locally and apply the file`]);
    }
    const entries = await io.files.readDir(path);
    if (entries !== undefined) {
      for (const e of [...entries].sort()) {
        const child = `${path.replace(/\/$/, "")}/${e}`;
        if ((await io.files.readDir(child)) !== undefined) {
          if (recursive) await visit(child, false);
        } else if (MANIFEST_EXTENSIONS.some((x) => e.endsWith(x))) {
          await visit(child, false);
        }
      }
      return;
    }
    const text = await io.files.readFile(path);
    if (text === undefined) {
      if (top) throw new KubectlError([`error: the path ${JSON.stringify(path)} does not exist`]);
      return;
    }
    docs.push(...parseManifests(text, path));
  };
  for (const s of sources) await visit(s, true);
  return docs;
}
