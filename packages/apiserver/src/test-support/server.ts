/** A bare API server (no controllers) with the default namespace, for this package's tests. */
import { SeededRandom, parseCidr } from "@svclab/sim";
import { ApiServer } from "../api/server";
import { KINDS } from "../api/kinds";
import { IPAllocator, PortAllocator } from "../registry/allocators";
import { ServiceRegistry } from "../registry/service-registry";
import { podHooks } from "../registry/pod-registry";
import { RestServer, type RestServerOptions } from "../rest/handler";
import type { RestBody, RestRequest, RestResponse } from "../rest/types";

export const START = Date.parse("2024-01-01T00:00:00Z");

/** A kubelet stand-in's stdin, read to its end. */
export async function readStdin(stdin: string | AsyncIterable<string>): Promise<string> {
  if (typeof stdin === "string") return stdin;
  let text = "";
  for await (const chunk of stdin) text += chunk;
  return text;
}

export function testServer(opts: Partial<RestServerOptions> = {}): { api: ApiServer; rest: RestServer; clock: { ms: number } } {
  const clock = { ms: START };
  const rng = new SeededRandom(1);
  const api = new ApiServer(rng.fork("apiserver"), () => new Date(clock.ms));
  const ipRng = rng.fork("ips");
  const portRng = rng.fork("ports");
  api.setHooks(KINDS.service, new ServiceRegistry(KINDS.service, new IPAllocator(parseCidr("10.96.0.0/16"), (n) => ipRng.intBelow(n)), new PortAllocator(30000, 2768, (n) => portRng.intBelow(n))));
  api.setHooks(KINDS.pod, podHooks);
  api.create(KINDS.namespace, { apiVersion: "v1", kind: "Namespace", metadata: { name: "default" } });
  const rest = new RestServer(api, { now: () => new Date(clock.ms), ...opts });
  return { api, rest, clock };
}

export interface Call {
  readonly method?: string;
  readonly path: string;
  readonly query?: Record<string, string | string[]>;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export function request(c: Call): RestRequest {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(c.query ?? {})) for (const x of Array.isArray(v) ? v : [v]) query.append(k, x);
  const body = c.body === undefined ? "" : typeof c.body === "string" ? c.body : JSON.stringify(c.body);
  return { method: c.method ?? "GET", path: c.path, query, headers: c.headers ?? {}, body };
}

/** A complete answer's status and parsed body (text bodies stay text). */
export async function call(rest: RestServer, c: Call): Promise<{ status: number; headers: Readonly<Record<string, string>>; body: any; response: RestResponse }> {
  const response = await rest.handle(request(c));
  if (response.kind !== "body") return { status: response.kind === "stream" ? response.status : 101, headers: {}, body: undefined, response };
  const b = response as RestBody;
  const isJson = (b.headers["content-type"] ?? "").startsWith("application/json");
  return { status: b.status, headers: b.headers, body: isJson ? JSON.parse(b.body) : b.body, response };
}
