/**
 * Discovery and the documents clients fetch before anything else: the
 * legacy form (`/api` APIVersions, `/apis` APIGroupList, `/api/v1` and
 * `/apis/{g}/{v}` APIResourceList), the aggregated form (apidiscovery v2
 * APIGroupDiscoveryList, what kubectl 1.32 asks for first), `/openapi/v3`
 * with one document per group-version (enough for kubectl apply/patch: each
 * path's GVK and the fieldValidation parameter that makes kubectl validate
 * on the server), and `/version`.
 */
import { createHash } from "node:crypto";
import type { KindInfo } from "@svclab/manifest";
import { SERVED_KINDS } from "../api/kinds";
import { REVIEW_KINDS, REVIEW_VERBS } from "./authorization";

const isReview = (k: KindInfo): boolean => REVIEW_KINDS.includes(k);
const verbsOf = (k: KindInfo): readonly string[] => (isReview(k) ? REVIEW_VERBS : VERBS);

/** The release the server reports; the installed kubectl dispatcher picks its client version from the minor. */
export const SERVER_VERSION = {
  major: "1",
  minor: "32",
  gitVersion: "v1.32.4",
  gitCommit: "59526cd4867447956156ae3a602fcbac10a2c335",
  gitTreeState: "clean",
  buildDate: "2025-04-22T16:02:27Z",
  goVersion: "go1.23.6",
  compiler: "gc",
  platform: "linux/amd64",
} as const;

export const AGGREGATED_DISCOVERY = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/** kubectl's `all` category (`kubectl get all`). */
const IN_ALL = new Set(["Pod", "Service", "Deployment", "ReplicaSet"]);
const categories = (k: KindInfo) => (IN_ALL.has(k.kind) ? { categories: ["all"] } : {});

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

interface Subresource {
  readonly name: string;
  readonly kind: { group: string; version: string; kind: string };
  readonly verbs: readonly string[];
}

/** The subresources a kind serves, as discovery lists them. */
export function subresourcesOf(kind: KindInfo): Subresource[] {
  if (isReview(kind)) return [];
  const own = { group: kind.group, version: kind.version, kind: kind.kind };
  const subs: Subresource[] = [];
  if (kind.kind !== "Endpoints" && kind.kind !== "EndpointSlice") subs.push({ name: "status", kind: own, verbs: ["get", "patch", "update"] });
  if (kind.kind === "Deployment" || kind.kind === "ReplicaSet") subs.push({ name: "scale", kind: { group: "autoscaling", version: "v1", kind: "Scale" }, verbs: ["get", "patch", "update"] });
  if (kind.kind === "Pod") {
    subs.push({ name: "binding", kind: { group: "", version: "v1", kind: "Binding" }, verbs: ["create"] });
    subs.push({ name: "attach", kind: { group: "", version: "v1", kind: "PodAttachOptions" }, verbs: ["create", "get"] });
    subs.push({ name: "exec", kind: { group: "", version: "v1", kind: "PodExecOptions" }, verbs: ["create", "get"] });
    subs.push({ name: "log", kind: { group: "", version: "v1", kind: "Pod" }, verbs: ["get"] });
  }
  return subs;
}

function groupVersions(): { group: string; version: string; kinds: KindInfo[] }[] {
  const out: { group: string; version: string; kinds: KindInfo[] }[] = [];
  for (const k of [...SERVED_KINDS, ...REVIEW_KINDS]) {
    let gv = out.find((g) => g.group === k.group && g.version === k.version);
    if (gv === undefined) out.push((gv = { group: k.group, version: k.version, kinds: [] }));
    gv.kinds.push(k);
  }
  return out;
}

/** `/api` (legacy): the core group's versions. */
export function apiVersions(): unknown {
  return { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: "" }] };
}

