/**
 * What `kind create cluster` leaves behind before the user applies
 * anything: the namespaces, one Node object per node (kind's labels, the
 * control plane's NoSchedule taint, pod CIDR, InternalIP), the `kubernetes`
 * Service with its API server endpoint, and CoreDNS behind `kube-dns`
 * (10th address of the service range) running on the control plane.
 */
import type { Endpoints, Node, Service } from "kubernetes-types/core/v1";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { EndpointSlice } from "kubernetes-types/discovery/v1";
import { KINDS, SERVER_VERSION, type ApiServer } from "@svclab/apiserver";
import { EXCLUDE_FROM_LB_LABEL } from "../controllers/cloud-load-balancer";
import { formatCidr, formatIPv4 } from "../net/ip";
import type { NodeTopology, Topology } from "../topology";

export const CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane";
/** kind's node image runs the release the API server reports (`/version`): one source for both. */
export const KUBERNETES_VERSION = SERVER_VERSION.gitVersion;
/** kube-apiserver's secure port on the control-plane node. */
export const APISERVER_PORT = 6443;

export function nodeObject(n: NodeTopology): Node {
  const labels: Record<string, string> = {
    "beta.kubernetes.io/arch": "amd64",
    "beta.kubernetes.io/os": "linux",
    "kubernetes.io/arch": "amd64",
    "kubernetes.io/hostname": n.name,
    "kubernetes.io/os": "linux",
  };
  if (n.role === "control-plane") {
    labels[CONTROL_PLANE_TAINT] = "";
    labels[EXCLUDE_FROM_LB_LABEL] = "";
  }
  if (n.zone !== undefined) labels["topology.kubernetes.io/zone"] = n.zone;
  const podCIDR = formatCidr(n.podCIDR);
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: n.name, labels },
    spec: {
      podCIDR,
      podCIDRs: [podCIDR],
      providerID: `kind://docker/kind/${n.name}`,
      ...(n.role === "control-plane" ? { taints: [{ key: CONTROL_PLANE_TAINT, effect: "NoSchedule" }] } : {}),
    },
    status: {
      capacity: { pods: String(n.maxPods) },
      allocatable: { pods: String(n.maxPods) },
      addresses: [
        { type: "InternalIP", address: formatIPv4(n.internalIP) },
        { type: "Hostname", address: n.name },
      ],
      conditions: [{ type: "Ready", status: "True", reason: "KubeletReady", message: "kubelet is posting ready status" }],
      nodeInfo: {
        architecture: "amd64",
        bootID: "",
        containerRuntimeVersion: "containerd://1.7.15",
        kernelVersion: "6.8.0-generic",
        kubeProxyVersion: KUBERNETES_VERSION,
        kubeletVersion: KUBERNETES_VERSION,
        machineID: "",
        operatingSystem: "linux",
        osImage: "Debian GNU/Linux 12 (bookworm)",
        systemUUID: "",
      },
    },
  };
}

/** The n-th address of the service range, as kube-apiserver and kubeadm pick them. */
function serviceIP(t: Topology, n: number): string {
  return formatIPv4(t.serviceCIDR.base + n);
}

/** kubeadm gives kube-dns the 10th address of the service range: the pods' nameserver. */
export function kubeDnsIP(t: Topology): string {
  return serviceIP(t, 10);
}

export function bootstrap(api: ApiServer, t: Topology): void {
  for (const name of ["default", "kube-node-lease", "kube-public", "kube-system"]) {
    api.create(KINDS.namespace, { apiVersion: "v1", kind: "Namespace", metadata: { name } });
  }
  for (const n of t.nodes) api.create(KINDS.node, nodeObject(n));

  const controlPlane = t.nodes.find((n) => n.role === "control-plane") ?? (t.nodes[0] as NodeTopology);
  const kubernetes: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kubernetes", namespace: "default", labels: { component: "apiserver", provider: "kubernetes" } },
    spec: { clusterIP: serviceIP(t, 1), ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: APISERVER_PORT }] },
  };
  api.create(KINDS.service, kubernetes);
  const apiserverSlice: EndpointSlice = {
    apiVersion: "discovery.k8s.io/v1",
    kind: "EndpointSlice",
    metadata: { name: "kubernetes", namespace: "default", labels: { "kubernetes.io/service-name": "kubernetes", "endpointslice.kubernetes.io/skip-mirror": "true" } },
    addressType: "IPv4",
    endpoints: [{ addresses: [formatIPv4(controlPlane.internalIP)], conditions: { ready: true } }],
    ports: [{ name: "https", port: APISERVER_PORT, protocol: "TCP" }],
  };
  api.create(KINDS.endpointSlice, apiserverSlice);
  // The API server maintains its own Endpoints and slice (the Service has no selector).
  const apiserverEndpoints: Endpoints = {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "kubernetes", namespace: "default", labels: { "endpointslice.kubernetes.io/skip-mirror": "true" } },
    subsets: [{ addresses: [{ ip: formatIPv4(controlPlane.internalIP) }], ports: [{ name: "https", port: APISERVER_PORT, protocol: "TCP" }] }],
  };
  api.create(KINDS.endpoints, apiserverEndpoints);

  const dnsLabels = { "k8s-app": "kube-dns" };
  const kubeDns: Service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "kube-dns", namespace: "kube-system", labels: { ...dnsLabels, "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" } },
    spec: {
      clusterIP: kubeDnsIP(t),
      selector: dnsLabels,
      ports: [
        { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
        { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
        { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
      ],
    },
  };
  api.create(KINDS.service, kubeDns);
  const coredns: Deployment = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "coredns", namespace: "kube-system", labels: dnsLabels },
    spec: {
      replicas: 2,
      selector: { matchLabels: dnsLabels },
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
      template: {
        metadata: { labels: dnsLabels },
        spec: {
          // kind schedules CoreDNS before any worker joins, so it lands on the control plane.
          nodeSelector: { "kubernetes.io/hostname": controlPlane.name },
          tolerations: [
            { key: "CriticalAddonsOnly", operator: "Exists" },
            { key: CONTROL_PLANE_TAINT, effect: "NoSchedule" },
          ],
          containers: [
            {
              name: "coredns",
              image: "registry.k8s.io/coredns/coredns:v1.11.1",
              args: ["-conf", "/etc/coredns/Corefile"],
              ports: [
                { name: "dns", containerPort: 53, protocol: "UDP" },
                { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
                { name: "metrics", containerPort: 9153, protocol: "TCP" },
              ],
              readinessProbe: { httpGet: { path: "/ready", port: 8181 }, periodSeconds: 10 },
            },
          ],
        },
      },
    },
  };
  api.create(KINDS.deployment, coredns);
}
