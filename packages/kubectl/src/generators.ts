/**
 * The objects kubectl's generators build (`create deployment`, `create
 * service`, `run`, `expose`) as the typed structs kubectl 1.32 fills in:
 * keys in Go field order, the zero values Go's encoder keeps
 * (`creationTimestamp: null`, `resources: {}`, `strategy: {}`, `status`),
 * and the client-side checks with kubectl's error texts.
 */
import { KubectlError, type KubeObject } from "@svclab/manifest";
import type { Pod, Service, ServicePort } from "kubernetes-types/core/v1";
import type { Deployment, ReplicaSet } from "kubernetes-types/apps/v1";
import { generateName, type IntSource } from "@svclab/apiserver";

type Obj = Record<string, unknown>;

/** ObjectMeta's fields a generator sets, in Go order (name, namespace, creationTimestamp, labels, annotations). */
function objectMeta(name: string, namespace: string | undefined, labels?: Record<string, string>, annotations?: Record<string, string>): Obj {
  return {
    name,
    ...(namespace === undefined ? {} : { namespace }),
    creationTimestamp: null,
    ...(labels === undefined || Object.keys(labels).length === 0 ? {} : { labels }),
    ...(annotations === undefined || Object.keys(annotations).length === 0 ? {} : { annotations }),
  };
}

// --- create deployment ------------------------------------------------------

export interface DeploymentParams {
  readonly name: string;
  /** Set when -n was given (kubectl's EnforceNamespace). */
  readonly namespace?: string;
  readonly images: readonly string[];
  readonly command: readonly string[];
  readonly port: number;
  readonly replicas: number;
}

/**
 * The container name kubectl derives from an image: the last path segment
 * without tag or digest; `_` and `.` become `-` plus a random 5-character
 * suffix (utilrand.String), so names stay DNS-1123 labels.
 */
export function containerNameFor(image: string, int: IntSource): string {
  let name = image.split("/").pop() as string;
  if (name.includes(":")) name = name.split(":")[0] as string;
  if (name.includes("@")) name = name.split("@")[0] as string;
  if (/[_.]/.test(name)) name = generateName(int, `${name.replace(/[_.]/g, "-")}-`);
  return name;
}

export function deploymentFor(p: DeploymentParams, int: IntSource): Obj {
  if (p.images.length > 1 && p.command.length > 0) throw new KubectlError(["error: cannot specify multiple --image options and command"]);
  const labels = { app: p.name };
  const containers = p.images.map((image, i) => ({
    name: containerNameFor(image, int),
    image,
    ...(p.command.length > 0 ? { command: [...p.command] } : {}),
    // --port goes on the first container only.
    ...(i === 0 && p.port >= 0 ? { ports: [{ containerPort: p.port }] } : {}),
    resources: {},
  }));
  return {
    kind: "Deployment",
    apiVersion: "apps/v1",
    metadata: objectMeta(p.name, p.namespace, labels),
    spec: {
      replicas: p.replicas,
      selector: { matchLabels: labels },
      template: { metadata: { creationTimestamp: null, labels }, spec: { containers } },
      strategy: {},
    },
    status: {},
  };
}

// --- create service ---------------------------------------------------------

export type CreatedServiceType = "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName";

export interface CreateServiceParams {
  readonly type: CreatedServiceType;
  readonly name: string;
  readonly namespace?: string;
  /** `--tcp` entries, `port[:targetPort]`. */
  readonly tcp: readonly string[];
  readonly clusterIP?: string;
  readonly nodePort: number;
  readonly externalName: string;
}

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** utilsnet.ParsePort: a decimal that fits 16 bits; 0 allowed. */
function parsePort(s: string): number {
  if (!/^\d+$/.test(s)) throw new KubectlError([`error: strconv.ParseUint: parsing ${JSON.stringify(s)}: invalid syntax`]);
  const n = Number(s);
  if (n > 65535) throw new KubectlError([`error: strconv.ParseUint: parsing ${JSON.stringify(s)}: value out of range`]);
  return n;
}

/** IsValidPortName's messages, joined as kubectl joins them. */
function portNameErrors(name: string): string[] {
  const errs: string[] = [];
  if (name.length > 15) errs.push("must be no more than 15 characters");
  if (!/^[-a-z0-9]+$/.test(name)) errs.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  if (/--/.test(name)) errs.push("must not contain consecutive hyphens");
  if (!/[a-z]/.test(name)) errs.push("must contain at least one letter (a-z)");
  if (name.startsWith("-") || name.endsWith("-")) errs.push("must not begin or end with a hyphen");
  return errs;
}

