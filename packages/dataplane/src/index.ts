/**
 * @svclab/dataplane: a per-node model of Cilium's eBPF service load
 * balancer. `NodeDataplane` is the entry point: feed it Kubernetes
 * Services and EndpointSlices, then ask it where connections go.
 */

// One node: maps + agent + datapath.
export { NodeDataplane } from "./control/node-dataplane";
export type { NodeDataplaneConfig, MapSizes, NodeMaps, ConnectRequest } from "./control/node-dataplane";

// Datapath lookups (per packet, per connect).
export { ServiceLoadBalancer } from "./lb/load-balancer";
export type { DatapathMaps, LoadBalancerConfig } from "./lb/load-balancer";
export { LookupResult, VERDICT_PASS, VERDICT_FORWARD, VERDICT_DROP } from "./lb/result";
export type { LookupSnapshot, Verdict, TrafficPath } from "./lb/result";
export { LookupTrace } from "./lb/trace";
export type { MapAccess, MapAccessOp, MapAccessResult } from "./lb/trace";
export {
  DROP_CT_CREATE_FAILED,
  DROP_NO_SERVICE,
  DROP_UNKNOWN_CT,
  DROP_IS_CLUSTER_IP,
  DROP_NOT_IN_SRC_RANGE,
  dropReasonText,
} from "./lb/drop";

// Agent side: tables, writer, reflector, reconciler.
export { Tables, BackendInstances, frontendKey } from "./control/tables";
export type { L3n4Index } from "./control/l3n4-index";
export type { FrontendRow, BackendRow, BackendInstance, FrontendStatus } from "./control/tables";
export { Writer } from "./control/writer";
export type { FrontendBackend, PendingChanges, WriterOptions } from "./control/writer";
export {
  SCOPE_EXTERNAL,
  SCOPE_INTERNAL,
  DEFAULT_AFFINITY_TIMEOUT_SEC,
  newService,
  needsTwoScopes,
  isNodeLocalOnly,
} from "./control/model";
export type {
  SVCType,
  TrafficPolicy,
  BackendState,
  Scope,
  Service,
  ServiceParams,
  FrontendParams,
  BackendParams,
  SourceRangesPolicy,
} from "./control/model";
export {
  K8sReflector,
  ReflectionCache,
  serviceToFrontends,
  endpointSliceToBackends,
  endpointState,
  exposedOnNode,
  podToHostPortServices,
  LABEL_SERVICE_NAME,
  LABEL_HEADLESS,
  HOST_PORT_SERVICE_INFIX,
  ANNOTATION_LB_ALGORITHM,
  ANNOTATION_FORWARDING_MODE,
  ANNOTATION_TYPE,
  ANNOTATION_NODE,
  ANNOTATION_SRC_RANGES_POLICY,
} from "./control/reflector";
export type {
  K8sService,
  K8sServicePort,
  K8sEndpointSlice,
  K8sEndpoint,
  K8sObjectMeta,
  K8sPod,
  K8sContainerPort,
  ReflectorConfig,
} from "./control/reflector";
export { Reconciler } from "./control/reconciler";
export type { ReconcilerConfig, ReconcileResult, ReconcileError, LBAlgorithm, LBMode } from "./control/reconciler";
export { createLBMaps } from "./control/bpf-lbmaps";
export type { LBMapSet } from "./control/bpf-lbmaps";
export type { LBMaps, LBMapsMutation, ServiceEntryCallback } from "./control/lbmaps";
export { FakeLBMaps } from "./control/fake-lbmaps";
export { FaultyLBMaps, randomFaults } from "./control/faulty-lbmaps";
export type { FaultPredicate } from "./control/faulty-lbmaps";
export {
  IdAllocator,
  FIRST_SERVICE_ID,
  MAX_SERVICE_ID,
  FIRST_BACKEND_ID,
  MAX_BACKEND_ID,
} from "./control/id-allocator";
export { BackendNodes } from "./control/backend-nodes";
export { newSvcFlags, svcFlagsToString, svcTypeOfFlags } from "./control/flags";
export type { SvcFlagParams } from "./control/flags";
export { protoName, protoNumber, parseL4Type, parseCidr4, formatL3n4 } from "./control/addr";
export type { L4Type, Cidr4 } from "./control/addr";

// Dumps in Cilium's formats.
export { lbList, lbMapsDump, dumpLBMaps, dumpIPv6LBMaps, backendStateName } from "./dump/lb-maps";
export { createIPv6Maps, LB6_MAP_NAMES } from "./maps";
export type { IPv6Maps, IPv6MapSizes, Affinity6Key } from "./maps";
export { serviceList } from "./dump/service-list";
export { affinityDump, conntrackDump } from "./dump/datapath-state";
export type { DatapathStateMaps } from "./dump/datapath-state";
export { tabwrite } from "./dump/tabwriter";
export type { TabwriterOptions } from "./dump/tabwriter";

