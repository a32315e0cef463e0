/**
 * Builders for the objects kube-proxy's proxier tests feed in (makeTestService,
 * makeTestEndpointSlice in pkg/proxy/{iptables,nftables,ipvs}/proxier_test.go) and a proxier on
 * their fake node: test-node, 192.168.0.2 (+ 192.168.1.2 and external IP
 * 192.168.99.11), pods in 10.0.0.0/8, masquerade mark 0x4000.
 */

import type { Service } from "kubernetes-types/core/v1";
import type { Endpoint, EndpointPort, EndpointSlice } from "kubernetes-types/discovery/v1";
import { SeededRandom, VirtualClock } from "@svclab/sim";
import type { KubeProxyOptions } from "../proxy/config";

export const TEST_NODE_NAME = "test-node";
export const TEST_NODE_IP = "192.168.0.2";
export const TEST_NODE_IP_ALT = "192.168.1.2";
export const TEST_EXTERNAL_IP = "192.168.99.11";
export const TEST_EXTERNAL_CLIENT = "203.0.113.2";
export const TEST_EXTERNAL_CLIENT_BLOCKED = "203.0.113.130";
export const TEST_NODE_IPS = [TEST_NODE_IP, TEST_NODE_IP_ALT, TEST_EXTERNAL_IP];

export function makeService(ns: string, name: string, spec: Service["spec"], status?: Service["status"]): Service {
  return { apiVersion: "v1", kind: "Service", metadata: { namespace: ns, name }, spec: spec ?? {}, ...(status ? { status } : {}) };
}

export function makeSlice(
  ns: string,
  svc: string,
  n: number,
  endpoints: Endpoint[],
  ports: EndpointPort[] = [{ name: "p80", port: 80, protocol: "TCP" }],
): EndpointSlice {
  return {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { namespace: ns, name: `${svc}-${n}`, labels: { "kubernetes.io/service-name": svc } },
    addressType: "IPv4",
    endpoints,
    ports,
  };
}

/** The fake proxier's settings (NewFakeProxier). */
export function fakeOptions(overrides: Partial<KubeProxyOptions> = {}): KubeProxyOptions & { clock: VirtualClock } {
  return {
    nodeName: TEST_NODE_NAME,
    nodeIPs: TEST_NODE_IPS,
    clusterCIDR: "10.0.0.0/8",
    masqueradeBit: 14,
    localhostNodePorts: true,
    randomFully: false,
    nfacct: true,
    random: new SeededRandom("kube-proxy-test"),
    clock: new VirtualClock(1000),
    ...overrides,
  } as KubeProxyOptions & { clock: VirtualClock };
}

/** The nftables fake proxier's extra settings: nodePortAddresses = the node IP, service CIDR 172.30.0.0/16. */
export function nftFakeOptions(overrides: Partial<KubeProxyOptions> = {}): KubeProxyOptions & { clock: VirtualClock } {
  return fakeOptions({ nodePortAddresses: [`${TEST_NODE_IP}/32`], serviceCIDRs: ["172.30.0.0/16"], ...overrides });
}
