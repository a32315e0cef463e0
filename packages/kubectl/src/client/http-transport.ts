/**
 * kubectl over HTTP(S) to a server named by a kubeconfig: the server URL,
 * the cluster's certificate-authority-data and the user's bearer token, as
 * client-go's rest.Config takes them. Complete answers come back as bodies;
 * watches and `logs -f` as streams, one JSON line per event. Exec needs
 * the WebSocket protocol (v5.channel.k8s.io), which this transport does not
 * speak: its exec requests are refused before anything is sent.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { parseManifests } from "@svclab/manifest";
import type { RestHandler, RestRequest, RestResponse } from "@svclab/apiserver";
import type { ClientClock, ClusterClient } from "./cluster-client";

export interface HttpClusterConfig {
  /** `https://127.0.0.1:6443`. */
  readonly server: string;
  /** PEM, base64-encoded as in a kubeconfig. */
  readonly certificateAuthorityData?: string;
  readonly token?: string;
}

const isStreaming = (req: RestRequest): boolean => ["true", "1"].includes(req.query.get("watch") ?? "") || req.query.get("follow") === "true";

function headersOf(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** A RestHandler whose requests go over the network. */
export function httpTransport(config: HttpClusterConfig): RestHandler {
  const base = new URL(config.server);
  const send = base.protocol === "https:" ? httpsRequest : httpRequest;
  const ca = config.certificateAuthorityData === undefined ? undefined : Buffer.from(config.certificateAuthorityData, "base64");
  return {
    handle: (req) =>
      new Promise<RestResponse>((resolve, reject) => {
        if (/\/pods\/[^/]+\/(exec|attach)$/.test(req.path)) {
          reject(new Error("unable to upgrade connection: this transport does not speak the WebSocket exec protocol"));
          return;
        }
        const url = new URL(base.pathname.replace(/\/$/, "") + req.path, base);
        url.search = req.query.toString();
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = v;
        if (config.token !== undefined) headers.authorization = `Bearer ${config.token}`;
        if (req.body !== "") headers["content-length"] = String(Buffer.byteLength(req.body));
        const r = send(url, { method: req.method, headers, ...(ca === undefined ? {} : { ca }) }, (res) => {
          res.setEncoding("utf8");
          if (isStreaming(req) && (res.statusCode ?? 0) < 300) {
            resolve({
              kind: "stream",
              status: res.statusCode ?? 200,
              headers: headersOf(res),
              open(sink) {
                // Chunks split where the network split them; events are whole lines.
                let pending = "";
                res.on("data", (chunk: string) => {
                  pending += chunk;
                  let nl: number;
                  while ((nl = pending.indexOf("\n")) >= 0) {
                    sink.write(pending.slice(0, nl + 1));
                    pending = pending.slice(nl + 1);
                  }
                });
                res.on("end", () => sink.end());
                return () => res.destroy();
              },
            });
            return;
          }
          let body = "";
          res.on("data", (chunk: string) => void (body += chunk));
          res.on("end", () => resolve({ kind: "body", status: res.statusCode ?? 0, headers: headersOf(res), body }));
          res.on("error", reject);
        });
        r.on("error", reject);
        r.end(req.body);
      }),
  };
}

/** Real time: waiting polls the server once a second. */
export const wallClock: ClientClock = {
  now: () => new Date(),
  async waitUntil(done, timeoutSeconds) {
    const deadline = Date.now() + timeoutSeconds * 1000;
    while (!(await done())) {
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(0, deadline - Date.now()))));
    }
    return true;
  },
};

interface Kubeconfig {
  "current-context"?: string;
  contexts?: { name: string; context: { cluster: string; user?: string } }[];
  clusters?: { name: string; cluster: { server: string; "certificate-authority-data"?: string } }[];
  users?: { name: string; user: { token?: string } }[];
}

/** The cluster and user of a kubeconfig's context (its current context by default). */
export function kubeconfigCluster(text: string, context?: string): HttpClusterConfig {
  const cfg = (parseManifests(text, "kubeconfig")[0]?.value ?? {}) as Kubeconfig;
  const name = context ?? cfg["current-context"];
  const ctx = cfg.contexts?.find((c) => c.name === name)?.context;
  if (ctx === undefined) throw new Error(`error: context ${JSON.stringify(name ?? "")} does not exist`);
  const cluster = cfg.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (cluster === undefined) throw new Error(`error: cluster ${JSON.stringify(ctx.cluster)} does not exist`);
  const token = cfg.users?.find((u) => u.name === ctx.user)?.user.token;
  return {
    server: cluster.server,
    ...(cluster["certificate-authority-data"] === undefined ? {} : { certificateAuthorityData: cluster["certificate-authority-data"] }),
    ...(token === undefined ? {} : { token }),
  };
}

/** kubectl against the server a kubeconfig names, on real time. */
export function httpClient(config: HttpClusterConfig): ClusterClient {
  return { transport: httpTransport(config), clock: wallClock };
}
