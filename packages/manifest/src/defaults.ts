// API server defaulting (pkg/apis/core/v1/defaults.go, pkg/apis/apps/v1/defaults.go)
// plus the few values the registry strategies set on create (Service IP
// families, Namespace finalizers). Always works on a copy.
import type { Container, Namespace, Pod, PodSpec, Probe, Service, ServiceSpec, Endpoints } from "kubernetes-types/core/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import type { KubeObject } from "./kinds";
import { cloneJson } from "./safe";

export const DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS = 10800;
export const MAX_CLIENT_IP_SERVICE_AFFINITY_SECONDS = 86400;

/** Type LoadBalancer or NodePort, or ClusterIP with external IPs (pkg/api/service.ExternallyAccessible). */
export function isExternallyAccessible(spec: ServiceSpec | undefined): boolean {
  const type = spec?.type;
  return type === "LoadBalancer" || type === "NodePort" || (type === "ClusterIP" && (spec?.externalIPs?.length ?? 0) > 0);
}

/** LoadBalancer with externalTrafficPolicy Local gets a healthCheckNodePort (pkg/api/service.NeedsHealthCheck). */
export function needsHealthCheck(spec: ServiceSpec | undefined): boolean {
  return spec?.type === "LoadBalancer" && spec.externalTrafficPolicy === "Local";
}

function defaultService(svc: Service): void {
  const spec = (svc.spec ??= {});
  spec.type ||= "ClusterIP";
  spec.sessionAffinity ||= "None";
  if (spec.sessionAffinity === "None") delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === "ClientIP" && spec.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS } };
  }
  for (const p of spec.ports ?? []) {
    p.protocol ||= "TCP";
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === "") p.targetPort = p.port ?? 0;
  }
  if (isExternallyAccessible(spec)) spec.externalTrafficPolicy ||= "Cluster";
  if (spec.internalTrafficPolicy === undefined && ["ClusterIP", "NodePort", "LoadBalancer"].includes(spec.type)) {
    spec.internalTrafficPolicy = "Cluster";
  }
  if (spec.type === "LoadBalancer") spec.allocateLoadBalancerNodePorts ??= true;
  // The registry mirrors clusterIP into clusterIPs and fixes the IP family of a
  // single-stack IPv4 cluster; ExternalName services carry neither.
  if (spec.type !== "ExternalName") {
    if (spec.clusterIP !== undefined && spec.clusterIP !== "" && (spec.clusterIPs?.length ?? 0) === 0) spec.clusterIPs = [spec.clusterIP];
    if ((spec.clusterIP ?? "") === "" && spec.clusterIPs !== undefined && spec.clusterIPs.length > 0) spec.clusterIP = spec.clusterIPs[0];
    // Headless services without a selector default to RequireDualStack and,
    // unless SingleStack, list both families even on a single-stack cluster
    // (initIPFamilyFields' one exception: they get no ClusterIP to allocate).
    const headlessSelectorless = spec.clusterIP === "None" && Object.keys(spec.selector ?? {}).length === 0;
    spec.ipFamilyPolicy ||= headlessSelectorless ? "RequireDualStack" : "SingleStack";
    if ((spec.ipFamilies?.length ?? 0) === 0) spec.ipFamilies = [spec.clusterIP?.includes(":") === true ? "IPv6" : "IPv4"];
    const families = spec.ipFamilies ?? [];
    if (headlessSelectorless && spec.ipFamilyPolicy !== "SingleStack" && families.length === 1) {
      families.push(families[0] === "IPv4" ? "IPv6" : "IPv4");
    }
  }
}

/** Always for `:latest` or untagged images, IfNotPresent otherwise (SetDefaults_Container). */
export function defaultImagePullPolicy(image: string): "Always" | "IfNotPresent" {
  if (image.includes("@")) return "IfNotPresent";
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  const tag = colon < 0 ? "" : image.slice(colon + 1);
  return tag === "" || tag === "latest" ? "Always" : "IfNotPresent";
}

