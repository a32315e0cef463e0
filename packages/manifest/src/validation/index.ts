// Per-kind dispatch of create and update validation.
import type { Container, Endpoints, Event, Namespace, Node, Pod, Service } from "kubernetes-types/core/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { KubeObject } from "../kinds";
import { jsonEqual } from "../safe";
import { validateDeployment, validateDeploymentUpdate, validateReplicaSet, validateReplicaSetUpdate } from "./apps";
import { fieldInvalid, fieldNotSupported, fieldRequired, type FieldError } from "./field";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta";
import { INVALID_CIDR_MSG, INVALID_IP_MSG, isCIDR, isIP, isValidPortNum, nameIsDNS1123Label, nameIsDNSSubdomain, parseIPv4 } from "./names";
import { validatePod, validatePodUpdate } from "./pod";
import { validateService, validateServiceUpdate } from "./service";

const ADDRESS_TYPES = ["FQDN", "IPv4", "IPv6"];

function validateEndpointSlice(es: EndpointSlice): FieldError[] {
  const errs = validateObjectMeta(es.metadata, true, nameIsDNSSubdomain);
  if ((es.addressType ?? "") === "") errs.push(fieldRequired("addressType"));
  else if (!ADDRESS_TYPES.includes(es.addressType)) errs.push(fieldNotSupported("addressType", es.addressType, ADDRESS_TYPES));
  (es.endpoints ?? []).forEach((ep, i) => {
    if ((ep.addresses ?? []).length === 0) errs.push(fieldRequired(`endpoints[${i}].addresses`, "must contain at least 1 address"));
    (ep.addresses ?? []).forEach((a, j) => {
      const f = `endpoints[${i}].addresses[${j}]`;
      if (es.addressType === "IPv4" && parseIPv4(a) === undefined) errs.push(fieldInvalid(f, a, "must be a valid IPv4 address"));
      if (es.addressType === "IPv6" && (parseIPv4(a) !== undefined || !isIP(a))) errs.push(fieldInvalid(f, a, "must be a valid IPv6 address"));
    });
  });
  (es.ports ?? []).forEach((p, i) => {
    if (p.port !== undefined) errs.push(...isValidPortNum(p.port).map((m) => fieldInvalid(`ports[${i}].port`, p.port, m)));
  });
  return errs;
}

function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, true, nameIsDNSSubdomain);
  (ep.subsets ?? []).forEach((s, i) => {
    for (const key of ["addresses", "notReadyAddresses"] as const) {
      (s[key] ?? []).forEach((a, j) => {
        if (!isIP(a.ip)) errs.push(fieldInvalid(`subsets[${i}].${key}[${j}].ip`, a.ip, INVALID_IP_MSG));
      });
    }
    (s.ports ?? []).forEach((p, j) => errs.push(...isValidPortNum(p.port).map((m) => fieldInvalid(`subsets[${i}].ports[${j}].port`, p.port, m))));
  });
  return errs;
}

/**
 * pkg/apis/core/validation/events.go (a core/v1 create): the event lives in
 * its object's namespace, or in default (or none) for cluster-scoped objects.
 */
function validateEvent(ev: Event): FieldError[] {
  const errs: FieldError[] = [];
  const ns = ev.metadata?.namespace ?? "";
  const involved = ev.involvedObject?.namespace ?? "";
  const mismatch = involved === "" ? ns !== "" && ns !== "default" : ns !== involved;
  if (mismatch) errs.push(fieldInvalid("involvedObject.namespace", involved, "does not match event.namespace"));
  errs.push(...validateObjectMeta(ev.metadata, true, nameIsDNSSubdomain));
  return errs;
}

function validateNode(node: Node): FieldError[] {
  const errs = validateObjectMeta(node.metadata, false, nameIsDNSSubdomain);
  (node.spec?.podCIDRs ?? []).forEach((c, i) => {
    if (!isCIDR(c)) errs.push(fieldInvalid(`spec.podCIDRs[${i}]`, c, INVALID_CIDR_MSG));
  });
  return errs;
}

/** Create-time validation, errors in the API server's order. */
export function validateObject(obj: KubeObject): FieldError[] {
  switch (obj.kind) {
    case "Service":
      return validateService(obj as Service);
    case "Pod":
      return validatePod(obj as Pod);
    case "Deployment":
      return validateDeployment(obj as Deployment);
    case "ReplicaSet":
      return validateReplicaSet(obj as ReplicaSet);
    case "Namespace":
      return validateObjectMeta((obj as Namespace).metadata, false, nameIsDNS1123Label);
    case "Node":
      return validateNode(obj as Node);
    case "EndpointSlice":
      return validateEndpointSlice(obj as EndpointSlice);
    case "Endpoints":
      return validateEndpoints(obj as Endpoints);
    case "Event":
      return validateEvent(obj as Event);
    default:
      return [];
  }
}

/** The pod spec with the fields a pod update may change blanked out. */
function podSpecSkeleton(pod: Pod): unknown {
  if (pod.spec === undefined) return undefined;
  const blankImage = (c: Container): Container => ({ ...c, image: "" });
  const spec: Record<string, unknown> = { ...pod.spec, containers: pod.spec.containers.map(blankImage) };
  if (pod.spec.initContainers !== undefined) spec.initContainers = pod.spec.initContainers.map(blankImage);
  delete spec.activeDeadlineSeconds;
  delete spec.tolerations;
  delete spec.terminationGracePeriodSeconds;
  return spec;
}

/** Update validation (old object as stored), errors in the API server's order. */
export function validateObjectUpdate(obj: KubeObject, old: KubeObject): FieldError[] {
  switch (obj.kind) {
    case "Service":
      return validateServiceUpdate(obj as Service, old as Service);
    case "Pod":
      return validatePodUpdate(obj as Pod, old as Pod, jsonEqual(podSpecSkeleton(obj as Pod), podSpecSkeleton(old as Pod)));
    case "Deployment":
      return validateDeploymentUpdate(obj as Deployment, old as Deployment);
    case "ReplicaSet":
      return validateReplicaSetUpdate(obj as ReplicaSet, old as ReplicaSet);
    default:
      return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validateObject(obj)];
  }
}
