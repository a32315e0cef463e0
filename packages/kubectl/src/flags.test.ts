import { describe, expect, it } from "vitest";
import { UsageError, parseFlags, parseGoDuration, type FlagSpec } from "./flags";

const specs: FlagSpec[] = [
  { name: "namespace", short: "n", type: "string" },
  { name: "output", short: "o", type: "string" },
  { name: "stdin", short: "i", type: "bool" },
  { name: "tty", short: "t", type: "bool" },
  { name: "replicas", type: "int" },
  { name: "filename", short: "f", type: "strings" },
];

describe("parseFlags (cobra/pflag)", () => {
  it("takes flags anywhere before --, in every spelling", () => {
    const p = parseFlags(["exec", "-it", "pod", "-nkube-system", "--output=wide", "-f", "a.yaml", "-f=b.yaml", "--replicas", "3", "--", "curl", "-s"], specs);
    expect(p.args).toEqual(["exec", "pod"]);
    expect(p.rest).toEqual(["curl", "-s"]);
    expect(Object.fromEntries(p.flags)).toEqual({ stdin: true, tty: true, namespace: "kube-system", output: "wide", filename: ["a.yaml", "b.yaml"], replicas: 3 });
  });

  it("leaves rest undefined without --", () => {
    expect(parseFlags(["get", "pods"], specs).rest).toBeUndefined();
  });

  it.each([
    [["--foo"], "unknown flag: --foo"],
    [["-x"], "unknown shorthand flag: 'x' in -x"],
    [["-ix"], "unknown shorthand flag: 'x' in -ix"],
    [["-n"], "flag needs an argument: 'n' in -n"],
    [["--namespace"], "flag needs an argument: --namespace"],
    [["--replicas=abc"], 'invalid argument "abc" for "--replicas" flag: strconv.ParseInt: parsing "abc": invalid syntax'],
  ])("%j -> %s", (argv, message) => {
    expect(() => parseFlags(argv, specs)).toThrow(new UsageError(message));
  });
});

describe("parseGoDuration", () => {
  it.each([
    ["30s", 30000],
    ["1m30s", 90000],
    ["500ms", 500],
    ["2h", 7200000],
    ["0", 0],
    ["abc", undefined],
    ["10", undefined],
  ])("%s", (s, ms) => {
    expect(parseGoDuration(s)).toBe(ms);
  });
});
