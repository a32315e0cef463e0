import { describe, expect, it } from "vitest";
import { createKubeProxy } from "./create";
import { fakeOptions } from "./test-support/fixtures";

describe("createKubeProxy", () => {
  it("builds the named mode", () => {
    expect(createKubeProxy("iptables", fakeOptions()).mode).toBe("iptables");
    expect(createKubeProxy("nftables", fakeOptions()).mode).toBe("nftables");
  });
  it("refuses a mode it does not model", () => {
    expect(() => createKubeProxy("ipvs", fakeOptions())).toThrow('kube-proxy mode "ipvs" is not modelled by @svclab/kube-proxy (supported: iptables, nftables)');
  });
});
