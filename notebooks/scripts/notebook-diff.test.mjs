import assert from "node:assert/strict";
import { test } from "node:test";
import { differences, errors, formatProblems, forCommit } from "./notebook-diff.mjs";

const code = (id, outputs, extra = {}) => ({
  cell_type: "code",
  id,
  metadata: {},
  execution_count: 1,
  source: ["const a = 1;\n", "a"],
  outputs,
  ...extra,
});
const notebook = (...cells) => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });
const stdout = (text) => ({ output_type: "stream", name: "stdout", text });

test("ignores execution counts, kernel timestamps, stream chunking and line splitting", () => {
  const committed = notebook(code("a", [stdout(["one\n", "two\n"])]));
  const executed = notebook(
    code("a", [stdout("one\n"), stdout("two\n")], {
      execution_count: 7,
      metadata: { execution: { "iopub.status.idle": "2026-01-01T00:00:00Z" } },
    }),
  );
  assert.deepEqual(differences(committed, executed), []);
});

test("reports the first differing line of an output", () => {
  const committed = notebook(code("curl", [stdout("From=pod-a\nFrom=pod-a\n")]));
  const executed = notebook(code("curl", [stdout("From=pod-a\nFrom=pod-b\n")]));
  assert.deepEqual(differences(committed, executed), [
    'cell curl, output 1: line 2: expected "From=pod-a", got "From=pod-b"',
  ]);
});

test("reports changed SVG and missing outputs", () => {
  const svg = (body) => ({ output_type: "display_data", metadata: {}, data: { "image/svg+xml": body } });
  const committed = notebook(code("chart", [svg("<svg>1</svg>")]), code("b", [stdout("x\n")]));
  const executed = notebook(code("chart", [svg("<svg>2</svg>")]), code("b", []));
  assert.deepEqual(differences(committed, executed), [
    'cell chart, output 1: line 1: expected "<svg>1</svg>", got "<svg>2</svg>"',
    "cell b: 1 outputs committed, 0 executed",
  ]);
});

test("points into a long line at the first differing column", () => {
  const svg = (fill) => ({ output_type: "display_data", metadata: {}, data: { "image/svg+xml": `<svg>${"x".repeat(200)}<rect fill="${fill}"/></svg>` } });
  const [message] = differences(notebook(code("chart", [svg("red")])), notebook(code("chart", [svg("blue")])));
  assert.match(message, /^cell chart, output 1: line 1, column 218: expected …".*fill=\\"red.*", got …".*fill=\\"blue.*"$/);
});

test("lists every failing cell, not only the first", () => {
  const failing = code("boom", [{ output_type: "error", ename: "Error", evalue: "not sticky", traceback: [] }]);
  const uncompiled = code("typo", [{ output_type: "stream", name: "stderr", text: ["1:7 - Cannot find name 'x'.\n"] }]);
  // tslab prints an exception's stack on stderr; the error line is what counts.
  const thrown = code("claim", [{ output_type: "stream", name: "stderr", text: ["evalmachine.<anonymous>:2\n", "claim(x);\n", "^\n", "\n", "Error: claim does not hold: one pod\n", "    at evalmachine.<anonymous>:2:7\n"] }]);
  const silent = code("abort", [], { metadata: { svclab_status: "abort" } });
  assert.deepEqual(errors(notebook(failing, code("fine", [stdout("ok\n")]), uncompiled, thrown, silent)), [
    "cell boom: Error: not sticky",
    "cell typo: stderr: 1:7 - Cannot find name 'x'.",
    "cell claim: stderr: Error: claim does not hold: one pod",
    'cell abort: the kernel answered "abort"',
  ]);
});

test("fails a picture without its PNG copy and a table without its plain text", () => {
  const data = (d) => ({ output_type: "display_data", metadata: {}, data: d });
  const nb = notebook(
    code("chart", [data({ "image/svg+xml": "<svg/>" })]),
    code("table", [data({ "text/markdown": "| a |" })]),
    code("both", [data({ "image/svg+xml": "<svg/>", "image/png": "iVBO", "text/plain": "a chart" }), data({ "text/markdown": "| a |", "text/plain": "a" })]),
  );
  assert.deepEqual(errors(nb), ["cell chart: a picture without its PNG copy", "cell table: a table without its text/plain form"]);
});

test("lists format problems: old nbformat, missing ids, missing execution counts", () => {
  const old = { ...notebook(code(undefined, [])), nbformat_minor: 4 };
  assert.deepEqual(formatProblems(old), ["nbformat 4.4 (cell ids need 4.5)", "cell #1 has no id"]);
  assert.deepEqual(formatProblems(notebook(code("a", [], { execution_count: null }))), ["cell a has no execution count (run `npm run notebooks -- --update`)"]);
});

test("drops the kernel timestamps and the checker's notes before committing", () => {
  const executed = notebook(code("a", [], { metadata: { execution: {}, svclab_status: "error", tags: ["x"] } }));
  assert.deepEqual(forCommit(executed).cells[0].metadata, { tags: ["x"] });
});
