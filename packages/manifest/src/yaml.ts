// Reading manifest files as kubectl does: YAML 1.1 scalars (go-yaml v2 treats
// `yes`/`on` as booleans), several documents per file, `kind: List` expanded,
// refusal of alias bombs before they expand, of nesting deeper than the
// decoders take, and of values JSON cannot carry (sigs.k8s.io/yaml converts
// YAML to JSON with encoding/json, which has no NaN or infinity).
import {
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  parseDocument,
  Parser,
  type CST,
  type Document,
  type DocumentOptions,
  type ParseOptions,
  type SchemaOptions,
  type ToJSOptions,
} from "yaml";
import { goQuote } from "./gofmt";
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

/** go-yaml's max_indents and max_flow_level, and encoding/json's maxNestingDepth. */
const KUBERNETES_MAX_DEPTH = 10_000;
/**
 * How deep svclab reads: the YAML library composes documents recursively and
 * runs out of stack between 800 and 1,500 levels, well before Kubernetes'
 * 10,000. Real manifests nest a few dozen levels.
 */
export const MAX_NESTING_DEPTH = 500;

/** A YAML error with its 1-based position. */
export class YamlSyntaxError extends Error {
  override readonly name = "YamlSyntaxError";
  constructor(readonly line: number, readonly column: number, readonly reason: string) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}

/**
 * What the YAML-to-JSON conversion rejects, in kubectl's words: nesting too
 * deep for the decoder, values JSON has no spelling for.
 */
class ConversionError extends Error {
  constructor(
    /** Who reports it: go-yaml (`yaml: line N: ...`), encoding/json reading a JSON stream, or encoding/json writing the converted YAML. */
    readonly by: "yaml" | "json-stream" | "json-marshal",
    readonly reason: string,
    readonly line = 1,
  ) {
    super(reason);
  }

  /** The text after `error parsing FILE: `. */
  kubectlText(): string {
    if (this.by === "yaml") return `error converting YAML to JSON: yaml: line ${this.line}: ${this.reason}`;
    if (this.by === "json-marshal") return `error converting YAML to JSON: ${this.reason}`;
    return this.reason;
  }
}

/**
 * kubectl's YAMLOrJSONDecoder reads a stream as JSON when it starts with `{`
 * (after white space), as YAML otherwise.
 */
function isJsonStream(text: string): boolean {
  return /^\s*\{/.test(text);
}

/**
 * A cheap upper bound of the text's nesting depth: every flow collection
 * opener, plus the deepest line's indentation and its block indicators. Only
 * texts above the limit pay for the exact count.
 */
function nestingBound(text: string): number {
  let flow = 0;
  let deepestLine = 0;
  let line = 0;
  let indent = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      deepestLine = Math.max(deepestLine, line);
      line = 0;
      indent = true;
      continue;
    }
    if (c !== 32) indent = false;
    if (indent || c === 45 /* - */ || c === 58 /* : */ || c === 63 /* ? */) line++;
    else if (c === 91 /* [ */ || c === 123 /* { */) flow++;
  }
  return flow + Math.max(deepestLine, line);
}

/**
 * Refuses a text nested deeper than the decoders take, naming where: past
 * 10,000 levels with Kubernetes' own message (go-yaml's scanner for YAML,
 * encoding/json's for a JSON stream), past svclab's limit with one that says so.
 */
function checkNesting(text: string): void {
  if (nestingBound(text) <= MAX_NESTING_DEPTH) return;
  const json = isJsonStream(text);
  const lines = new LineCounter();
  const stack: { token: CST.Token | undefined; block: number; flow: number }[] = [];
  for (const token of new Parser(lines.addNewLine).parse(text)) stack.push({ token, block: 0, flow: 0 });
  let deepest: { offset: number; depth: number } | undefined;
  while (stack.length > 0) {
    const { token, block: b, flow: f } = stack.pop() as (typeof stack)[number];
    if (token === undefined) continue;
    const block = token.type === "block-map" || token.type === "block-seq" ? b + 1 : b;
    const flow = token.type === "flow-collection" ? f + 1 : f;
    if (block + flow > MAX_NESTING_DEPTH) {
      const offset = "offset" in token ? token.offset : 0;
      const line = lines.linePos(offset).line;
      if (json && flow > KUBERNETES_MAX_DEPTH) {
        throw new ConversionError("json-stream", `json: offset ${offset + 1}: invalid character '${text[offset]}' exceeded max depth`, line);
      }
      if (!json && (flow > KUBERNETES_MAX_DEPTH || block > KUBERNETES_MAX_DEPTH)) {
        throw new ConversionError("yaml", `exceeded max depth of ${KUBERNETES_MAX_DEPTH}`, line);
      }
      if (deepest === undefined || offset < deepest.offset) deepest = { offset, depth: block + flow };
      // Keep walking: a level past 10,000 elsewhere gets Kubernetes' message.
    }
    if (token.type === "document") stack.push({ token: token.value, block, flow });
    else if ("items" in token) {
      for (const item of token.items as readonly { key?: CST.Token | null; value?: CST.Token }[]) {
        stack.push({ token: item.key ?? undefined, block, flow }, { token: item.value, block, flow });
      }
    }
  }
  if (deepest !== undefined) {
    const line = lines.linePos(deepest.offset).line;
    const reason = `nested deeper than ${MAX_NESTING_DEPTH} levels, svclab's limit (Kubernetes' decoders allow ${KUBERNETES_MAX_DEPTH})`;
    throw json ? new ConversionError("json-stream", `json: line ${line}: ${reason}`, line) : new ConversionError("yaml", reason, line);
  }
}

