/**
 * Whether a process started by exec reads its standard input. A simulated
 * process gets its stdin as one string, so the runtime must know before it
 * starts whether to wait for the client's stdin to end: `kubectl exec -i POD
 * -- cat` waits for EOF, where `kubectl exec -i POD -- ls` (or `sh -c 'echo
 * hi'`) ends as soon as the process does, the client's stdin still open, as
 * on a real node. A filter reads stdin unless an operand names a file in the
 * container; a shell without `-c` reads its script from stdin; a `-c`
 * script reads it when one of its pipelines starts with such a filter (or
 * the `read` builtin) and no `<` redirection.
 */

/** Programs that read stdin when given no file. */
const FILTERS = new Set([
  "cat", "head", "tail", "wc", "grep", "egrep", "fgrep", "sort", "uniq", "tr", "sed", "awk", "cut", "tee", "xargs",
  "base64", "md5sum", "sha1sum", "sha256sum", "od", "xxd", "rev", "nl", "fold", "paste", "jq", "tac", "gzip", "gunzip",
]);

/** Programs whose first operand is a pattern or script, not a file. */
const SCRIPT_FIRST = new Set(["grep", "egrep", "fgrep", "sed", "awk", "jq"]);

/** Programs that read stdin whatever their operands. */
const ALWAYS = new Set(["tr", "xargs", "tee"]);

const SHELLS = new Set(["sh", "bash", "ash"]);

const basename = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

async function filterReadsStdin(argv: readonly string[], exists: (path: string) => Promise<boolean>): Promise<boolean> {
  const name = basename(argv[0] ?? "");
  if (!FILTERS.has(name)) return false;
  if (ALWAYS.has(name)) return true;
  const operands = argv.slice(1).filter((a) => a === "-" || !a.startsWith("-"));
  if (operands.includes("-")) return true;
  for (const operand of operands.slice(SCRIPT_FIRST.has(name) ? 1 : 0)) if (await exists(operand)) return false;
  return true;
}

/** The first simple command of each pipeline of a `sh -c` script, as words (quotes dropped). */
function pipelineHeads(script: string): string[][] {
  return script
    .split(/\n|;|&&|\|\|/)
    .map((pipeline) => pipeline.split("|")[0] ?? "")
    .filter((head) => !head.includes("<"))
    .map((head) => head.trim().split(/\s+/).map((w) => w.replace(/^['"]|['"]$/g, "")).filter((w) => w !== "" && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)));
}

export async function readsStdin(argv: readonly string[], exists: (path: string) => Promise<boolean>): Promise<boolean> {
  const name = basename(argv[0] ?? "");
  if (SHELLS.has(name)) {
    const c = argv.indexOf("-c");
    if (c < 0) return true;
    for (const words of pipelineHeads(argv[c + 1] ?? "")) {
      if (words[0] === "read" || (words.length > 0 && (await filterReadsStdin(words, exists)))) return true;
    }
    return false;
  }
  return filterReadsStdin(argv, exists);
}
