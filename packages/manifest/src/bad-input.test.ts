// Input the YAML-to-JSON step refuses, with kubectl's own words. Each case is
// also run through the real kubectl (`kubectl patch --local -f FILE`, which
// reads the file exactly as `apply -f` does, with no server) when it is
// installed, and its error line must be ours. The messages come from
// sigs.k8s.io/yaml (YAMLToJSON via encoding/json: NaN and infinities have no
// JSON spelling), go-yaml's scanner (max_flow_level / max_indents: 10,000)
// and encoding/json's scanner (maxNestingDepth 10,000).
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubectlError, renderKubectlError } from "./status";
import { MAX_NESTING_DEPTH, parseManifests } from "./yaml";

const deployment = (replicas: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: ${replicas}\n`;
const DEEP = 10_001;
const HEADER = "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n";
const JSON_HEADER = '{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},"x":';

/** [case, file name, text, kubectl's error (after `error: `)] */
const REFUSED: readonly [string, string, string, string][] = [
  [".nan in an integer field", "d.yaml", deployment(".nan"), "error parsing d.yaml: error converting YAML to JSON: json: unsupported value: NaN"],
  [".NaN spelled otherwise", "d.yaml", deployment(".NaN"), "error parsing d.yaml: error converting YAML to JSON: json: unsupported value: NaN"],
  [".inf", "d.yaml", deployment(".inf"), "error parsing d.yaml: error converting YAML to JSON: json: unsupported value: +Inf"],
  ["-.Inf", "d.yaml", deployment("-.Inf"), "error parsing d.yaml: error converting YAML to JSON: json: unsupported value: -Inf"],
  [".inf in a list item", "s.yaml", `${HEADER}spec:\n  ports: [{port: .inf}]\n`, "error parsing s.yaml: error converting YAML to JSON: json: unsupported value: +Inf"],
  [
    "1e400 in a JSON file",
    "d.json",
    '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"j"},"spec":{"replicas":1e400}}',
    'unable to decode "d.json": json: cannot unmarshal number 1e400 into Go value of type float64',
  ],
  ["10,001 nested flow sequences", "flow.yaml", `${HEADER}x: ${"[".repeat(DEEP)}${"]".repeat(DEEP)}\n`, "error parsing flow.yaml: error converting YAML to JSON: yaml: line 4: exceeded max depth of 10000"],
  ["10,001 nested block sequences", "seq.yaml", `${HEADER}x:\n${"- ".repeat(DEEP)}x\n`, "error parsing seq.yaml: error converting YAML to JSON: yaml: line 5: exceeded max depth of 10000"],
  ["10,001 nested JSON arrays", "deep.json", `${JSON_HEADER}${"[".repeat(DEEP)}${"]".repeat(DEEP)}}`, "error parsing deep.json: json: offset 10064: invalid character '[' exceeded max depth"],
];

function ours(file: string, text: string): string {
  try {
    parseManifests(text, file);
    return "";
  } catch (e) {
    if (!(e instanceof KubectlError)) throw e;
    return renderKubectlError(e);
  }
}

const KUBECTL = "/usr/bin/kubectl";

/** The real kubectl's first error line for a file, or undefined when kubectl is not installed. */
function theirs(file: string, text: string): string | undefined {
  if (!existsSync(KUBECTL)) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "svclab-bad-input-"));
  try {
    writeFileSync(join(dir, file), text);
    const r = spawnSync(KUBECTL, ["patch", "--local", "-f", file, "-p", "{}", "--type", "merge", "-o", "json"], { cwd: dir, encoding: "utf8", timeout: 20_000 });
    return r.stderr.split("\n")[0];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("input the YAML-to-JSON step refuses", () => {
  it.each(REFUSED)("%s", (_, file, text, message) => {
    expect(ours(file, text)).toBe(`error: ${message}`);
    const real = theirs(file, text);
    if (real !== undefined) expect(real).toBe(`error: ${message}`);
  });

  it("keeps a float too large for float64 as text in YAML, as go-yaml does (the API server then refuses a string)", () => {
    const [doc] = parseManifests(deployment("1e400"), "d.yaml");
    expect((doc?.value as { spec: { replicas: unknown } }).spec.replicas).toBe("1e400");
    const real = theirs("d.yaml", deployment("1e400"));
    if (real !== undefined) expect(real).not.toMatch(/^error/);
  });

  it(`refuses nesting past svclab's own limit (${MAX_NESTING_DEPTH}) with a message naming it, and reads up to it`, () => {
    const n = MAX_NESTING_DEPTH + 1;
    expect(ours("m.yaml", `x:\n${Array.from({ length: n }, (_, i) => `${" ".repeat(i + 1)}a:`).join("\n")}\n`)).toBe(
      `error: error parsing m.yaml: error converting YAML to JSON: yaml: line ${MAX_NESTING_DEPTH + 1}: nested deeper than ${MAX_NESTING_DEPTH} levels, svclab's limit (Kubernetes' decoders allow 10000)`,
    );
    const fine = MAX_NESTING_DEPTH - 1;
    expect(ours("ok.yaml", `x: ${"[".repeat(fine)}${"]".repeat(fine)}\n`)).toBe("");
  });

  it("numbers the lines of every document of a multi-document file from one line index", () => {
    const docs = Array.from({ length: 1000 }, (_, i) => `apiVersion: v1\nkind: Service\nmetadata: {name: s${i}}\nspec: {ports: [{port: 80}]}\n`).join("---\n");
    const parsed = parseManifests(docs, "many.yaml");
    expect(parsed).toHaveLength(1000);
    expect(parsed.map((d) => d.line)).toEqual(parsed.map((_, i) => i * 5 + 1));
  });
});
