import { randomBytes, timingSafeEqual } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { badRequestError, StatusError } from "@svclab/manifest";
import { internalError } from "../api/errors";
import { MAX_BODY_BYTES } from "../rest/http-errors";
import type { RestHandler, RestRequest, RestResponse } from "../rest/types";
import { generateServingCertificates, type ServingCertificates } from "./certs";
import { EXEC_SUBPROTOCOLS, runExecSession } from "./exec";
import { parseTarget, restHeaders, toRestRequest } from "./request";
import { refuseUpgrade, sendBody, statusBody } from "./response";
import { unauthorizedError } from "./status";
import { relayStream } from "./stream";

export interface ApiServerHttpOptions {
  readonly handler: RestHandler;
  /** Loopback unless told otherwise; the caller warns about any other address. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** HTTPS with certificates generated at start (true, the default), given ones, or plain HTTP (false). */
  readonly tls?: boolean | ServingCertificates;
  /**
   * The bearer token every request must carry. Generated (32 random bytes,
   * hex) when absent: a credential comes from the OS's CSPRNG, not from the
   * simulation's seeded generator. `null` turns authentication off (plain
   * HTTP kubeconfigs without a user).
   */
  readonly token?: string | null;
  /** Defaults to kube-apiserver's `--max-request-body-bytes`, 3 MiB. */
  readonly maxBodyBytes?: number;
  /** Where internal errors go, with their stacks; defaults to stderr. */
  readonly log?: (message: string) => void;
}

export interface ApiServerHttp {
  /** `https://127.0.0.1:PORT` (or `http://`), the kubeconfig's `server`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The CA certificate (PEM) clients must trust; undefined over plain HTTP. */
  readonly caCert: string | undefined;
  readonly token: string | null;
  /** Watches and `logs -f` streams open right now. */
  openStreams(): number;
  /** Exec and attach sessions open right now. */
  openExecSessions(): number;
  /** Ends every stream and session, closes every connection and frees the port. */
  close(): Promise<void>;
}

const GENERIC_FAILURE = "the request could not be handled; see the svclab serve log";

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/**
 * Serves a `RestHandler` over HTTP(S) on node:http, the way kube-apiserver's
 * filter chain fronts its REST handlers: authentication first, then the
 * request target and the body limit, then the handler (which negotiates
 * media types itself, the same in-process), whose answer is written
 * as a body, relayed as a stream (watch, `logs -f`) or, for exec and attach,
 * carried over a WebSocket upgrade.
 */
export async function startApiServerHttp(options: ApiServerHttpOptions): Promise<ApiServerHttp> {
  const { handler } = options;
  const host = options.host ?? "127.0.0.1";
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  const token = options.token === undefined ? randomBytes(32).toString("hex") : options.token;
  // A server bound to one other address must be valid for it; a wildcard names no address a client dials.
  const extraHosts = ["0.0.0.0", "::"].includes(host) ? [] : [host];
  const certificates =
    options.tls === false ? undefined : options.tls === true || options.tls === undefined ? await generateServingCertificates({ extraHosts }) : options.tls;

  const expected = token === null ? undefined : Buffer.from(`Bearer ${token}`, "utf8");
  const authenticated = (authorization: string | undefined): boolean => {
    if (expected === undefined) return true;
    if (authorization === undefined) return false;
    const given = Buffer.from(authorization, "utf8");
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  const streams = new Set<http.ServerResponse>();
  const pendingUpgrades = new Set<Duplex>();
  let execSessions = 0;

  async function answer(request: RestRequest): Promise<RestResponse> {
    try {
      return await handler.handle(request);
    } catch (error) {
      // A Status the handler threw is its answer; anything else is a fault, kept for the log.
      if (error instanceof StatusError) return statusBody(error);
      log(`${request.method} ${request.path}: ${describe(error)}`);
      return statusBody(internalError(GENERIC_FAILURE));
    }
  }

  async function onRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!authenticated(req.headers.authorization)) {
      req.resume();
      sendBody(res, statusBody(unauthorizedError()));
      return;
    }
    let request: RestRequest;
    try {
      request = await toRestRequest(req, maxBodyBytes);
    } catch (error) {
      if (!(error instanceof StatusError)) throw error;
      // Whatever is left of a refused body is not worth reading; the connection goes with it.
      res.setHeader("Connection", "close");
      req.resume();
      sendBody(res, statusBody(error));
      return;
    }
    const response = await answer(request);
    if (response.kind === "body") {
      sendBody(res, response);
    } else if (response.kind === "stream") {
      streams.add(res);
      relayStream(response, res, () => streams.delete(res));
    } else {
      // What the API server's upgrade-aware proxy says to a plain request for exec.
      sendBody(res, statusBody(badRequestError("Upgrade request required")));
    }
  }

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: maxBodyBytes,
    handleProtocols: (offered) => EXEC_SUBPROTOCOLS.find((protocol) => offered.has(protocol)) ?? false,
  });

  async function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    pendingUpgrades.add(socket);
    socket.on("error", () => socket.destroy());
    try {
      if (!authenticated(req.headers.authorization)) return refuseUpgrade(socket, statusBody(unauthorizedError()));
      let target: ReturnType<typeof parseTarget>;
      try {
        target = parseTarget(req.url);
      } catch (error) {
        if (!(error instanceof StatusError)) throw error;
        return refuseUpgrade(socket, statusBody(error));
      }
      const request: RestRequest = { method: (req.method ?? "GET").toUpperCase(), ...target, headers: restHeaders(req), body: "" };
      const response = await answer(request);
      if (response.kind === "body") return refuseUpgrade(socket, response);
      if (response.kind === "stream") return refuseUpgrade(socket, statusBody(badRequestError("a watch or log stream cannot be upgraded")));
      const offered = String(req.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
      if (String(req.headers.upgrade ?? "").toLowerCase() !== "websocket" || !EXEC_SUBPROTOCOLS.some((p) => offered.includes(p))) {
        // SPDY/3.1, kubectl's fallback, is not served: its streams need a multiplexer node does not have.
        return refuseUpgrade(socket, statusBody(badRequestError(`unable to upgrade: svclab serves exec and attach over WebSocket (${EXEC_SUBPROTOCOLS.join(", ")}) only`)));
      }
      if (socket.destroyed) return;
      wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        execSessions += 1;
        void runExecSession(response, ws, target.query, log).then(() => {
          execSessions -= 1;
        });
      });
    } finally {
      pendingUpgrades.delete(socket);
    }
  }

  const server = certificates ? https.createServer({ key: certificates.key, cert: certificates.cert }) : http.createServer();
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    onRequest(req, res).catch((error: unknown) => {
      log(`${req.method} ${req.url}: ${describe(error)}`);
      if (!res.headersSent) sendBody(res, statusBody(internalError(GENERIC_FAILURE)));
      else res.destroy();
    });
  });
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    onUpgrade(req, socket, head).catch((error: unknown) => {
      log(`${req.method} ${req.url}: ${describe(error)}`);
      refuseUpgrade(socket, statusBody(internalError(GENERIC_FAILURE)));
    });
  });
  // A request node cannot parse gets a bare 400 and a closed connection, as Go's server does.
  server.on("clientError", (_error: Error, socket: Socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request");
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  return {
    url: `${certificates ? "https" : "http"}://${urlHost}:${address.port}`,
    host: address.address,
    port: address.port,
    caCert: certificates?.caCert,
    token,
    openStreams: () => streams.size,
    openExecSessions: () => execSessions,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const res of streams) res.end();
        for (const ws of wss.clients) ws.terminate();
        for (const socket of pendingUpgrades) socket.destroy();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
