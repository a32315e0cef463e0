/**
 * A list or watch request's selectors: `labelSelector` in apimachinery's
 * labels syntax and `fieldSelector` (fields.ParseSelector: `k=v`, `k==v`,
 * `k!=v`, comma-separated) over the fields each registry makes selectable
 * (its GetAttrs / field label conversion: metadata.name and
 * metadata.namespace everywhere, a few more per kind). Bad selectors are a
 * 400 with the server's text.
 */
import { badRequestError, matchesLabelSelector, type KindInfo } from "@svclab/manifest";
import { parseLabelSelector } from "../api/selector";
import type { StoredObject } from "../store/storage";

type Getter = (o: StoredObject) => string;

const str = (v: unknown): string => (v === undefined || v === null ? "" : String(v));
const at =
  (...path: string[]): Getter =>
  (o) => {
    let v: unknown = o;
    for (const p of path) v = (v as Record<string, unknown> | undefined)?.[p];
    return str(v);
  };

const COMMON: Record<string, Getter> = {
  "metadata.name": at("metadata", "name"),
  "metadata.namespace": at("metadata", "namespace"),
};

/** pkg/registry/*: the extra selectable fields of each kind. */
const BY_KIND: Record<string, Record<string, Getter>> = {
  Pod: {
    "spec.nodeName": at("spec", "nodeName"),
    "spec.restartPolicy": at("spec", "restartPolicy"),
    "spec.schedulerName": at("spec", "schedulerName"),
    "spec.serviceAccountName": at("spec", "serviceAccountName"),
    "spec.hostNetwork": (o) => str((o.spec as { hostNetwork?: boolean } | undefined)?.hostNetwork ?? false),
    "status.phase": at("status", "phase"),
    "status.podIP": at("status", "podIP"),
    "status.nominatedNodeName": at("status", "nominatedNodeName"),
  },
  Node: { "spec.unschedulable": (o) => str((o.spec as { unschedulable?: boolean } | undefined)?.unschedulable ?? false) },
  Namespace: { "status.phase": at("status", "phase") },
  Service: { "spec.clusterIP": at("spec", "clusterIP"), "spec.type": at("spec", "type") },
  ReplicaSet: { "status.replicas": at("status", "replicas") },
  // pkg/registry/core/event/strategy.go ToSelectableFields.
  Event: {
    "involvedObject.kind": at("involvedObject", "kind"),
    "involvedObject.namespace": at("involvedObject", "namespace"),
    "involvedObject.name": at("involvedObject", "name"),
    "involvedObject.uid": at("involvedObject", "uid"),
    "involvedObject.apiVersion": at("involvedObject", "apiVersion"),
    "involvedObject.resourceVersion": at("involvedObject", "resourceVersion"),
    "involvedObject.fieldPath": at("involvedObject", "fieldPath"),
    reason: at("reason"),
    reportingComponent: at("reportingComponent"),
    source: at("source", "component"),
    type: at("type"),
  },
};

interface FieldRequirement {
  readonly get: Getter;
  readonly value: string;
  readonly equal: boolean;
}

function parseFieldSelector(kind: KindInfo, text: string): FieldRequirement[] {
  const fields = { ...COMMON, ...BY_KIND[kind.kind] };
  const reqs: FieldRequirement[] = [];
  for (const part of text.split(",")) {
    if (part.trim() === "") continue;
    const m = /^([^=!]+)(!=|==|=)(.*)$/.exec(part);
    if (m === null) throw badRequestError(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = (m[1] as string).trim();
    const get = fields[field];
    if (get === undefined) throw badRequestError(`field label not supported: ${field}`);
    reqs.push({ get, value: (m[3] as string).trim(), equal: m[2] !== "!=" });
  }
  return reqs;
}

export type ObjectFilter = (o: StoredObject) => boolean;

/** The predicate of a request's selectors (everything when both are empty). */
export function selectionPredicate(kind: KindInfo, labelSelector: string | null, fieldSelector: string | null): ObjectFilter {
  let labels: ObjectFilter = () => true;
  if (labelSelector) {
    let sel: ReturnType<typeof parseLabelSelector>;
    try {
      sel = parseLabelSelector(labelSelector);
    } catch (e) {
      throw badRequestError((e as Error).message);
    }
    labels = (o) => matchesLabelSelector(sel, o.metadata?.labels ?? {});
  }
  const fields = fieldSelector ? parseFieldSelector(kind, fieldSelector) : [];
  return (o) => labels(o) && fields.every((r) => (r.get(o) === r.value) === r.equal);
}
