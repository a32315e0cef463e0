// core/v1 structs: Service, Pod (PodSpec, Container, probes), Namespace, Endpoints.
import { condition, objectMeta, objectReference } from "./meta";
import {
  affinity,
  envFromSource,
  envVarSource,
  execAction,
  httpGetAction,
  lifecycle,
  podDNSConfig,
  podSecurityContext,
  securityContext,
  tcpSocketAction,
  topologySpreadConstraint,
  volumeSources,
} from "./podparts";
import { bool, i32, i64, intOrString, list, loose, map, quantity, str, struct, strings } from "./types";

const typeMeta = { apiVersion: str(), kind: str() };

export const servicePort = struct("ServicePort", {
  name: str(),
  protocol: str("v1.Protocol"),
  appProtocol: str(),
  port: i32,
  targetPort: intOrString,
  nodePort: i32,
});

const portStatus = struct("PortStatus", { port: i32, protocol: str("v1.Protocol"), error: str() });

export const serviceSpec = struct("ServiceSpec", {
  ports: list(servicePort, { mergeKey: "port" }),
  selector: map(str()),
  clusterIP: str(),
  clusterIPs: strings,
  type: str("v1.ServiceType"),
  externalIPs: strings,
  sessionAffinity: str("v1.ServiceAffinity"),
  loadBalancerIP: str(),
  loadBalancerSourceRanges: strings,
  externalName: str(),
  externalTrafficPolicy: str("v1.ServiceExternalTrafficPolicy"),
  healthCheckNodePort: i32,
  publishNotReadyAddresses: bool,
  sessionAffinityConfig: struct("SessionAffinityConfig", {
    clientIP: struct("ClientIPConfig", { timeoutSeconds: i32 }),
  }),
  ipFamilies: list(str("v1.IPFamily")),
  ipFamilyPolicy: str("v1.IPFamilyPolicy"),
  allocateLoadBalancerNodePorts: bool,
  loadBalancerClass: str(),
  internalTrafficPolicy: str("v1.ServiceInternalTrafficPolicy"),
  trafficDistribution: str(),
});

export const serviceStatus = struct("ServiceStatus", {
  loadBalancer: struct("LoadBalancerStatus", {
    ingress: list(
      struct("LoadBalancerIngress", {
        ip: str(),
        hostname: str(),
        ipMode: str("v1.LoadBalancerIPMode"),
        ports: list(portStatus),
      }),
    ),
  }),
  conditions: list(condition, { mergeKey: "type" }),
});

export const service = struct("Service", { ...typeMeta, metadata: objectMeta, spec: serviceSpec, status: serviceStatus });

const containerPort = struct("ContainerPort", {
  name: str(),
  hostPort: i32,
  containerPort: i32,
  protocol: str("v1.Protocol"),
  hostIP: str(),
});

const envVar = struct("EnvVar", { name: str(), value: str(), valueFrom: envVarSource });

const probe = struct("Probe", {
  exec: execAction,
  httpGet: httpGetAction,
  tcpSocket: tcpSocketAction,
  grpc: struct("GRPCAction", { port: i32, service: str() }),
  initialDelaySeconds: i32,
  timeoutSeconds: i32,
  periodSeconds: i32,
  successThreshold: i32,
  failureThreshold: i32,
  terminationGracePeriodSeconds: i64,
});

const resources = struct("ResourceRequirements", {
  limits: map(quantity, "v1.ResourceList"),
  requests: map(quantity, "v1.ResourceList"),
  claims: list(loose("v1.ResourceClaim")),
});

export const container = struct("Container", {
  name: str(),
  image: str(),
  command: strings,
  args: strings,
  workingDir: str(),
  ports: list(containerPort, { mergeKey: "containerPort" }),
  envFrom: list(envFromSource),
  env: list(envVar, { mergeKey: "name" }),
  resources,
  resizePolicy: list(loose("v1.ContainerResizePolicy")),
  restartPolicy: str("v1.ContainerRestartPolicy"),
  volumeMounts: list(
    struct("VolumeMount", {
      name: str(),
      readOnly: bool,
      recursiveReadOnly: str("v1.RecursiveReadOnlyMode"),
      mountPath: str(),
      subPath: str(),
      mountPropagation: str("v1.MountPropagationMode"),
      subPathExpr: str(),
    }),
    { mergeKey: "mountPath" },
  ),
  volumeDevices: list(loose("v1.VolumeDevice"), { mergeKey: "devicePath" }),
  livenessProbe: probe,
  readinessProbe: probe,
  startupProbe: probe,
  lifecycle,
  terminationMessagePath: str(),
  terminationMessagePolicy: str("v1.TerminationMessagePolicy"),
  imagePullPolicy: str("v1.PullPolicy"),
  securityContext,
  stdin: bool,
  stdinOnce: bool,
  tty: bool,
});

const volume = struct("Volume", {
  name: str(),
  ...volumeSources,
});

const toleration = struct("Toleration", {
  key: str(),
  operator: str("v1.TolerationOperator"),
  value: str(),
  effect: str("v1.TaintEffect"),
  tolerationSeconds: i64,
});