function apiGroup(group: string): unknown {
  const versions = groupVersions()
    .filter((g) => g.group === group)
    .map((g) => ({ groupVersion: `${g.group}/${g.version}`, version: g.version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

/** `/apis` (legacy): every named group. */
export function apiGroupList(): unknown {
  const groups = [...new Set(groupVersions().filter((g) => g.group !== "").map((g) => g.group))];
  return { kind: "APIGroupList", apiVersion: "v1", groups: groups.map(apiGroup) };
}

/** `/apis/{group}`: one group, or undefined when it is not served. */
export function apiGroupDocument(group: string): unknown {
  if (group === "" || !groupVersions().some((g) => g.group === group)) return undefined;
  return { kind: "APIGroup", apiVersion: "v1", ...(apiGroup(group) as object) };
}

/** `/api/v1`, `/apis/{group}/{version}`: the resources of a group-version, subresources included. */
export function apiResourceList(group: string, version: string): unknown {
  const gv = groupVersions().find((g) => g.group === group && g.version === version);
  if (gv === undefined) return undefined;
  const resources: unknown[] = [];
  for (const k of gv.kinds) {
    resources.push({
      name: k.resource,
      singularName: k.singular,
      namespaced: k.namespaced,
      kind: k.kind,
      verbs: verbsOf(k),
      ...(k.shortNames.length > 0 ? { shortNames: k.shortNames } : {}),
      ...categories(k),
    });
    for (const s of subresourcesOf(k)) {
      resources.push({ name: `${k.resource}/${s.name}`, singularName: "", namespaced: k.namespaced, ...(s.kind.group !== k.group ? { group: s.kind.group, version: s.kind.version } : {}), kind: s.kind.kind, verbs: s.verbs });
    }
  }
  return { kind: "APIResourceList", apiVersion: "v1", groupVersion: group === "" ? version : `${group}/${version}`, resources };
}

/** The aggregated discovery document of `/api` (core = true) or `/apis`. */
export function aggregatedDiscovery(core: boolean): unknown {
  const groups = new Map<string, { group: string; version: string; kinds: KindInfo[] }[]>();
  for (const gv of groupVersions()) {
    if ((gv.group === "") !== core) continue;
    groups.set(gv.group, [...(groups.get(gv.group) ?? []), gv]);
  }
  const items = [...groups].map(([group, gvs]) => ({
    metadata: { name: group, creationTimestamp: null },
    versions: gvs.map((gv) => ({
      version: gv.version,
      resources: gv.kinds.map((k) => ({
        resource: k.resource,
        responseKind: { group: k.group, version: k.version, kind: k.kind },
        scope: k.namespaced ? "Namespaced" : "Cluster",
        singularResource: k.singular,
        verbs: verbsOf(k),
        ...(k.shortNames.length > 0 ? { shortNames: k.shortNames } : {}),
        ...categories(k),
        subresources: subresourcesOf(k).map((s) => ({ subresource: s.name, responseKind: s.kind, verbs: s.verbs })),
      })),
      freshness: "Current",
    })),
  }));
  return { kind: "APIGroupDiscoveryList", apiVersion: "apidiscovery.k8s.io/v2", metadata: {}, items };
}

const QUERY_PARAMETERS = ["dryRun", "fieldManager", "fieldValidation", "pretty"].map((name) => ({ name, in: "query", schema: { type: "string", uniqueItems: true } }));

/** One group-version's OpenAPI v3 document, with the operations kubectl looks at. */
function openApiDocument(group: string, version: string, kinds: readonly KindInfo[]): unknown {
  const paths: Record<string, unknown> = {};
  const prefix = group === "" ? `/api/${version}` : `/apis/${group}/${version}`;
  for (const k of kinds.filter((kind) => !isReview(kind))) {
    const gvk = { group: k.group, version: k.version, kind: k.kind };
    const base = k.namespaced ? `${prefix}/namespaces/{namespace}/${k.resource}` : `${prefix}/${k.resource}`;
    const op = (action: string, parameters: unknown[] = []) => ({ "x-kubernetes-action": action, "x-kubernetes-group-version-kind": gvk, parameters, responses: {} });
    paths[base] = { get: op("list"), post: op("post", QUERY_PARAMETERS) };
    paths[`${base}/{name}`] = { get: op("get"), put: op("put", QUERY_PARAMETERS), patch: op("patch", [...QUERY_PARAMETERS, { name: "force", in: "query", schema: { type: "boolean" } }]), delete: op("delete") };
  }
  return { openapi: "3.0.0", info: { title: "Kubernetes", version: SERVER_VERSION.gitVersion }, paths, components: { schemas: {} } };
}

/** The OpenAPI v3 documents by path (`api/v1`, `apis/apps/v1`), each with its content hash. */
export class OpenApiV3 {
  private readonly docs = new Map<string, { text: string; hash: string }>();

  constructor() {
    for (const gv of groupVersions()) {
      const key = gv.group === "" ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
      const text = JSON.stringify(openApiDocument(gv.group, gv.version, gv.kinds));
      this.docs.set(key, { text, hash: createHash("sha512").update(text).digest("hex").slice(0, 128).toUpperCase() });
    }
  }

  /** `/openapi/v3`: where each group-version's document is. */
  index(): unknown {
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const [key, d] of this.docs) paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${d.hash}` };
    return { paths };
  }

  /** The document at `/openapi/v3/{key}`, as JSON text. */
  document(key: string): string | undefined {
    return this.docs.get(key)?.text;
  }
}
