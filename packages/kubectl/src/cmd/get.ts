/**
 * `kubectl get`: the server's Tables (with -o wide, --show-labels, -A,
 * --no-headers, `type/name` prefixes when several kinds are asked for),
 * -o name, json, yaml, jsonpath and custom-columns from the objects, `-l`
 * selectors, and kubectl's "No resources found" notice on stderr.
 */
import { KubectlError, StatusError, renderKubectlError, toJson, toYaml, type KindInfo, type KubeObject } from "@svclab/manifest";
import type { KubectlCommand } from "../command";
import { boolFlag, stringFlag } from "../flags";
import { JsonPathError, JsonPathExecutionError, jsonpath, jsonpathValues } from "../print/jsonpath";
import type { Table } from "@svclab/apiserver";
import { customColumns, renderTable, tableRows } from "../print/table";
import { parseResourceArgs, qualifiedRef } from "../resources";

const OUTPUT_FORMATS =
  "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

type Format =
  | { readonly t: "table"; readonly wide: boolean }
  | { readonly t: "name" | "json" | "yaml" }
  | { readonly t: "jsonpath"; readonly template: string }
  | { readonly t: "custom-columns"; readonly spec: string };

function parseOutput(o: string | undefined): Format {
  if (o === undefined || o === "") return { t: "table", wide: false };
  if (o === "wide") return { t: "table", wide: true };
  if (o === "name" || o === "json" || o === "yaml") return { t: o };
  const jp = /^jsonpath=(.*)$/s.exec(o);
  if (jp !== null) return { t: "jsonpath", template: jp[1] as string };
  const cc = /^custom-columns=(.+)$/s.exec(o);
  if (cc !== null) return { t: "custom-columns", spec: cc[1] as string };
  throw new KubectlError([`error: unable to match a printer suitable for the output format ${JSON.stringify(o)}, allowed formats are: ${OUTPUT_FORMATS}`]);
}

const REQUIRED = [
  'You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.',
  "",
  "error: Required resource not specified.",
  'Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).',
  "See 'kubectl get -h' for help and examples",
];

interface Found {
  readonly kind: KindInfo;
  /** The object (for table output, its metadata only). */
  readonly obj: KubeObject;
  /** For table output: the server's Table of this one object. */
  readonly table?: Table;
}

/** Tables of one kind, in request order, as one table (the first one's columns). */
function mergeTables(tables: readonly Table[]): Table {
  const [first] = tables as [Table];
  return { ...first, rows: tables.flatMap((t) => t.rows) };
}

/** resource.EnhanceListError: a list's BadRequest or NotFound says what was listed, and with which selectors. */
function enhanceListError(e: StatusError, kind: KindInfo, opts: { labelSelector?: string; fieldSelector?: string }): StatusError {
  if (e.reason !== "BadRequest" && e.reason !== "NotFound") return e;
  const gvr = `${kind.group}/${kind.version}, Resource=${kind.resource}`;
  const message =
    opts.labelSelector === undefined && opts.fieldSelector === undefined
      ? `Unable to list "${gvr}": ${e.status.message}`
      : `Unable to find "${gvr}" that match label selector "${opts.labelSelector ?? ""}", field selector "${opts.fieldSelector ?? ""}": ${e.status.message}`;
  return new StatusError({ ...e.status, message });
}

/**
 * --sort-by (kubectl's sorter.go): rows in ascending order of the field the
 * JSONPath selects, numbers as numbers and everything else as text (RFC 3339
 * instants sort as text); objects without the field come first.
 */
function sortFound(found: Found[], expr: string): void {
  let path = expr.trim();
  if (!path.startsWith("{")) path = `{${path.startsWith(".") ? "" : "."}${path}}`;
  const keyOf = (f: Found): unknown => {
    try {
      return jsonpathValues(path, f.obj)[0];
    } catch {
      throw new KubectlError([`error: couldn't parse jsonpath ${path}`]);
    }
  };
  const keyed = found.map((f) => ({ f, k: keyOf(f) }));
  const rank = (v: unknown): number => (v === undefined || v === null ? 0 : 1);
  keyed.sort((a, b) => {
    if (rank(a.k) !== rank(b.k)) return rank(a.k) - rank(b.k);
    if (typeof a.k === "number" && typeof b.k === "number") return a.k - b.k;
    const x = String(a.k ?? "");
    const y = String(b.k ?? "");
    return x < y ? -1 : x > y ? 1 : 0;
  });
  keyed.forEach((e, i) => (found[i] = e.f));
}

