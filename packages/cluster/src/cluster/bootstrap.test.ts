import { describe, expect, it } from "vitest";
import { createCluster } from "./cluster";

describe("node objects", () => {
  it("report the kubelet and kube-proxy release that /version reports", async () => {
    const cluster = createCluster({ seed: 1 });
    const handler = cluster.restHandler();
    const version = await handler.handle({ method: "GET", path: "/version", query: new URLSearchParams(), headers: {}, body: "" });
    const nodes = await handler.handle({ method: "GET", path: "/api/v1/nodes", query: new URLSearchParams(), headers: {}, body: "" });
    if (version.kind !== "body" || nodes.kind !== "body") throw new Error("expected bodies");
    const { gitVersion } = JSON.parse(version.body) as { gitVersion: string };
    const items = (JSON.parse(nodes.body) as { items: { status: { nodeInfo: { kubeletVersion: string; kubeProxyVersion: string } } }[] }).items;
    expect(items.length).toBeGreaterThan(1);
    for (const n of items) expect([n.status.nodeInfo.kubeletVersion, n.status.nodeInfo.kubeProxyVersion]).toEqual([gitVersion, gitVersion]);
  });
});
