// The PodSpec sub-structs users commonly write (env sources, lifecycle hooks,
// security contexts, affinity, spread constraints, volume sources), typed so
// typos in them are strict decoding errors too.
import { labelSelector } from "./meta";
import { bool, i32, i64, intOrString, list, loose, quantity, str, struct, strings } from "./types";

const keySelector = (name: string): ReturnType<typeof struct> => struct(name, { name: str(), key: str(), optional: bool });

export const envVarSource = struct("EnvVarSource", {
  fieldRef: struct("ObjectFieldSelector", { apiVersion: str(), fieldPath: str() }),
  resourceFieldRef: struct("ResourceFieldSelector", { containerName: str(), resource: str(), divisor: quantity }),
  configMapKeyRef: keySelector("ConfigMapKeySelector"),
  secretKeyRef: keySelector("SecretKeySelector"),
});

export const envFromSource = struct("EnvFromSource", {
  prefix: str(),
  configMapRef: struct("ConfigMapEnvSource", { name: str(), optional: bool }),
  secretRef: struct("SecretEnvSource", { name: str(), optional: bool }),
});

export const execAction = struct("ExecAction", { command: strings });
export const httpGetAction = struct("HTTPGetAction", {
  path: str(),
  port: intOrString,
  host: str(),
  scheme: str("v1.URIScheme"),
  httpHeaders: list(struct("HTTPHeader", { name: str(), value: str() })),
});
export const tcpSocketAction = struct("TCPSocketAction", { port: intOrString, host: str() });

const lifecycleHandler = struct("LifecycleHandler", {
  exec: execAction,
  httpGet: httpGetAction,
  tcpSocket: tcpSocketAction,
  sleep: struct("SleepAction", { seconds: i64 }),
});

export const lifecycle = struct("Lifecycle", { postStart: lifecycleHandler, preStop: lifecycleHandler, stopSignal: str("v1.Signal") });

const seLinuxOptions = struct("SELinuxOptions", { user: str(), role: str(), type: str(), level: str() });
const seccompProfile = struct("SeccompProfile", { type: str("v1.SeccompProfileType"), localhostProfile: str() });
const appArmorProfile = struct("AppArmorProfile", { type: str("v1.AppArmorProfileType"), localhostProfile: str() });
const windowsOptions = loose("v1.WindowsSecurityContextOptions");

export const securityContext = struct("SecurityContext", {
  capabilities: struct("Capabilities", { add: list(str("v1.Capability")), drop: list(str("v1.Capability")) }),
  privileged: bool,
  seLinuxOptions,
  windowsOptions,
  runAsUser: i64,
  runAsGroup: i64,
  runAsNonRoot: bool,
  readOnlyRootFilesystem: bool,
  allowPrivilegeEscalation: bool,
  procMount: str("v1.ProcMountType"),
  seccompProfile,
  appArmorProfile,
});

export const podSecurityContext = struct("PodSecurityContext", {
  seLinuxOptions,
  windowsOptions,
  runAsUser: i64,
  runAsGroup: i64,
  runAsNonRoot: bool,
  supplementalGroups: list(i64),
  supplementalGroupsPolicy: str("v1.SupplementalGroupsPolicy"),
  fsGroup: i64,
  sysctls: list(struct("Sysctl", { name: str(), value: str() })),
  fsGroupChangePolicy: str("v1.PodFSGroupChangePolicy"),
  seccompProfile,
  appArmorProfile,
  seLinuxChangePolicy: str("v1.PodSELinuxChangePolicy"),
});

const nodeSelectorRequirement = struct("NodeSelectorRequirement", { key: str(), operator: str("v1.NodeSelectorOperator"), values: strings });
const nodeSelectorTerm = struct("NodeSelectorTerm", { matchExpressions: list(nodeSelectorRequirement), matchFields: list(nodeSelectorRequirement) });
const podAffinityTerm = struct("PodAffinityTerm", {
  labelSelector,
  namespaces: strings,
  topologyKey: str(),
  namespaceSelector: labelSelector,
  matchLabelKeys: strings,
  mismatchLabelKeys: strings,
});
const podAffinity = (name: string): ReturnType<typeof struct> =>
  struct(name, {
    requiredDuringSchedulingIgnoredDuringExecution: list(podAffinityTerm),
    preferredDuringSchedulingIgnoredDuringExecution: list(struct("WeightedPodAffinityTerm", { weight: i32, podAffinityTerm })),
  });

export const affinity = struct("Affinity", {
  nodeAffinity: struct("NodeAffinity", {
    requiredDuringSchedulingIgnoredDuringExecution: struct("NodeSelector", { nodeSelectorTerms: list(nodeSelectorTerm) }),
    preferredDuringSchedulingIgnoredDuringExecution: list(struct("PreferredSchedulingTerm", { weight: i32, preference: nodeSelectorTerm })),
  }),
  podAffinity: podAffinity("PodAffinity"),
  podAntiAffinity: podAffinity("PodAntiAffinity"),
});

export const topologySpreadConstraint = struct("TopologySpreadConstraint", {
  maxSkew: i32,
  topologyKey: str(),
  whenUnsatisfiable: str("v1.UnsatisfiableConstraintAction"),
  labelSelector,
  minDomains: i32,
  nodeAffinityPolicy: str("v1.NodeInclusionPolicy"),
  nodeTaintsPolicy: str("v1.NodeInclusionPolicy"),
  matchLabelKeys: strings,
});

export const podDNSConfig = struct("PodDNSConfig", {
  nameservers: strings,
  searches: strings,
  options: list(struct("PodDNSConfigOption", { name: str(), value: str() })),
});

const keyToPath = struct("KeyToPath", { key: str(), path: str(), mode: i32 });

export const volumeSources = {
  hostPath: struct("HostPathVolumeSource", { path: str(), type: str("v1.HostPathType") }),
  emptyDir: struct("EmptyDirVolumeSource", { medium: str("v1.StorageMedium"), sizeLimit: quantity }),
  secret: struct("SecretVolumeSource", { secretName: str(), items: list(keyToPath), defaultMode: i32, optional: bool }),
  persistentVolumeClaim: struct("PersistentVolumeClaimVolumeSource", { claimName: str(), readOnly: bool }),
  configMap: struct("ConfigMapVolumeSource", { name: str(), items: list(keyToPath), defaultMode: i32, optional: bool }),
  downwardAPI: loose("v1.DownwardAPIVolumeSource"),
  projected: loose("v1.ProjectedVolumeSource"),
  csi: loose("v1.CSIVolumeSource"),
  ephemeral: loose("v1.EphemeralVolumeSource"),
  nfs: struct("NFSVolumeSource", { server: str(), path: str(), readOnly: bool }),
  image: struct("ImageVolumeSource", { reference: str(), pullPolicy: str("v1.PullPolicy") }),
};

