// kubectl's `-o json` and `-o yaml`. kubectl prints the server's answer as an
// unstructured map, so keys come out sorted at every level; JSON is indented
// with 4 spaces and HTML-escaped like Go's json.MarshalIndent; YAML follows
// go-yaml v2 (sequences not indented under their key, strings quoted only when
// a plain scalar would read back as something else).
import { parse } from "yaml";
import { goFloat } from "./gofmt";
import type { KubeObject } from "./kinds";
import { isJsonObject } from "./safe";

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isJsonObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) {
    if (v[k] === undefined) continue;
    Object.defineProperty(out, k, { value: sortKeys(v[k]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function asPrintable(objs: KubeObject | readonly KubeObject[]): unknown {
  if (!Array.isArray(objs)) return objs;
  return { apiVersion: "v1", items: objs, kind: "List", metadata: { resourceVersion: "" } };
}

/** `kubectl get -o json`; several objects print as a v1 List. */
export function toJson(objs: KubeObject | readonly KubeObject[]): string {
  const text = JSON.stringify(sortKeys(asPrintable(objs)), null, 4);
  return `${text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}\n`;
}

/** `kubectl get -o yaml`; several objects print as a v1 List. */
export function toYaml(objs: KubeObject | readonly KubeObject[]): string {
  return emit(sortKeys(asPrintable(objs)), 0);
}

const BOOL_OR_NULL = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;
const INT = /^[-+]?(0b[01_]+|0[0-7_]+|(0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|[1-9][0-9_]*(:[0-5]?[0-9])+)$/;
const FLOAT = /^([-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$/;
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}([Tt ]|$)/;

/**
 * A plain scalar that go-yaml would resolve to a non-string needs double
 * quotes; so does one our own YAML 1.1 reader would (e.g. `.`), so that
 * printed manifests read back unchanged.
 */
function resolvesToNonString(s: string): boolean {
  if (s === "" || BOOL_OR_NULL.test(s) || INT.test(s) || FLOAT.test(s) || TIMESTAMP.test(s)) return true;
  if (!/^[-+.0-9]/.test(s) || s.includes("\n")) return false;
  try {
    const v: unknown = parse(s, { version: "1.1" });
    return typeof v !== "string" && (typeof v !== "object" || v === null || v instanceof Date);
  } catch {
    return false;
  }
}

/** libyaml's analyze_scalar: may this string be written plain in block context? */
function plainAllowed(s: string): boolean {
  if (/^\s|\s$/.test(s)) return false;
  if (s.startsWith("---") || s.startsWith("...")) return false;
  const first = s[0]!;
  const followedBySpace = s.length === 1 || s[1] === " ";
  if ("[]{},#&*!|>'\"%@`".includes(first)) return false;
  if ((first === "-" || first === "?" || first === ":") && followedBySpace) return false;
  if (s.includes(": ") || s.includes(" #") || s.endsWith(":")) return false;
  return !/[\u0000-\u001f\u007f-\u009f\ufeff]/.test(s);
}

function doubleQuoted(s: string): string {
  return `"${s.replace(/[\\"\u0000-\u001f\u007f]/g, (c) => {
    const map: Record<string, string> = { "\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0" };
    return map[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  })}"`;
}

function scalar(s: string): string {
  if (resolvesToNonString(s)) return doubleQuoted(s);
  if (plainAllowed(s)) return s;
  if (/[\u0000-\u001f\u007f]/.test(s)) return doubleQuoted(s);
  return `'${s.replace(/'/g, "''")}'`;
}

function literalBlock(s: string, indent: number): string {
  const pad = " ".repeat(indent);
  const trailing = /\n+$/.exec(s)?.[0].length ?? 0;
  const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
  const body = trailing === 0 ? s : s.slice(0, -trailing);
  const lines = body.split("\n").map((l) => (l === "" ? "" : pad + l));
  return `|${chomp}\n${lines.join("\n")}\n${trailing > 1 ? "\n".repeat(trailing - 1) : ""}`;
}

/** go-yaml's best_width: plain and single-quoted scalars break at a space past it. */
const BEST_WIDTH = 80;

/** libyaml's line breaking of a plain or single-quoted scalar starting at `column`. */
function fold(text: string, column: number, indent: number): string {
  if (column + text.length <= BEST_WIDTH) return text;
  let out = "";
  let col = column;
  let spaces = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === " ") {
      if (!spaces && col > BEST_WIDTH && text[i + 1] !== " " && i !== 0 && i !== text.length - 1) {
        out += `\n${" ".repeat(indent)}`;
        col = indent;
      } else {
        out += ch;
        col++;
      }
      spaces = true;
    } else {
      out += ch;
      col++;
      spaces = false;
    }
  }
  return out;
}

/** A scalar or empty collection written after `key: ` or `- ` at `column`; undefined for nested blocks. */
function inline(v: unknown, indent: number, column: number): string | undefined {
  if (v === null || v === undefined) return "null";
  if (typeof v === "boolean") return String(v);
  if (typeof v === "number") return goFloat(v);
  if (typeof v === "string") {
    if (v.includes("\n") && v.trim() !== "" && !/^\n*[ \t]/.test(v) && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(v) && !/[ \t]\n/.test(v)) return literalBlock(v, indent);
    const text = scalar(v);
    return text.startsWith('"') ? text : fold(text, column, indent);
  }
  if (Array.isArray(v)) return v.length === 0 ? "[]" : undefined;
  if (isJsonObject(v)) return Object.keys(v).length === 0 ? "{}" : undefined;
  return String(v);
}

function emit(v: unknown, indent: number): string {
  const pad = " ".repeat(indent);
  if (Array.isArray(v)) {
    return v
      .map((item) => {
        const simple = inline(item, indent + 2, indent + 2);
        if (simple !== undefined) return `${pad}- ${simple.endsWith("\n") ? simple : `${simple}\n`}`;
        const nested = emit(item, indent + 2);
        return `${pad}- ${nested.slice(indent + 2)}`;
      })
      .join("");
  }
  if (!isJsonObject(v)) {
    const s = inline(v, indent, indent) ?? "";
    return s.endsWith("\n") ? s : `${s}\n`;
  }
  return Object.keys(v)
    .map((k) => {
      const key = scalar(k);
      const val = v[k];
      const simple = inline(val, indent + 2, indent + key.length + 2);
      if (simple !== undefined) return `${pad}${key}: ${simple.endsWith("\n") ? simple : `${simple}\n`}`;
      return `${pad}${key}:\n${emit(val, Array.isArray(val) ? indent : indent + 2)}`;
    })
    .join("");
}
