import { describe, expect, it } from "vitest";
import { PROTO_ANY, PROTO_SCTP, PROTO_TCP, PROTO_UDP } from "../maps/layouts";
import { formatL3n4, l3n4Key } from "./addr";
import { Tables } from "./tables";
import { Writer } from "./writer";
import type { BackendParams, ServiceParams } from "./model";

function setup(svc: Partial<ServiceParams> = {}, type: "ClusterIP" | "NodePort" = "NodePort", scope: 0 | 1 = 0) {
  const w = new Writer(new Tables(), "node-a");
  w.upsertService({ name: "default/web", ...svc }, [
    { address: "10.96.0.1", port: 80, protocol: "TCP", type: "ClusterIP", portName: "http" },
    { address: "0.0.0.0", port: 30080, protocol: "TCP", type, portName: "http", scope },
  ]);
  const backends: BackendParams[] = [
    { address: "10.244.2.1", port: 8080, protocol: "TCP", portNames: ["http"], nodeName: "node-b" },
    { address: "10.244.1.1", port: 8080, protocol: "TCP", portNames: ["http"], nodeName: "node-a" },
    { address: "10.244.1.2", port: 8080, protocol: "TCP", portNames: ["http"], nodeName: "node-a", state: "terminating" },
    { address: "10.244.1.3", port: 9090, protocol: "TCP", portNames: ["metrics"], nodeName: "node-a" },
    { address: "10.244.1.4", port: 8080, protocol: "UDP", portNames: ["http"], nodeName: "node-a" },
  ];
  w.setBackends("default/web", backends);
  const fe = (key: string) => w.frontendBackends(w.tables.frontends.get(key)!).map((b) => formatL3n4(b.row.addr, b.row.port, b.row.proto));
  return { w, fe };
}

describe("Writer.frontendBackends", () => {
  it.each([
    ["Cluster/Cluster: every backend of the port and protocol, active first by address", {}, "0.0.0.0:30080/TCP", ["10.244.1.1:8080/TCP", "10.244.2.1:8080/TCP", "10.244.1.2:8080/TCP"]],
    ["eTP=Local: external frontends keep this node's backends", { extTrafficPolicy: "Local" as const, intTrafficPolicy: "Local" as const }, "0.0.0.0:30080/TCP", ["10.244.1.1:8080/TCP", "10.244.1.2:8080/TCP"]],
    ["eTP=Local: ClusterIP follows iTP (Cluster)", { extTrafficPolicy: "Local" as const }, "10.96.0.1:80/TCP", ["10.244.1.1:8080/TCP", "10.244.2.1:8080/TCP", "10.244.1.2:8080/TCP"]],
    ["iTP=Local: ClusterIP keeps this node's backends", { intTrafficPolicy: "Local" as const }, "10.96.0.1:80/TCP", ["10.244.1.1:8080/TCP", "10.244.1.2:8080/TCP"]],
  ])("%s", (_name, svc, key, expected) => {
    expect(setup(svc).fe(key)).toEqual(expected);
  });

  it("the internal scope of a two-scope frontend follows iTP", () => {
    const { fe } = setup({ extTrafficPolicy: "Local" }, "NodePort", 1);
    expect(fe("0.0.0.0:30080/TCP/i")).toEqual(["10.244.1.1:8080/TCP", "10.244.2.1:8080/TCP", "10.244.1.2:8080/TCP"]);
  });
});

describe("Writer.setBackends", () => {
  it("bumps revisions only for backends whose instance changed", () => {
    const { w } = setup();
    const rev = (k: string) => w.tables.backend(k)?.revision;
    const before = [rev("10.244.1.1:8080/TCP"), rev("10.244.2.1:8080/TCP")];
    w.setBackends("default/web", [
      { address: "10.244.2.1", port: 8080, protocol: "TCP", portNames: ["http"], nodeName: "node-b" },
      { address: "10.244.1.1", port: 8080, protocol: "TCP", portNames: ["http"], nodeName: "node-a", state: "terminating" },
    ]);
    expect([rev("10.244.1.1:8080/TCP"), rev("10.244.2.1:8080/TCP")]).toEqual([(before[0] as number) + 1, before[1]]);
    expect(w.tables.backend("10.244.1.3:9090/TCP")).toBeUndefined();
    expect(w.tables.backend("10.244.1.1:8080/TCP")?.port).toBe(8080);
  });

  it("merges the port names of one address listed twice", () => {
    const w = new Writer(new Tables(), "n");
    w.setBackends("default/a", [
      { address: "10.0.0.1", port: 80, protocol: "TCP", portNames: ["http"] },
      { address: "10.0.0.1", port: 80, protocol: "TCP", portNames: ["web"] },
    ]);
    expect(w.tables.backend("10.0.0.1:80/TCP")?.instances.get("default/a")?.portNames).toEqual(["http", "web"]);
  });

  it("rejects a bad address and leaves the tables unchanged", () => {
    const { w } = setup();
    const before = [...w.tables.backends.values()];
    expect(() => w.setBackends("default/web", [{ address: "10.0.0.300", port: 80, protocol: "TCP" }])).toThrow(
      'invalid IPv4 address "10.0.0.300"',
    );
    expect([...w.tables.backends.values()]).toEqual(before);
  });
});

describe("l3n4Key", () => {
  it("gives every address, port and protocol its own safe integer", () => {
    const seen = new Map<number, string>();
    for (const addr of [0, 1, 0x0af40101, 0x7fffffff, 0x80000000, 0xffffffff]) {
      for (const port of [0, 1, 80, 8080, 65535]) {
        for (const proto of [PROTO_ANY, PROTO_TCP, PROTO_UDP, PROTO_SCTP]) {
          const k = l3n4Key(addr, port, proto);
          expect(Number.isSafeInteger(k)).toBe(true);
          const name = `${addr}:${port}/${proto}`;
          expect(seen.get(k) ?? name).toBe(name);
          seen.set(k, name);
        }
      }
    }
    expect(seen.size).toBe(6 * 5 * 4);
  });
});
