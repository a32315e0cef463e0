import { describe, expect, it } from "vitest";
import { ShellSession } from "./session";

/** Every source of randomness and time a script can reach. */
const SCRIPT = `echo random $RANDOM \${RANDOM} $((RANDOM % 100)) $SRANDOM
echo date "$(date)" $(date +%s) $(date -u +%T) $EPOCHSECONDS
echo temp $(mktemp) $(mktemp -d)
echo shuf $(shuf -e a b c d e f) $(shuf -i 1-100 -n 3)
echo awk $(awk 'BEGIN { print rand(), rand() }')
echo urandom $(head -c 12 /dev/urandom | base64)
echo pod $(kubectl run r --image=busybox --restart=Never -i --rm -q -- sh -c 'echo $RANDOM $(date +%s)' 2>&1)
`;

async function run(seed: number, script: string): Promise<string> {
  let out = "";
  const s = new ShellSession({ seed, sink: (_stream, text) => (out += text) });
  await s.run(script);
  return out;
}

describe("script determinism", () => {
  it("prints the same with the same seed, and differs where randomness is with another", async () => {
    const a = await run(3, SCRIPT);
    const b = await run(3, SCRIPT);
    const c = await run(4, SCRIPT);
    expect(b).toBe(a);
    const lines = (s: string): Map<string, string> => new Map(s.trim().split("\n").map((l) => [l.split(" ")[0] as string, l]));
    const [la, lc] = [lines(a), lines(c)];
    for (const key of ["random", "temp", "shuf", "awk", "urandom"]) expect(lc.get(key), key).not.toBe(la.get(key));
    // Time is the virtual clock, which does not depend on the seed.
    expect(lc.get("date")).toBe(la.get("date"));
    expect(la.get("date")).toBe("date Mon Jan  1 00:00:01 UTC 2024 1704067201 00:00:01 1704067201");
  }, 60_000);

  it("reseeds $RANDOM on RANDOM=n as bash does, and counts SECONDS on the virtual clock", async () => {
    expect(await run(1, "RANDOM=5; echo $RANDOM $RANDOM $RANDOM\nsleep 90; echo $SECONDS\nSECONDS=10; sleep 5; echo $SECONDS\n")).toBe("18498 29338 982\n90\n15\n");
  }, 30_000);

  it("makes mktemp's file and shuf's permutation with coreutils' shapes", async () => {
    const out = await run(1, "f=$(mktemp); test -f $f && echo file ${f%.*}\nd=$(mktemp -d -t job.XXXXXX); test -d $d && echo dir ${#d}\nmktemp foo\nshuf -i 1-5 | sort -n | tr '\\n' ' '\n");
    expect(out).toBe("file /tmp/tmp\ndir 15\nmktemp: too few X's in template 'foo'\n1 2 3 4 5 ");
  }, 30_000);
});
