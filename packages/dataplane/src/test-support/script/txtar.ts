/**
 * The txtar archive format of Go's script tests (golang.org/x/tools/txtar):
 * a comment (the script), then files, each introduced by a `-- name --`
 * line. Cilium's load-balancer script tests are written in it.
 */

export interface Txtar {
  /** The text before the first file marker: the script. */
  comment: string;
  files: Map<string, string>;
}

const MARKER = /^-- (.+) --$/;

export function parseTxtar(text: string): Txtar {
  const comment: string[] = [];
  const bodies = new Map<string, string[]>();
  let current = comment;
  for (const line of text.split("\n")) {
    const m = MARKER.exec(line.trimEnd());
    if (m !== null) {
      current = [];
      bodies.set((m[1] as string).trim(), current);
    } else {
      current.push(line);
    }
  }
  const files = new Map<string, string>();
  for (const [name, lines] of bodies) files.set(name, normalize(lines));
  return { comment: comment.join("\n"), files };
}

/** A file's text ends with exactly one newline, as txtar writes it. */
function normalize(lines: string[]): string {
  const text = lines.join("\n");
  return text === "" ? "" : text.endsWith("\n") ? text : `${text}\n`;
}
