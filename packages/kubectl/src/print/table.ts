/**
 * `kubectl get` tables as kubectl prints the server's metav1.Table: the
 * columns of priority 0 (all of them with `-o wide`), upper-cased, a
 * NAMESPACE column first with `-A` and LABELS last with `--show-labels`
 * (both from each row's object metadata), laid out by kubectl's tab writer
 * (minimum width 6, padding 3). `-o custom-columns` is kubectl's own.
 */
import { formatLabels, type Table } from "@svclab/apiserver";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { jsonpathValues } from "./jsonpath";
import { tabwrite } from "./tabwriter";

export interface TableOptions {
  readonly wide?: boolean;
  readonly showLabels?: boolean;
  /** `-A`: a NAMESPACE column first. */
  readonly withNamespace?: boolean;
  readonly noHeaders?: boolean;
}

/** The rows (header first unless noHeaders) kubectl prints for one Table. */
export function tableRows(table: Table, opts: TableOptions): string[][] {
  const wide = opts.wide ?? false;
  const shown = table.columnDefinitions.map((c, i) => ({ c, i })).filter(({ c }) => wide || c.priority === 0);
  const rows: string[][] = [];
  if (!opts.noHeaders) {
    rows.push([...(opts.withNamespace ? ["NAMESPACE"] : []), ...shown.map(({ c }) => c.name.toUpperCase()), ...(opts.showLabels ? ["LABELS"] : [])]);
  }
  for (const r of table.rows) {
    const meta = ((r.object ?? {}) as { metadata?: ObjectMeta }).metadata;
    rows.push([
      ...(opts.withNamespace ? [meta?.namespace ?? ""] : []),
      ...shown.map(({ i }) => String(r.cells[i] ?? "")),
      ...(opts.showLabels ? [formatLabels(meta?.labels)] : []),
    ]);
  }
  return rows;
}

/** kubectl's tab writer for tables (printers.GetNewTabWriter). */
export function renderTable(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return "";
  return tabwrite(rows.map((r) => r.join("\t")).join("\n") + "\n", { minwidth: 6, padding: 3 });
}

/** Go's %v of a value decoded from JSON: `[a b]`, `map[k:v]` with sorted keys. */
export function goValue(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goValue).join(" ")}]`;
  if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o)
      .sort()
      .map((k) => `${k}:${goValue(o[k])}`)
      .join(" ")}]`;
  }
  return v === null || v === undefined ? "<nil>" : String(v);
}

/** `-o custom-columns=HEADER:.path,...`: every cell tab-terminated, so the last column is padded too. */
export function customColumns(spec: string, objects: readonly unknown[], noHeaders: boolean): string {
  const columns = spec.split(",").map((c) => {
    const colon = c.indexOf(":");
    if (colon <= 0) throw new Error(`unexpected custom-columns spec: ${c}, expected <header>:<json-path-expr>`);
    return { header: c.slice(0, colon), path: c.slice(colon + 1) };
  });
  const rows = objects.map((o) =>
    columns.map((c) => {
      const values = jsonpathValues(c.path, o);
      return values.length === 0 ? "<none>" : values.map(goValue).join(",");
    }),
  );
  if (!noHeaders) rows.unshift(columns.map((c) => c.header));
  return tabwrite(rows.map((r) => `${r.join("\t")}\t\n`).join(""), { minwidth: 6, padding: 3 });
}
