// ObjectMeta, labels, annotations and label selectors
// (apimachinery api/validation/objectmeta.go, apis/meta/v1/validation).
import type { LabelSelector, ObjectMeta } from "kubernetes-types/meta/v1";
import { GoLiteral, goQuote } from "../gofmt";
import { fieldForbidden, fieldInvalid, fieldRequired, fieldTooLong, type FieldError } from "./field";
import { isQualifiedName, isValidLabelValue, nameIsDNS1123Label, type NameValidator } from "./names";

export const FIELD_IMMUTABLE = "field is immutable";
export const IS_NEGATIVE = "must be greater than or equal to 0";
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateNonnegative(value: number | undefined, field: string): FieldError[] {
  return value !== undefined && value < 0 ? [fieldInvalid(field, value, IS_NEGATIVE)] : [];
}

export function validateLabelName(key: string, field: string): FieldError[] {
  return isQualifiedName(key).map((m) => fieldInvalid(field, key, m));
}

export function validateLabels(labels: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, field));
    errs.push(...isValidLabelValue(v).map((m) => fieldInvalid(field, v, m)));
  }
  return errs;
}

export function validateAnnotations(annotations: Record<string, string> | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    errs.push(...isQualifiedName(k.toLowerCase()).map((m) => fieldInvalid(field, k, m)));
    size += k.length + v.length;
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(fieldTooLong(field, "", TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

export function validateObjectMeta(meta: ObjectMeta | undefined, namespaced: boolean, nameFn: NameValidator, field = "metadata"): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if ((m.generateName ?? "") !== "") {
    errs.push(...nameFn(m.generateName!, true).map((msg) => fieldInvalid(`${field}.generateName`, m.generateName, msg)));
  }
  if ((m.name ?? "") === "") errs.push(fieldRequired(`${field}.name`, "name or generateName is required"));
  else errs.push(...nameFn(m.name!, false).map((msg) => fieldInvalid(`${field}.name`, m.name, msg)));
  if (namespaced) {
    if ((m.namespace ?? "") === "") errs.push(fieldRequired(`${field}.namespace`));
    else errs.push(...nameIsDNS1123Label(m.namespace!, false).map((msg) => fieldInvalid(`${field}.namespace`, m.namespace, msg)));
  } else if ((m.namespace ?? "") !== "") {
    errs.push(fieldForbidden(`${field}.namespace`, "not allowed on this type"));
  }
  errs.push(...validateNonnegative(m.generation, `${field}.generation`));
  errs.push(...validateLabels(m.labels, `${field}.labels`));
  errs.push(...validateAnnotations(m.annotations, `${field}.annotations`));
  return errs;
}

/** ValidateObjectMetaUpdate: identity fields may not change. */
export function validateObjectMetaUpdate(meta: ObjectMeta | undefined, old: ObjectMeta | undefined, field = "metadata"): FieldError[] {
  const n = meta ?? {};
  const o = old ?? {};
  const errs: FieldError[] = [];
  const immutable = (key: "name" | "namespace" | "uid" | "creationTimestamp"): void => {
    if ((n[key] ?? "") !== (o[key] ?? "")) errs.push(fieldInvalid(`${field}.${key}`, n[key] ?? "", FIELD_IMMUTABLE));
  };
  immutable("name");
  immutable("namespace");
  immutable("uid");
  immutable("creationTimestamp");
  errs.push(...validateNonnegative(n.generation, `${field}.generation`));
  errs.push(...validateLabels(n.labels, `${field}.labels`));
  errs.push(...validateAnnotations(n.annotations, `${field}.annotations`));
  return errs;
}


/** metav1validation.ValidateLabelSelector. */
export function validateLabelSelector(sel: LabelSelector | undefined, field: string): FieldError[] {
  if (sel === undefined) return [];
  const errs = validateLabels(sel.matchLabels, `${field}.matchLabels`);
  (sel.matchExpressions ?? []).forEach((req, i) => {
    const p = `${field}.matchExpressions[${i}]`;
    const values = req.values ?? [];
    switch (req.operator) {
      case "In":
      case "NotIn":
        if (values.length === 0) errs.push(fieldRequired(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case "Exists":
      case "DoesNotExist":
        if (values.length > 0) errs.push(fieldForbidden(`${p}.values`, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(fieldInvalid(`${p}.operator`, req.operator, "not a valid selector operator"));
    }
    errs.push(...validateLabelName(req.key, `${p}.key`));
  });
  return errs;
}


/** %#v of a *metav1.LabelSelector, as immutability errors print it. */
export function goLabelSelector(sel: LabelSelector | undefined): GoLiteral {
  if (sel === undefined) return new GoLiteral("null");
  const ml = sel.matchLabels;
  const labels =
    ml === undefined
      ? "map[string]string(nil)"
      : `map[string]string{${Object.keys(ml)
          .sort()
          .map((k) => `${goQuote(k)}:${goQuote(ml[k]!)}`)
          .join(", ")}}`;
  const me = sel.matchExpressions;
  const exprs =
    me === undefined
      ? "[]v1.LabelSelectorRequirement(nil)"
      : `[]v1.LabelSelectorRequirement{${me
          .map(
            (r) =>
              `v1.LabelSelectorRequirement{Key:${goQuote(r.key)}, Operator:${goQuote(r.operator)}, Values:${
                r.values === undefined ? "[]string(nil)" : `[]string{${r.values.map(goQuote).join(", ")}}`
              }}`,
          )
          .join(", ")}}`;
  return new GoLiteral(`v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`);
}
