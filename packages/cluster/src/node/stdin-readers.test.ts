import { describe, expect, it } from "vitest";
import { readsStdin } from "./stdin-readers";

const FILES = new Set(["/etc/hostname", "/etc/resolv.conf"]);
const exists = async (p: string): Promise<boolean> => FILES.has(p);

describe("which exec'd processes read stdin", () => {
  it.each<[readonly string[], boolean]>([
    [["cat"], true],
    [["cat", "-"], true],
    [["cat", "/etc/hostname"], false],
    [["head", "-n", "5"], true],
    [["grep", "nameserver"], true],
    [["grep", "nameserver", "/etc/resolv.conf"], false],
    [["tr", "a-z", "A-Z"], true],
    [["ls", "/etc"], false],
    [["curl", "-s", "web"], false],
    [["sh"], true],
    [["/bin/sh", "-c", "echo hi"], false],
    [["sh", "-c", "cat > /tmp/copy"], true],
    [["sh", "-c", "echo hi | wc -l"], false],
    [["sh", "-c", "read line; echo $line"], true],
    [["sh", "-c", "wc -l < /etc/hostname"], false],
    [["sh", "-c", "LC_ALL=C sort"], true],
  ])("%j: %s", async (argv, expected) => {
    expect(await readsStdin(argv, exists)).toBe(expected);
  });
});
