// Label selector matching (apimachinery labels.Selector): matchLabels AND
// every matchExpression. Controllers and Services select pods with this.
import type { LabelSelector } from "kubernetes-types/meta/v1";
import { hasOwn } from "./safe";

type Labels = Readonly<Record<string, string>>;

/** metav1.LabelSelectorAsSelector(sel).Matches(labels); a missing selector matches nothing, an empty one everything. */
export function matchesLabelSelector(selector: LabelSelector | undefined, labels: Labels | undefined): boolean {
  if (selector === undefined) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (!hasOwn(l, k) || l[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = hasOwn(l, req.key);
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
        if (!has || !values.includes(l[req.key]!)) return false;
        break;
      case "NotIn":
        if (has && values.includes(l[req.key]!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * A Service's `spec.selector` map: an empty or missing map selects nothing
 * (such a Service gets no managed endpoints), otherwise every pair must match.
 */
export function matchesSelectorMap(selector: Labels | undefined, labels: Labels | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return false;
  const l = labels ?? {};
  return entries.every(([k, v]) => hasOwn(l, k) && l[k] === v);
}
