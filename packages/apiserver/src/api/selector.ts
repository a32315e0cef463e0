/**
 * kubectl's `-l` label selector syntax (apimachinery labels.Parse) turned
 * into a LabelSelector, so @svclab/manifest's matcher does the matching:
 * `k=v`, `k==v`, `k!=v`, `k in (a,b)`, `k notin (a)`, `k`, `!k`.
 */
import type { LabelSelector, LabelSelectorRequirement } from "kubernetes-types/meta/v1";

export function parseLabelSelector(text: string): LabelSelector {
  const expressions: LabelSelectorRequirement[] = [];
  // Split on commas outside parentheses.
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  parts.push(cur);
  for (const raw of parts) {
    const p = raw.trim();
    if (p === "") continue;
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(p))) {
      const values = (m[3] as string).split(",").map((v) => v.trim()).filter((v) => v !== "");
      expressions.push({ key: m[1] as string, operator: m[2] === "in" ? "In" : "NotIn", values });
    } else if ((m = /^([^\s!=()]+)\s*!=\s*([^\s!=()]*)$/.exec(p))) {
      expressions.push({ key: m[1] as string, operator: "NotIn", values: [m[2] as string] });
    } else if ((m = /^([^\s!=()]+)\s*==?\s*([^\s!=()]*)$/.exec(p))) {
      expressions.push({ key: m[1] as string, operator: "In", values: [m[2] as string] });
    } else if ((m = /^!\s*([^\s!=()]+)$/.exec(p))) {
      expressions.push({ key: m[1] as string, operator: "DoesNotExist" });
    } else if ((m = /^([^\s!=()]+)$/.exec(p))) {
      expressions.push({ key: m[1] as string, operator: "Exists" });
    } else {
      throw new Error(`unable to parse requirement: ${JSON.stringify(p)}`);
    }
  }
  return { matchExpressions: expressions };
}