function defaultProbe(p: Probe | undefined): void {
  if (p === undefined) return;
  p.timeoutSeconds ||= 1;
  p.periodSeconds ||= 10;
  p.successThreshold ||= 1;
  p.failureThreshold ||= 3;
  if (p.httpGet !== undefined) {
    p.httpGet.path ||= "/";
    p.httpGet.scheme ||= "HTTP";
  }
}

function defaultContainer(c: Container, hostNetwork: boolean): void {
  c.imagePullPolicy ||= defaultImagePullPolicy(c.image ?? "");
  c.terminationMessagePath ||= "/dev/termination-log";
  c.terminationMessagePolicy ||= "File";
  c.resources ??= {};
  for (const p of c.ports ?? []) {
    p.protocol ||= "TCP";
    if (hostNetwork && (p.hostPort ?? 0) === 0) p.hostPort = p.containerPort;
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) defaultProbe(probe);
}

function defaultPodSpec(spec: PodSpec): void {
  // v1 conversion keeps the deprecated serviceAccount alias in step.
  if ((spec.serviceAccountName ?? "") === "" && (spec.serviceAccount ?? "") !== "") spec.serviceAccountName = spec.serviceAccount;
  if ((spec.serviceAccountName ?? "") !== "") spec.serviceAccount = spec.serviceAccountName;
  spec.dnsPolicy ||= "ClusterFirst";
  spec.restartPolicy ||= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.schedulerName ||= "default-scheduler";
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) defaultContainer(c, spec.hostNetwork === true);
}

function defaultPod(pod: Pod): void {
  const spec = (pod.spec ??= { containers: [] });
  spec.containers ??= [];
  defaultPodSpec(spec);
  spec.enableServiceLinks ??= true;
}

function defaultWorkload(obj: Deployment | ReplicaSet): void {
  const spec = (obj.spec ??= { selector: {}, template: {} });
  spec.replicas ??= 1;
  spec.template ??= {};
  const podSpec = (spec.template.spec ??= { containers: [] });
  podSpec.containers ??= [];
  defaultPodSpec(podSpec);
}

function defaultDeployment(d: Deployment): void {
  defaultWorkload(d);
  const spec = d.spec!;
  const strategy = (spec.strategy ??= {});
  strategy.type ||= "RollingUpdate";
  if (strategy.type === "RollingUpdate") {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= "25%";
    ru.maxSurge ??= "25%";
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
}

function defaultNamespace(ns: Namespace): void {
  ns.spec ??= {};
  ns.spec.finalizers ??= ["kubernetes"];
  ns.status ??= {};
  ns.status.phase ||= "Active";
}

function defaultEndpointSlice(es: EndpointSlice): void {
  for (const p of es.ports ?? []) {
    p.name ??= "";
    p.protocol ||= "TCP";
  }
}

function defaultEndpoints(ep: Endpoints): void {
  for (const s of ep.subsets ?? []) for (const p of s.ports ?? []) p.protocol ||= "TCP";
}

/** Returns a defaulted copy of a decoded object. */
export function applyDefaults<T extends KubeObject>(obj: T): T {
  const out = cloneJson(obj);
  switch (out.kind) {
    case "Service":
      defaultService(out as Service);
      break;
    case "Pod":
      defaultPod(out as Pod);
      break;
    case "Deployment":
      defaultDeployment(out as Deployment);
      break;
    case "ReplicaSet":
      defaultWorkload(out as ReplicaSet);
      break;
    case "Namespace":
      defaultNamespace(out as Namespace);
      break;
    case "EndpointSlice":
      defaultEndpointSlice(out as EndpointSlice);
      break;
    case "Endpoints":
      defaultEndpoints(out as Endpoints);
      break;
  }
  return out;
}

/** Sets metadata.namespace when absent, as the API server does from the request path. */
export function withNamespace<T extends KubeObject>(obj: T, namespace = "default"): T {
  const out = cloneJson(obj);
  if (out.kind === "Namespace") return out;
  out.metadata ??= {};
  out.metadata.namespace ||= namespace;
  return out;
}
