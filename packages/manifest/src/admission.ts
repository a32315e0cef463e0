// The API server's create/update pipeline in one call, so the store does not
// re-implement its ordering: decode -> default -> strategy (PrepareForCreate /
// PrepareForUpdate) -> allocation hook -> validate.
import type { Pod, Service } from "kubernetes-types/core/v1";
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import { decodeManifest } from "./decode";
import { applyDefaults, isExternallyAccessible, needsHealthCheck } from "./defaults";
import { kindInfoOf, type KubeObject } from "./kinds";
import { cloneJson, jsonEqual } from "./safe";
import { invalidError } from "./status";
import { validateObject, validateObjectUpdate } from "./validation";
import type { ManifestDocument } from "./yaml";

export interface AdmitOptions {
  /** Namespace from the request (kubectl -n, or "default"); fills metadata.namespace when absent. */
  readonly namespace?: string;
  /** The -f source, for kubectl-side decoding errors. */
  readonly file?: string;
  /**
   * Runs after defaulting and before validation, like the Service registry's
   * cluster IP / node port allocation. It returns the object with allocated
   * values, or throws (e.g. `invalidError(kind, name, [nodePortAllocatedError(...)])`).
   */
  readonly allocate?: (obj: KubeObject, old: KubeObject | undefined) => KubeObject;
}

function setStatus(obj: KubeObject, status: unknown): void {
  const rec = obj as { status?: unknown };
  if (status === undefined) delete rec.status;
  else rec.status = status;
}

/** Status a freshly created object starts with (the strategies' PrepareForCreate). */
function initialStatus(obj: KubeObject): unknown {
  switch (obj.kind) {
    case "Service":
      return { loadBalancer: {} };
    case "Pod":
      return { phase: "Pending", qosClass: qosClass(obj as Pod) };
    case "Namespace":
      return { phase: "Active" };
    case "Deployment":
    case "ReplicaSet":
      return {};
    default:
      return (obj as { status?: unknown }).status;
  }
}

/** The pod's QoS class from its containers' requests and limits. */
export function qosClass(pod: Pod): "Guaranteed" | "Burstable" | "BestEffort" {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length + Object.keys(lim).length > 0) any = true;
    for (const r of ["cpu", "memory"]) {
      if (lim[r] === undefined || (req[r] !== undefined && req[r] !== lim[r])) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

/** Server-owned metadata fields are readonly in kubernetes-types; the server itself writes them. */
type Writable<T> = { -readonly [K in keyof T]: T[K] };
function writableMeta(obj: KubeObject): Writable<ObjectMeta> {
  return (obj.metadata ??= {}) as Writable<ObjectMeta>;
}

/** rest.BeforeCreate: namespaced objects take the request namespace, cluster-scoped ones lose any. */
function withRequestNamespace(obj: KubeObject, namespace: string): KubeObject {
  const meta = (obj.metadata ??= {});
  if (kindInfoOf(obj).namespaced) meta.namespace ||= namespace;
  else delete meta.namespace;
  return obj;
}

function assertValid(obj: KubeObject, errs: ReturnType<typeof validateObject>): KubeObject {
  if (errs.length > 0) throw invalidError(kindInfoOf(obj), obj.metadata?.name ?? "", errs);
  return obj;
}

const NOT_READY_TOLERATIONS = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
];

/**
 * The default admission plugins that touch a new Pod: ServiceAccount (the
 * `default` account), DefaultTolerationSeconds (300 s for not-ready and
 * unreachable nodes) and Priority (0, PreemptLowerPriority).
 */
function admitPod(pod: Pod): void {
  const spec = pod.spec;
  if (spec === undefined) return;
  spec.serviceAccountName ||= "default";
  spec.serviceAccount = spec.serviceAccountName;
  const tolerations = (spec.tolerations ??= []);
  for (const t of NOT_READY_TOLERATIONS) {
    const covered = tolerations.some((x) => (x.key === t.key || (x.key ?? "") === "") && (x.operator === "Exists" || x.operator === undefined) && ((x.effect ?? "") === "" || x.effect === t.effect));
    if (!covered) tolerations.push({ ...t });
  }
  spec.priority ??= 0;
  spec.preemptionPolicy ||= "PreemptLowerPriority";
}

/** Create pipeline for an already decoded object. */
export function admitDecodedCreate(decoded: KubeObject, opts: AdmitOptions = {}): KubeObject {
  let obj = withRequestNamespace(applyDefaults(decoded), opts.namespace ?? "default");
  if (obj.kind === "Pod") admitPod(obj as Pod);
  setStatus(obj, initialStatus(obj));
  if (obj.kind === "Deployment" || obj.kind === "ReplicaSet") writableMeta(obj).generation = 1;
  if (opts.allocate !== undefined) obj = opts.allocate(obj, undefined);
  return assertValid(obj, validateObject(obj));
}

/** kubectl create / first apply: raw manifest (or parsed document) -> stored object. */
export function admitCreate(input: ManifestDocument | unknown, opts: AdmitOptions = {}): KubeObject {
  const decoded = decodeManifest(input, opts.file === undefined ? {} : { file: opts.file });
  return admitDecodedCreate(decoded, opts);
}