/** go-yaml's YAML 1.1 spellings of infinity and NaN. */
const NON_FINITE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/**
 * Values JSON cannot carry. `.nan` and `.inf` stop the conversion
 * (encoding/json: `unsupported value: NaN`). A number too large for a float64
 * is a string to go-yaml (strconv.ParseFloat fails, so the scalar stays text)
 * and a decoding error in a JSON stream.
 */
function rejectNonFinite(doc: Document.Parsed, text: string, json: boolean, file: string): void {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) stack.push(isPair(item) ? item.value : item);
    } else if (isScalar(node) && typeof node.value === "number" && !Number.isFinite(node.value)) {
      const source = node.range === undefined || node.range === null ? "" : text.slice(node.range[0], node.range[1]).trim();
      if (NON_FINITE.test(source) || source === "") {
        const go = Number.isNaN(node.value) ? "NaN" : node.value > 0 ? "+Inf" : "-Inf";
        throw new ConversionError("json-marshal", `json: unsupported value: ${go}`);
      }
      if (json) throw new KubectlError([`error: unable to decode ${goQuote(file)}: json: cannot unmarshal number ${source} into Go value of type float64`]);
      node.value = source;
    }
  }
}

/** A parsed document's JSON value, or its first error (syntax, duplicate key, alias bomb). */
function documentValue(doc: Document.Parsed, lines: LineCounter): unknown {
  const first = doc.errors[0];
  if (first !== undefined) {
    const pos = first.linePos?.[0] ?? { line: lines.linePos(first.pos[0]).line, col: 1 };
    throw new YamlSyntaxError(pos.line, pos.col, first.message.split("\n")[0]!.replace(/ at line \d+, column \d+:$/, ""));
  }
  try {
    return doc.toJS(TO_JS);
  } catch (e) {
    throw new YamlSyntaxError(lines.linePos(doc.range[0]).line, 1, e instanceof Error ? e.message : String(e));
  }
}

/** One YAML (or JSON) value read like a manifest, e.g. a `kubectl patch -p` argument. */
export function parseYamlValue(text: string): unknown {
  try {
    checkNesting(text);
  } catch (e) {
    if (e instanceof ConversionError) throw new YamlSyntaxError(e.line, 1, e.reason);
    throw e;
  }
  const lines = new LineCounter();
  return documentValue(parseDocument(text, { ...OPTIONS, lineCounter: lines }), lines);
}

/** Parses a manifest file into its objects; throws KubectlError naming file, line and column. */
export function parseManifests(text: string, file = ""): ManifestDocument[] {
  const where = file === "" ? "" : ` ${file}`;
  const out: ManifestDocument[] = [];
  try {
    checkNesting(text);
    // One line index for the whole file: positions of every document come from it.
    const lines = new LineCounter();
    const json = isJsonStream(text);
    for (const doc of parseAllDocuments(text, { ...OPTIONS, lineCounter: lines })) {
      let value: unknown;
      try {
        if (doc.errors.length === 0) rejectNonFinite(doc, text, json, file);
        value = documentValue(doc, lines);
      } catch (e) {
        if (!(e instanceof YamlSyntaxError)) throw e;
        throw new KubectlError([`error: error parsing${where}: error converting YAML to JSON: yaml: ${e.message}`]);
      }
      if (value === null || value === undefined) continue;
      const line = lines.linePos(doc.contents?.range[0] ?? doc.range[0]).line;
      for (const item of expandList(value)) out.push({ file, index: out.length, line, value: item });
    }
  } catch (e) {
    if (!(e instanceof ConversionError)) throw e;
    throw new KubectlError([`error: error parsing${where}: ${e.kubectlText()}`]);
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
