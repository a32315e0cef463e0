/**
 * A minimal node:http front for a RestHandler on loopback, for this
 * package's tests (the real front, with TLS and WebSocket exec, is
 * @svclab/apiserver's): bodies and streams, and a bearer token when given.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RestHandler } from "@svclab/apiserver";

const UNAUTHORIZED = JSON.stringify({ kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message: "Unauthorized", reason: "Unauthorized", code: 401 });

export async function serveOnLoopback(handler: RestHandler, token?: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => void (body += c));
    req.on("end", async () => {
      if (token !== undefined && req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401, { "content-type": "application/json" }).end(UNAUTHORIZED);
        return;
      }
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      const r = await handler.handle({ method: req.method ?? "GET", path: url.pathname, query: url.searchParams, headers, body });
      if (r.kind === "body") res.writeHead(r.status, r.headers).end(r.body);
      else if (r.kind === "stream") {
        res.writeHead(r.status, r.headers);
        const close = r.open({ write: (c) => void res.write(c), end: () => res.end() });
        res.on("close", close);
      } else res.writeHead(501).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
