/**
 * kube-proxy's test-side normaliser of an nftables transaction
 * (pkg/proxy/nftables/helpers_test.go sortNFTablesTransaction): blank lines
 * and comments dropped, lines ordered by object type, then object name, rules
 * keeping their order within a chain, other lines by their whole text.
 */

const ORDER: Record<string, number> = { table: 1, chain: 2, set: 3, map: 4, rule: 5, element: 6 };

export function sortNFTablesTransaction(tx: string): string {
  const lines = tx
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
  const indexed = lines.map((l, i) => ({ l, i, w: l.split(" ") }));
  indexed.sort((a, b) => {
    const ta = ORDER[a.w[1] as string] ?? 0;
    const tb = ORDER[b.w[1] as string] ?? 0;
    if (ta !== tb) return ta - tb;
    const na = a.w[4] ?? "";
    const nb = b.w[4] ?? "";
    if (na !== nb) return na < nb ? -1 : 1;
    if (a.w[1] === "rule") return a.i - b.i;
    return a.l < b.l ? -1 : a.l > b.l ? 1 : 0;
  });
  return indexed.map((x) => x.l).join("\n");
}
