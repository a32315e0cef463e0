// Service validation (pkg/apis/core/validation: ValidateService,
// ValidateServiceUpdate), in the order the API server appends errors.
import type { Service, ServicePort, ServiceSpec } from "kubernetes-types/core/v1";
import { GoLiteral, goQuote } from "../gofmt";
import { MAX_CLIENT_IP_SERVICE_AFFINITY_SECONDS, isExternallyAccessible, needsHealthCheck } from "../defaults";
import { fieldDuplicate, fieldForbidden, fieldInvalid, fieldNotSupported, fieldRequired, type FieldError } from "./field";
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from "./meta";
import {
  INVALID_CIDR_MSG,
  INVALID_IP_MSG,
  isCIDR,
  isDNS1123Label,
  isDNS1123Subdomain,
  isIP,
  isQualifiedName,
  isValidPortName,
  isValidPortNum,
  nameIsDNS1035Label,
  parseIPv4,
} from "./names";

export const SUPPORTED_PROTOCOLS = ["SCTP", "TCP", "UDP"] as const;
const SESSION_AFFINITIES = ["ClientIP", "None"];
const SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const EXTERNAL_TRAFFIC_POLICIES = ["Cluster", "Local"];
const INTERNAL_TRAFFIC_POLICIES = ["Cluster", "Local"];
const IP_FAMILIES = ["IPv4", "IPv6"];
const IP_FAMILY_POLICIES = ["PreferDualStack", "RequireDualStack", "SingleStack"];

function isHeadless(spec: ServiceSpec): boolean {
  return spec.clusterIP === "None";
}

/** ValidatePortNumOrName, for targetPort and probe ports. */
export function validatePortNumOrName(port: number | string | undefined, field: string): FieldError[] {
  if (typeof port === "string") return isValidPortName(port).map((m) => fieldInvalid(field, port, m));
  const n = port ?? 0;
  return isValidPortNum(n).map((m) => fieldInvalid(field, n, m));
}

function validateServicePort(sp: ServicePort, requireName: boolean, names: Set<string>, field: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = sp.name ?? "";
  if (requireName && name === "") {
    errs.push(fieldRequired(`${field}.name`));
  } else if (name !== "") {
    errs.push(...isDNS1123Label(name).map((m) => fieldInvalid(`${field}.name`, name, m)));
    if (names.has(name)) errs.push(fieldDuplicate(`${field}.name`, name));
    else names.add(name);
  }
  const port = sp.port ?? 0;
  errs.push(...isValidPortNum(port).map((m) => fieldInvalid(`${field}.port`, port, m)));
  const protocol = sp.protocol ?? "";
  if (protocol === "") errs.push(fieldRequired(`${field}.protocol`));
  else if (!(SUPPORTED_PROTOCOLS as readonly string[]).includes(protocol)) {
    errs.push(fieldNotSupported(`${field}.protocol`, protocol, SUPPORTED_PROTOCOLS));
  }
  errs.push(...validatePortNumOrName(sp.targetPort, `${field}.targetPort`));
  if (sp.appProtocol !== undefined) {
    errs.push(...isQualifiedName(sp.appProtocol).map((m) => fieldInvalid(`${field}.appProtocol`, sp.appProtocol, m)));
  }
  return errs;
}

function validateClientIPAffinityConfig(spec: ServiceSpec): FieldError[] {
  const field = "spec.sessionAffinityConfig";
  const detail = "when session affinity type is ClientIP";
  const cfg = spec.sessionAffinityConfig;
  if (cfg === undefined) return [fieldRequired(field, detail)];
  if (cfg.clientIP === undefined) return [fieldRequired(`${field}.clientIP`, detail)];
  const t = cfg.clientIP.timeoutSeconds;
  if (t === undefined) return [fieldRequired(`${field}.clientIP.timeoutSeconds`, detail)];
  if (t <= 0 || t > MAX_CLIENT_IP_SERVICE_AFFINITY_SECONDS) {
    return [fieldInvalid(`${field}.clientIP.timeoutSeconds`, t, `must be greater than 0 and less than ${MAX_CLIENT_IP_SERVICE_AFFINITY_SECONDS}`)];
  }
  return [];
}

