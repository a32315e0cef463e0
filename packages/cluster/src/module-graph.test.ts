import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// What a library user pays for `require("@svclab/cluster")`: the shell (just-bash,
// the CLI's) and the HTTPS front's certificate stack (selfsigned, @peculiar/x509,
// asn1js, loaded when `svclab serve` starts) stay out of the module graph.
const NOT_LOADED = ["just-bash", "selfsigned", "@peculiar", "asn1js"];

function loadedPackages(entry: string): string[] {
  const script = `require(${JSON.stringify(entry)});
    const names = new Set();
    for (const file of Object.keys(require.cache)) {
      const m = /node_modules\\/((?:@[^/]+\\/)?[^/]+)/.exec(file);
      if (m) names.add(m[1]);
    }
    process.stdout.write(JSON.stringify([...names].sort()));`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as string[];
}

describe("the package's module graph (built dist)", () => {
  it("loads neither the shell nor the certificate stack", { timeout: 30_000 }, () => {
    const loaded = loadedPackages(join(__dirname, "..", "dist", "index.js"));
    expect(loaded).toContain("yaml");
    expect(loaded.filter((name) => NOT_LOADED.some((n) => name === n || name.startsWith(`${n}/`)))).toEqual([]);
  });
});
