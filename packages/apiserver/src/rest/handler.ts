/**
 * The API server's REST front (apiserver/pkg/endpoints): Kubernetes paths
 * and verbs over the store and registries, with Kubernetes' JSON bodies and
 * Status errors. GET (one object, a list with its resourceVersion, or a
 * watch), POST, PUT, PATCH (JSON, merge, strategic merge and server-side
 * apply) and DELETE; label and field selectors; dryRun, fieldManager and
 * fieldValidation; the status, scale and binding subresources; pods/exec
 * and pods/log through the kubelet's NodeConnection; server-side Tables;
 * discovery, OpenAPI v3 and /version. Authentication is the transport's.
 */
import {
  KubectlError,
  StatusError,
  badRequestError,
  conflictError,
  createThreeWayMergePatch,
  fieldInvalid,
  fieldRequired,
  invalidError,
  jsonPatch,
  mergePatch,
  parseManifests,
  strategicMergePatch,
  type KindInfo,
  type PatchType,
} from "@svclab/manifest";
import type { Pod } from "kubernetes-types/core/v1";
import type { ApiServer } from "../api/server";
import { containerNotFoundError, internalError, methodNotAllowedError, resourceNotFoundError } from "../api/errors";
import { KINDS, SERVED_KINDS } from "../api/kinds";
import { formatSelector } from "../printers/format";
import { buildTable, type IncludeObject } from "../printers/table";
import type { StoredObject } from "../store/storage";
import type { RestBody, RestExec, RestHandler, RestRequest, RestResponse, RestStream } from "./types";
import { parseResourcePath, type ResourceRequest } from "./request-info";
import { selectionPredicate } from "./selectors";
import { WatchCache, type WireEvent } from "./watch-cache";
import { AGGREGATED_DISCOVERY, OpenApiV3, SERVER_VERSION, aggregatedDiscovery, apiGroupDocument, apiGroupList, apiResourceList, apiVersions, subresourcesOf } from "./discovery";
import { bodyFormat, negotiate, patchType, requiresProtobuf, tooLarge, writeParams, type WriteParams } from "./http-errors";
import { encodeProtobufBody } from "../protobuf/encode";
import type { NodeConnection } from "./kubelet";
import { SELF_SUBJECT_ACCESS_REVIEW, SELF_SUBJECT_RULES_REVIEW, selfSubjectAccessReview, selfSubjectRulesReview } from "./authorization";
import { decodeProtobufBody, ProtobufDecodeError } from "../protobuf/decode";

/** Timers on the server's clock (watch timeouts). */
export interface Timers {
  after(seconds: number, run: () => void): { cancel(): void };
}

export interface RestServerOptions {
  /** The server's wall clock: Table ages. */
  readonly now: () => Date;
  /** The kubelets, for pods/exec and pods/log. */
  readonly kubelet?: NodeConnection;
  /** For `timeoutSeconds` of watches; without timers watches last until the client goes. */
  readonly timers?: Timers;
  /** Events kept per resource for watches from a resourceVersion (default 1000). */
  readonly watchHistory?: number;
}

type Obj = StoredObject;
type Json = Record<string, unknown>;

const JSON_TYPE = "application/json";