function tcpPort(spec: string, nodePort: number): ServicePort {
  const [portText, target] = spec.split(":") as [string, ...string[]];
  const port = parsePort(portText);
  let targetPort: number | string = port;
  if (target !== undefined) {
    if (/^[+-]?\d+$/.test(target)) {
      targetPort = Number(target);
      if (targetPort < 1 || targetPort > 65535) throw new KubectlError(["error: must be between 1 and 65535, inclusive"]);
    } else {
      const errs = portNameErrors(target);
      if (errs.length > 0) throw new KubectlError([`error: ${errs.join(",")}`]);
      targetPort = target;
    }
  }
  return { name: spec.replace(/:/g, "-"), protocol: "TCP", port, targetPort, ...(nodePort === 0 ? {} : { nodePort }) };
}

export function createdServiceFor(p: CreateServiceParams): Obj {
  if (p.clusterIP === "None" && p.type !== "ClusterIP") throw new KubectlError(["error: ClusterIP=None can only be used with ClusterIP service type"]);
  if (p.clusterIP !== "None" && p.tcp.length === 0 && p.type !== "ExternalName") throw new KubectlError(["error: at least one tcp port specifier must be provided"]);
  if (p.type === "ExternalName" && (p.externalName.length > 253 || !DNS1123_SUBDOMAIN.test(p.externalName))) {
    throw new KubectlError([`error: invalid service external name ${p.externalName}`]);
  }
  const ports = p.tcp.map((t) => tcpPort(t, p.nodePort));
  const labels = { app: p.name };
  return {
    kind: "Service",
    apiVersion: "v1",
    metadata: objectMeta(p.name, p.namespace, labels),
    spec: {
      ...(ports.length > 0 ? { ports } : {}),
      selector: { app: p.name },
      ...(p.clusterIP === undefined || p.clusterIP === "" ? {} : { clusterIP: p.clusterIP }),
      type: p.type,
      ...(p.externalName === "" ? {} : { externalName: p.externalName }),
    },
    status: { loadBalancer: {} },
  };
}

// --- run --------------------------------------------------------------------

export interface PodParams {
  readonly name: string;
  readonly namespace?: string;
  readonly image: string;
  readonly labels?: string;
  readonly annotations: readonly string[];
  readonly env: readonly string[];
  readonly port?: string;
  readonly argv: readonly string[];
  /** --command: argv is the container's command rather than its args. */
  readonly command: boolean;
  readonly restart: string;
  readonly imagePullPolicy?: string;
  readonly stdin: boolean;
  readonly tty: boolean;
}

/** generate.ParseLabels: `k=v,k2=v2`; only the shape is checked (the API server validates keys and values). */
export function parseLabels(spec: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const item of spec.split(",")) {
    const kv = item.split("=");
    if (kv.length !== 2) throw new KubectlError([`error: unexpected label spec: ${item}`]);
    const [k, v] = kv as [string, string];
    labels[k] = v;
  }
  return labels;
}

