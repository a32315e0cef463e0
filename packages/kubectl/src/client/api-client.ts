/**
 * The typed requests kubectl's commands make (the dynamic client and
 * resource helper of client-go): each verb becomes a REST request on the
 * resource's path, Status answers become StatusErrors (so kubectl prints
 * them as it prints any server error), warnings come back from the
 * `Warning` headers, and lists get their items' apiVersion and kind back,
 * as client-go's unstructured lists do.
 */
import { KubectlError, StatusError, lookupKind, type FieldValidation, type KindInfo, type KubeObject, type PatchType } from "@svclab/manifest";
import type { RestBody, RestRequest, RestResponse, Table } from "@svclab/apiserver";
import type { ClusterClient } from "./cluster-client";

const TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  strategic: "application/strategic-merge-patch+json",
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
};

/** The prefix the API server puts on a container runtime's exec failure. */
const EXEC_FAILURE = "Internal error occurred: error executing command in container: ";

export interface WriteOptions {
  readonly namespace?: string;
  readonly fieldManager?: string;
  readonly fieldValidation?: FieldValidation;
  /** `?dryRun=All`: the server checks and answers without persisting (`--dry-run=server`). */
  readonly dryRun?: boolean;
}

export interface PatchResult<T> {
  readonly object: T;
  /** False when the object was left as it was (`patched (no change)`). */
  readonly changed: boolean;
  readonly warnings: readonly string[];
}

