/**
 * `kubectl describe namespace` (describeNamespace in kubectl's describe.go):
 * its labels, annotations and phase. Quotas and limit ranges follow only
 * when a namespace has some, and the simulated cluster serves neither.
 */
import type { Namespace } from "kubernetes-types/core/v1";
import { PrefixWriter, printAnnotationsMultiline, printLabelsMultiline } from "./writer";

export function describeNamespace(ns: Namespace): string {
  const w = new PrefixWriter();
  w.write(0, `Name:\t${ns.metadata?.name ?? ""}\n`);
  printLabelsMultiline(w, "Labels", ns.metadata?.labels);
  printAnnotationsMultiline(w, "Annotations", ns.metadata?.annotations);
  w.write(0, `Status:\t${ns.status?.phase ?? ""}\n`);
  return w.render();
}
