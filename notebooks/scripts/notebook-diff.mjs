// Compares an executed notebook with the committed one. The simulated cluster
// is seeded and runs on a virtual clock, so outputs must match exactly; only
// the fields below legitimately change from one run to the next:
//   - execution counts (they count how often a cell ran in a session),
//   - cell metadata.execution (the kernel's wall-clock timestamps),
//   - how a stream is cut into chunks (consecutive stdout/stderr chunks are
//     joined), and nbformat's choice of string or list-of-lines for text.

const text = (value) => (Array.isArray(value) ? value.join("") : (value ?? ""));

function normaliseOutputs(outputs = []) {
  const result = [];
  for (const output of outputs) {
    const previous = result.at(-1);
    if (output.output_type === "stream") {
      if (previous?.output_type === "stream" && previous.name === output.name) {
        previous.text += text(output.text);
      } else {
        result.push({ output_type: "stream", name: output.name, text: text(output.text) });
      }
    } else if (output.output_type === "error") {
      result.push({ output_type: "error", ename: output.ename, evalue: output.evalue });
    } else {
      const data = Object.fromEntries(Object.entries(output.data ?? {}).map(([mime, value]) => [mime, text(value)]));
      result.push({ output_type: output.output_type, data });
    }
  }
  return result;
}

/** The comparable content of a notebook: per cell its id, type, source and outputs. */
export function normalise(notebook) {
  return notebook.cells.map((cell) => ({
    id: cell.id,
    cell_type: cell.cell_type,
    source: text(cell.source),
    outputs: cell.cell_type === "code" ? normaliseOutputs(cell.outputs) : [],
  }));
}

/** The note scripts/nbconvert_config.py leaves on a cell whose execute_reply was not "ok". */
export const STATUS_KEY = "svclab_status";

/** The line of a tslab stderr dump that names the error (`Error: ...`, a compile error), else its first line. */
function errorLine(stderr) {
  const lines = stderr.trim().split("\n");
  return lines.find((l) => /^[A-Za-z]*Error\b.*:/.test(l)) ?? lines.find((l) => /\d+:\d+ - /.test(l)) ?? lines[0] ?? "";
}

/**
 * Problems of an executed notebook, one "cell <id>: ..." line each, for every
 * cell: error outputs (exceptions, failed claims), anything on stderr (where
 * tslab reports both compile errors and exceptions), a reply that was not
 * "ok", and rich outputs without the forms other viewers need (a picture
 * without its PNG copy, a Markdown table without its plain text).
 */
export function errors(notebook) {
  return notebook.cells.flatMap((cell) => {
    const where = `cell ${cell.id}`;
    const found = (cell.outputs ?? []).flatMap((output) => {
      if (output.output_type === "error") return [`${where}: ${output.ename}: ${output.evalue}`];
      if (output.output_type === "stream" && output.name === "stderr") return [`${where}: stderr: ${errorLine(text(output.text))}`];
      const mimes = Object.keys(output.data ?? {});
      const missing = [];
      if (mimes.includes("image/svg+xml") && !mimes.includes("image/png")) missing.push(`${where}: a picture without its PNG copy`);
      if (mimes.includes("text/markdown") && !mimes.includes("text/plain")) missing.push(`${where}: a table without its text/plain form`);
      return missing;
    });
    const status = cell.metadata?.[STATUS_KEY];
    if (status !== undefined && found.length === 0) found.push(`${where}: the kernel answered "${status}"`);
    return found;
  });
}

/** Problems with the notebook's format: nbformat 4.5, an id on every cell, execution counts shown. */
export function formatProblems(notebook) {
  const problems = [];
  if (notebook.nbformat !== 4 || (notebook.nbformat_minor ?? 0) < 5) {
    problems.push(`nbformat ${notebook.nbformat}.${notebook.nbformat_minor} (cell ids need 4.5)`);
  }
  notebook.cells.forEach((cell, index) => {
    if (!cell.id) problems.push(`cell #${index + 1} has no id`);
    else if (cell.cell_type === "code" && !cell.execution_count) problems.push(`cell ${cell.id} has no execution count (run \`npm run notebooks -- --update\`)`);
  });
  return problems;
}

/** Where two texts first differ: the line, and for long lines (SVG) the column, with some context. */
function firstDifference(expected, actual) {
  const want = expected.split("\n");
  const got = actual.split("\n");
  const line = want.findIndex((value, index) => value !== got[index]);
  const at = line === -1 ? want.length : line;
  const [a, b] = [want[at], got[at]];
  if (a === undefined || b === undefined || Math.max(a.length, b.length) <= 160) {
    const show = (value) => (value === undefined ? "(no line)" : JSON.stringify(value));
    return `line ${at + 1}: expected ${show(a)}, got ${show(b)}`;
  }
  let column = 0;
  while (a[column] === b[column]) column++;
  const start = Math.max(0, column - 40);
  const window = (value) => JSON.stringify(value.slice(start, column + 80));
  return `line ${at + 1}, column ${column + 1}: expected …${window(a)}, got …${window(b)}`;
}

/** Differences between the committed and the executed notebook, one message each. */
export function differences(committed, executed) {
  const want = normalise(committed);
  const got = normalise(executed);
  if (want.length !== got.length) return [`${want.length} cells committed, ${got.length} executed`];
  const found = [];
  want.forEach((cell, index) => {
    const other = got[index];
    const where = `cell ${cell.id ?? `#${index + 1}`}`;
    if (cell.id !== other.id || cell.source !== other.source) {
      found.push(`${where}: source or id differs`);
      return;
    }
    if (cell.outputs.length !== other.outputs.length) {
      found.push(`${where}: ${cell.outputs.length} outputs committed, ${other.outputs.length} executed`);
      return;
    }
    cell.outputs.forEach((output, n) => {
      const mine = JSON.stringify(output);
      const theirs = JSON.stringify(other.outputs[n]);
      if (mine === theirs) return;
      const expectedText = output.text ?? Object.values(output.data ?? {})[0] ?? mine;
      const actualText = other.outputs[n].text ?? Object.values(other.outputs[n].data ?? {})[0] ?? theirs;
      const detail =
        expectedText === actualText ? "output type or MIME types differ" : firstDifference(expectedText, actualText);
      found.push(`${where}, output ${n + 1}: ${detail}`);
    });
  });
  return found;
}

/** The executed notebook as it is committed: without the kernel's timestamps and the checker's notes. */
export function forCommit(executed) {
  const cells = executed.cells.map((cell) => {
    const { execution, [STATUS_KEY]: status, ...metadata } = cell.metadata ?? {};
    return { ...cell, metadata };
  });
  return { ...executed, cells };
}