// BPF maps.
export {
  BpfMapError,
  BPF_ERRNO,
  isBpfMapError,
  BpfHashTable,
  BPF_ANY,
  BPF_NOEXIST,
  BPF_EXIST,
  DEFAULT_MAP_MAX_ENTRIES,
  BpfMap,
  ServiceMap,
  BackendMap,
  RevNatMap,
  AffinityMap,
  AffinityMatchMap,
  ConntrackMap,
  DEFAULT_CT_MAX_ENTRIES,
  DEFAULT_CT_ANY_MAX_ENTRIES,
  MaglevMap,
  SourceRangeMap,
  PROTO_ANY,
  PROTO_ICMP,
  PROTO_TCP,
  PROTO_UDP,
  PROTO_SCTP,
  LB_LOOKUP_SCOPE_EXT,
  LB_LOOKUP_SCOPE_INT,
  LB_ALG_UNSPEC,
  LB_ALG_RANDOM,
  LB_ALG_MAGLEV,
  BE_STATE_ACTIVE,
  BE_STATE_TERMINATING,
  BE_STATE_QUARANTINED,
  BE_STATE_MAINTENANCE,
  TUPLE_F_OUT,
  TUPLE_F_IN,
  TUPLE_F_RELATED,
  TUPLE_F_SERVICE,
  CT_LIFETIME_TCP,
  CT_LIFETIME_NONTCP,
  CT_SERVICE_LIFETIME_TCP,
  CT_SERVICE_LIFETIME_NONTCP,
  CT_SYN_TIMEOUT,
  CT_CLOSE_TIMEOUT,
  CT_SERVICE_CLOSE_REBALANCE,
  CT_GC_INTERVAL,
  SVC_FLAG_EXTERNAL_IP,
  SVC_FLAG_NODEPORT,
  SVC_FLAG_EXT_LOCAL_SCOPE,
  SVC_FLAG_HOSTPORT,
  SVC_FLAG_AFFINITY,
  SVC_FLAG_LOADBALANCER,
  SVC_FLAG_ROUTABLE,
  SVC_FLAG_SOURCE_RANGE,
  SVC_FLAG_LOCALREDIRECT,
  SVC_FLAG_NAT_46X64,
  SVC_FLAG_L7_LOADBALANCER,
  SVC_FLAG_LOOPBACK,
  SVC_FLAG_INT_LOCAL_SCOPE,
  SVC_FLAG_TWO_SCOPES,
  SVC_FLAG_QUARANTINED,
  SVC_FLAG_FWD_MODE_DSR,
  CT_FLAG_RX_CLOSING,
  CT_FLAG_TX_CLOSING,
  CT_FLAG_NAT46,
  CT_FLAG_LB_LOOPBACK,
  CT_FLAG_SEEN_NON_SYN,
  CT_FLAG_NODE_PORT,
  CT_FLAG_PROXY_REDIRECT,
  CT_FLAG_DSR,
  CT_FLAG_FROM_L7LB,
  CT_FLAG_FROM_TUNNEL,
  serviceMasterWord,
  affinityTimeoutOf,
  lbAlgorithmOf,
  defineStruct,
  defineScalar,
  hexBytes,
  serviceKeyCodec,
  serviceValueCodec,
  backendIdCodec,
  backendValueCodec,
  revNatIndexCodec,
  revNatValueCodec,
  affinityKeyCodec,
  affinityValueCodec,
  affinityMatchKeyCodec,
  u8ValueCodec,
  ctKeyCodec,
  ctEntryCodec,
} from "./maps";
export type {
  StructCodec,
  FieldSpec,
  FieldType,
  BpfHashTableOptions,
  BpfHashMapOptions,
  BpfErrnoName,
  BpfMapOperation,
  BpfUpdateFlags,
  BpfMapType,
  BpfMapOptions,
  BpfMapEntry,
  LbMapOptions,
  MaglevMapOptions,
  MaglevMapEntry,
  SourceRangeKey,
  SourceRangeEntry,
  ServiceKey,
  ServiceValue,
  BackendValue,
  RevNatValue,
  AffinityKey,
  AffinityValue,
  AffinityMatchKey,
  CtKey,
  CtEntry,
} from "./maps";

// Maglev.
export {
  Maglev,
  DEFAULT_MAGLEV_HASH_SEED,
  DEFAULT_BACKEND_WEIGHT,
  maglevBackendHashString,
  parseMaglevHashSeed,
  MAGLEV_TABLE_SIZES,
  DEFAULT_MAGLEV_TABLE_SIZE,
  checkMaglevTableSize,
  murmur3Hash128,
  jhash3Words,
} from "./maglev";
export type { MaglevBackend, MaglevOptions, MaglevSeeds, Hash128 } from "./maglev";
