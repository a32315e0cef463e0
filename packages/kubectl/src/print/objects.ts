/**
 * What a writing command prints (create, run, expose, apply, label,
 * annotate, patch, scale): kubectl's PrintFlags with its dry-run strategy.
 * `-o name|json|yaml` print the object; without -o the success line, marked
 * `(dry run)` or `(server dry run)`. Objects kubectl built itself (the
 * generators' typed structs) print their JSON in Go field order; what the
 * server answered prints as unstructured maps, keys sorted. YAML always goes
 * through a map, so its keys are sorted either way.
 */
import { KubectlError, toJson, toYaml, type KindInfo, type KubeObject } from "@svclab/manifest";
import type { FlagSpec, ParsedArgs } from "../flags";
import { stringFlag } from "../flags";
import type { Output } from "../io";
import { qualifiedRef } from "../resources";

export type DryRun = "none" | "client" | "server";

export const PRINT_FLAGS: readonly FlagSpec[] = [
  { name: "output", short: "o", type: "string" },
  { name: "dry-run", type: "string" },
];

const FORMATS = "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml";

export interface Printer {
  readonly dryRun: DryRun;
  readonly output: "json" | "yaml" | "name" | undefined;
}

/** The printer and dry-run strategy of a command line, rejected as kubectl rejects them. */
export function printerFor(p: ParsedArgs): Printer {
  const dryRun = stringFlag(p, "dry-run") ?? "none";
  if (dryRun !== "none" && dryRun !== "client" && dryRun !== "server") {
    throw new KubectlError([`error: Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`]);
  }
  const o = stringFlag(p, "output");
  if (o !== undefined && o !== "" && o !== "json" && o !== "yaml" && o !== "name") {
    throw new KubectlError([`error: unable to match a printer suitable for the output format ${JSON.stringify(o)}, allowed formats are: ${FORMATS}`]);
  }
  return { dryRun, output: o === "" ? undefined : o };
}

/** Go's json.MarshalIndent of a typed struct: fields in declaration order, HTML-escaped. */
export function typedJson(obj: unknown): string {
  const text = JSON.stringify(obj, null, 4);
  return `${text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}\n`;
}

/** `created`, `exposed`, `labeled`..., with the dry-run mark kubectl appends. */
export function operationText(printer: Printer, operation: string): string {
  return printer.dryRun === "client" ? `${operation} (dry run)` : printer.dryRun === "server" ? `${operation} (server dry run)` : operation;
}

export interface PrintedObject {
  readonly kind: KindInfo;
  readonly object: KubeObject;
  /** Built by kubectl (a generator's struct) rather than decoded from the server's answer. */
  readonly typed: boolean;
}

/**
 * Prints one object. kubectl's YAML printer separates every object after the
 * first with `---`, so a second call on the same printer passes `index > 0`.
 */
export function printObject(out: Output, printer: Printer, o: PrintedObject, operation: string, index = 0): void {
  const name = o.object.metadata?.name ?? "";
  switch (printer.output) {
    case "name":
      out.out(qualifiedRef(o.kind, name));
      return;
    case "json":
      out.stdout += o.typed ? typedJson(o.object) : toJson(o.object);
      return;
    case "yaml":
      out.stdout += `${index > 0 ? "---\n" : ""}${toYaml(o.object)}`;
      return;
    default:
      out.out(`${qualifiedRef(o.kind, name)} ${operationText(printer, operation)}`);
  }
}
