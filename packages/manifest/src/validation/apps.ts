// apps/v1 validation (pkg/apis/apps/validation): Deployment and ReplicaSet.
import type { Deployment, DeploymentStrategy, ReplicaSet, ReplicaSetSpec, DeploymentSpec } from "kubernetes-types/apps/v1";
import type { LabelSelector } from "kubernetes-types/meta/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { GoLiteral, goQuote, goSharpV } from "../gofmt";
import { matchesLabelSelector } from "../selector";
import { fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired, type FieldError } from "./field";
import { FIELD_IMMUTABLE, goLabelSelector, validateLabelSelector, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from "./meta";
import { nameIsDNSSubdomain } from "./names";
import { validatePodTemplateSpec } from "./pod";

function goIntOrString(v: number | string | undefined): GoLiteral {
  return typeof v === "string"
    ? new GoLiteral(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`)
    : new GoLiteral(`intstr.IntOrString{Type:0, IntVal:${v ?? 0}, StrVal:""}`);
}

function goLabels(labels: Record<string, string> | undefined): GoLiteral {
  return new GoLiteral(labels === undefined ? "map[string]string(nil)" : goSharpV(labels));
}

function selectorIsEmpty(sel: LabelSelector): boolean {
  return Object.keys(sel.matchLabels ?? {}).length + (sel.matchExpressions ?? []).length === 0;
}

function validateSelector(sel: LabelSelector | undefined, field: string): FieldError[] {
  if (sel === undefined) return [fieldRequired(field)];
  const errs = validateLabelSelector(sel, field);
  if (selectorIsEmpty(sel)) errs.push(fieldInvalid(field, goLabelSelector(sel), "empty selector is invalid for deployment"));
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet. */
function validateTemplateForReplicaSet(t: PodTemplateSpec | undefined, sel: LabelSelector | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  if (sel !== undefined && !selectorIsEmpty(sel) && !matchesLabelSelector(sel, t?.metadata?.labels ?? {})) {
    errs.push(fieldInvalid(`${field}.metadata.labels`, goLabels(t?.metadata?.labels), "`selector` does not match template `labels`"));
  }
  errs.push(...validatePodTemplateSpec(t, field));
  const restart = t?.spec?.restartPolicy ?? "";
  if (restart !== "Always") errs.push(fieldNotSupported(`${field}.spec.restartPolicy`, restart, ["Always"]));
  if (t?.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(fieldInvalid(`${field}.spec.activeDeadlineSeconds`, t.spec.activeDeadlineSeconds, "activeDeadlineSeconds in ReplicaSet is not Supported"));
  }
  return errs;
}

/**
 * The selector, then the template against it. A selector that
 * LabelSelectorAsSelector cannot convert is reported as such and the template
 * is not checked against it.
 */
function validateSelectorAndTemplate(sel: LabelSelector | undefined, template: PodTemplateSpec | undefined): FieldError[] {
  const errs = validateSelector(sel, "spec.selector");
  if (sel !== undefined && validateLabelSelector(sel, "spec.selector").length > 0) {
    errs.push(fieldInvalid("spec.selector", goLabelSelector(sel), "invalid label selector"));
    return errs;
  }
  errs.push(...validateTemplateForReplicaSet(template, sel, "spec.template"));
  return errs;
}

function validatePositiveIntOrPercent(v: number | string | undefined, field: string): FieldError[] {
  if (typeof v === "string") {
    return /^[0-9]+%$/.test(v)
      ? []
      : [fieldInvalid(field, goIntOrString(v), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
  }
  return validateNonnegative(v, field);
}

const intOrPercentValue = (v: number | string | undefined): number => (typeof v === "string" ? Number.parseInt(v, 10) || 0 : v ?? 0);

function validateStrategy(s: DeploymentStrategy | undefined, field: string): FieldError[] {
  const strategy = s ?? {};
  switch (strategy.type) {
    case "Recreate":
      return strategy.rollingUpdate === undefined ? [] : [fieldForbidden(`${field}.rollingUpdate`, "may not be specified when strategy `type` is 'Recreate'")];
    case "RollingUpdate": {
      const ru = strategy.rollingUpdate;
      if (ru === undefined) return [fieldRequired(`${field}.rollingUpdate`, "this should be defaulted and never be nil")];
      const f = `${field}.rollingUpdate`;
      const errs = [...validatePositiveIntOrPercent(ru.maxUnavailable, `${f}.maxUnavailable`), ...validatePositiveIntOrPercent(ru.maxSurge, `${f}.maxSurge`)];
      if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
        errs.push(fieldInvalid(`${f}.maxUnavailable`, goIntOrString(ru.maxUnavailable), "may not be 0 when `maxSurge` is 0"));
      }
      if (typeof ru.maxUnavailable === "string" && intOrPercentValue(ru.maxUnavailable) > 100) {
        errs.push(fieldInvalid(`${f}.maxUnavailable`, goIntOrString(ru.maxUnavailable), "must not be greater than 100%"));
      }
      return errs;
    }
    default: {
      const ru = strategy.rollingUpdate === undefined ? "(*apps.RollingUpdateDeployment)(nil)" : "&apps.RollingUpdateDeployment{...}";
      const value = new GoLiteral(`apps.DeploymentStrategy{Type:${goQuote(strategy.type ?? "")}, RollingUpdate:${ru}}`);
      return [fieldNotSupported(field, value, ["Recreate", "RollingUpdate"])];
    }
  }
}

function validateDeploymentSpec(spec: DeploymentSpec | undefined): FieldError[] {
  const s = spec ?? ({} as Partial<DeploymentSpec>);
  const errs = validateNonnegative(s.replicas, "spec.replicas");
  errs.push(...validateSelectorAndTemplate(s.selector, s.template));
  errs.push(...validateStrategy(s.strategy, "spec.strategy"));
  errs.push(...validateNonnegative(s.minReadySeconds, "spec.minReadySeconds"));
  errs.push(...validateNonnegative(s.revisionHistoryLimit, "spec.revisionHistoryLimit"));
  if (s.progressDeadlineSeconds !== undefined) {
    if (s.progressDeadlineSeconds <= 0) errs.push(fieldInvalid("spec.progressDeadlineSeconds", s.progressDeadlineSeconds, "must be greater than 0"));
    if (s.progressDeadlineSeconds <= (s.minReadySeconds ?? 0)) {
      errs.push(fieldInvalid("spec.progressDeadlineSeconds", s.progressDeadlineSeconds, "must be greater than minReadySeconds"));
    }
  }
  return errs;
}

export function validateDeployment(d: Deployment): FieldError[] {
  return [...validateObjectMeta(d.metadata, true, nameIsDNSSubdomain), ...validateDeploymentSpec(d.spec)];
}

function selectorImmutable(sel: LabelSelector | undefined, old: LabelSelector | undefined): FieldError[] {
  return JSON.stringify(sel ?? null) === JSON.stringify(old ?? null) ? [] : [fieldInvalid("spec.selector", goLabelSelector(sel), FIELD_IMMUTABLE)];
}

export function validateDeploymentUpdate(d: Deployment, old: Deployment): FieldError[] {
  return [
    ...validateObjectMetaUpdate(d.metadata, old.metadata),
    ...validateDeploymentSpec(d.spec),
    ...selectorImmutable(d.spec?.selector, old.spec?.selector),
  ];
}

function validateReplicaSetSpec(spec: ReplicaSetSpec | undefined): FieldError[] {
  const s = spec ?? ({} as Partial<ReplicaSetSpec>);
  return [
    ...validateNonnegative(s.replicas, "spec.replicas"),
    ...validateNonnegative(s.minReadySeconds, "spec.minReadySeconds"),
    ...validateSelectorAndTemplate(s.selector, s.template),
  ];
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  return [...validateObjectMeta(rs.metadata, true, nameIsDNSSubdomain), ...validateReplicaSetSpec(rs.spec)];
}

export function validateReplicaSetUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  return [
    ...validateObjectMetaUpdate(rs.metadata, old.metadata),
    ...validateReplicaSetSpec(rs.spec),
    ...selectorImmutable(rs.spec?.selector, old.spec?.selector),
  ];
}
