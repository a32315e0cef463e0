import { describe, expect, it } from "vitest";
import { parse } from "just-bash";
import { ShellSession } from "./session";
import { echoTexts } from "./transcript";

function transcript(source: string, echo = false): Promise<{ all: string[]; code: number }> {
  const all: string[] = [];
  const session = new ShellSession({ echo, sink: (stream, text) => all.push(`${stream === "stderr" ? "E" : "O"}:${text}`) });
  return session.run(source).then((code) => ({ all, code }));
}

describe("echoTexts", () => {
  it("shows comments above a statement, heredoc bodies, and shared lines once", () => {
    const source = "#!/bin/bash\n\n# make a file\ncat <<EOF > a.txt\nhello\nEOF\n\nx=1; echo $x\nfor i in 1 2; do\n  echo $i\ndone\n";
    const statements = parse(source).statements as unknown as Record<string, unknown>[];
    expect(echoTexts(source, statements)).toEqual([
      "# make a file\n$ cat <<EOF > a.txt\nhello\nEOF\n",
      "$ x=1; echo $x\n",
      "",
      "$ for i in 1 2; do\n  echo $i\ndone\n",
    ]);
  });
});

describe("transcript capture", () => {
  it("keeps stdout and stderr in terminal order, inside loops too", async () => {
    const r = await transcript("echo a; echo b >&2\nfor i in 1 2; do echo out$i; echo err$i >&2; done\n");
    expect(r.all).toEqual(["O:a\n", "E:b\n", "O:out1\n", "E:err1\n", "O:out2\n", "E:err2\n"]);
  });

  it("leaves $?, variables, functions and pipes as bash has them", async () => {
    const r = await transcript('f() { echo "f:$1"; }\nfalse\necho "status $?"\nX=5\nf $X | tr a-z A-Z\nif [ "$X" = 5 ]; then echo yes; fi\n');
    expect(r.all.join("")).toBe("O:status 1\nO:F:5\nO:yes\n");
  });

  it("still shows what a statement printed before exit and set -e stopped the script", async () => {
    expect(await transcript("set -e\necho before\n{ echo inside; false; }\necho never\n")).toEqual({ all: ["O:before\n", "O:inside\n"], code: 1 });
    expect(await transcript("echo bye; exit 4\necho never\n")).toEqual({ all: ["O:bye\n"], code: 4 });
  });

  it("echoes each statement before its output", async () => {
    const r = await transcript("# hello\necho hi\n", true);
    expect(r.all).toEqual(["O:# hello\n$ echo hi\n", "O:hi\n"]);
  });
});
