/**
 * metav1.Table, what the server answers to `Accept:
 * application/json;as=Table;v=v1;g=meta.k8s.io` (kubectl get): the kind's
 * column definitions and one row per object, with the object as
 * PartialObjectMetadata (includeObject=Metadata, the default), whole
 * (Object) or left out (None).
 */
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import { printerFor, type TableCell, type TableColumnDefinition } from "./printers";

export type IncludeObject = "Metadata" | "Object" | "None";

export interface TableRow {
  readonly cells: readonly TableCell[];
  readonly object?: unknown;
}

export interface Table {
  readonly kind: "Table";
  readonly apiVersion: "meta.k8s.io/v1";
  readonly metadata: { readonly resourceVersion?: string; readonly continue?: string };
  readonly columnDefinitions: readonly TableColumnDefinition[];
  readonly rows: readonly TableRow[];
}

export interface TableOptions {
  /** The server's clock, for ages. */
  readonly now: Date;
  readonly includeObject?: IncludeObject;
  readonly resourceVersion?: string;
  /** A watch event's table carries no column definitions after the first (kubectl asks with `noHeaders`). */
  readonly noHeaders?: boolean;
}

/** True when the kind has a table printer (every kind this server serves). */
export function hasTablePrinter(kind: string): boolean {
  return printerFor(kind) !== undefined;
}

function rowObject(obj: { apiVersion?: string; kind?: string; metadata?: ObjectMeta }, include: IncludeObject): unknown {
  if (include === "None") return undefined;
  if (include === "Object") return obj;
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata ?? {} };
}

/** The Table of objects of one kind. */
export function buildTable(kind: string, objects: readonly { metadata?: ObjectMeta }[], opts: TableOptions): Table {
  const printer = printerFor(kind);
  if (printer === undefined) throw new Error(`no table printer for ${kind}`);
  const include = opts.includeObject ?? "Metadata";
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: opts.resourceVersion === undefined ? {} : { resourceVersion: opts.resourceVersion },
    columnDefinitions: opts.noHeaders ? [] : printer.columns,
    rows: objects.map((o) => {
      const object = rowObject(o, include);
      return object === undefined ? { cells: printer.cells(o as never, opts.now) } : { cells: printer.cells(o as never, opts.now), object };
    }),
  };
}