/** Service PrepareForUpdate's patchAllocatedValues: unspecified allocated fields keep their old values. */
function keepAllocatedValues(svc: Service, old: Service): void {
  const n = (svc.spec ??= {});
  const o = old.spec ?? {};
  if (n.type !== "ExternalName" && o.type !== "ExternalName") {
    if ((n.clusterIP ?? "") === "" && (o.clusterIP ?? "") !== "") n.clusterIP = o.clusterIP;
    if ((n.clusterIPs ?? []).length === 0 && (o.clusterIPs ?? []).length > 0) n.clusterIPs = [...o.clusterIPs!];
  }
  const needsNodePort = (t: string | undefined): boolean => t === "NodePort" || t === "LoadBalancer";
  if (needsNodePort(n.type) && needsNodePort(o.type)) {
    const used = new Set((n.ports ?? []).map((p) => p.nodePort ?? 0).filter((p) => p !== 0));
    const byName = new Map((o.ports ?? []).map((p) => [p.name ?? "", p.nodePort ?? 0]));
    for (const p of n.ports ?? []) {
      const oldPort = byName.get(p.name ?? "") ?? 0;
      if ((p.nodePort ?? 0) === 0 && oldPort !== 0 && !used.has(oldPort)) p.nodePort = oldPort;
    }
  }
  if (needsHealthCheck(n) && needsHealthCheck(o) && (n.healthCheckNodePort ?? 0) === 0) n.healthCheckNodePort = o.healthCheckNodePort;
}

/**
 * Service PrepareForUpdate's dropTypeDependentFields: when the type change
 * makes an allocated or defaulted field meaningless and the user left it as
 * it was, it is wiped (so `type: ClusterIP` on a NodePort service succeeds).
 */
function dropTypeDependentFields(svc: Service, old: Service): void {
  const n = (svc.spec ??= {});
  const o = old.spec ?? {};
  const needsClusterIP = (t: string | undefined): boolean => t !== "ExternalName";
  const needsNodePort = (t: string | undefined): boolean => t === "NodePort" || t === "LoadBalancer";
  if (needsClusterIP(o.type) && !needsClusterIP(n.type)) {
    if ((n.clusterIP ?? "") === (o.clusterIP ?? "") && jsonEqual(n.clusterIPs ?? [], o.clusterIPs ?? [])) {
      delete n.clusterIP;
      delete n.clusterIPs;
    }
    if (jsonEqual(n.ipFamilies ?? [], o.ipFamilies ?? [])) delete n.ipFamilies;
    if (n.ipFamilyPolicy === o.ipFamilyPolicy) delete n.ipFamilyPolicy;
  }
  const oldNodePorts = new Set((o.ports ?? []).map((p) => p.nodePort ?? 0));
  if (needsNodePort(o.type) && !needsNodePort(n.type) && (n.ports ?? []).every((p) => (p.nodePort ?? 0) === 0 || oldNodePorts.has(p.nodePort!))) {
    for (const p of n.ports ?? []) delete p.nodePort;
  }
  if (needsHealthCheck(o) && !needsHealthCheck(n) && n.healthCheckNodePort === o.healthCheckNodePort) delete n.healthCheckNodePort;
  if (o.type === "LoadBalancer" && n.type !== "LoadBalancer") {
    if (n.allocateLoadBalancerNodePorts !== undefined && n.allocateLoadBalancerNodePorts === o.allocateLoadBalancerNodePorts) delete n.allocateLoadBalancerNodePorts;
    if (n.loadBalancerClass === o.loadBalancerClass) delete n.loadBalancerClass;
  }
  if (isExternallyAccessible(o) && !isExternallyAccessible(n) && n.externalTrafficPolicy === o.externalTrafficPolicy) delete n.externalTrafficPolicy;
  if (n.type !== "LoadBalancer" && svc.status !== undefined) setStatus(svc, { ...svc.status, loadBalancer: {} });
}

/** Update pipeline for an already decoded object. */
export function admitDecodedUpdate(decoded: KubeObject, old: KubeObject, opts: AdmitOptions = {}): KubeObject {
  let obj = withRequestNamespace(applyDefaults(decoded), old.metadata?.namespace || opts.namespace || "default");
  const meta = writableMeta(obj);
  const oldMeta = old.metadata ?? {};
  // ValidateObjectMetaUpdate repairs a missing uid/creationTimestamp from the stored object.
  if ((meta.uid ?? "") === "" && oldMeta.uid !== undefined) meta.uid = oldMeta.uid;
  if ((meta.creationTimestamp ?? "") === "" && oldMeta.creationTimestamp !== undefined) meta.creationTimestamp = oldMeta.creationTimestamp;
  if (oldMeta.generation !== undefined) meta.generation = oldMeta.generation;
  else delete meta.generation;
  setStatus(obj, cloneJson((old as { status?: unknown }).status));
  if (obj.kind === "Service") {
    keepAllocatedValues(obj as Service, old as Service);
    dropTypeDependentFields(obj as Service, old as Service);
  }
  if ((obj.kind === "Deployment" || obj.kind === "ReplicaSet") && !jsonEqual((obj as Deployment | ReplicaSet).spec, (old as Deployment | ReplicaSet).spec)) {
    meta.generation = (oldMeta.generation ?? 0) + 1;
  }
  if (opts.allocate !== undefined) obj = opts.allocate(obj, old);
  return assertValid(obj, validateObjectUpdate(obj, old));
}

/** kubectl replace / apply over an existing object: raw manifest -> updated object. */
export function admitUpdate(input: ManifestDocument | unknown, old: KubeObject, opts: AdmitOptions = {}): KubeObject {
  const decoded = decodeManifest(input, opts.file === undefined ? {} : { file: opts.file });
  return admitDecodedUpdate(decoded, old, opts);
}