const goStrings = (xs: readonly string[]): GoLiteral => new GoLiteral(`[]string{${xs.map(goQuote).join(", ")}}`);

function validateClusterIPsRelatedFields(spec: ServiceSpec): FieldError[] {
  if (spec.type === "ExternalName") return [];
  const errs: FieldError[] = [];
  const clusterIP = spec.clusterIP ?? "";
  const ips = spec.clusterIPs ?? [];
  if (clusterIP !== "") {
    if (ips.length === 0) errs.push(fieldRequired("spec.clusterIPs"));
    else if (ips[0] !== clusterIP) errs.push(fieldInvalid("spec.clusterIPs", goStrings(ips), "first value must match `clusterIP`"));
  } else if (ips.length > 0) {
    errs.push(fieldInvalid("spec.clusterIPs", goStrings(ips), "must be empty when `clusterIP` is not specified"));
  }
  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (!IP_FAMILIES.includes(f)) errs.push(fieldNotSupported(`spec.ipFamilies[${i}]`, f, IP_FAMILIES));
    if (seen.has(f)) errs.push(fieldDuplicate(`spec.ipFamilies[${i}]`, f));
    seen.add(f);
  });
  if (spec.ipFamilyPolicy !== undefined && !IP_FAMILY_POLICIES.includes(spec.ipFamilyPolicy)) {
    errs.push(fieldNotSupported("spec.ipFamilyPolicy", spec.ipFamilyPolicy, IP_FAMILY_POLICIES));
  }
  let invalidIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === "None") {
      if (ips.length > 1) {
        invalidIPs = true;
        errs.push(fieldInvalid("spec.clusterIPs", goStrings(ips), "'None' must be the first and only value"));
      }
      return;
    }
    if (!isIP(ip)) {
      invalidIPs = true;
      errs.push(fieldInvalid(`spec.clusterIPs[${i}]`, ip, INVALID_IP_MSG));
    }
  });
  if (ips.length > 2) errs.push(fieldInvalid("spec.clusterIPs", goStrings(ips), "may only hold up to 2 values"));
  if (invalidIPs || isHeadless(spec)) return errs;
  const families = spec.ipFamilies ?? [];
  ips.forEach((ip, i) => {
    const family = families[i];
    if (family === "IPv4" && parseIPv4(ip) === undefined) {
      errs.push(fieldInvalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
    } else if (family === "IPv6" && parseIPv4(ip) !== undefined) {
      errs.push(fieldInvalid(`spec.clusterIPs[${i}]`, ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    }
  });
  return errs;
}

function validateNonSpecialIP(ip: string, field: string): FieldError[] {
  const v4 = parseIPv4(ip);
  const lower = ip.toLowerCase();
  if (ip === "0.0.0.0" || lower === "::") return [fieldInvalid(field, ip, "may not be unspecified (0.0.0.0, ::)")];
  if (v4?.[0] === 127 || lower === "::1") return [fieldInvalid(field, ip, "may not be in the loopback range (127.0.0.0/8, ::1/128)")];
  if ((v4?.[0] === 169 && v4[1] === 254) || lower.startsWith("fe80:")) {
    return [fieldInvalid(field, ip, "may not be in the link-local range (169.254.0.0/16, fe80::/10)")];
  }
  if ((v4?.[0] === 224 && v4[1] === 0 && v4[2] === 0) || lower.startsWith("ff02:")) {
    return [fieldInvalid(field, ip, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")];
  }
  return [];
}

/** %#v of the (protocol, port) key the duplicate-port check reports. */
function goServicePortKey(protocol: string, port: number): GoLiteral {
  return new GoLiteral(
    `core.ServicePort{Name:"", Protocol:${goQuote(protocol)}, AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`,
  );
}

function validateExternalTrafficPolicy(spec: ServiceSpec): FieldError[] {
  const errs: FieldError[] = [];
  const etp = spec.externalTrafficPolicy ?? "";
  if (!isExternallyAccessible(spec)) {
    if (etp !== "") errs.push(fieldInvalid("spec.externalTrafficPolicy", etp, "may only be set for externally-accessible services"));
  } else if (etp === "") {
    errs.push(fieldRequired("spec.externalTrafficPolicy"));
  } else if (!EXTERNAL_TRAFFIC_POLICIES.includes(etp)) {
    errs.push(fieldNotSupported("spec.externalTrafficPolicy", etp, EXTERNAL_TRAFFIC_POLICIES));
  }
  const hc = spec.healthCheckNodePort ?? 0;
  if (!needsHealthCheck(spec)) {
    if (hc !== 0) {
      errs.push(fieldInvalid("spec.healthCheckNodePort", hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
  } else if (hc === 0) {
    errs.push(fieldRequired("spec.healthCheckNodePort"));
  } else {
    errs.push(...isValidPortNum(hc).map((m) => fieldInvalid("spec.healthCheckNodePort", hc, m)));
  }
  return errs;
}

/**
 * ValidateService. `healthCheckNodePort` and node ports are allocated by the
 * registry before validation, so a LoadBalancer+Local service reaching this
 * point without one is reported as Required, as in Kubernetes.
 */
export function validateService(svc: Service): FieldError[] {
  const errs = validateObjectMeta(svc.metadata, true, nameIsDNS1035Label);
  const spec: ServiceSpec = svc.spec ?? {};
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !isHeadless(spec) && spec.type !== "ExternalName") errs.push(fieldRequired("spec.ports"));
  if (spec.type === "LoadBalancer" || spec.type === "NodePort") {
    if (isHeadless(spec)) errs.push(fieldInvalid("spec.clusterIPs[0]", spec.clusterIPs?.[0] ?? "None", `may not be set to 'None' for ${spec.type} services`));
  } else if (spec.type === "ExternalName") {
    if ((spec.clusterIPs?.length ?? 0) > 0) errs.push(fieldForbidden("spec.clusterIPs", "may not be set for ExternalName services"));
    if ((spec.ipFamilies?.length ?? 0) > 0) errs.push(fieldForbidden("spec.ipFamilies", "may not be set for ExternalName services"));
    if (spec.ipFamilyPolicy !== undefined) errs.push(fieldForbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services"));
    const cname = (spec.externalName ?? "").replace(/\.$/, "");
    if (cname !== "") errs.push(...isDNS1123Subdomain(cname).map((m) => fieldInvalid("spec.externalName", cname, m)));
    else errs.push(fieldRequired("spec.externalName"));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, `spec.ports[${i}]`)));
  if (spec.selector !== undefined) errs.push(...validateLabels(spec.selector, "spec.selector"));

  const affinity = spec.sessionAffinity ?? "";
  if (affinity === "") errs.push(fieldRequired("spec.sessionAffinity"));
  else if (!SESSION_AFFINITIES.includes(affinity)) errs.push(fieldNotSupported("spec.sessionAffinity", affinity, SESSION_AFFINITIES));
  if (affinity === "ClientIP") errs.push(...validateClientIPAffinityConfig(spec));
  else if (affinity === "None" && spec.sessionAffinityConfig !== undefined) {
    errs.push(fieldForbidden("spec.sessionAffinityConfig", "must not be set when session affinity is None"));
  }

  errs.push(...validateClusterIPsRelatedFields(spec));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    const f = `spec.externalIPs[${i}]`;
    errs.push(...(isIP(ip) ? validateNonSpecialIP(ip, f) : [fieldInvalid(f, ip, INVALID_IP_MSG)]));
  });

  const type = spec.type ?? "";
  if (type === "") errs.push(fieldRequired("spec.type"));
  else if (!SERVICE_TYPES.includes(type)) errs.push(fieldNotSupported("spec.type", type, SERVICE_TYPES));
  if (type === "ClusterIP") {
    ports.forEach((p, i) => {
      if ((p.nodePort ?? 0) !== 0) errs.push(fieldForbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    if ((p.nodePort ?? 0) === 0) return;
    const key = `${p.protocol ?? ""}/${p.nodePort}`;
    if (nodePorts.has(key)) errs.push(fieldDuplicate(`spec.ports[${i}].nodePort`, p.nodePort));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol ?? ""}/${p.port ?? 0}`;
    if (portKeys.has(key)) errs.push(fieldDuplicate(`spec.ports[${i}]`, goServicePortKey(p.protocol ?? "", p.port ?? 0)));
    portKeys.add(key);
  });

  const ranges = spec.loadBalancerSourceRanges ?? [];
  if (ranges.length > 0) {
    const f = "spec.LoadBalancerSourceRanges";
    if (type !== "LoadBalancer") errs.push(fieldForbidden(f, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => {
      const v = r.trim();
      if (!isCIDR(v)) errs.push(fieldInvalid(`${f}[${i}]`, v, INVALID_CIDR_MSG));
    });
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && type !== "LoadBalancer") {
    errs.push(fieldForbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === "LoadBalancer" && spec.allocateLoadBalancerNodePorts === undefined) errs.push(fieldRequired("allocateLoadBalancerNodePorts"));
  if (spec.loadBalancerClass !== undefined) {
    if (type !== "LoadBalancer") {
      errs.push(fieldForbidden("spec.loadBalancerClass", "may only be used when service type is 'LoadBalancer'"));
    } else {
      errs.push(...isQualifiedName(spec.loadBalancerClass).map((m) => fieldInvalid("spec.loadBalancerClass", spec.loadBalancerClass, m)));
    }
  }
  errs.push(...validateExternalTrafficPolicy(spec));
  const itp = spec.internalTrafficPolicy;
  if (itp === undefined) {
    if (type === "NodePort" || type === "LoadBalancer" || type === "ClusterIP") errs.push(fieldRequired("spec.internalTrafficPolicy"));
  } else if (!INTERNAL_TRAFFIC_POLICIES.includes(itp)) {
    errs.push(fieldNotSupported("spec.internalTrafficPolicy", itp, INTERNAL_TRAFFIC_POLICIES));
  }
  if (spec.trafficDistribution !== undefined && spec.trafficDistribution !== "PreferClose") {
    errs.push(fieldNotSupported("spec.trafficDistribution", spec.trafficDistribution, ["PreferClose"]));
  }
  return errs;
}

function validateClusterIPsUpdate(oldSvc: Service, svc: Service): FieldError[] {
  const o = oldSvc.spec ?? {};
  const n = svc.spec ?? {};
  if (n.type === "ExternalName" || o.type === "ExternalName") return [];
  if (isHeadless(o) && isHeadless(n)) return [];
  const oldIPs = o.clusterIPs ?? [];
  const ips = n.clusterIPs ?? [];
  const changed = (i: number): FieldError => fieldInvalid(`spec.clusterIPs[${i}]`, goStrings(ips), "may not change once set");
  const errs: FieldError[] = [];
  if (oldIPs.length === ips.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(changed(i));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) errs.push(fieldInvalid("spec.clusterIPs[0]", goStrings(ips), "primary clusterIP can not be unset"));
    if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(changed(0));
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(changed(0));
  }
  return errs;
}

/** ValidateServiceUpdate: metadata and cluster IP immutability, health check port, then ValidateService. */
export function validateServiceUpdate(svc: Service, oldSvc: Service): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, oldSvc.metadata);
  errs.push(...validateClusterIPsUpdate(oldSvc, svc));
  if (needsHealthCheck(oldSvc.spec) && needsHealthCheck(svc.spec) && (svc.spec?.healthCheckNodePort ?? 0) !== (oldSvc.spec?.healthCheckNodePort ?? 0)) {
    errs.push(fieldForbidden("spec.healthCheckNodePort", "field is immutable"));
  }
  errs.push(...validateService(svc));
  return errs;
}

export const NODE_PORT_RANGE = Object.freeze({ base: 30000, size: 2768 });

/** The allocator's error for a requested node port outside the range (reported alone, before validation). */
export function nodePortOutOfRangeError(field: string, port: number, range: { base: number; size: number } = NODE_PORT_RANGE): FieldError {
  return fieldInvalid(field, port, `provided port is not in the valid range. The range of valid ports is ${range.base}-${range.base + range.size - 1}`);
}

/** The allocator's error for a node port another service already holds. */
export function nodePortAllocatedError(field: string, port: number): FieldError {
  return fieldInvalid(field, port, "provided port is already allocated");
}