// distribution/reference's grammar: [domain/]path[:tag][@digest], lowercase path components.
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN = "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?)";
const IMAGE_REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?$`);

/** kubectl run's check of --image (reference.Parse), before anything else. */
export function checkImageReference(image: string): void {
  if (!IMAGE_REFERENCE.test(image)) throw new KubectlError([`error: Invalid image name ${JSON.stringify(image)}: invalid reference format`]);
}

/** `--annotations k=v` (each one whole: values may hold commas). */
function parseAnnotations(items: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const invalid = items.filter((item) => !item.includes("="));
  if (invalid.length > 0) throw new KubectlError([`error: invalid annotations format: ${invalid.join(", ")}`]);
  for (const item of items) {
    const eq = item.indexOf("=");
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function parseEnv(items: readonly string[]): { name: string; value: string }[] {
  return items.map((item) => {
    const eq = item.indexOf("=");
    const name = eq < 0 ? "" : item.slice(0, eq);
    if (name === "" || !ENV_NAME.test(name)) throw new KubectlError([`error: invalid env: ${item}`]);
    return { name, value: item.slice(eq + 1) };
  });
}

export function podLabels(p: Pick<PodParams, "name" | "labels">): Record<string, string> {
  return p.labels === undefined || p.labels === "" ? { run: p.name } : parseLabels(p.labels);
}

export function podFor(p: PodParams): Obj {
  // kubectl's order: env, then annotations, then labels.
  const env = parseEnv(p.env);
  const annotations = parseAnnotations(p.annotations);
  const labels = podLabels(p);
  let port: number | undefined;
  if (p.port !== undefined && p.port !== "") {
    if (!/^[+-]?\d+$/.test(p.port)) throw new KubectlError([`error: strconv.Atoi: parsing ${JSON.stringify(p.port)}: invalid syntax`]);
    port = Number(p.port);
  }
  const container: Obj = {
    name: p.name,
    image: p.image,
    ...(p.argv.length > 0 ? { [p.command ? "command" : "args"]: [...p.argv] } : {}),
    ...(port === undefined ? {} : { ports: [{ containerPort: port }] }),
    ...(env.length > 0 ? { env } : {}),
    resources: {},
    ...(p.imagePullPolicy === undefined || p.imagePullPolicy === "" ? {} : { imagePullPolicy: p.imagePullPolicy }),
    ...(p.stdin ? { stdin: true, stdinOnce: true } : {}),
    ...(p.tty ? { tty: true } : {}),
  };
  return {
    kind: "Pod",
    apiVersion: "v1",
    metadata: objectMeta(p.name, p.namespace, labels, annotations),
    spec: { containers: [container], restartPolicy: p.restart, dnsPolicy: "ClusterFirst" },
    status: {},
  };
}

// --- expose -----------------------------------------------------------------

export interface ExposeParams {
  readonly name?: string;
  readonly namespace?: string;
  readonly port?: string;
  readonly protocol?: string;
  readonly targetPort?: string;
  readonly type?: string;
  readonly selector?: string;
  readonly labels?: string;
  readonly externalIP?: string;
  readonly loadBalancerIP?: string;
  readonly sessionAffinity?: string;
  readonly clusterIP?: string;
  readonly portName?: string;
}

/** polymorphichelpers.MapBasedSelectorForObject, as a selector map. */
function selectorOf(obj: KubeObject): Record<string, string> {
  const fail = (why: string): never => {
    throw new KubectlError([`error: couldn't retrieve selectors via --selector flag or introspection: ${why}`]);
  };
  switch (obj.kind) {
    case "Pod": {
      const labels = obj.metadata?.labels ?? {};
      return Object.keys(labels).length > 0 ? { ...labels } : fail("the pod has no labels and cannot be exposed");
    }
    case "Service": {
      const sel = (obj as Service).spec?.selector ?? {};
      return Object.keys(sel).length > 0 ? { ...sel } : fail("the service has no pod selector set");
    }
    default: {
      const sel = (obj as Deployment | ReplicaSet).spec?.selector;
      if ((sel?.matchExpressions ?? []).length > 0) fail(`couldn't convert expressions - "matchExpressions" is not supported, only "matchLabels" is supported`);
      return { ...(sel?.matchLabels ?? {}) };
    }
  }
}

/** The (port, protocol) pairs kubectl introspects: container ports, or a Service's ports. */
function portsOf(obj: KubeObject): { port: number; protocol: string }[] {
  if (obj.kind === "Service") return ((obj as Service).spec?.ports ?? []).map((sp) => ({ port: sp.port, protocol: sp.protocol ?? "TCP" }));
  const spec = obj.kind === "Pod" ? (obj as Pod).spec : (obj as Deployment).spec?.template.spec;
  return (spec?.containers ?? []).flatMap((c) => (c.ports ?? []).map((cp) => ({ port: cp.containerPort, protocol: cp.protocol ?? "TCP" })));
}

const EXPOSABLE = ["Pod", "Service", "ReplicationController", "Deployment", "ReplicaSet"];

function intOrString(s: string): number | string {
  return /^[+-]?\d+$/.test(s) ? Number(s) : s;
}

/**
 * What `kubectl expose` reads from the object for the parameters the flags
 * left empty: the selector, the port numbers and the labels, in flag form.
 * kubectl keeps them for the next object of the same command, so `expose -f`
 * of several objects exposes later ones with the first one's ports.
 */
