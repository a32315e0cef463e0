import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { packetPath, sideBySide, topology } from "./pictures";
import { svgToPng } from "./png";
import { articleCluster } from "./test-cluster";

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe("pictures", () => {
  it("draws the topology from the cluster's nodes and pods, marking the pod that answered", () => {
    const cluster = articleCluster();
    const worker = cluster.node("kind-worker").internalIP;
    const requests = [cluster.curl(`http://${worker}:30084`), cluster.curl(`http://${worker}:30084`)];
    const answered = /From=(\S+)/.exec(requests[0]!.stdout)![1]!;
    const svg = topology(cluster, requests, "Two requests through kind-worker");
    const labels = texts(svg);
    expect(labels).toEqual(expect.arrayContaining(["Two requests through kind-worker", "172.18.0.1", "kind-worker", "kind-worker2", "kind-worker3", "kind-control-plane", answered.replace("sample-deployment-", "")]));
    expect(labels.filter((t) => t?.includes("answered 2×"))).toHaveLength(1);
    expect(svgToPng(svg).length).toBeGreaterThan(1000);
    if (process.env.PICTURES_OUT) writeFileSync(`${process.env.PICTURES_OUT}/topology.png`, svgToPng(svg));
  });

  it("draws the packet path hop by hop with the translation and the deciding map entry", () => {
    const cluster = articleCluster();
    const r = cluster.curl(`http://${cluster.node("kind-worker3").internalIP}:30084`);
    const svg = packetPath(cluster, r, "One request");
    const labels = texts(svg).join("\n");
    expect(labels).toMatch(/DNAT 172\.18\.0\.5:30084\/TCP → 10\.244\.\d\.\d:80/);
    expect(labels).toMatch(/decided by cilium_lb4_services_v2 .*random slot \d of 3/);
    expect(labels).toContain("it sees the source");
    if (process.env.PICTURES_OUT) writeFileSync(`${process.env.PICTURES_OUT}/path.png`, svgToPng(svg));
    const second = cluster.curl(`http://${cluster.node("kind-worker3").internalIP}:30084`);
    expect(texts(packetPath(cluster, second, "Again")).join("\n")).toMatch(/decided by cilium_lb4_affinity hit/);
  });

  it("puts panels side by side with the source each pod saw", () => {
    const a = articleCluster();
    const b = articleCluster();
    const ip = a.node("kind-worker").internalIP;
    const svg = sideBySide("Cluster vs Local", undefined, [
      { caption: "A", cluster: a, requests: [a.curl(`http://${ip}:30084`)] },
      { caption: "B", cluster: b, requests: [b.curl(`http://${ip}:30084`)] },
    ]);
    expect(texts(svg)).toEqual(expect.arrayContaining(["A", "B"]));
    expect(texts(svg).some((t) => t?.includes("sees 172.18.0."))).toBe(true);
    if (process.env.PICTURES_OUT) writeFileSync(`${process.env.PICTURES_OUT}/side.png`, svgToPng(svg));
  });
});
