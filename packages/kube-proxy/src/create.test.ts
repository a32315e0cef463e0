import { describe, expect, it } from "vitest";
import { createKubeProxy } from "./create";
import { fakeOptions } from "./test-support/fixtures";

describe("createKubeProxy", () => {
  it("builds the named mode", () => {
    expect(createKubeProxy("iptables", fakeOptions()).mode).toBe("iptables");
    expect(createKubeProxy("nftables", fakeOptions()).mode).toBe("nftables");
    expect(createKubeProxy("ipvs", fakeOptions()).mode).toBe("ipvs");
  });
  it("refuses a mode it does not model", () => {
    expect(() => createKubeProxy("kernelspace" as never, fakeOptions())).toThrow('kube-proxy mode "kernelspace" is not modelled by @svclab/kube-proxy (supported: iptables, nftables, ipvs)');
  });
});