export interface ListOptions {
  readonly namespace?: string;
  readonly allNamespaces?: boolean;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Chunk size: the list is read `limit` items at a time, following `continue` (kubectl's --chunk-size). */
  readonly limit?: number;
}

/** One watch event, as client-go's watch.Event carries it. */
export interface WatchEvent<T> {
  readonly type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  readonly object: T;
}

/** An open watch: the events received so far, taken in order. */
export interface Watch<T> {
  /** The events that arrived since the last call. */
  take(): WatchEvent<T>[];
  /** Whether the server ended the stream. */
  readonly ended: boolean;
  close(): void;
}

export interface ExecOptions {
  readonly container: string;
  readonly stdin?: string;
  readonly tty: boolean;
}

export interface ExecOutcome {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
  /** The container runtime could not start the process (its error text). */
  readonly startError?: string;
}

/** `299 - "text"` warnings, as the API server sends them. */
function parseWarnings(header: string | undefined): string[] {
  if (header === undefined) return [];
  return [...header.matchAll(/\d{3} - ("(?:[^"\\]|\\.)*")/g)].map((m) => JSON.parse(m[1] as string) as string);
}

function collectionPath(kind: KindInfo, namespace: string | undefined): string {
  const prefix = kind.group === "" ? `/api/${kind.version}` : `/apis/${kind.group}/${kind.version}`;
  return kind.namespaced && namespace !== undefined ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${kind.resource}` : `${prefix}/${kind.resource}`;
}

function objectPath(kind: KindInfo, namespace: string, name: string): string {
  return `${collectionPath(kind, kind.namespaced ? namespace : undefined)}/${encodeURIComponent(name)}`;
}

const KINDS_POD = { group: "", version: "v1", resource: "pods", namespaced: true } as KindInfo;

export class ApiClient {
  constructor(readonly cluster: ClusterClient) {}

  private async send(method: string, path: string, opts: { query?: URLSearchParams; body?: unknown; contentType?: string; accept?: string } = {}): Promise<RestResponse> {
    const headers: Record<string, string> = { accept: opts.accept ?? "application/json" };
    if (opts.contentType !== undefined) headers["content-type"] = opts.contentType;
    const req: RestRequest = { method, path, query: opts.query ?? new URLSearchParams(), headers, body: opts.body === undefined ? "" : JSON.stringify(opts.body) };
    return this.cluster.transport.handle(req);
  }

  /** A complete JSON answer; a failure Status throws. */
  private async json<T>(method: string, path: string, opts: Parameters<ApiClient["send"]>[2] = {}): Promise<{ value: T; warnings: string[] }> {
    const r = await this.send(method, path, opts);
    if (r.kind !== "body") throw new Error(`unexpected ${r.kind} answer to ${method} ${path}`);
    const value = JSON.parse(r.body) as T & { kind?: string; status?: unknown };
    if (r.status >= 400) throw new StatusError(value as never);
    return { value, warnings: parseWarnings(r.headers.warning) };
  }

  /** GET pods/{name}/log: the container's log as text (a failure Status throws). */
  async logs(namespace: string, pod: string, opts: { container: string; tailLines?: number; timestamps?: boolean }): Promise<string> {
    const query = new URLSearchParams({ container: opts.container });
    if (opts.tailLines !== undefined && opts.tailLines >= 0) query.set("tailLines", String(opts.tailLines));
    if (opts.timestamps) query.set("timestamps", "true");
    const r = await this.send("GET", `${objectPath(KINDS_POD, namespace, pod)}/log`, { query, accept: "*/*" });
    if (r.kind !== "body") throw new Error(`unexpected ${r.kind} answer to a log request`);
    if (r.status >= 400) throw new StatusError(JSON.parse(r.body) as never);
    return r.body;
  }

  /** A discovery document (`/api/v1`, `/apis`, `/apis/{group}/{version}`), as the legacy JSON kubectl can also read. */
  async discovery<T>(path: string): Promise<T> {
    return (await this.json<T>("GET", path)).value;
  }

  private async getRaw<T extends object>(kind: KindInfo, name: string, opts: { namespace?: string }): Promise<T> {
    return (await this.json<T>("GET", objectPath(kind, opts.namespace ?? "default", name))).value;
  }

  /**
   * GET of one object. As kubectl's resource helper does, a NotFound in a
   * namespace is reported as the namespace's own NotFound when that is missing.
   */
  async get<T extends object = KubeObject>(kind: KindInfo, name: string, opts: { namespace?: string } = {}): Promise<T> {
    try {
      return await this.getRaw<T>(kind, name, opts);
    } catch (e) {
      if (e instanceof StatusError && e.reason === "NotFound" && kind.namespaced) {
        await this.json("GET", `/api/v1/namespaces/${encodeURIComponent(opts.namespace ?? "default")}`);
      }
      throw e;
    }
  }

  /** The object, or undefined when the server answers NotFound. */
  async tryGet<T extends object = KubeObject>(kind: KindInfo, name: string, opts: { namespace?: string } = {}): Promise<T | undefined> {
    try {
      return await this.getRaw<T>(kind, name, opts);
    } catch (e) {
      if (e instanceof StatusError && e.reason === "NotFound") return undefined;
      throw e;
    }
  }

  private listQuery(opts: ListOptions): { path: (kind: KindInfo) => string; query: URLSearchParams } {
    const query = new URLSearchParams();
    if (opts.labelSelector !== undefined) query.set("labelSelector", opts.labelSelector);
    if (opts.fieldSelector !== undefined) query.set("fieldSelector", opts.fieldSelector);
    if (opts.limit !== undefined) query.set("limit", String(opts.limit));
    return { path: (kind) => collectionPath(kind, opts.allNamespaces ? undefined : opts.namespace ?? "default"), query };
  }

  async list<T extends object = KubeObject>(kind: KindInfo, opts: ListOptions = {}): Promise<T[]> {
    const { path, query } = this.listQuery(opts);
    const items: T[] = [];
    for (;;) {
      const list = (await this.json<{ items: T[]; metadata?: { continue?: string } }>("GET", path(kind), { query })).value;
      items.push(...list.items);
      const next = list.metadata?.continue;
      if (next === undefined || next === "") break;
      query.set("continue", next);
    }
    return items.map((item) => ({ apiVersion: kind.apiVersion, kind: kind.kind, ...item }));
  }

  /**
   * A watch on one object from `resourceVersion` on (fieldSelector
   * metadata.name, as client-go's UntilWithSync asks for it).
   */
  async watchObject<T extends object = KubeObject>(kind: KindInfo, name: string, resourceVersion: string, opts: { namespace?: string } = {}): Promise<Watch<T>> {
    const query = new URLSearchParams({ fieldSelector: `metadata.name=${name}`, resourceVersion, watch: "true" });
    const r = await this.send("GET", collectionPath(kind, kind.namespaced ? opts.namespace ?? "default" : undefined), { query });
    if (r.kind === "body") throw new StatusError(JSON.parse(r.body));
    if (r.kind !== "stream") throw new Error(`unexpected ${r.kind} answer to a watch`);
    let queue: WatchEvent<T>[] = [];
    let ended = false;
    const close = r.open({
      write: (line) => void queue.push(JSON.parse(line) as WatchEvent<T>),
      end: () => void (ended = true),
    });
    return {
      take: () => {
        const taken = queue;
        queue = [];
        return taken;
      },
      get ended() {
        return ended;
      },
      close,
    };
  }

  /** The server's Table of one object (`name`) or of a list. */
  async table(kind: KindInfo, name: string | undefined, opts: ListOptions & { includeObject?: "Object" } = {}): Promise<Table> {
    if (name !== undefined) return (await this.json<Table>("GET", objectPath(kind, opts.namespace ?? "default", name), { accept: TABLE_ACCEPT })).value;
    const { path, query } = this.listQuery(opts);
    if (opts.includeObject !== undefined) query.set("includeObject", opts.includeObject);
    return (await this.json<Table>("GET", path(kind), { query, accept: TABLE_ACCEPT })).value;
  }

  private writeQuery(opts: WriteOptions): URLSearchParams {
    const q = new URLSearchParams();
    if (opts.fieldManager !== undefined) q.set("fieldManager", opts.fieldManager);
    if (opts.fieldValidation !== undefined) q.set("fieldValidation", opts.fieldValidation);
    if (opts.dryRun === true) q.set("dryRun", "All");
    return q;
  }

  async create<T extends object = KubeObject>(kind: KindInfo, obj: unknown, opts: WriteOptions = {}): Promise<{ object: T; warnings: string[] }> {
    const namespace = kind.namespaced ? opts.namespace ?? "default" : undefined;
    const r = await this.json<T>("POST", collectionPath(kind, namespace), { query: this.writeQuery(opts), body: obj, contentType: "application/json" });
    return { object: r.value, warnings: r.warnings };
  }

  /** `kubectl create`'s POST of a whole object, its resource mapped from apiVersion and kind. */
  async createObject<T extends object = KubeObject>(obj: unknown, opts: { namespace?: string; dryRun?: boolean } = {}): Promise<T> {
    const raw = obj as { apiVersion?: string; kind?: string };
    const kind = lookupKind(raw.apiVersion ?? "", raw.kind ?? "");
    if (kind === undefined) throw new KubectlError([`error: no matches for kind "${raw.kind}" in version "${raw.apiVersion}"`]);
    return (await this.create<T>(kind, obj, { ...opts, fieldManager: "kubectl-create", fieldValidation: "Strict" })).object;
  }

  /** PATCH; `changed` compares resourceVersions, which the server keeps on a no-op. */
  async patch<T extends object = KubeObject>(kind: KindInfo, name: string, patch: unknown, opts: WriteOptions & { type?: PatchType; subresource?: string } = {}): Promise<PatchResult<T>> {
    const path = objectPath(kind, opts.namespace ?? "default", name) + (opts.subresource === undefined ? "" : `/${opts.subresource}`);
    const before = opts.subresource === undefined ? await this.get<KubeObject>(kind, name, opts) : undefined;
    const r = await this.json<T & KubeObject>("PATCH", path, { query: this.writeQuery(opts), body: patch, contentType: PATCH_CONTENT_TYPES[opts.type ?? "strategic"] });
    const changed = before === undefined || before.metadata?.resourceVersion !== r.value.metadata?.resourceVersion;
    return { object: r.value, changed, warnings: r.warnings };
  }

  async delete<T extends object = KubeObject>(kind: KindInfo, name: string, opts: { namespace?: string; gracePeriodSeconds?: number } = {}): Promise<T> {
    const body = opts.gracePeriodSeconds === undefined ? undefined : { kind: "DeleteOptions", apiVersion: "v1", gracePeriodSeconds: opts.gracePeriodSeconds };
    return (await this.json<T>("DELETE", objectPath(kind, opts.namespace ?? "default", name), { body, contentType: "application/json" })).value;
  }

  /** pods/exec: the process's output and exit code (the API server checked the pod and container). */
  async exec(namespace: string, pod: string, argv: readonly string[], opts: ExecOptions): Promise<ExecOutcome> {
    return this.stream("exec", namespace, pod, argv, opts);
  }

  /** pods/attach: the container's own process, as `kubectl run -i` shows it. */
  async attach(namespace: string, pod: string, opts: ExecOptions): Promise<ExecOutcome> {
    return this.stream("attach", namespace, pod, [], opts);
  }

  private async stream(sub: "exec" | "attach", namespace: string, pod: string, argv: readonly string[], opts: ExecOptions): Promise<ExecOutcome> {
    const query = new URLSearchParams();
    for (const a of argv) query.append("command", a);
    query.set("container", opts.container);
    if (opts.stdin !== undefined) query.set("stdin", "true");
    query.set("stdout", "true");
    if (!opts.tty) query.set("stderr", "true");
    if (opts.tty) query.set("tty", "true");
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/${sub}`;
    const r = await this.send("POST", path, { query });
    if (r.kind === "body") {
      const status = JSON.parse((r as RestBody).body);
      throw new StatusError(status);
    }
    if (r.kind !== "exec") throw new Error(`unexpected ${r.kind} answer to pods/${sub}`);
    let stdout = "";
    let stderr = "";
    const input = opts.stdin ?? "";
    try {
      const exitCode = await r.run({
        stdin: (async function* () {
          if (input !== "") yield input;
        })(),
        stdout: (t) => void (stdout += t),
        stderr: (t) => void (stderr += t),
      });
      return { stdout, stderr, exitCode };
    } catch (e) {
      if (e instanceof StatusError && e.message.startsWith(EXEC_FAILURE)) return { stdout, stderr, exitCode: 1, startError: e.message.slice(EXEC_FAILURE.length) };
      throw e;
    }
  }
}
