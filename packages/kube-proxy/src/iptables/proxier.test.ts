import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fakeOptions } from "../test-support/fixtures";
import { loadOverall } from "../test-support/overall";
import { sortIPTablesRules } from "../test-support/sort-rules";
import { IptablesProxier } from "./proxier";

describe("iptables proxier rules", () => {
  // Port of TestOverallIPTablesRules (pkg/proxy/iptables/proxier_test.go): the
  // restore input, normalised with the test's own sortIPTablesRules, equals
  // kube-proxy's expected text byte for byte.
  it("writes TestOverallIPTablesRules' expected restore input", () => {
    const p = new IptablesProxier(fakeOptions());
    loadOverall(p);
    const golden = readFileSync(join(__dirname, "testdata", "overall.golden"), "utf8");
    expect(sortIPTablesRules(p.restoreData())).toBe(golden);
  });
});