export const podSpec = struct("PodSpec", {
  volumes: list(volume, { mergeKey: "name" }),
  initContainers: list(container, { mergeKey: "name" }),
  containers: list(container, { mergeKey: "name" }),
  ephemeralContainers: list(loose("v1.EphemeralContainer"), { mergeKey: "name" }),
  restartPolicy: str("v1.RestartPolicy"),
  terminationGracePeriodSeconds: i64,
  activeDeadlineSeconds: i64,
  dnsPolicy: str("v1.DNSPolicy"),
  nodeSelector: map(str()),
  serviceAccountName: str(),
  serviceAccount: str(),
  automountServiceAccountToken: bool,
  nodeName: str(),
  hostNetwork: bool,
  hostPID: bool,
  hostIPC: bool,
  shareProcessNamespace: bool,
  securityContext: podSecurityContext,
  imagePullSecrets: list(struct("LocalObjectReference", { name: str() }), { mergeKey: "name" }),
  hostname: str(),
  subdomain: str(),
  affinity,
  schedulerName: str(),
  tolerations: list(toleration),
  hostAliases: list(struct("HostAlias", { ip: str(), hostnames: strings }), { mergeKey: "ip" }),
  priorityClassName: str(),
  priority: i32,
  dnsConfig: podDNSConfig,
  readinessGates: list(struct("PodReadinessGate", { conditionType: str("v1.PodConditionType") })),
  runtimeClassName: str(),
  enableServiceLinks: bool,
  preemptionPolicy: str("v1.PreemptionPolicy"),
  overhead: map(quantity, "v1.ResourceList"),
  topologySpreadConstraints: list(topologySpreadConstraint, { mergeKey: "topologyKey" }),
  setHostnameAsFQDN: bool,
  os: struct("PodOS", { name: str("v1.OSName") }),
  hostUsers: bool,
  schedulingGates: list(struct("PodSchedulingGate", { name: str() }), { mergeKey: "name" }),
  resourceClaims: list(loose("v1.PodResourceClaim"), { mergeKey: "name" }),
});

const podIP = struct("PodIP", { ip: str() });
const hostIP = struct("HostIP", { ip: str() });

export const podStatus = struct("PodStatus", {
  phase: str("v1.PodPhase"),
  conditions: list(
    struct("PodCondition", {
      type: str("v1.PodConditionType"),
      status: str("v1.ConditionStatus"),
      lastProbeTime: str("v1.Time"),
      lastTransitionTime: str("v1.Time"),
      reason: str(),
      message: str(),
    }),
    { mergeKey: "type" },
  ),
  message: str(),
  reason: str(),
  nominatedNodeName: str(),
  hostIP: str(),
  hostIPs: list(hostIP, { mergeKey: "ip" }),
  podIP: str(),
  podIPs: list(podIP, { mergeKey: "ip" }),
  startTime: str("v1.Time"),
  initContainerStatuses: list(loose("v1.ContainerStatus")),
  containerStatuses: list(loose("v1.ContainerStatus")),
  qosClass: str("v1.PodQOSClass"),
});

export const pod = struct("Pod", { ...typeMeta, metadata: objectMeta, spec: podSpec, status: podStatus });

export const podTemplateSpec = struct("PodTemplateSpec", { metadata: objectMeta, spec: podSpec });

export const namespace = struct("Namespace", {
  ...typeMeta,
  metadata: objectMeta,
  spec: struct("NamespaceSpec", { finalizers: list(str("v1.FinalizerName")) }),
  status: struct("NamespaceStatus", {
    phase: str("v1.NamespacePhase"),
    conditions: list(loose("v1.NamespaceCondition"), { mergeKey: "type" }),
  }),
});

const endpointAddress = struct("EndpointAddress", {
  ip: str(),
  hostname: str(),
  nodeName: str(),
  targetRef: objectReference,
});

export const endpoints = struct("Endpoints", {
  ...typeMeta,
  metadata: objectMeta,
  subsets: list(
    struct("EndpointSubset", {
      addresses: list(endpointAddress),
      notReadyAddresses: list(endpointAddress),
      ports: list(
        struct("EndpointPort", { name: str(), port: i32, protocol: str("v1.Protocol"), appProtocol: str() }),
      ),
    }),
  ),
});


export const node = struct("Node", {
  ...typeMeta,
  metadata: objectMeta,
  spec: struct("NodeSpec", {
    podCIDR: str(),
    podCIDRs: list(str(), { merge: true }),
    providerID: str(),
    unschedulable: bool,
    taints: list(struct("Taint", { key: str(), value: str(), effect: str("v1.TaintEffect"), timeAdded: str("v1.Time") })),
    configSource: loose("v1.NodeConfigSource"),
    externalID: str(),
  }),
  status: struct("NodeStatus", {
    capacity: map(quantity, "v1.ResourceList"),
    allocatable: map(quantity, "v1.ResourceList"),
    phase: str("v1.NodePhase"),
    conditions: list(loose("v1.NodeCondition"), { mergeKey: "type" }),
    addresses: list(struct("NodeAddress", { type: str("v1.NodeAddressType"), address: str() }), { mergeKey: "type" }),
    daemonEndpoints: loose("v1.NodeDaemonEndpoints"),
    nodeInfo: loose("v1.NodeSystemInfo"),
    images: list(loose("v1.ContainerImage")),
    volumesInUse: strings,
    volumesAttached: list(loose("v1.AttachedVolume")),
    config: loose("v1.NodeConfigStatus"),
    runtimeHandlers: list(loose("v1.NodeRuntimeHandler")),
    features: loose("v1.NodeFeatures"),
  }),
});

/** core/v1 Event: what the controllers' and the kubelet's event recorders write. */
export const event = struct("Event", {
  ...typeMeta,
  metadata: objectMeta,
  involvedObject: objectReference,
  reason: str(),
  message: str(),
  source: struct("EventSource", { component: str(), host: str() }),
  firstTimestamp: str("v1.Time"),
  lastTimestamp: str("v1.Time"),
  count: i32,
  type: str(),
  eventTime: str("v1.MicroTime"),
  series: struct("EventSeries", { count: i32, lastObservedTime: str("v1.MicroTime") }),
  action: str(),
  related: objectReference,
  reportingComponent: str(),
  reportingInstance: str(),
});
