import { describe, expect, it } from "vitest";
import { affinityEntries, affinityTable, answeredBy, clientIPSeen, podNames } from "./inspect";
import { articleCluster } from "./test-cluster";

describe("inspect", () => {
  it("reads the From= and ClientIP= of an echo-nginx answer", () => {
    const body = "Host=x  Path=/  From=sample-deployment-7f47966499-459f6  ClientIP=10.40.0.0  XFF=\n";
    expect(answeredBy(body)).toBe("sample-deployment-7f47966499-459f6");
    expect(clientIPSeen(body)).toBe("10.40.0.0");
    expect(clientIPSeen("Host=x  ClientIP=  XFF=")).toBe("");
  });

  it("lists the affinity entry of a request on the entry node only, with the answering pod", () => {
    const cluster = articleCluster();
    const worker = cluster.node("kind-worker");
    const body = cluster.curl(`http://${worker.internalIP}:30084`).stdout;
    const entries = affinityEntries(cluster);
    expect(entries).toHaveLength(1);
    const [entry] = entries;
    expect(entry).toMatchObject({ node: "kind-worker", client: "172.18.0.1", frontend: `${worker.internalIP}:30084`, pod: answeredBy(body), expiry: "expires_in=10s" });
    expect(podNames(cluster).get(entry!.backend.split(":")[0]!)).toBe(entry!.pod);

    cluster.advance(10);
    expect(affinityEntries(cluster, ["kind-worker"])[0]?.expiry).toBe("expired");
    expect(affinityEntries(cluster, ["kind-worker2"])).toEqual([]);
    expect(affinityTable(affinityEntries(cluster))).toContain(`| kind-worker | 172.18.0.1 | ${worker.internalIP}:30084 (${entry!.revNat}) |`);
    expect(affinityTable([])).toBe("*(no affinity entries)*");
  });
});
