import { describe, expect, it } from "vitest";
import { IptablesTables } from "./tables";

// iptables-restore's behaviour kube-proxy relies on, and its refusals
// (checked against the tables' state being left unchanged).
describe("iptables-restore --noflush model", () => {
  const base = "*nat\n:KUBE-A - [0:0]\n-A KUBE-A -j RETURN\nCOMMIT\n";

  it("flushes a declared user chain and leaves undeclared chains alone", () => {
    const t = new IptablesTables();
    t.restore(base + "*nat\n:KUBE-B - [0:0]\n-A KUBE-B -j RETURN\nCOMMIT\n");
    t.restore("*nat\n:KUBE-A - [0:0]\n-A KUBE-A -j ACCEPT\nCOMMIT\n");
    expect(t.save("nat")).toContain("-A KUBE-A -j ACCEPT\n-A KUBE-B -j RETURN\n");
    expect(t.save("nat")).not.toContain("-A KUBE-A -j RETURN");
  });

  it.each([
    ["*nat\n-A KUBE-NOPE -j RETURN\nCOMMIT\n", "Chain 'KUBE-NOPE' does not exist", 2],
    ["*nat\n:KUBE-A - [0:0]\n-A KUBE-A -j KUBE-MISSING\nCOMMIT\n", "Couldn't load target `KUBE-MISSING':No such file or directory", 3],
    ["*nat\n:KUBE-A - [0:0]\n-A KUBE-A -m bogus -j RETURN\nCOMMIT\n", "Couldn't load match `bogus':No such file or directory", 3],
    ["*nat\n:KUBE-A - [0:0]\n-A KUBE-A --frob 1 -j RETURN\nCOMMIT\n", 'unknown option "--frob"', 3],
    ["*nat\n:KUBE-A - [0:0]\n", "COMMIT expected", 3],
  ])("refuses %j atomically", (input, reason, line) => {
    const t = new IptablesTables();
    t.restore(base);
    const before = t.save();
    expect(() => t.restore(input)).toThrow(`iptables-restore v1.8.9 (nf_tables): ${reason}\nError occurred at line: ${line}\n`);
    expect(t.save()).toBe(before);
  });

  it("deletes a chain with -X", () => {
    const t = new IptablesTables();
    t.restore(base);
    t.restore("*nat\n:KUBE-A - [0:0]\n-X KUBE-A\nCOMMIT\n");
    expect(t.chainNames("nat")).not.toContain("KUBE-A");
  });

  it("prints rules the way iptables-save does", () => {
    const t = new IptablesTables();
    t.restore(
      "*nat\n:KUBE-S - [0:0]\n:KUBE-T - [0:0]\n" +
        '-A KUBE-S -m comment --comment "a b" -m tcp -p tcp -d 10.0.0.1 --dport 80 ! -s 10.0.0.0/8 -j KUBE-T\n' +
        "-A KUBE-S -m statistic --mode random --probability 0.3333333333 -j KUBE-T\n" +
        "-A KUBE-T -j MARK --or-mark 0x4000\n-A KUBE-T -j MARK --xor-mark 0x4000\nCOMMIT\n",
    );
    expect(t.save("nat").split("\n").filter((l) => l.startsWith("-A"))).toEqual([
      '-A KUBE-S ! -s 10.0.0.0/8 -d 10.0.0.1/32 -p tcp -m comment --comment "a b" -m tcp --dport 80 -j KUBE-T',
      // libxt_statistic stores round(2^31 p) and prints it back with 11 decimals.
      "-A KUBE-S -m statistic --mode random --probability 0.33333333349 -j KUBE-T",
      "-A KUBE-T -j MARK --set-xmark 0x4000/0x4000",
      "-A KUBE-T -j MARK --set-xmark 0x4000/0x0",
    ]);
  });
});
