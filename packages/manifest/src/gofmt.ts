// Go's fmt verbs as the API server uses them in messages: %q for strings,
// %#v for maps and structs, %+v for decoded JSON maps. Byte-exact messages
// depend on these renderings.

/** Go's strconv.Quote (%q). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case "\\": out += "\\\\"; continue;
      case "\n": out += "\\n"; continue;
      case "\t": out += "\\t"; continue;
      case "\r": out += "\\r"; continue;
      case "\x07": out += "\\a"; continue;
      case "\b": out += "\\b"; continue;
      case "\f": out += "\\f"; continue;
      case "\v": out += "\\v"; continue;
    }
    if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, "0")}`;
    else if ((cp >= 0x80 && cp < 0xa0) || cp === 0xad) out += `\\u${cp.toString(16).padStart(4, "0")}`;
    else out += ch;
  }
  return out + '"';
}

/** A value whose Go rendering is known verbatim (e.g. a struct literal). */
export class GoLiteral {
  constructor(readonly repr: string) {}
  toString(): string {
    return this.repr;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof GoLiteral);
}

/** %#v of the JSON-ish values validation reports (map[string]string, []string, scalars). */
export function goSharpV(v: unknown): string {
  if (v instanceof GoLiteral) return v.repr;
  if (typeof v === "string") return goQuote(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === "string")) return `[]string{${v.map((x) => goQuote(x as string)).join(", ")}}`;
    return `[]interface {}{${v.map(goSharpV).join(", ")}}`;
  }
  const keys = Object.keys(v).sort();
  const rec = v as Record<string, unknown>;
  if (keys.every((k) => typeof rec[k] === "string")) {
    return `map[string]string{${keys.map((k) => `${goQuote(k)}:${goQuote(rec[k] as string)}`).join(", ")}}`;
  }
  return `map[string]interface {}{${keys.map((k) => `${goQuote(k)}:${goSharpV(rec[k])}`).join(", ")}}`;
}

/** %+v (== %v) of a map[string]interface{} decoded from JSON: `map[a:1 b:map[c:x]]`. */
export function goPlusV(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number") return goFloat(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(goPlusV).join(" ")}]`;
  if (isPlainObject(v)) {
    const keys = Object.keys(v).sort();
    return `map[${keys.map((k) => `${k}:${goPlusV(v[k])}`).join(" ")}]`;
  }
  return String(v);
}

/** Go's %v (strconv 'g', shortest) of an int64 or float64 that came out of JSON. */
export function goFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [m, e] = n.toExponential().split("e");
    const exp = Number(e);
    return `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return String(n);
}

/** Go's json.Marshal of a decoded map: sorted keys, compact, HTML characters escaped. */
export function goJsonMarshal(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goJsonMarshal).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const rec = v as Record<string, unknown>;
    return `{${Object.keys(rec)
      .sort()
      .map((k) => `${goJsonString(k)}:${goJsonMarshal(rec[k])}`)
      .join(",")}}`;
  }
  if (typeof v === "string") return goJsonString(v);
  return JSON.stringify(v) ?? "null";
}

function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The JSON kind word in Go's UnmarshalTypeError ("string", "number", "bool", "array", "object"). */
export function goJsonKind(v: unknown): string {
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "number";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "array";
  return "object";
}
