/**
 * `-o jsonpath=...`: the template language of client-go's util/jsonpath as
 * kubectl uses it (missing keys allowed): `{.a.b}`, `[*]`, `[n]`, `[a:b]`,
 * `..name`, `[?(@.x=="y")]`, `{range ...}{end}` and quoted literals. Several
 * results of one expression are joined by spaces; strings print raw, other
 * values as JSON.
 */

type Step =
  | { readonly t: "field"; readonly name: string }
  | { readonly t: "wildcard" }
  | { readonly t: "recursive"; readonly name: string | undefined }
  | { readonly t: "slice"; readonly start: number | undefined; readonly end: number | undefined; readonly index: boolean }
  | { readonly t: "filter"; readonly path: readonly Step[]; readonly op: string | undefined; readonly value: unknown };

type Node =
  | { readonly t: "text"; readonly text: string }
  | { readonly t: "path"; readonly steps: readonly Step[] }
  | { readonly t: "range"; readonly steps: readonly Step[]; readonly body: readonly Node[] };

/** A template that does not parse. */
export class JsonPathError extends Error {}

/** A template that parses but cannot run on the data (index out of range). */
export class JsonPathExecutionError extends Error {}

function parseLiteral(s: string): unknown {
  const t = s.trim();
  if (/^["'].*["']$/.test(t)) return t.slice(1, -1);
  if (t === "true" || t === "false") return t === "true";
  if (t !== "" && !Number.isNaN(Number(t))) return Number(t);
  throw new JsonPathError(`unrecognized literal ${t}`);
}

/** Parses a path expression such as `.items[*].metadata.name` or `..name`. */
function parsePath(expr: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const readName = (): string => {
    let name = "";
    while (i < expr.length && !".[".includes(expr[i] as string)) {
      if (expr[i] === "\\" && i + 1 < expr.length) i++;
      name += expr[i];
      i++;
    }
    return name;
  };
  if (expr.startsWith("$")) i = 1;
  while (i < expr.length) {
    const ch = expr[i];
    if (ch === "." && expr[i + 1] === ".") {
      i += 2;
      const name = readName();
      steps.push({ t: "recursive", name: name === "" || name === "*" ? undefined : name });
    } else if (ch === ".") {
      i++;
      const name = readName();
      if (name === "*") steps.push({ t: "wildcard" });
      else if (name !== "") steps.push({ t: "field", name });
    } else if (ch === "[") {
      const close = findClose(expr, i);
      const inner = expr.slice(i + 1, close).trim();
      i = close + 1;
      if (inner === "*") steps.push({ t: "wildcard" });
      else if (inner.startsWith("?(") && inner.endsWith(")")) steps.push(parseFilter(inner.slice(2, -1)));
      else if (/^['"].*['"]$/.test(inner)) steps.push({ t: "field", name: inner.slice(1, -1) });
      else if (/^-?\d*(:-?\d*)?$/.test(inner) && inner !== "") {
        const [a, b] = inner.split(":");
        const num = (x: string | undefined): number | undefined => (x === undefined || x === "" ? undefined : Number(x));
        steps.push({ t: "slice", start: num(a), end: num(b), index: !inner.includes(":") });
      } else throw new JsonPathError(`invalid array index ${inner}`);
    } else if (ch === "@") {
      i++;
    } else {
      const name = readName();
      if (name === "") throw new JsonPathError(`unrecognized character in action: ${ch}`);
      steps.push({ t: "field", name });
    }
  }
  return steps;
}

function findClose(s: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < s.length; i++) {
    const c = s[i] as string;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "(") depth++;
    else if (c === "]" || c === ")") {
      depth--;
      if (depth === 0 && c === "]") return i;
    }
  }
  throw new JsonPathError("unterminated array");
}

function parseFilter(inner: string): Step {
  const m = /^(@[^<>=!]*?)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(inner.trim());
  if (m === null) return { t: "filter", path: parsePath(inner.trim()), op: undefined, value: undefined };
  return { t: "filter", path: parsePath((m[1] as string).trim()), op: m[2], value: parseLiteral(m[3] as string) };
}

function children(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    return Object.keys(o)
      .sort()
      .map((k) => o[k]);
  }
  return [];
}

function compare(a: unknown, op: string, b: unknown): boolean {
  switch (op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    default: {
      if (typeof a !== "number" || typeof b !== "number") return false;
      return op === "<" ? a < b : op === ">" ? a > b : op === "<=" ? a <= b : a >= b;
    }
  }
}

function evalSteps(values: readonly unknown[], steps: readonly Step[]): unknown[] {
  let cur = [...values];
  for (const s of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      switch (s.t) {
        case "field":
          if (typeof v === "object" && v !== null && !Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, s.name)) {
            next.push((v as Record<string, unknown>)[s.name]);
          }
          break;
        case "wildcard":
          next.push(...children(v));
          break;
        case "recursive": {
          const walk = (x: unknown): void => {
            if (s.name === undefined) next.push(x);
            else if (typeof x === "object" && x !== null && !Array.isArray(x) && Object.prototype.hasOwnProperty.call(x, s.name)) {
              next.push((x as Record<string, unknown>)[s.name]);
            }
            children(x).forEach(walk);
          };
          walk(v);
          break;
        }
        case "slice": {
          if (!Array.isArray(v)) break;
          const norm = (n: number): number => (n < 0 ? n + v.length : n);
          if (s.index) {
            const idx = norm(s.start ?? 0);
            if (idx < 0 || idx >= v.length) throw new JsonPathExecutionError(`array index out of bounds: index ${s.start}, length ${v.length}`);
            next.push(v[idx]);
          } else {
            next.push(...v.slice(Math.max(0, norm(s.start ?? 0)), s.end === undefined ? v.length : norm(s.end)));
          }
          break;
        }
        case "filter":
          for (const item of children(v)) {
            const found = evalSteps([item], s.path);
            if (s.op === undefined ? found.length > 0 : found.some((f) => compare(f, s.op as string, s.value))) next.push(item);
          }
          break;
      }
    }
    cur = next;
  }
  return cur;
}