function json(status: number, value: unknown, headers: Readonly<Record<string, string>> = {}): RestBody {
  return { kind: "body", status, headers: { "content-type": JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

function plain(status: number, text: string): RestBody {
  return { kind: "body", status, headers: { "content-type": "text/plain; charset=utf-8" }, body: text };
}

const NOT_FOUND_PAGE = (): RestBody => plain(404, "404 page not found\n");

/** Warnings travel as `Warning: 299 - "text"` headers. */
function warningHeaders(warnings: readonly string[]): Record<string, string> {
  return warnings.length === 0 ? {} : { warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(", ") };
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** encoding/json's syntax error as the server words it, as far as JSON.parse says where it failed. */
function jsonSyntaxError(text: string, e: unknown): string {
  const at = /position (\d+)/.exec(String((e as Error).message));
  if (at === null || Number(at[1]) >= text.length) return "unexpected end of JSON input";
  return `invalid character '${text[Number(at[1])]}' looking for beginning of value`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequestError(`couldn't get version/kind; json parse error: ${jsonSyntaxError(text, e)}`);
  }
}

/** The handler's summarizeData: a body's first 30 bytes, as text when it looks like JSON, else in hex. */
function summarizeData(data: Uint8Array): string {
  if (data.length === 0) return "<empty>";
  const head = Buffer.from(data.subarray(0, 30));
  const text = data[0] === 0x7b ? head.toString("utf8") : head.toString("hex");
  return data.length > 30 ? `${text} ...` : text;
}

/** A protobuf body, decoded; refused as the create and update handlers' transformDecodeError words it. */
function decodeProtobuf(req: RestRequest, into: string): unknown {
  const bytes = req.bytes ?? Buffer.from(req.body, "utf8");
  try {
    return decodeProtobufBody(bytes);
  } catch (e) {
    if (!(e instanceof ProtobufDecodeError)) throw e;
    if (e.kind !== undefined && e.kind !== "") {
      const version = (e.apiVersion ?? "").split("/").pop() ?? "";
      throw badRequestError(`${e.kind} in version ${JSON.stringify(version)} cannot be handled as a ${into}: ${e.message}`);
    }
    throw badRequestError(`the object provided is unrecognized (must be of type ${into}): ${e.message} (${summarizeData(bytes)})`);
  }
}

/** A JSON answer re-encoded for a client that takes only protobuf (objects, lists and Status of the served kinds). */
function asProtobuf(answer: RestResponse): RestResponse {
  if (answer.kind !== "body" || answer.headers["content-type"] !== JSON_TYPE) return answer;
  const bytes = encodeProtobufBody(JSON.parse(answer.body) as Json);
  if (bytes === undefined) return answer;
  return { ...answer, headers: { ...answer.headers, "content-type": "application/vnd.kubernetes.protobuf" }, body: "", bytes };
}

/** etcd's key order (`/registry/<resource>/<namespace>/<name>`): namespace, then name, split by "/". */
function etcdOrder(a: Obj, b: Obj): number {
  const ka = `${a.metadata?.namespace ?? ""}/${a.metadata?.name ?? ""}`;
  const kb = `${b.metadata?.namespace ?? ""}/${b.metadata?.name ?? ""}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** A list item as the server lists it: its type is the list's. */
function listItem(o: Obj): Json {
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = o;
  return rest;
}

function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get("includeObject");
  return v === "None" || v === "Object" ? v : "Metadata";
}

const flag = (q: URLSearchParams, name: string): boolean => q.get(name) === "true" || q.get(name) === "1";

/** Resources whose DELETE answers with the object (ReturnDeletedObject); the rest answer a Success Status. */
const RETURNS_DELETED_OBJECT = new Set(["Pod", "Service", "Namespace"]);

/** The continue token of a chunked list: where the next chunk starts. */
function encodeContinue(rv: string, start: number): string {
  return Buffer.from(JSON.stringify({ rv, start })).toString("base64url");
}

function decodeContinue(token: string): number {
  try {
    const v = JSON.parse(Buffer.from(token, "base64url").toString()) as { start?: unknown };
    if (typeof v.start === "number" && Number.isInteger(v.start) && v.start >= 0) return v.start;
  } catch {
    // reported below
  }
  throw badRequestError(`continue key is not valid: ${token}`);
}

function objectKey(kind: KindInfo, namespace: string, name: string): string {
  return `${kind.group}/${kind.resource}/${namespace}/${name}`;
}

export class RestServer implements RestHandler {
  private readonly cache: WatchCache;
  /** Built on first use: most clusters (notebooks, `svclab run`) never serve OpenAPI. */
  private openapiDocs: OpenApiV3 | undefined;
  /**
   * Server-side apply's record of each field manager's last applied
   * configuration per object, standing in for metadata.managedFields: an
   * apply is a three-way merge of that record, the new configuration and
   * the live object, so fields a manager stops applying are removed.
   */
  private readonly applied = new Map<string, Map<string, Json>>();

  constructor(
    private readonly api: ApiServer,
    private readonly opts: RestServerOptions,
  ) {
    this.cache = new WatchCache(api, opts.watchHistory ?? 1000);
    for (const kind of SERVED_KINDS) {
      api.watch(kind, (e) => {
        if (e.type === "DELETED") this.applied.delete(objectKey(kind, e.object.metadata?.namespace ?? "", e.object.metadata?.name ?? ""));
      });
    }
  }

  /** Watches open now (each released when its client goes away or it times out). */
  get watchers(): number {
    return this.cache.watchers;
  }

  async handle(req: RestRequest): Promise<RestResponse> {
    const answer = this.answer(req);
    return requiresProtobuf(req.headers.accept) ? asProtobuf(answer) : answer;
  }

  private answer(req: RestRequest): RestResponse {
    try {
      const big = tooLarge(req.body);
      if (big !== undefined) throw big;
      return this.route(req);
    } catch (e) {
      if (e instanceof StatusError) return json(e.code, e.status);
      // Decoding a body reports kubectl-side texts; the server answers them as a bad request.
      if (e instanceof KubectlError) return json(400, badRequestError(e.lines.map((l) => l.replace(/^error: /, "")).join("\n")).status);
      const err = internalError(e instanceof Error ? e.message : String(e));
      return json(500, err.status);
    }
  }

  private route(req: RestRequest): RestResponse {
    const path = req.path.length > 1 && req.path.endsWith("/") ? req.path.slice(0, -1) : req.path;
    const get = req.method === "GET";
    if (path === "/version") return get ? json(200, SERVER_VERSION) : json(405, methodNotAllowedError().status);
    if (path === "/healthz" || path === "/livez" || path === "/readyz") return plain(200, "ok");
    if (path === "/api" || path === "/apis") {
      if (!get) throw methodNotAllowedError();
      const core = path === "/api";
      if (negotiate(req.headers.accept, { discovery: true }) === "discovery") return json(200, aggregatedDiscovery(core), { "content-type": AGGREGATED_DISCOVERY });
      return json(200, core ? apiVersions() : apiGroupList());
    }
    if (path === "/openapi/v3" || path.startsWith("/openapi/v3/")) {
      this.openapiDocs ??= new OpenApiV3();
      if (path === "/openapi/v3") return json(200, this.openapiDocs.index());
      const doc = this.openapiDocs.document(path.slice("/openapi/v3/".length));
      return doc === undefined ? NOT_FOUND_PAGE() : { kind: "body", status: 200, headers: { "content-type": JSON_TYPE }, body: doc };
    }
    let m: RegExpExecArray | null;
    if ((m = /^\/api\/([^/]+)$/.exec(path))) return this.discoveryDocument(apiResourceList("", m[1] as string));
    if ((m = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path))) return this.discoveryDocument(apiResourceList(m[1] as string, m[2] as string));
    if ((m = /^\/apis\/([^/]+)$/.exec(path))) return this.discoveryDocument(apiGroupDocument(m[1] as string));
    if (path === "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews") return this.review(req, SELF_SUBJECT_ACCESS_REVIEW, selfSubjectAccessReview);
    if (path === "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews") return this.review(req, SELF_SUBJECT_RULES_REVIEW, selfSubjectRulesReview);
    const r = parseResourcePath(path);
    if (r === undefined) return NOT_FOUND_PAGE();
    return this.resource(req, r);
  }

  /** A review is created and answered at once; nothing is stored. */
  private review(req: RestRequest, kind: KindInfo, decide: (obj: Json) => Json): RestBody {
    if (req.method !== "POST") throw methodNotAllowedError();
    writeParams(req.query, "CreateOptions");
    return json(201, decide(this.decodeBody(req, kind)));
  }

  private discoveryDocument(doc: unknown): RestBody {
    if (doc === undefined) throw resourceNotFoundError();
    return json(200, doc);
  }

  private resource(req: RestRequest, r: ResourceRequest): RestResponse {
    const { kind, name } = r;
    const ns = kind.namespaced ? r.namespace : undefined;
    if (r.subresource !== undefined) {
      if (name === undefined || (kind.namespaced && ns === undefined)) throw resourceNotFoundError();
      return this.subresource(req, kind, ns ?? "", name, r.subresource);
    }
    if (name === undefined) {
      if (req.method === "GET") return flag(req.query, "watch") ? this.watch(req, kind, ns) : this.list(req, kind, ns);
      if (req.method === "POST" && (!kind.namespaced || ns !== undefined)) return this.create(req, kind, ns);
      throw methodNotAllowedError();
    }
    if (kind.namespaced && ns === undefined) throw resourceNotFoundError();
    const namespace = ns ?? "";
    switch (req.method) {
      case "GET":
        return this.getOne(req, kind, namespace, name);
      case "PUT":
        return this.update(req, kind, namespace, name);
      case "PATCH":
        return this.patch(req, kind, namespace, name);
      case "DELETE":
        return this.remove(req, kind, namespace, name);
      default:
        throw methodNotAllowedError();
    }
  }

  // ---- reads ----

  private getOne(req: RestRequest, kind: KindInfo, namespace: string, name: string): RestBody {
    const obj = this.api.get<Obj>(kind, namespace, name);
    if (negotiate(req.headers.accept, { table: true }) === "table") {
      return json(200, buildTable(kind.kind, [obj], { now: this.opts.now(), includeObject: includeObject(req.query), resourceVersion: obj.metadata?.resourceVersion ?? "" }));
    }
    return json(200, obj);
  }

  private list(req: RestRequest, kind: KindInfo, namespace: string | undefined): RestBody {
    const q = req.query;
    const answer = negotiate(req.headers.accept, { table: true });
    const filter = selectionPredicate(kind, q.get("labelSelector"), q.get("fieldSelector"));
    const resourceVersion = this.api.resourceVersion();
    const all = this.api.list<Obj>(kind, namespace).filter(filter).sort(etcdOrder);
    const limit = Number(q.get("limit") ?? "0");
    const token = q.get("continue");
    const start = token ? decodeContinue(token) : 0;
    const end = Number.isInteger(limit) && limit > 0 ? start + limit : all.length;
    const items = all.slice(start, end);
    const metadata = { resourceVersion, ...(end < all.length ? { continue: encodeContinue(resourceVersion, end) } : {}) };
    if (answer === "table") {
      const table = buildTable(kind.kind, items, { now: this.opts.now(), includeObject: includeObject(q), resourceVersion });
      return json(200, { ...table, metadata });
    }
    return json(200, { kind: `${kind.kind}List`, apiVersion: kind.apiVersion, metadata, items: items.map(listItem) });
  }

  private watch(req: RestRequest, kind: KindInfo, namespace: string | undefined): RestStream {
    const q = req.query;
    const asTable = negotiate(req.headers.accept, { table: true }) === "table";
    const filter = selectionPredicate(kind, q.get("labelSelector"), q.get("fieldSelector"));
    const include = includeObject(q);
    const rv = q.get("resourceVersion") ?? "";
    if (rv !== "" && !/^\d+$/.test(rv)) throw badRequestError(`invalid resource version: ${rv}`);
    const timeout = Number(q.get("timeoutSeconds") ?? "0");
    return {
      kind: "stream",
      status: 200,
      headers: { "content-type": JSON_TYPE },
      open: (sink) => {
        let first = true;
        const send = (e: WireEvent): void => {
          let object = e.object;
          if (asTable && e.type !== "ERROR") {
            // Only the first event's Table carries the column definitions.
            object = buildTable(kind.kind, [e.object as Obj], { now: this.opts.now(), includeObject: include, noHeaders: !first });
            first = false;
          }
          sink.write(`${JSON.stringify({ type: e.type, object })}\n`);
        };
        const stop = this.cache.watch(kind, namespace, rv, filter, send);
        if (stop === undefined) {
          sink.end();
          return () => {};
        }
        let open = true;
        const close = (): void => {
          if (!open) return;
          open = false;
          stop();
          timer?.cancel();
        };
        const timer =
          timeout > 0
            ? this.opts.timers?.after(timeout, () => {
                close();
                sink.end();
              })
            : undefined;
        return close;
      },
    };
  }

  // ---- writes ----

  /** A POST/PUT body: JSON or YAML, its apiVersion and kind defaulted from the URL and checked against it. */
  private decodeBody(req: RestRequest, kind: KindInfo): Json {
    let value: unknown;
    const format = bodyFormat(req.headers["content-type"]);
    if (format === "yaml") value = parseManifests(req.body, "")[0]?.value;
    else if (format === "protobuf") value = decodeProtobuf(req, kind.kind);
    else value = parseJson(req.body);
    return this.typed(value, kind);
  }

  private typed(value: unknown, kind: KindInfo): Json {
    if (!isObject(value)) throw badRequestError(`couldn't get version/kind; json parse error: json: cannot unmarshal ${Array.isArray(value) ? "array" : typeof value} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
    const obj: Json = { ...value };
    obj.apiVersion ??= kind.apiVersion;
    obj.kind ??= kind.kind;
    if (obj.apiVersion !== kind.apiVersion) {
      throw badRequestError(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${kind.apiVersion})`);
    }
    if (obj.kind !== kind.kind) throw badRequestError(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${kind.kind})`);
    return obj;
  }

  private create(req: RestRequest, kind: KindInfo, namespace: string | undefined): RestBody {
    const p = writeParams(req.query, "CreateOptions");
    const raw = this.decodeBody(req, kind);
    const r = this.api.createWithOptions<Obj>(kind, raw, namespace, { dryRun: p.dryRun, fieldValidation: p.fieldValidation });
    return json(201, r.object, warningHeaders(r.warnings));
  }

  /** The URL's name and namespace on a PUT body (they must agree with it). */
  private named(raw: Json, kind: KindInfo, namespace: string, name: string): Json {
    const meta: Json = isObject(raw.metadata) ? { ...raw.metadata } : {};
    if ((meta.name ?? "") !== name) throw badRequestError(`the name of the object (${String(meta.name ?? "")}) does not match the name on the URL (${name})`);
    if (kind.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== "" && meta.namespace !== namespace) {
        throw badRequestError("the namespace of the provided object does not match the namespace sent on the request");
      }
      meta.namespace = namespace;
    }
    return { ...raw, metadata: meta };
  }

  private update(req: RestRequest, kind: KindInfo, namespace: string, name: string): RestBody {
    const p = writeParams(req.query, "UpdateOptions");
    const raw = this.named(this.decodeBody(req, kind), kind, namespace, name);
    const r = this.api.update<Obj>(kind, raw, { dryRun: p.dryRun, fieldValidation: p.fieldValidation });
    return json(200, r.object, warningHeaders(r.warnings));
  }

  private patch(req: RestRequest, kind: KindInfo, namespace: string, name: string): RestBody {
    const p = writeParams(req.query, "PatchOptions");
    const type = patchType(req.headers["content-type"]);
    if (type === "apply") return this.serverSideApply(req, kind, namespace, name, p);
    const r = this.api.patch<Obj>(kind, namespace, name, type, parseJson(req.body), { dryRun: p.dryRun, fieldValidation: p.fieldValidation });
    return json(200, r.object, warningHeaders(r.warnings));
  }

  private serverSideApply(req: RestRequest, kind: KindInfo, namespace: string, name: string, p: WriteParams): RestBody {
    if (p.fieldManager === undefined || p.fieldManager === "") {
      throw invalidError({ kind: "PatchOptions", group: "meta.k8s.io" } as unknown as KindInfo, "", [fieldRequired("fieldManager", "is required for apply patch")]);
    }
    const config = this.named(this.typed(parseManifests(req.body, "")[0]?.value, kind), kind, namespace, name);
    // Apply validates strictly unless the request says otherwise.
    const fieldValidation = req.query.get("fieldValidation") ? p.fieldValidation : "Strict";
    const key = objectKey(kind, namespace, name);
    const live = this.api.tryGet<Obj>(kind, namespace, name);
    const remember = (): void => {
      if (p.dryRun) return;
      const byManager = this.applied.get(key) ?? new Map<string, Json>();
      byManager.set(p.fieldManager as string, config);
      this.applied.set(key, byManager);
    };
    if (live === undefined) {
      const r = this.api.createWithOptions<Obj>(kind, config, kind.namespaced ? namespace : undefined, { dryRun: p.dryRun, fieldValidation });
      remember();
      return json(201, r.object, warningHeaders(r.warnings));
    }
    const original = this.applied.get(key)?.get(p.fieldManager) ?? {};
    const patch = createThreeWayMergePatch(original, config, live, kind.kind);
    const r = Object.keys(patch).length === 0 ? { object: live, warnings: [] } : this.api.patch<Obj>(kind, namespace, name, "strategic", patch, { dryRun: p.dryRun, fieldValidation });
    remember();
    return json(200, r.object, warningHeaders(r.warnings));
  }

  private remove(req: RestRequest, kind: KindInfo, namespace: string, name: string): RestBody {
    const p = writeParams(req.query, "DeleteOptions");
    const options = req.body.trim() === "" ? {} : bodyFormat(req.headers["content-type"]) === "protobuf" ? decodeProtobuf(req, "DeleteOptions") : parseJson(req.body);
    if (!isObject(options)) throw badRequestError("couldn't get version/kind; json parse error: json: cannot unmarshal into Go value of type v1.DeleteOptions");
    const dryRun = p.dryRun || (Array.isArray(options.dryRun) && options.dryRun.includes("All"));
    const graceQuery = req.query.get("gracePeriodSeconds");
    const grace = graceQuery !== null ? Number(graceQuery) : typeof options.gracePeriodSeconds === "number" ? options.gracePeriodSeconds : undefined;
    const current = this.api.get<Obj>(kind, namespace, name);
    const pre = isObject(options.preconditions) ? options.preconditions : {};
    if (typeof pre.uid === "string" && pre.uid !== current.metadata?.uid) {
      throw conflictError(kind, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata?.uid ?? ""}`);
    }
    if (typeof pre.resourceVersion === "string" && pre.resourceVersion !== current.metadata?.resourceVersion) {
      throw conflictError(kind, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata?.resourceVersion ?? ""}`);
    }
    const out = this.api.delete<Obj>(kind, namespace, name, { ...(grace === undefined || Number.isNaN(grace) ? {} : { gracePeriodSeconds: grace }), dryRun });
    const gone = dryRun ? out.metadata?.deletionTimestamp === undefined : this.api.tryGet(kind, namespace, name) === undefined;
    if (!gone || RETURNS_DELETED_OBJECT.has(kind.kind)) return json(200, out);
    return json(200, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", details: { name, group: kind.group, kind: kind.resource, uid: out.metadata?.uid ?? "" } });
  }

  // ---- subresources ----

  private subresource(req: RestRequest, kind: KindInfo, namespace: string, name: string, sub: string): RestResponse {
    // Only what discovery lists has a route.
    if (!subresourcesOf(kind).some((s) => s.name === sub)) throw resourceNotFoundError();
    const m = req.method;
    switch (sub) {
      case "status":
        return this.status(req, kind, namespace, name);
      case "scale":
        return this.scale(req, kind, namespace, name);
      case "binding":
        if (m === "POST") return this.binding(req, namespace, name);
        break;
      case "exec":
      case "attach":
        if (m === "GET" || m === "POST") return this.exec(req, namespace, name, sub === "attach");
        break;
      case "log":
        if (m === "GET") return this.log(req, namespace, name);
        break;
    }
    throw methodNotAllowedError();
  }

  private status(req: RestRequest, kind: KindInfo, namespace: string, name: string): RestBody {
    if (req.method === "GET") return json(200, this.api.get<Obj>(kind, namespace, name));
    const p = writeParams(req.query, req.method === "PATCH" ? "PatchOptions" : "UpdateOptions");
    let next: Obj;
    if (req.method === "PUT") next = this.named(this.decodeBody(req, kind), kind, namespace, name) as Obj;
    else if (req.method === "PATCH") {
      const type = patchType(req.headers["content-type"]);
      const current = this.api.get<Obj>(kind, namespace, name);
      const patch = type === "apply" ? this.typed(parseManifests(req.body, "")[0]?.value, kind) : parseJson(req.body);
      // Only the status of the patched document is kept (update admission would restore it).
      const patched = (type === "strategic" ? strategicMergePatch(current, patch, kind.kind) : this.patchPlain(current, patch, type)) as Obj;
      next = { ...current, status: patched.status };
    } else throw methodNotAllowedError();
    return json(200, this.api.updateStatus<Obj>(kind, next, { dryRun: p.dryRun }));
  }

  /** autoscaling/v1 Scale of a Deployment or ReplicaSet. */
  private scaleOf(obj: Obj): Json {
    const spec = (obj.spec ?? {}) as { replicas?: number; selector?: Parameters<typeof formatSelector>[0] };
    const status = (obj.status ?? {}) as { replicas?: number };
    const m = obj.metadata ?? {};
    return {
      kind: "Scale",
      apiVersion: "autoscaling/v1",
      metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
      spec: { replicas: spec.replicas ?? 1 },
      status: { replicas: status.replicas ?? 0, selector: formatSelector(spec.selector) },
    };
  }

  private scale(req: RestRequest, kind: KindInfo, namespace: string, name: string): RestBody {
    const current = this.api.get<Obj>(kind, namespace, name);
    if (req.method === "GET") return json(200, this.scaleOf(current));
    const p = writeParams(req.query, req.method === "PATCH" ? "PatchOptions" : "UpdateOptions");
    let wanted: unknown;
    if (req.method === "PUT") {
      const scale = this.decodeScale(req.body);
      const rv = (scale.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
      if (rv && rv !== current.metadata?.resourceVersion) throw conflictError(kind, name, "the object has been modified; please apply your changes to the latest version and try again");
      wanted = scale;
    } else if (req.method === "PATCH") {
      const type = patchType(req.headers["content-type"]);
      const body = type === "apply" ? parseManifests(req.body, "")[0]?.value : parseJson(req.body);
      wanted = this.patchPlain(this.scaleOf(current), body, type);
    } else throw methodNotAllowedError();
    const replicas = (wanted as { spec?: { replicas?: unknown } }).spec?.replicas ?? 0;
    if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
      throw invalidError({ kind: "Scale", group: "autoscaling" } as unknown as KindInfo, name, [fieldInvalid("spec.replicas", replicas, "must be greater than or equal to 0")]);
    }
    const r = this.api.patch<Obj>(kind, namespace, name, "merge", { spec: { replicas } }, { dryRun: p.dryRun });
    return json(200, this.scaleOf(r.object));
  }

  private decodeScale(text: string): Json {
    const v = parseJson(text);
    if (!isObject(v)) throw badRequestError("couldn't get version/kind; json parse error: json: cannot unmarshal into Go value of type autoscaling.Scale");
    return v;
  }

  /** A patch on a plain document without list merge keys (Scale): strategic merge is a JSON merge there. */
  private patchPlain(doc: Json, patch: unknown, type: PatchType | "apply"): unknown {
    return type === "json" ? jsonPatch(doc, patch) : mergePatch(doc, patch);
  }

  private binding(req: RestRequest, namespace: string, name: string): RestBody {
    const body = parseJson(req.body) as { target?: { name?: string } } | null;
    const node = body?.target?.name ?? "";
    if (node === "") throw invalidError({ kind: "Binding", group: "" } as unknown as KindInfo, name, [fieldRequired("target.name", "")]);
    this.api.bindPod(namespace, name, node);
    return json(201, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 });
  }

  /** The container a pods/exec or pods/log request means (the only one when none is given). */
  private containerOf(pod: Pod, requested: string | null): string {
    const names = (pod.spec?.containers ?? []).map((c) => c.name);
    const name = pod.metadata?.name ?? "";
    if (requested !== null && requested !== "") {
      if (!names.includes(requested)) throw badRequestError(`container ${requested} is not valid for pod ${name}`);
      return requested;
    }
    if (names.length === 1) return names[0] as string;
    throw badRequestError(`a container name must be specified for pod ${name}, choose one of: [${names.join(" ")}]`);
  }

  private kubelet(): NodeConnection {
    if (this.opts.kubelet === undefined) throw resourceNotFoundError();
    return this.opts.kubelet;
  }

  /**
   * pods/exec runs `command` in a running container; pods/attach joins the
   * container's own process (its command and args), which the simulated
   * kubelet runs for the client, so a finished client pod still shows what
   * it printed.
   */
  private exec(req: RestRequest, namespace: string, name: string, attach: boolean): RestExec {
    const kubelet = this.kubelet();
    const q = req.query;
    const pod = this.api.get<Pod>(KINDS.pod, namespace, name);
    const container = this.containerOf(pod, q.get("container"));
    const spec = pod.spec?.containers.find((c) => c.name === container);
    const command = attach ? [...(spec?.command ?? []), ...(spec?.args ?? [])] : q.getAll("command");
    if (command.length === 0 && !attach) throw badRequestError("you must specify at least one command for the container");
    const [stdin, stdout, stderr, tty] = ["stdin", "stdout", "stderr", "tty"].map((n) => flag(q, n)) as [boolean, boolean, boolean, boolean];
    if (!stdin && !stdout && !stderr) throw badRequestError("you must specify at least 1 of stdin, stdout, stderr");
    if (!pod.spec?.nodeName) throw badRequestError(`pod ${name} does not have a host assigned`);
    const running = pod.status?.containerStatuses?.some((s) => s.name === container && s.state?.running !== undefined) ?? false;
    if (!running && !attach) throw containerNotFoundError(container);
    const target = { namespace, pod: name, container };
    return {
      kind: "exec",
      tty,
      stdin,
      stdout,
      stderr: stderr && !tty,
      run: async (streams) => {
        // The image's own entrypoint (no command given) prints nothing here.
        if (command.length === 0) return 0;
        const r = await kubelet.exec(target, command, stdin ? streams.stdin : "");
        if (r.startError !== undefined) throw internalError(`error executing command in container: ${r.startError}`);
        // A terminal merges the process's stderr into what the client reads.
        const out = tty ? r.stdout + r.stderr : r.stdout;
        if (stdout && out !== "") streams.stdout(out);
        if (!tty && stderr && r.stderr !== "") streams.stderr(r.stderr);
        return r.exitCode;
      },
    };
  }

  private log(req: RestRequest, namespace: string, name: string): RestResponse {
    const kubelet = this.kubelet();
    const q = req.query;
    const pod = this.api.get<Pod>(KINDS.pod, namespace, name);
    const container = this.containerOf(pod, q.get("container"));
    const waiting = pod.status?.containerStatuses?.find((s) => s.name === container)?.state?.waiting;
    if (waiting !== undefined || !pod.spec?.nodeName) {
      throw badRequestError(`container ${JSON.stringify(container)} in pod ${JSON.stringify(name)} is waiting to start: ${waiting?.reason ?? "ContainerCreating"}`);
    }
    const tail = q.get("tailLines");
    const target = { namespace, pod: name, container };
    const opts = { ...(tail === null ? {} : { tailLines: Number(tail) }), timestamps: flag(q, "timestamps"), previous: flag(q, "previous") };
    const text = kubelet.logs(target, opts);
    if (!flag(q, "follow")) return plain(200, text);
    return {
      kind: "stream",
      status: 200,
      headers: { "content-type": "text/plain" },
      open: (sink) => {
        if (text !== "") sink.write(text);
        if (kubelet.followLogs === undefined) {
          sink.end();
          return () => {};
        }
        return kubelet.followLogs(target, opts, (t) => sink.write(t));
      },
    };
  }
}
