/**
 * kube-proxy's test-side normaliser of iptables-restore input
 * (pkg/proxy/iptables/proxier_test.go sortIPTablesRules): tables by name,
 * KUBE-NODEPORTS then KUBE-SERVICES then other KUBE-* chains alphabetically,
 * rules grouped by chain, and the rules of KUBE-NODEPORTS / KUBE-SERVICES
 * ordered by the service named in their comment (the "must be the last rule"
 * rule stays last), so the comparison does not depend on Go's map order.
 */

import { tokenizeRuleLine } from "../netfilter/tokenize";

function commentService(line: string): string | undefined {
  const t = tokenizeRuleLine(line);
  const i = t.indexOf("--comment");
  if (i < 0) return undefined;
  const c = t[i + 1] ?? "";
  const j = c.search(/[ :]/);
  return j < 0 ? c : c.slice(0, j);
}

function chainRank(name: string): [number, string] {
  if (name === "KUBE-NODEPORTS") return [0, name];
  if (name === "KUBE-SERVICES") return [1, name];
  return [name.startsWith("KUBE-") ? 2 : 3, name];
}

export function sortIPTablesRules(data: string): string {
  const tables: { name: string; chains: string[]; rules: Map<string, string[]> }[] = [];
  let cur: (typeof tables)[number] | undefined;
  for (const raw of data.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("*")) {
      cur = { name: line.slice(1), chains: [], rules: new Map() };
      tables.push(cur);
    } else if (line === "COMMIT") {
      cur = undefined;
    } else if (cur && line.startsWith(":")) {
      const name = line.slice(1).split(" ")[0] as string;
      cur.chains.push(line);
      if (!cur.rules.has(name)) cur.rules.set(name, []);
    } else if (cur) {
      const chain = line.split(" ")[1] as string;
      if (!cur.rules.has(chain)) cur.rules.set(chain, []);
      cur.rules.get(chain)?.push(line);
    }
  }
  tables.sort((a, b) => (a.name < b.name ? -1 : 1));
  const out: string[] = [];
  for (const t of tables) {
    out.push(`*${t.name}`);
    const decl = (l: string): string => l.slice(1).split(" ")[0] as string;
    t.chains.sort((a, b) => {
      const [ra, na] = chainRank(decl(a));
      const [rb, nb] = chainRank(decl(b));
      return ra !== rb ? ra - rb : na < nb ? -1 : na > nb ? 1 : 0;
    });
    out.push(...t.chains);
    const order = [...t.chains.map(decl), ...[...t.rules.keys()].filter((c) => !t.chains.some((l) => decl(l) === c))];
    for (const chain of order) {
      let rules = t.rules.get(chain) ?? [];
      if (chain === "KUBE-NODEPORTS" || chain === "KUBE-SERVICES") {
        const last = (l: string): boolean => t.name === "nat" && chain === "KUBE-SERVICES" && l.includes("must be the last rule");
        rules = rules
          .map((l, i) => ({ l, i, s: commentService(l) }))
          .sort((a, b) => {
            if (last(a.l) !== last(b.l)) return last(a.l) ? 1 : -1;
            if (a.s !== undefined && b.s !== undefined && a.s !== b.s) return a.s < b.s ? -1 : 1;
            return a.i - b.i;
          })
          .map((x) => x.l);
      }
      out.push(...rules);
    }
    out.push("COMMIT");
  }
  return out.join("\n") + "\n";
}
