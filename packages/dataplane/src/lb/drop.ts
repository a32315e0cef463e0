/**
 * The drop reasons a service lookup can end with: Cilium's codes
 * (bpf/lib/common.h DROP_*, as positive numbers) and the texts that
 * `cilium-dbg monitor` / Hubble print for them (pkg/monitor/api/drop.go).
 */

export const DROP_CT_CREATE_FAILED = 155;
export const DROP_NO_SERVICE = 158;
export const DROP_UNKNOWN_CT = 163;
export const DROP_IS_CLUSTER_IP = 174;
export const DROP_NOT_IN_SRC_RANGE = 177;

const DROP_REASONS: Readonly<Record<number, string>> = {
  [DROP_CT_CREATE_FAILED]: "CT: Map insertion failed",
  [DROP_NO_SERVICE]: "Service backend not found",
  [DROP_UNKNOWN_CT]: "Unknown connection tracking state",
  [DROP_IS_CLUSTER_IP]: "Is a ClusterIP",
  [DROP_NOT_IN_SRC_RANGE]: "Denied by LB src range check",
};

/** DropReason(): the text for a code, or the number itself like Cilium prints unknown codes. */
export function dropReasonText(code: number): string {
  return DROP_REASONS[code] ?? String(code);
}
