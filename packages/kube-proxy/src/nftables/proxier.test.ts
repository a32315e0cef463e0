import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nftFakeOptions } from "../test-support/fixtures";
import { loadOverall } from "../test-support/overall";
import { sortNFTablesTransaction } from "../test-support/sort-nft";
import { NftablesProxier } from "./proxier";

describe("nftables proxier rules", () => {
  // Port of TestOverallNFTablesRules (pkg/proxy/nftables/proxier_test.go),
  // compared the way its assertNFTablesTransactionEqual compares.
  it("writes TestOverallNFTablesRules' expected table", () => {
    const p = new NftablesProxier(nftFakeOptions());
    loadOverall(p);
    const golden = readFileSync(join(__dirname, "testdata", "overall.golden"), "utf8");
    expect(sortNFTablesTransaction(p.dump())).toBe(sortNFTablesTransaction(golden));
  });
});
