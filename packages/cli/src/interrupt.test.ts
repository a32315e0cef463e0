import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const BIN = join(__dirname, "..", "bin", "svclab.cjs");

/** Starts `svclab shell` on a pipe, types `lines` one at a time (waiting for `waitFor` after each), and collects what it prints. */
function shell(): { type: (text: string) => void; until: (re: RegExp) => Promise<void>; interrupt: () => void; end: () => Promise<{ out: string; code: number | null }>; out: () => string } {
  const child = spawn(process.execPath, [BIN, "shell", "--seed", "1"], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let waiters: (() => void)[] = [];
  const onData = (d: Buffer): void => {
    out += d.toString();
    for (const w of waiters) w();
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  return {
    type: (text) => void child.stdin.write(text),
    until: (re) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in ${JSON.stringify(out)}`)), 20_000);
        const check = (): void => {
          if (re.test(out)) {
            clearTimeout(timer);
            waiters = waiters.filter((w) => w !== check);
            resolve();
          }
        };
        waiters.push(check);
        check();
      }),
    interrupt: () => void child.kill("SIGINT"),
    end: () =>
      new Promise((resolve) => {
        child.on("exit", (code) => resolve({ out, code }));
        child.stdin.end();
      }),
    out: () => out,
  };
}

describe("Ctrl-C in svclab shell", () => {
  it("stops the running loop, not the shell, and Ctrl-D exits", async () => {
    const sh = shell();
    await sh.until(/\$ $/);
    sh.type("i=0; while true; do i=$((i+1)); done\n");
    // Let the loop run, then press Ctrl-C.
    await new Promise((r) => setTimeout(r, 1500));
    sh.interrupt();
    await sh.until(/\^C\n\$ $/);
    sh.type("echo still here\n");
    await sh.until(/still here\n/);
    const { out, code } = await sh.end();
    expect(out).toBe("$ ^C\n$ still here\n$ ");
    expect(code).toBe(0);
  }, 60_000);

  it("drops a half-typed block on Ctrl-C at the prompt", async () => {
    const sh = shell();
    await sh.until(/\$ $/);
    sh.type("for i in 1 2; do\n");
    await sh.until(/> $/);
    sh.interrupt();
    await sh.until(/\^C\n\$ $/);
    sh.type("echo fresh\n");
    await sh.until(/fresh\n/);
    const { code } = await sh.end();
    expect(code).toBe(0);
  }, 60_000);
});