export function exposeIntrospect(obj: KubeObject, p: ExposeParams): ExposeParams {
  const group = obj.apiVersion?.includes("/") === true ? obj.apiVersion.split("/")[0] : "";
  if (!EXPOSABLE.includes(obj.kind ?? "")) throw new KubectlError([`error: cannot expose a ${obj.kind}${group === "" ? "" : `.${group}`}`]);
  const empty = (v: string | undefined): boolean => v === undefined || v === "";
  const flagForm = (m: Record<string, string>): string => Object.entries(m).map(([k, v]) => `${k}=${v}`).join(",");
  const out: { -readonly [K in keyof ExposeParams]: ExposeParams[K] } = { ...p };
  if (empty(p.selector)) out.selector = flagForm(selectorOf(obj));
  if (empty(p.port)) {
    const numbers = [...new Set(portsOf(obj).map((x) => x.port))];
    if (numbers.length === 0 && p.clusterIP !== "None") throw new KubectlError(["error: couldn't find port via --port flag or introspection"]);
    if (numbers.length > 0) out.port = numbers.join(",");
  }
  const labels = obj.metadata?.labels ?? {};
  if (empty(p.labels) && Object.keys(labels).length > 0) out.labels = flagForm(labels);
  return out;
}

/**
 * The Service `kubectl expose` generates for an object, from parameters
 * that exposeIntrospect completed: one port per number (`port-N` names when
 * there are several, `port-N-proto` when one number carries several of the
 * object's protocols), the same target port for all.
 */
export function exposedServiceFor(obj: KubeObject, p: ExposeParams): Obj {
  const selector = parseLabels(p.selector ?? "");
  const labels = p.labels === undefined || p.labels === "" ? undefined : parseLabels(p.labels);
  // The protocols each of this object's port numbers is exposed on.
  const found = new Map<number, string[]>();
  for (const { port, protocol } of portsOf(obj)) {
    const list = found.get(port) ?? [];
    if (!list.includes(protocol)) list.push(protocol);
    found.set(port, list);
  }
  const numbers = p.port === undefined || p.port === "" ? [] : p.port.split(",");
  const ports: ServicePort[] = [];
  numbers.forEach((text, i) => {
    if (!/^[+-]?\d+$/.test(text)) throw new KubectlError([`error: strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`]);
    const port = Number(text);
    const protocols = p.protocol !== undefined && p.protocol !== "" ? [p.protocol] : found.get(port) ?? ["TCP"];
    const base = numbers.length > 1 ? `port-${i + 1}` : p.portName ?? "";
    for (const protocol of protocols) {
      const name = protocols.length > 1 ? `${numbers.length > 1 ? base : `port-${i + 1}`}-${protocol.toLowerCase()}` : base;
      ports.push({ ...(name === "" ? {} : { name }), protocol, port });
    }
  });
  const target = p.targetPort === undefined || p.targetPort === "" ? undefined : intOrString(p.targetPort);
  const type = p.type ?? "";
  const affinity = p.sessionAffinity ?? "";
  if (affinity !== "" && affinity !== "None" && affinity !== "ClientIP") throw new KubectlError([`error: unknown session affinity: ${affinity}`]);
  const name = p.name ?? (obj.metadata?.name ?? "").slice(0, 63);
  const service = {
    kind: "Service",
    apiVersion: "v1",
    metadata: objectMeta(name, p.namespace, labels),
    spec: {
      ...(ports.length > 0 ? { ports: ports.map((sp) => ({ ...sp, targetPort: target ?? sp.port })) } : {}),
      ...(Object.keys(selector).length > 0 ? { selector } : {}),
      ...(p.clusterIP === undefined || p.clusterIP === "" ? {} : { clusterIP: p.clusterIP }),
      ...(type === "" ? {} : { type }),
      ...(p.externalIP === undefined || p.externalIP === "" ? {} : { externalIPs: [p.externalIP] }),
      ...(affinity === "" ? {} : { sessionAffinity: affinity }),
      ...(type === "LoadBalancer" && p.loadBalancerIP !== undefined && p.loadBalancerIP !== "" ? { loadBalancerIP: p.loadBalancerIP } : {}),
    },
    status: { loadBalancer: {} },
  };
  return service;
}

/** The Service `kubectl run --expose` creates beside the pod. */
export function runServiceFor(name: string, namespace: string | undefined, port: string, selector: Record<string, string>, labels?: Record<string, string>): Obj {
  return {
    kind: "Service",
    apiVersion: "v1",
    metadata: objectMeta(name, namespace, labels),
    spec: { ports: [{ protocol: "TCP", port: Number(port), targetPort: Number(port) }], selector },
    status: { loadBalancer: {} },
  };
}
