import { STATUS_CODES, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import type { StatusError } from "@svclab/manifest";
import type { RestBody } from "../rest/types";

/** A handler's headers with names lower-cased, so a default never sends a second Content-Type. */
export function responseHeaders(headers: Readonly<Record<string, string>>, extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = { "content-type": "application/json" };
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return Object.assign(out, extra);
}

export function statusBody(error: StatusError): RestBody {
  return { kind: "body", status: error.code, headers: { "content-type": "application/json" }, body: JSON.stringify(error.status) };
}

export function sendBody(res: ServerResponse, answer: RestBody): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = answer.bytes ?? Buffer.from(answer.body, "utf8");
  res.writeHead(answer.status, responseHeaders(answer.headers, { "content-length": String(body.length) }));
  res.end(body);
}

/** An HTTP response written straight onto a socket that asked for an upgrade and will not get one. */
export function refuseUpgrade(socket: Duplex, answer: RestBody): void {
  if (socket.destroyed) return;
  const body = answer.bytes ?? Buffer.from(answer.body, "utf8");
  const headers = responseHeaders(answer.headers, { "content-length": String(body.length), connection: "close" });
  const head = [`HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? ""}`];
  for (const [name, value] of Object.entries(headers)) head.push(`${name}: ${value}`);
  socket.end(Buffer.concat([Buffer.from(`${head.join("\r\n")}\r\n\r\n`, "latin1"), body]));
}
