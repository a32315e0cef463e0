/**
 * kind's `extraPortMappings`: a port of a node container published on the
 * host (`docker run -p listenAddress:hostPort:containerPort`). Here every
 * real TCP connection to 127.0.0.1:hostPort enters the simulation as one
 * connection from the machine outside the cluster (the docker network's
 * gateway, 172.18.0.1, as on kind) to that node's containerPort, usually a
 * NodePort, so a real curl, browser or load generator reaches the Service
 * with its load balancing, affinity and externalTrafficPolicy. Keep-alive
 * requests stay on their simulated connection (one backend); concurrent
 * connections are separate flows.
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { Connection, type Cluster } from "@svclab/cluster";

export interface PortMapping {
  /** Index of the node in the topology file's `nodes`. */
  readonly node: number;
  readonly containerPort: number;
  /** 0 lets the system pick a free port. */
  readonly hostPort: number;
  readonly listenAddress: string;
}

export interface PublishedPort {
  readonly node: string;
  readonly containerPort: number;
  readonly address: string;
  readonly hostPort: number;
}

export interface HostPorts {
  readonly ports: readonly PublishedPort[];
  /** Simulated connections open right now (one per open host connection that sent a request). */
  openConnections(): number;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The extraPortMappings of a kind cluster config (`kind: Cluster`); none for other topology files. */
export function extraPortMappings(doc: unknown): PortMapping[] {
  if (!isObject(doc) || doc.kind !== "Cluster" || !Array.isArray(doc.nodes)) return [];
  const out: PortMapping[] = [];
  doc.nodes.forEach((n: unknown, i: number) => {
    const mappings = isObject(n) && Array.isArray(n.extraPortMappings) ? n.extraPortMappings : [];
    mappings.forEach((m: unknown, j: number) => {
      const at = `nodes[${i}].extraPortMappings[${j}]`;
      if (!isObject(m)) throw new Error(`topology: ${at} is not a mapping`);
      const port = (name: string, min: number): number => {
        const v = m[name] ?? 0;
        if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > 65535) throw new Error(`topology: ${at}.${name}: invalid port ${JSON.stringify(v)}`);
        return v;
      };
      const protocol = String(m.protocol ?? "TCP").toUpperCase();
      if (protocol !== "TCP") throw new Error(`topology: ${at}.protocol: svclab publishes TCP ports only, not ${protocol}`);
      const listenAddress = m.listenAddress ?? "127.0.0.1";
      if (typeof listenAddress !== "string") throw new Error(`topology: ${at}.listenAddress: expected an address`);
      out.push({ node: i, containerPort: port("containerPort", 1), hostPort: port("hostPort", 0), listenAddress });
    });
  });
  return out;
}

/** Headers node writes itself for the response it frames. */
const HOP_BY_HOP = new Set(["content-length", "connection", "keep-alive", "transfer-encoding"]);

/** Docker's words when `-p` names a port in use, which is what kind reports. */
function listen(server: http.Server, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => reject(e.code === "EADDRINUSE" ? new Error(`Bind for ${address}:${port} failed: port is already allocated`) : e));
    server.listen(port, address, () => {
      server.removeAllListeners("error");
      resolve();
    });
  });
}

/** Publishes each mapping on its host address; the caller warns about non-loopback addresses. */
export async function publishHostPorts(cluster: Cluster, mappings: readonly PortMapping[]): Promise<HostPorts> {
  const servers: http.Server[] = [];
  const ports: PublishedPort[] = [];
  const open = new Map<Socket, Connection>();
  const close = async (): Promise<void> => {
    for (const conn of open.values()) conn.close();
    open.clear();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => { s.close(() => resolve()); s.closeAllConnections(); })));
  };
  try {
    for (const m of mappings) {
      const node = cluster.nodes()[m.node];
      if (node === undefined) throw new Error(`topology: extraPortMappings of nodes[${m.node}]: no such node`);
      const target = `http://${node.internalIP}:${m.containerPort}`;
      const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const socket = req.socket;
          let conn = open.get(socket);
          if (conn === undefined) {
            const opened = cluster.connect(`${target}/`, {}, { trace: false });
            // Refused or timed out inside the simulation: the host sees the connection reset.
            if (!(opened instanceof Connection)) return void socket.destroy();
            conn = opened;
            open.set(socket, conn);
            socket.once("close", () => {
              open.get(socket)?.close();
              open.delete(socket);
            });
          }
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = Array.isArray(v) ? v.join(", ") : v;
          const body = Buffer.concat(chunks).toString("utf8");
          const r = conn.send(req.url ?? "/", { method: req.method ?? "GET", headers, ...(body === "" ? {} : { body }), trace: false });
          if (r.response === undefined) return void socket.destroy();
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(r.response.headers)) if (!HOP_BY_HOP.has(k.toLowerCase())) out[k] = v;
          res.writeHead(r.response.status, out).end(r.response.body);
        });
      });
      servers.push(server);
      await listen(server, m.hostPort, m.listenAddress);
      const address = server.address() as AddressInfo;
      ports.push({ node: node.name, containerPort: m.containerPort, address: address.address, hostPort: address.port });
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { ports, openConnections: () => open.size, close };
}
