/**
 * Service flags as Cilium's agent handles them (pkg/loadbalancer
 * ServiceFlags): one 16-bit word, the datapath's `lb4_service.flags` byte
 * with `flags2` above it. Built with NewSvcFlag's rules and printed with
 * ServiceFlags.String().
 */

import * as dp from "../maps/layouts";
import type { SVCType } from "./model";

const F2 = 8;
export const SERVICE_FLAG_EXTERNAL_IPS = dp.SVC_FLAG_EXTERNAL_IP;
export const SERVICE_FLAG_NODEPORT = dp.SVC_FLAG_NODEPORT;
export const SERVICE_FLAG_EXT_LOCAL_SCOPE = dp.SVC_FLAG_EXT_LOCAL_SCOPE;
export const SERVICE_FLAG_HOSTPORT = dp.SVC_FLAG_HOSTPORT;
export const SERVICE_FLAG_SESSION_AFFINITY = dp.SVC_FLAG_AFFINITY;
export const SERVICE_FLAG_LOADBALANCER = dp.SVC_FLAG_LOADBALANCER;
export const SERVICE_FLAG_ROUTABLE = dp.SVC_FLAG_ROUTABLE;
export const SERVICE_FLAG_SOURCE_RANGE = dp.SVC_FLAG_SOURCE_RANGE;
export const SERVICE_FLAG_LOCAL_REDIRECT = dp.SVC_FLAG_LOCALREDIRECT << F2;
export const SERVICE_FLAG_NAT_46X64 = dp.SVC_FLAG_NAT_46X64 << F2;
export const SERVICE_FLAG_L7_LOADBALANCER = dp.SVC_FLAG_L7_LOADBALANCER << F2;
export const SERVICE_FLAG_LOOPBACK = dp.SVC_FLAG_LOOPBACK << F2;
export const SERVICE_FLAG_INT_LOCAL_SCOPE = dp.SVC_FLAG_INT_LOCAL_SCOPE << F2;
export const SERVICE_FLAG_TWO_SCOPES = dp.SVC_FLAG_TWO_SCOPES << F2;
/** On slot entries; the same bit means "source range deny" on a master entry. */
export const SERVICE_FLAG_QUARANTINED = dp.SVC_FLAG_QUARANTINED << F2;
export const SERVICE_FLAG_FWD_MODE_DSR = dp.SVC_FLAG_FWD_MODE_DSR << F2;

export interface SvcFlagParams {
  type: SVCType;
  extLocal?: boolean;
  intLocal?: boolean;
  sessionAffinity?: boolean;
  routable?: boolean;
  checkSourceRange?: boolean;
  fwdModeDSR?: boolean;
  quarantined?: boolean;
  /** service.cilium.io/src-ranges-policy: deny (only with checkSourceRange). */
  sourceRangeDeny?: boolean;
  natPolicy?: "NAT46" | "NAT64";
  /** The frontend redirects to an L7 proxy. */
  l7LoadBalancer?: boolean;
}

/** NewSvcFlag: TWO_SCOPES is derived, as in Cilium, from eTP/iTP disagreeing on a non-ClusterIP frontend. */
export function newSvcFlags(p: SvcFlagParams): number {
  let f = 0;
  switch (p.type) {
    case "ExternalIPs":
      f |= SERVICE_FLAG_EXTERNAL_IPS;
      break;
    case "NodePort":
      f |= SERVICE_FLAG_NODEPORT;
      break;
    case "LoadBalancer":
      f |= SERVICE_FLAG_LOADBALANCER;
      break;
    case "HostPort":
      f |= SERVICE_FLAG_HOSTPORT;
      break;
    case "LocalRedirect":
      f |= SERVICE_FLAG_LOCAL_REDIRECT;
      break;
    case "ClusterIP":
      break;
  }
  const extLocal = p.extLocal === true;
  const intLocal = p.intLocal === true;
  if (extLocal) f |= SERVICE_FLAG_EXT_LOCAL_SCOPE;
  if (intLocal) f |= SERVICE_FLAG_INT_LOCAL_SCOPE;
  if (p.sessionAffinity === true) f |= SERVICE_FLAG_SESSION_AFFINITY;
  if (p.routable === true) f |= SERVICE_FLAG_ROUTABLE;
  if (p.checkSourceRange === true) {
    f |= SERVICE_FLAG_SOURCE_RANGE;
    // The deny bit is the quarantined bit, read as "deny" next to the source-range check.
    if (p.sourceRangeDeny === true) f |= SERVICE_FLAG_QUARANTINED;
  }
  if (p.natPolicy !== undefined) f |= SERVICE_FLAG_NAT_46X64;
  if (p.l7LoadBalancer === true) f |= SERVICE_FLAG_L7_LOADBALANCER;
  if (extLocal !== intLocal && p.type !== "ClusterIP") f |= SERVICE_FLAG_TWO_SCOPES;
  if (p.quarantined === true) f |= SERVICE_FLAG_QUARANTINED;
  if (p.fwdModeDSR === true) f |= SERVICE_FLAG_FWD_MODE_DSR;
  return f;
}

/** ServiceFlags.SVCType(). */
export function svcTypeOfFlags(f: number): SVCType {
  if (f & SERVICE_FLAG_EXTERNAL_IPS) return "ExternalIPs";
  if (f & SERVICE_FLAG_NODEPORT) return "NodePort";
  if (f & SERVICE_FLAG_LOADBALANCER) return "LoadBalancer";
  if (f & SERVICE_FLAG_HOSTPORT) return "HostPort";
  if (f & SERVICE_FLAG_LOCAL_REDIRECT) return "LocalRedirect";
  return "ClusterIP";
}

/** ServiceFlags.String(): names joined with ", " in Cilium's order. */
export function svcFlagsToString(f: number): string {
  const out: string[] = [svcTypeOfFlags(f)];
  let seenDeny = false;
  if (f & SERVICE_FLAG_EXT_LOCAL_SCOPE) out.push("Local");
  if (f & SERVICE_FLAG_INT_LOCAL_SCOPE) out.push("InternalLocal");
  if (f & SERVICE_FLAG_TWO_SCOPES) out.push("two-scopes");
  if (f & SERVICE_FLAG_SESSION_AFFINITY) out.push("sessionAffinity");
  if ((f & SERVICE_FLAG_ROUTABLE) === 0) out.push("non-routable");
  if (f & SERVICE_FLAG_SOURCE_RANGE) {
    out.push("check source-range");
    if (f & SERVICE_FLAG_QUARANTINED) {
      seenDeny = true;
      out.push("deny");
    }
  }
  if (f & SERVICE_FLAG_NAT_46X64) out.push("46x64");
  if (f & SERVICE_FLAG_L7_LOADBALANCER) out.push("l7-load-balancer");
  if (f & SERVICE_FLAG_LOOPBACK) out.push(svcTypeOfFlags(f) === "HostPort" ? "loopback" : "delegate-if-local");
  if (!seenDeny && f & SERVICE_FLAG_QUARANTINED) out.push("quarantined");
  if (f & SERVICE_FLAG_FWD_MODE_DSR) out.push("dsr");
  return out.join(", ");
}
