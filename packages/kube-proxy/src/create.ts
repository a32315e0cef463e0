/**
 * One entry point for the cluster to pick a mode by name, as a topology's
 * `networking.kubeProxyMode` names it.
 */

import { IptablesProxier } from "./iptables/proxier";
import { IpvsProxier } from "./ipvs/proxier";
import { NftablesProxier } from "./nftables/proxier";
import type { KubeProxyOptions } from "./proxy/config";
import type { ProxyMode } from "./proxy/provider";

/** The modes this package builds. */
export const SUPPORTED_PROXY_MODES: readonly ProxyMode[] = ["iptables", "nftables", "ipvs"];

export function createKubeProxy(mode: ProxyMode, opts: KubeProxyOptions): IptablesProxier | NftablesProxier | IpvsProxier {
  switch (mode) {
    case "iptables":
      return new IptablesProxier(opts);
    case "nftables":
      return new NftablesProxier(opts);
    case "ipvs":
      return new IpvsProxier(opts);
    default:
      throw new Error(`kube-proxy mode "${String(mode)}" is not modelled by @svclab/kube-proxy (supported: ${SUPPORTED_PROXY_MODES.join(", ")})`);
  }
}
