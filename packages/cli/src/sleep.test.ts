import { describe, expect, it } from "vitest";
import { ShellSession } from "./session";
import { sleepSeconds } from "./sleep";

async function session(script: string): Promise<{ out: string; err: string; slept: number }> {
  let out = "";
  let err = "";
  const s = new ShellSession({ sink: (stream, text) => (stream === "stdout" ? (out += text) : (err += text)) });
  const t0 = s.cluster.now();
  await s.run(script);
  return { out, err, slept: s.cluster.now() - t0 };
}

describe("sleep (GNU coreutils)", () => {
  it.each([
    ["10801", 10801],
    ["1.5", 1.5],
    ["2m", 120],
    ["1h", 3600],
    ["1d", 86400],
    [".5s", 0.5],
    ["1e3", 1000],
    ["+3", 3],
    ["0x10", 16],
  ])("%s is %d seconds", (arg, seconds) => expect(sleepSeconds(arg)).toBe(seconds));

  it.each(["abc", "-1", "1x", "", "1 s", "1hh", "1H"])("refuses %j", (arg) => expect(sleepSeconds(arg)).toBeUndefined());

  it("sleeps the sum of its operands on the virtual clock, past just-bash's 3600 s cap", async () => {
    const r = await session("sleep 10801\nsleep 1.5m 2h 1d\necho done\n");
    expect(r).toMatchObject({ out: "done\n", err: "" });
    expect(r.slept).toBeCloseTo(10801 + 90 + 7200 + 86400, 3);
  });

  it("answers misuse as GNU sleep does and does not move the clock", async () => {
    const r = await session("sleep; echo $?\nsleep abc 5 x; echo $?\nsleep infinity; echo $?\n");
    expect(r.out).toBe("1\n1\n1\n");
    expect(r.err).toBe(
      "sleep: missing operand\nTry 'sleep --help' for more information.\n" +
        "sleep: invalid time interval 'abc'\nsleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n" +
        "svclab: sleep: an infinite sleep never returns in virtual time; give an interval\n",
    );
    expect(r.slept).toBe(0);
  });
});
