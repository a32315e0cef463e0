/** Kubernetes objects and node setups shared by the package's tests. */

import { NodeDataplane, type NodeDataplaneConfig } from "../node-dataplane";
import type { K8sEndpoint, K8sEndpointSlice, K8sService } from "../reflector";
import { SeededRandom, VirtualClock } from "@svclab/sim";

export function clusterIPService(
  name: string,
  clusterIP: string,
  opts: { affinity?: number; port?: number; protocol?: string } = {},
): K8sService {
  return {
    metadata: { name, namespace: "default" },
    spec: {
      type: "ClusterIP",
      clusterIP,
      ports: [{ name: "http", port: opts.port ?? 80, protocol: opts.protocol ?? "TCP" }],
      ...(opts.affinity !== undefined
        ? { sessionAffinity: "ClientIP", sessionAffinityConfig: { clientIP: { timeoutSeconds: opts.affinity } } }
        : {}),
    },
  };
}

export function endpoint(ip: string, nodeName: string, conditions: K8sEndpoint["conditions"] = {}): K8sEndpoint {
  return { addresses: [ip], nodeName, conditions: { ready: true, serving: true, terminating: false, ...conditions } };
}

export function slice(service: string, endpoints: K8sEndpoint[], port = 9376, sliceName = `${service}-abc`): K8sEndpointSlice {
  return {
    metadata: { name: sliceName, namespace: "default", labels: { "kubernetes.io/service-name": service } },
    addressType: "IPv4",
    endpoints,
    ports: [{ name: "http", port, protocol: "TCP" }],
  };
}

export function node(overrides: Partial<NodeDataplaneConfig> = {}): { dp: NodeDataplane; clock: VirtualClock } {
  const clock = new VirtualClock(1000);
  const dp = new NodeDataplane({
    nodeName: "node-a",
    nodeIPs: ["172.18.0.2"],
    clock,
    rng: new SeededRandom(42),
    ...overrides,
  });
  return { dp, clock };
}
