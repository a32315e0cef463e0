/** The BPF map model: the hash/LRU engine, struct codecs and Cilium's IPv4 load-balancer and conntrack maps. */
export { BpfMapError, BPF_ERRNO, isBpfMapError } from "./errors";
export type { BpfErrnoName, BpfMapOperation } from "./errors";
export {
  BpfHashTable,
  BPF_ANY,
  BPF_NOEXIST,
  BPF_EXIST,
  DEFAULT_MAP_MAX_ENTRIES,
} from "./hash-table";
export type { BpfUpdateFlags, BpfMapType, BpfMapOptions, BpfHashTableOptions, LbMapOptions } from "./hash-table";
export { defineStruct, defineScalar, hexBytes } from "./codec";
export type { StructCodec, FieldSpec, FieldType } from "./codec";
export { BpfMap } from "./bpf-map";
export type { BpfMapEntry, BpfHashMapOptions } from "./bpf-map";
export {
  PROTO_ANY,
  PROTO_ICMP,
  PROTO_TCP,
  PROTO_UDP,
  PROTO_SCTP,
  LB_LOOKUP_SCOPE_EXT,
  LB_LOOKUP_SCOPE_INT,
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
  CT_LIFETIME_TCP,
  CT_LIFETIME_NONTCP,
  CT_SERVICE_LIFETIME_TCP,
  CT_SERVICE_LIFETIME_NONTCP,
  CT_SYN_TIMEOUT,
  CT_CLOSE_TIMEOUT,
  CT_SERVICE_CLOSE_REBALANCE,
  CT_GC_INTERVAL,
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
  serviceMasterWord,
  affinityTimeoutOf,
  lbAlgorithmOf,
} from "./layouts";
export type { ServiceKey, ServiceValue, BackendValue, RevNatValue, AffinityKey, AffinityValue, AffinityMatchKey, CtKey, CtEntry } from "./layouts";
export { ServiceMap } from "./service-map";
export { BackendMap } from "./backend-map";
export { RevNatMap } from "./revnat-map";
export { AffinityMap } from "./affinity-map";
export { AffinityMatchMap } from "./affinity-match-map";
export { ConntrackMap, DEFAULT_CT_MAX_ENTRIES, DEFAULT_CT_ANY_MAX_ENTRIES } from "./conntrack-map";
export { MaglevMap } from "./maglev-map";
export type { MaglevMapOptions, MaglevMapEntry } from "./maglev-map";
export { SourceRangeMap } from "./source-range-map";
export type { SourceRangeKey, SourceRangeEntry } from "./source-range-map";
export {
  LB6_MAP_NAMES,
  service6KeyCodec,
  service6ValueCodec,
  backend6ValueCodec,
  revNat6ValueCodec,
  ct6KeyCodec,
  affinity6KeyCodec,
} from "./layouts6";
export type { Affinity6Key } from "./layouts6";
export { createIPv6Maps } from "./maps6";
export type { IPv6Maps, IPv6MapSizes } from "./maps6";
