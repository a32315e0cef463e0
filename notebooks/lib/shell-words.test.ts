import { describe, expect, it } from "vitest";
import { shellWords } from "./shell-words";

describe("shellWords", () => {
  it.each([
    ["get pods -o wide", ["get", "pods", "-o", "wide"]],
    ["  get   svc  ", ["get", "svc"]],
    [`patch service s -p '{"spec": {"sessionAffinity": "None"}}'`, ["patch", "service", "s", "-p", '{"spec": {"sessionAffinity": "None"}}']],
    [`label pod p "a=b c" x\\ y`, ["label", "pod", "p", "a=b c", "x y"]],
    [`get pods -o jsonpath="{.items[*].metadata.name}"`, ["get", "pods", "-o", "jsonpath={.items[*].metadata.name}"]],
    [`exec p -- sh -c "echo \\"hi\\""`, ["exec", "p", "--", "sh", "-c", 'echo "hi"']],
    [`get '' x`, ["get", "", "x"]],
  ])("%s", (line, words) => {
    expect(shellWords(line)).toEqual(words);
  });

  it("refuses an unclosed quote as bash does", () => {
    expect(() => shellWords("patch svc s -p '{")).toThrow("unexpected EOF while looking for matching `''");
  });
});
