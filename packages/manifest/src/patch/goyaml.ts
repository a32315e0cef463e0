// A `kubectl patch -p` body that does not start with `{` goes through
// sigs.k8s.io/yaml (go-yaml v2, not strict): YAML 1.1 scalars, the last of
// duplicate keys wins, and syntax errors read as go-yaml words them
// (`yaml: line 1: did not find expected node content`). go-yaml reports a
// parser error at its 0-based line and a scanner error at its 1-based line,
// and neither on the first line; its end-of-stream mark sits on the line
// after unterminated text.
import { parseDocument, type DocumentOptions, type ParseOptions, type SchemaOptions } from "yaml";

export class GoYamlError extends Error {
  override readonly name = "GoYamlError";
}

const OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: "1.1",
  uniqueKeys: false,
  customTags: (tags) => tags.filter((t) => typeof t === "object" && t.tag !== "tag:yaml.org,2002:timestamp"),
};

/** The line go-yaml's end-of-stream mark is on. */
function streamEndLine(text: string): number {
  const newlines = text.split("\n").length - 1;
  return text.endsWith("\n") || text === "" ? newlines : newlines + 1;
}

const at = (line: number, message: string): string => (line > 0 ? `line ${line}: ${message}` : message);

function goYamlMessage(text: string, code: string, message: string, line: number): string {
  const scanner = (m: string, l = line): string => at(l > 1 ? l : 0, m);
  const parser = (m: string, l = line - 1): string => at(l, m);
  const flow = /^Flow (sequence|map) .*end with a ([\]}])/.exec(message);
  if (flow !== null) {
    const trimmed = text.trimEnd();
    const dangling = trimmed.endsWith("[") || trimmed.endsWith("{") || trimmed.endsWith(",");
    return at(streamEndLine(text), dangling ? "did not find expected node content" : `did not find expected ',' or '${flow[2]}'`);
  }
  if (/^Missing closing .quote/.test(message)) return scanner("found unexpected end of stream", text.split("\n").length);
  switch (code) {
    case "TAB_AS_INDENT":
      // Only the first line's tab is met before any indentation is known.
      return scanner(line > 1 ? "found a tab character that violates indentation" : "found character that cannot start any token");
    case "BAD_SCALAR_START":
      return scanner("found character that cannot start any token");
    case "BLOCK_AS_IMPLICIT_KEY":
      return scanner("mapping values are not allowed in this context");
    case "BAD_INDENT":
    case "UNEXPECTED_TOKEN":
      return parser(text.trimStart().startsWith("-") ? "did not find expected '-' indicator" : "did not find expected key");
    default:
      return at(line, message);
  }
}

/** The JSON value sigs.k8s.io/yaml makes of a patch body, or a GoYamlError with go-yaml's message. */
export function goYamlToJson(text: string): unknown {
  const doc = parseDocument(text, OPTIONS);
  const first = doc.errors[0];
  if (first !== undefined) {
    const reason = first.message.split("\n")[0]!.replace(/ at line \d+, column \d+:$/, "");
    throw new GoYamlError(goYamlMessage(text, first.code, reason, first.linePos?.[0].line ?? 1));
  }
  try {
    return doc.toJS({ maxAliasCount: 100 }) ?? null;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const alias = /anchor must be set before the alias\): (.*)$/.exec(message);
    if (alias !== null) throw new GoYamlError(`unknown anchor '${alias[1]}' referenced`);
    if (/alias count/i.test(message)) throw new GoYamlError("document contains excessive aliasing");
    throw new GoYamlError(message);
  }
}
