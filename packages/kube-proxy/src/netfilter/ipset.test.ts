import { describe, expect, it } from "vitest";
import { parseIPv4 } from "@svclab/sim";
import { IpSets, type IpSetType } from "./ipset";
import { parseRule } from "./rule";

// How `-m set --match-set NAME dirs` reads a packet for each set type IPVS mode uses
// (the kernel's ip_set_get_ip4_port and friends: each dir picks src or dst of the next field).
const pkt = { proto: "tcp", src: parseIPv4("10.0.0.2"), sport: 40000, dst: parseIPv4("10.96.0.10"), dport: 80 };

const cases: { type: IpSetType; entries: string[]; dirs: string; want: boolean }[] = [
  { type: "hash:ip,port", entries: ["10.96.0.10,tcp:80"], dirs: "dst,dst", want: true },
  { type: "hash:ip,port", entries: ["10.96.0.10,udp:80"], dirs: "dst,dst", want: false },
  { type: "hash:ip,port", entries: ["10.96.0.10,tcp:80"], dirs: "src,dst", want: false },
  { type: "hash:ip,port,ip", entries: ["10.96.0.10,tcp:80,10.0.0.2"], dirs: "dst,dst,src", want: true },
  { type: "hash:ip,port,ip", entries: ["10.96.0.10,tcp:80,10.0.0.3"], dirs: "dst,dst,src", want: false },
  { type: "hash:ip,port,net", entries: ["10.96.0.10,tcp:80,10.0.0.0/24"], dirs: "dst,dst,src", want: true },
  { type: "hash:ip,port,net", entries: ["10.96.0.10,tcp:80,10.1.0.0/16"], dirs: "dst,dst,src", want: false },
  // bitmap:port keeps port numbers only: the protocol is the rule's `-p`.
  { type: "bitmap:port", entries: ["80"], dirs: "dst", want: true },
  { type: "bitmap:port", entries: ["40000"], dirs: "dst", want: false },
  { type: "hash:ip", entries: ["10.96.0.10"], dirs: "dst", want: true },
  { type: "hash:ip", entries: ["10.96.0.10"], dirs: "src", want: false },
];

describe("ip sets", () => {
  it.each(cases)("$type $entries with $dirs: $want", ({ type, entries, dirs, want }) => {
    const sets = new IpSets();
    sets.create("S", type, "");
    sets.replace("S", entries);
    expect(sets.test("S", dirs.split(","), pkt)).toBe(want);
  });

  it("a missing set matches nothing; replacing an unknown set fails as ipset does", () => {
    const sets = new IpSets();
    expect(sets.test("NOPE", ["dst"], pkt)).toBe(false);
    expect(() => sets.replace("NOPE", [])).toThrow("The set with the given name does not exist");
  });

  it("-m set parses and prints as iptables-save does; bad directions are refused with iptables' text", () => {
    expect(parseRule("KUBE-SERVICES", ["-m", "set", "!", "--match-set", "KUBE-CLUSTER-IP", "dst,dst", "-j", "ACCEPT"]).saved).toBe(
      "-A KUBE-SERVICES -m set ! --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT",
    );
    expect(() => parseRule("X", ["-m", "set", "--match-set", "S", "dst,up"])).toThrow("You must specify (the comma separated list of) 'src' or 'dst'.");
  });
});
