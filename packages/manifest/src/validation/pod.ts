// Pod validation (ValidatePodCreate / ValidatePodSpec) for the fields users
// write: containers, ports, env, probes, policies, names, tolerations.
import type { Container, Pod, PodSpec, PodTemplateSpec, Probe, Toleration } from "kubernetes-types/core/v1";
import { fieldDuplicate, fieldForbidden, fieldInvalid, fieldNotFound, fieldNotSupported, fieldRequired, type FieldError } from "./field";
import { IS_NEGATIVE, validateAnnotations, validateLabelName, validateLabels, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from "./meta";
import { inclusiveRangeError, isDNS1123Label, isDNS1123Subdomain, isValidLabelValue, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from "./names";
import { SUPPORTED_PROTOCOLS, validatePortNumOrName } from "./service";

const RESTART_POLICIES = ["Always", "OnFailure", "Never"];
const DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"];
const PULL_POLICIES = ["Always", "IfNotPresent", "Never"];
const TERMINATION_MESSAGE_POLICIES = ["File", "FallbackToLogsOnError"];
const TOLERATION_OPERATORS = ["Equal", "Exists"];
const TAINT_EFFECTS = ["NoExecute", "NoSchedule", "PreferNoSchedule"];

function validateVolumes(spec: PodSpec, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (spec.volumes ?? []).forEach((v, i) => {
    const f = `${field}[${i}].name`;
    if ((v.name ?? "") === "") errs.push(fieldRequired(f));
    else errs.push(...isDNS1123Label(v.name).map((m) => fieldInvalid(f, v.name, m)));
    if (names.has(v.name)) errs.push(fieldDuplicate(f, v.name));
    names.add(v.name);
  });
  return errs;
}

function validateContainerPorts(c: Container, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (c.ports ?? []).forEach((p, i) => {
    const f = `${field}[${i}]`;
    const name = p.name ?? "";
    if (name !== "") {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) errs.push(...msgs.map((m) => fieldInvalid(`${f}.name`, name, m)));
      else if (names.has(name)) errs.push(fieldDuplicate(`${f}.name`, name));
      else names.add(name);
    }
    if ((p.containerPort ?? 0) === 0) errs.push(fieldRequired(`${f}.containerPort`));
    else errs.push(...isValidPortNum(p.containerPort).map((m) => fieldInvalid(`${f}.containerPort`, p.containerPort, m)));
    if ((p.hostPort ?? 0) !== 0) errs.push(...isValidPortNum(p.hostPort!).map((m) => fieldInvalid(`${f}.hostPort`, p.hostPort, m)));
    const protocol = p.protocol ?? "";
    if (protocol === "") errs.push(fieldRequired(`${f}.protocol`));
    else if (!(SUPPORTED_PROTOCOLS as readonly string[]).includes(protocol)) errs.push(fieldNotSupported(`${f}.protocol`, protocol, SUPPORTED_PROTOCOLS));
  });
  return errs;
}

function validateEnv(c: Container, field: string): FieldError[] {
  const errs: FieldError[] = [];
  (c.env ?? []).forEach((e, i) => {
    const f = `${field}[${i}].name`;
    if ((e.name ?? "") === "") errs.push(fieldRequired(f));
    else if (e.name.includes("=") || !/^[\x20-\x7e]+$/.test(e.name)) {
      errs.push(fieldInvalid(f, e.name, "a valid environment variable name must consist only of printable ASCII characters other than '='"));
    }
  });
  return errs;
}

function validateProbe(p: Probe | undefined, field: string, liveOrStartup: boolean): FieldError[] {
  if (p === undefined) return [];
  const errs: FieldError[] = [];
  const handlers = (["exec", "httpGet", "tcpSocket", "grpc"] as const).filter((h) => p[h] !== undefined);
  if (handlers.length === 0) errs.push(fieldRequired(field, "must specify a handler type"));
  else if (handlers.length > 1) errs.push(fieldForbidden(`${field}.${handlers[1]}`, "may not specify more than 1 handler type"));
  if (p.httpGet !== undefined) {
    errs.push(...validatePortNumOrName(p.httpGet.port, `${field}.httpGet.port`));
    const scheme = p.httpGet.scheme ?? "";
    if (!["HTTP", "HTTPS"].includes(scheme)) errs.push(fieldNotSupported(`${field}.httpGet.scheme`, scheme, ["HTTP", "HTTPS"]));
  }
  if (p.tcpSocket !== undefined) errs.push(...validatePortNumOrName(p.tcpSocket.port, `${field}.tcpSocket.port`));
  if (p.grpc !== undefined) errs.push(...isValidPortNum(p.grpc.port).map((m) => fieldInvalid(`${field}.grpc.port`, p.grpc!.port, m)));
  for (const k of ["initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"] as const) {
    errs.push(...validateNonnegative(p[k], `${field}.${k}`));
  }
  if (liveOrStartup && p.successThreshold !== undefined && p.successThreshold !== 1) {
    errs.push(fieldInvalid(`${field}.successThreshold`, p.successThreshold, "must be 1"));
  }
  return errs;
}

function validateContainers(containers: readonly Container[] | undefined, field: string, volumes: Set<string>, seen: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  (containers ?? []).forEach((c, i) => {
    const f = `${field}[${i}]`;
    if ((c.name ?? "") === "") errs.push(fieldRequired(`${f}.name`));
    else errs.push(...isDNS1123Label(c.name).map((m) => fieldInvalid(`${f}.name`, c.name, m)));
    if ((c.image ?? "") === "") errs.push(fieldRequired(`${f}.image`));
    const tmp = c.terminationMessagePolicy ?? "";
    if (tmp === "") errs.push(fieldRequired(`${f}.terminationMessagePolicy`));
    else if (!TERMINATION_MESSAGE_POLICIES.includes(tmp)) errs.push(fieldNotSupported(`${f}.terminationMessagePolicy`, tmp, TERMINATION_MESSAGE_POLICIES));
    errs.push(...validateContainerPorts(c, `${f}.ports`));
    errs.push(...validateEnv(c, `${f}.env`));
    (c.volumeMounts ?? []).forEach((m, j) => {
      const mf = `${f}.volumeMounts[${j}]`;
      if ((m.name ?? "") === "") errs.push(fieldRequired(`${mf}.name`));
      else if (!volumes.has(m.name)) errs.push(fieldNotFound(`${mf}.name`, m.name));
      if ((m.mountPath ?? "") === "") errs.push(fieldRequired(`${mf}.mountPath`));
    });
    const pull = c.imagePullPolicy ?? "";
    if (pull === "") errs.push(fieldRequired(`${f}.imagePullPolicy`));
    else if (!PULL_POLICIES.includes(pull)) errs.push(fieldNotSupported(`${f}.imagePullPolicy`, pull, PULL_POLICIES));
    if (seen.has(c.name)) errs.push(fieldDuplicate(`${f}.name`, c.name));
    else seen.add(c.name);
    errs.push(...validateProbe(c.livenessProbe, `${f}.livenessProbe`, true));
    errs.push(...validateProbe(c.readinessProbe, `${f}.readinessProbe`, false));
    errs.push(...validateProbe(c.startupProbe, `${f}.startupProbe`, true));
  });
  return errs;
}

function validateTolerations(tolerations: readonly Toleration[], field: string): FieldError[] {
  const errs: FieldError[] = [];
  tolerations.forEach((t, i) => {
    const f = `${field}[${i}]`;
    if ((t.key ?? "") !== "") errs.push(...validateLabelName(t.key!, `${f}.key`));
    const op = t.operator ?? "Equal";
    if ((t.key ?? "") === "" && op !== "Exists") {
      errs.push(fieldInvalid(`${f}.operator`, op, "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== "NoExecute") {
      errs.push(fieldInvalid(`${f}.effect`, t.effect ?? "", "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === "Equal") errs.push(...isValidLabelValue(t.value ?? "").map((m) => fieldInvalid(`${f}.operator`, t.value, m)));
    else if (op === "Exists") {
      if ((t.value ?? "") !== "") errs.push(fieldInvalid(`${f}.operator`, t.value, "value must be empty when `operator` is 'Exists'"));
    } else errs.push(fieldNotSupported(`${f}.operator`, op, TOLERATION_OPERATORS));
    if ((t.effect ?? "") !== "" && !TAINT_EFFECTS.includes(t.effect!)) errs.push(fieldNotSupported(`${f}.effect`, t.effect, TAINT_EFFECTS));
  });
  return errs;
}

export function validatePodSpec(spec: PodSpec | undefined, field: string): FieldError[] {
  const s: PodSpec = spec ?? { containers: [] };
  const errs = validateVolumes(s, `${field}.volumes`);
  const volumes = new Set((s.volumes ?? []).map((v) => v.name));
  const containerNames = new Set<string>();
  if ((s.containers ?? []).length === 0) errs.push(fieldRequired(`${field}.containers`));
  else errs.push(...validateContainers(s.containers, `${field}.containers`, volumes, containerNames));
  errs.push(...validateContainers(s.initContainers, `${field}.initContainers`, volumes, containerNames));
  const restart = s.restartPolicy ?? "";
  if (restart === "") errs.push(fieldRequired(`${field}.restartPolicy`));
  else if (!RESTART_POLICIES.includes(restart)) errs.push(fieldNotSupported(`${field}.restartPolicy`, restart, RESTART_POLICIES));
  const dns = s.dnsPolicy ?? "";
  if (dns === "") errs.push(fieldRequired(`${field}.dnsPolicy`));
  else if (!DNS_POLICIES.includes(dns)) errs.push(fieldNotSupported(`${field}.dnsPolicy`, dns, DNS_POLICIES));
  errs.push(...validateLabels(s.nodeSelector, `${field}.nodeSelector`));
  if ((s.serviceAccountName ?? "") !== "") {
    errs.push(...isDNS1123Subdomain(s.serviceAccountName!).map((m) => fieldInvalid(`${field}.serviceAccountName`, s.serviceAccountName, m)));
  }
  if ((s.nodeName ?? "") !== "") errs.push(...isDNS1123Subdomain(s.nodeName!).map((m) => fieldInvalid(`${field}.nodeName`, s.nodeName, m)));
  if (s.activeDeadlineSeconds !== undefined && (s.activeDeadlineSeconds < 1 || s.activeDeadlineSeconds > 2147483647)) {
    errs.push(fieldInvalid(`${field}.activeDeadlineSeconds`, s.activeDeadlineSeconds, inclusiveRangeError(1, 2147483647)));
  }
  if ((s.hostname ?? "") !== "") errs.push(...isDNS1123Label(s.hostname!).map((m) => fieldInvalid(`${field}.hostname`, s.hostname, m)));
  if ((s.subdomain ?? "") !== "") errs.push(...isDNS1123Label(s.subdomain!).map((m) => fieldInvalid(`${field}.subdomain`, s.subdomain, m)));
  if ((s.tolerations ?? []).length > 0) errs.push(...validateTolerations(s.tolerations!, `${field}.tolerations`));
  if (s.terminationGracePeriodSeconds !== undefined && s.terminationGracePeriodSeconds < 0) {
    errs.push(fieldInvalid(`${field}.terminationGracePeriodSeconds`, s.terminationGracePeriodSeconds, IS_NEGATIVE));
  }
  return errs;
}

/** ValidatePodTemplateSpec: template labels/annotations, then the pod spec. */
export function validatePodTemplateSpec(t: PodTemplateSpec | undefined, field: string): FieldError[] {
  const errs = validateLabels(t?.metadata?.labels, `${field}.labels`);
  errs.push(...validateAnnotations(t?.metadata?.annotations, `${field}.annotations`));
  errs.push(...validatePodSpec(t?.spec, `${field}.spec`));
  return errs;
}

export function validatePod(pod: Pod): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, true, nameIsDNSSubdomain);
  errs.push(...validatePodSpec(pod.spec, "spec"));
  return errs;
}

const POD_UPDATE_FORBIDDEN =
  "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/** ValidatePodUpdate: only images, activeDeadlineSeconds and added tolerations may change. */
export function validatePodUpdate(pod: Pod, old: Pod, specEqualIgnoringMutable: boolean): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validatePodSpec(pod.spec, "spec"));
  if (!specEqualIgnoringMutable) errs.push(fieldForbidden("spec", POD_UPDATE_FORBIDDEN));
  return errs;
}
