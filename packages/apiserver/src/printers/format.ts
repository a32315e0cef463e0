/**
 * Small renderings shared by the server's table printers and kubectl's describers
 * (apimachinery labels.FormatLabels, metav1.LabelSelectorAsSelector's String,
 * the `a,b,c + N more...` lists).
 */
import type { LabelSelector } from "kubernetes-types/meta/v1";

/** labels.FormatLabels: sorted `k=v` joined by commas, `<none>` when empty. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return "<none>";
  return keys.map((k) => `${k}=${(labels as Record<string, string>)[k]}`).join(",");
}

/** labels.Selector.String() of a LabelSelector (requirements sorted by key). */
export function formatSelector(sel: LabelSelector | undefined): string {
  if (sel === undefined) return "<none>";
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(",");
    const text =
      e.operator === "In" ? `${e.key} in (${values})`
      : e.operator === "NotIn" ? `${e.key} notin (${values})`
      : e.operator === "Exists" ? e.key
      : `!${e.key}`;
    reqs.push({ key: e.key, text });
  }
  if (reqs.length === 0) return "";
  return reqs
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(",");
}

/** printers.go listWithMoreString: at most three items, then `+ N more...`. */
export function listWithMore(items: readonly string[], empty: string, max = 3): string {
  if (items.length > max) return `${items.slice(0, max).join(",")} + ${items.length - max} more...`;
  return items.length === 0 ? empty : items.join(",");
}
