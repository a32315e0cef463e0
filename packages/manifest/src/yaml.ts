// Reading manifest files as kubectl does: YAML 1.1 scalars (go-yaml v2 treats
// `yes`/`on` as booleans), several documents per file, `kind: List` expanded,
// and refusal of alias bombs before they expand.
import { parseAllDocuments, parseDocument, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions, type ToJSOptions } from "yaml";
import { KubectlError } from "./status";

export interface ManifestDocument {
  /** The -f source name, e.g. `sample-session-affinity.yaml` (empty for stdin/strings). */
  readonly file: string;
  /** Position of this object in the file (List items count one each). */
  readonly index: number;
  /** 1-based line where the document (or List item) starts. */
  readonly line: number;
  /** The document as plain JSON, unchecked: decoding validates it. */
  readonly value: unknown;
}

/** Limits how many alias dereferences a document may do (yaml's maxAliasCount). */
const MAX_ALIAS_COUNT = 100;

const OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: "1.1",
  prettyErrors: true,
  uniqueKeys: true,
  // Timestamps stay strings: the API types carry them as RFC 3339 text.
  customTags: (tags) => tags.filter((t) => typeof t === "object" && t.tag !== "tag:yaml.org,2002:timestamp"),
};

const TO_JS: ToJSOptions = { maxAliasCount: MAX_ALIAS_COUNT };

/** A YAML error with its 1-based position. */
export class YamlSyntaxError extends Error {
  override readonly name = "YamlSyntaxError";
  constructor(readonly line: number, readonly column: number, readonly reason: string) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** A parsed document's JSON value, or its first error (syntax, duplicate key, alias bomb). */
function documentValue(doc: Document.Parsed, text: string): unknown {
  const first = doc.errors[0];
  if (first !== undefined) {
    const pos = first.linePos?.[0] ?? { line: lineOf(text, first.pos[0]), col: 1 };
    throw new YamlSyntaxError(pos.line, pos.col, first.message.split("\n")[0]!.replace(/ at line \d+, column \d+:$/, ""));
  }
  try {
    return doc.toJS(TO_JS);
  } catch (e) {
    throw new YamlSyntaxError(lineOf(text, doc.range[0]), 1, e instanceof Error ? e.message : String(e));
  }
}

/** One YAML (or JSON) value read like a manifest, e.g. a `kubectl patch -p` argument. */
export function parseYamlValue(text: string): unknown {
  return documentValue(parseDocument(text, OPTIONS), text);
}

/** Parses a manifest file into its objects; throws KubectlError naming file, line and column. */
export function parseManifests(text: string, file = ""): ManifestDocument[] {
  const out: ManifestDocument[] = [];
  for (const doc of parseAllDocuments(text, OPTIONS)) {
    let value: unknown;
    try {
      value = documentValue(doc, text);
    } catch (e) {
      if (!(e instanceof YamlSyntaxError)) throw e;
      const where = file === "" ? "" : ` ${file}`;
      throw new KubectlError([`error: error parsing${where}: error converting YAML to JSON: yaml: ${e.message}`]);
    }
    if (value === null || value === undefined) continue;
    const line = lineOf(text, doc.contents?.range[0] ?? doc.range[0]);
    for (const item of expandList(value)) out.push({ file, index: out.length, line, value: item });
  }
  return out;
}

/** kubectl flattens `kind: List` (and `*List`) into its items. */
function expandList(value: unknown): unknown[] {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const rec = value as Record<string, unknown>;
    if (typeof rec.kind === "string" && rec.kind.endsWith("List") && Array.isArray(rec.items)) {
      return rec.items.flatMap(expandList);
    }
  }
  return [value];
}