/** A double-quoted literal with Go's escapes (\n, \t, \", \\). */
function unquote(q: string): string {
  try {
    return JSON.parse(q) as string;
  } catch {
    throw new JsonPathError(`invalid literal ${q}`);
  }
}

function parseTemplate(template: string): Node[] {
  const root: Node[] = [];
  const stack: { nodes: Node[]; steps: Step[] | undefined }[] = [{ nodes: root, steps: undefined }];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf("{", i);
    const top = stack[stack.length - 1] as { nodes: Node[] };
    if (open < 0) {
      top.nodes.push({ t: "text", text: template.slice(i) });
      break;
    }
    if (open > i) top.nodes.push({ t: "text", text: template.slice(i, open) });
    let close = open + 1;
    let quote: string | undefined;
    for (; close < template.length; close++) {
      const c = template[close] as string;
      if (quote !== undefined) {
        if (c === "\\") close++;
        else if (c === quote) quote = undefined;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === "}") break;
    }
    if (close >= template.length) throw new JsonPathError(`unclosed action`);
    const action = template.slice(open + 1, close).trim();
    i = close + 1;
    if (/^".*"$/s.test(action)) {
      top.nodes.push({ t: "text", text: unquote(action) });
    } else if (/^'.*'$/s.test(action)) {
      top.nodes.push({ t: "text", text: action.slice(1, -1) });
    } else if (action.startsWith("range ")) {
      const body: Node[] = [];
      const steps = parsePath(action.slice(6).trim());
      stack.push({ nodes: body, steps });
      top.nodes.push({ t: "range", steps, body });
    } else if (action === "end") {
      if (stack.length === 1) throw new JsonPathError("not in range, nothing to end");
      stack.pop();
    } else {
      top.nodes.push({ t: "path", steps: parsePath(action) });
    }
  }
  if (stack.length > 1) throw new JsonPathError("unclosed range");
  return root;
}

function render(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === null || v === undefined) return "";
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function execute(nodes: readonly Node[], data: unknown): string {
  let out = "";
  for (const n of nodes) {
    if (n.t === "text") out += n.text;
    else if (n.t === "path") out += evalSteps([data], n.steps).map(render).join(" ");
    else for (const item of evalSteps([data], n.steps).flatMap((x) => (Array.isArray(x) ? x : [x]))) out += execute(n.body, item);
  }
  return out;
}

/** Evaluates a kubectl jsonpath template against a JSON value. */
export function jsonpath(template: string, data: unknown): string {
  return execute(parseTemplate(template), data);
}

/** The values one path selects (custom-columns): `.a.b`, `{.a.b}` or `a.b`. */
export function jsonpathValues(path: string, data: unknown): unknown[] {
  const inner = path.trim().replace(/^\{(.*)\}$/s, "$1").trim();
  return evalSteps([data], parsePath(inner.startsWith(".") || inner.startsWith("$") ? inner : `.${inner}`));
}
