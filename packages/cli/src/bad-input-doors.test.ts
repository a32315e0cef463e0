import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { main } from "./main";

/** What must never reach a user: JavaScript and library internals (kubectl itself says "unsupported value: NaN"). */
const LEAKS = /TypeError|RangeError|ReferenceError|SyntaxError: (?!.*bash)|at Object\.|node_modules|dist\/|\bundefined\b|\[object Object\]|(?<!unsupported value: )NaN/;

const deep = "[".repeat(20000);

/** Bad inputs, each through `svclab run` as a script or as a file the script applies. */
const SCRIPTS: [string, string, Record<string, string>?][] = [
  ["a manifest that is not YAML", "kubectl apply -f bad.yaml", { "bad.yaml": "a: [\n" }],
  ["deep nesting", "kubectl apply -f deep.yaml", { "deep.yaml": deep }],
  ["NaN replicas", "kubectl apply -f d.yaml", { "d.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: .nan}\n" }],
  ["a __proto__ key", "kubectl apply -f p.yaml", { "p.yaml": "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n__proto__: {x: 1}\nspec: {ports: [{port: 80}]}\n" }],
  ["an unknown kind", "kubectl apply -f k.yaml", { "k.yaml": "apiVersion: v9\nkind: Nope\nmetadata: {name: x}\n" }],
  ["binary garbage", "kubectl apply -f g.yaml", { "g.yaml": "\u0000\u0001\u00ff\ufffe garbage" }],
  ["a JSON patch on __proto__", `kubectl create deployment d --image=nginx\nkubectl patch deployment d --type=json -p '[{"op":"add","path":"/__proto__/x","value":1}]'`],
  ["a merge patch that is not JSON", "kubectl create deployment d --image=nginx\nkubectl patch deployment d -p '{oops'"],
  ["curl to nowhere", "curl -s -m 1 http://10.255.255.1/\ncurl http://\ncurl -X\ncurl ::::"],
  ["dig nonsense", "dig\ndig @ x\ndig -t BOGUS a.b"],
  ["docker misuse", "docker stop\ndocker stop nosuch\ndocker frob"],
  ["sleep misuse", "sleep\nsleep abc\nsleep -1\nsleep 1e400\nsleep infinity"],
  ["date misuse", "date -d 'not a date'\ndate -Q\ndate +%s +%s"],
  ["mktemp and shuf misuse", "mktemp a\nmktemp -p\nshuf -n x\nshuf -i 9-1\nshuf nosuchfile"],
  ["kubectl nonsense", "kubectl\nkubectl frob\nkubectl get\nkubectl get pods -o bogus\nkubectl get pods --selector='a in ('\nkubectl exec\nkubectl logs nosuch"],
  ["shell syntax errors", "if then fi\necho $((1/0))\necho ${x:?unset}\nfor"],
  ["deep recursion", "f() { f; }; f"],
  ["huge numbers", "kubectl scale deployment nosuch --replicas=99999999999999999999\necho $((2**64))\nRANDOM=99999999999999999999999; echo $RANDOM"],
];

async function run(script: string, files: Record<string, string> = {}): Promise<string> {
  const cwd = mkdtempSync(join(tmpdir(), "svclab-doors-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
  writeFileSync(join(cwd, "s.sh"), `${script}\n`);
  const out = new PassThrough();
  let text = "";
  out.on("data", (d: Buffer) => (text += d.toString()));
  await main(["run", "--max-depth", "50", "s.sh"], { stdout: out, stderr: out, stdin: new PassThrough(), cwd });
  return text;
}

describe("bad input through svclab run never shows JavaScript or library text", () => {
  it.each(SCRIPTS)("%s", async (_name, script, files) => {
    const text = await run(script, files);
    expect(text, "every bad input gets an error").not.toBe("");
    expect(text).not.toMatch(LEAKS);
  }, 60_000);
});