export const get: KubectlCommand = {
  name: "get",
  flags: [
    { name: "output", short: "o", type: "string" },
    { name: "selector", short: "l", type: "string" },
    { name: "field-selector", type: "string" },
    { name: "sort-by", type: "string" },
    { name: "all-namespaces", short: "A", type: "bool" },
    { name: "show-labels", type: "bool" },
    { name: "no-headers", type: "bool" },
  ],
  async run(p, ctx) {
    const format = parseOutput(stringFlag(p, "output"));
    const refs = parseResourceArgs(p.args);
    if (refs.length === 0) throw new KubectlError(REQUIRED);
    const allNamespaces = boolFlag(p, "all-namespaces");
    const selector = stringFlag(p, "selector");
    const fieldSelector = stringFlag(p, "field-selector");
    const sortBy = stringFlag(p, "sort-by");
    const client = ctx.client;
    const found: Found[] = [];
    const errors: unknown[] = [];
    const asTable = format.t === "table";
    for (const ref of refs) {
      const ns = ref.kind.namespaced ? ctx.namespace : "";
      const opts = { namespace: ns, allNamespaces: allNamespaces || !ref.kind.namespaced, ...(selector === undefined ? {} : { labelSelector: selector }), ...(fieldSelector === undefined ? {} : { fieldSelector }) };
      try {
        if (asTable) {
          // Sorting needs the whole objects in the rows (kubectl asks includeObject=Object).
          const table = await client.table(ref.kind, ref.name, sortBy === undefined ? opts : { ...opts, includeObject: "Object" });
          found.push(...table.rows.map((row) => ({ kind: ref.kind, obj: row.object as KubeObject, table: { ...table, rows: [row] } })));
        } else if (ref.name !== undefined) {
          found.push({ kind: ref.kind, obj: await client.get<KubeObject>(ref.kind, ref.name, { namespace: ns }) });
        } else {
          found.push(...(await client.list<KubeObject>(ref.kind, opts)).map((obj) => ({ kind: ref.kind, obj })));
        }
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
        if (ref.name === undefined) throw enhanceListError(e, ref.kind, opts);
        errors.push(e);
      }
    }
    if (sortBy !== undefined) sortFound(found, sortBy);
    const singleItem = refs.length === 1 && refs[0]?.name !== undefined;
    const objs = found.map((f) => f.obj);
    const out = ctx.out;
    switch (format.t) {
      case "name":
        for (const f of found) out.out(qualifiedRef(f.kind, f.obj.metadata?.name ?? ""));
        break;
      case "json":
      case "yaml":
        if (objs.length > 0 || errors.length === 0) {
          const data = singleItem && objs.length === 1 ? (objs[0] as KubeObject) : objs;
          out.stdout += format.t === "json" ? toJson(data) : toYaml(data);
        }
        break;
      case "jsonpath": {
        const data = singleItem && objs.length === 1 ? objs[0] : { apiVersion: "v1", items: objs, kind: "List", metadata: { resourceVersion: "" } };
        try {
          out.stdout += jsonpath(format.template, data);
        } catch (e) {
          if (e instanceof JsonPathError) throw new KubectlError([`error: error parsing jsonpath ${format.template}, ${e.message}`]);
          if (e instanceof JsonPathExecutionError) {
            throw new KubectlError([
              `error: error executing jsonpath ${JSON.stringify(format.template)}: Error executing template: ${e.message}. Printing more information for debugging the template:`,
              "\ttemplate was:",
              `\t\t${format.template}`,
            ]);
          }
          throw e;
        }
        break;
      }
      case "custom-columns":
        out.stdout += customColumns(format.spec, objs, boolFlag(p, "no-headers"));
        break;
      case "table": {
        const kinds = [...new Set(found.map((f) => f.kind))];
        const prefixed = new Set(refs.map((r) => r.kind)).size > 1;
        const tables: string[] = [];
        for (const kind of kinds) {
          const group = found.filter((f) => f.kind === kind).map((f) => f.table as Table);
          const rows = tableRows(mergeTables(group), {
            wide: format.wide,
            showLabels: boolFlag(p, "show-labels"),
            withNamespace: allNamespaces && kind.namespaced,
            noHeaders: boolFlag(p, "no-headers"),
          });
          if (prefixed) {
            const nameCol = allNamespaces && kind.namespaced ? 1 : 0;
            rows.forEach((r, i) => {
              if (i > 0 || boolFlag(p, "no-headers")) r[nameCol] = qualifiedRef(kind, r[nameCol] ?? "");
            });
          }
          tables.push(renderTable(rows));
        }
        out.stdout += tables.join("\n");
        if (found.length === 0 && errors.length === 0) {
          out.err(allNamespaces || refs.every((r) => !r.kind.namespaced) ? "No resources found" : `No resources found in ${ctx.namespace} namespace.`);
        }
      }
    }
    for (const e of errors) out.fail(renderKubectlError(e));
  },
};
