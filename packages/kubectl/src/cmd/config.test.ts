// The in-process cluster answers `kubectl config` as the cluster kind creates
// by default: context, cluster and user all `kind-kind`, credentials redacted.
import { describe, expect, it } from "vitest";
import { createCluster } from "@svclab/cluster";
import { Kubectl } from "../kubectl";
import { inProcessClient } from "../client/cluster-client";

const io = { files: { readFile: async () => undefined, readDir: async () => undefined }, stdin: "" };

describe("kubectl config of the in-process cluster", () => {
  const cluster = createCluster({ seed: 1 });
  const k = new Kubectl(inProcessClient(cluster.restHandler(), cluster.clientClock()));
  const run = async (cmd: string): Promise<string> => (await k.run(cmd.split(" "), io)).stdout;

  it.each([
    ["config current-context", "kind-kind\n"],
    ["config get-contexts", "CURRENT   NAME        CLUSTER     AUTHINFO    NAMESPACE\n*         kind-kind   kind-kind   kind-kind   \n"],
    ["config get-contexts -o name", "kind-kind\n"],
    [
      "config view",
      "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: https://127.0.0.1:6443\n  name: kind-kind\ncontexts:\n- context:\n    cluster: kind-kind\n    user: kind-kind\n  name: kind-kind\ncurrent-context: kind-kind\nkind: Config\npreferences: {}\nusers:\n- name: kind-kind\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n",
    ],
  ])("kubectl %s", async (cmd, want) => {
    expect(await run(cmd)).toBe(want);
  });
});
