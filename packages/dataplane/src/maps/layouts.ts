/**
 * The C structs of Cilium's IPv4 load-balancer and conntrack maps
 * (bpf/lib/common.h, bpf/lib/lb.h), as readable TypeScript shapes and
 * codecs, plus the flag and state constants stored in them.
 *
 * u64 fields that the datapath fills with small counters (`last_used`
 * seconds since boot, a CT entry's backend id) are modelled as their low
 * 32 bits: the bytes are identical while the value is below 2^32 (136 years
 * of uptime), and every entry stays a word smaller.
 */
import { defineScalar, defineStruct } from "./codec";
import { formatIPv4 } from "@svclab/sim";
import type { FieldSpec, StructCodec } from "./codec";

/** IP protocol numbers used in keys (`u8proto`). */
export const PROTO_ANY = 0;
export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_SCTP = 132;

/** `lb4_key.scope`: LB_LOOKUP_SCOPE_EXT / LB_LOOKUP_SCOPE_INT. */
export const LB_LOOKUP_SCOPE_EXT = 0;
export const LB_LOOKUP_SCOPE_INT = 1;

/** `lb4_service.flags` (SVC_FLAG_*). */
export const SVC_FLAG_EXTERNAL_IP = 1 << 0;
export const SVC_FLAG_NODEPORT = 1 << 1;
export const SVC_FLAG_EXT_LOCAL_SCOPE = 1 << 2;
export const SVC_FLAG_HOSTPORT = 1 << 3;
export const SVC_FLAG_AFFINITY = 1 << 4;
export const SVC_FLAG_LOADBALANCER = 1 << 5;
export const SVC_FLAG_ROUTABLE = 1 << 6;
export const SVC_FLAG_SOURCE_RANGE = 1 << 7;

/** `lb4_service.flags2` (SVC_FLAG_*). */
export const SVC_FLAG_LOCALREDIRECT = 1 << 0;
export const SVC_FLAG_NAT_46X64 = 1 << 1;
export const SVC_FLAG_L7_LOADBALANCER = 1 << 2;
export const SVC_FLAG_LOOPBACK = 1 << 3;
export const SVC_FLAG_INT_LOCAL_SCOPE = 1 << 4;
export const SVC_FLAG_TWO_SCOPES = 1 << 5;
export const SVC_FLAG_QUARANTINED = 1 << 6;
export const SVC_FLAG_FWD_MODE_DSR = 1 << 7;

/** LB algorithm in the high byte of the master entry's first word (0 = unset, the agent default). */
export const LB_ALG_UNSPEC = 0;
export const LB_ALG_RANDOM = 1;
export const LB_ALG_MAGLEV = 2;

/** `lb4_backend.flags`: backend state. */
export const BE_STATE_ACTIVE = 0;
export const BE_STATE_TERMINATING = 1;
export const BE_STATE_QUARANTINED = 2;
export const BE_STATE_MAINTENANCE = 3;

/** `ipv4_ct_tuple.flags` (TUPLE_F_*). */
export const TUPLE_F_OUT = 0;
export const TUPLE_F_IN = 1;
export const TUPLE_F_RELATED = 2;
export const TUPLE_F_SERVICE = 4;

/** `ct_entry` bit field flags (the u16 after `lifetime`). */
export const CT_FLAG_RX_CLOSING = 1 << 0;
export const CT_FLAG_TX_CLOSING = 1 << 1;
export const CT_FLAG_NAT46 = 1 << 2;
export const CT_FLAG_LB_LOOPBACK = 1 << 3;
export const CT_FLAG_SEEN_NON_SYN = 1 << 4;
export const CT_FLAG_NODE_PORT = 1 << 5;
export const CT_FLAG_PROXY_REDIRECT = 1 << 6;
export const CT_FLAG_DSR = 1 << 7;
export const CT_FLAG_FROM_L7LB = 1 << 8;
export const CT_FLAG_FROM_TUNNEL = 1 << 10;

// Conntrack lifetimes in seconds. The agent's defaults (daemon_main.go: --bpf-ct-timeout-*), which a running Cilium compiles into the
// datapath; bpf/node_config.h's 21600 s TCP lifetimes are only the BPF unit tests' fallbacks.
export const CT_LIFETIME_TCP = 8000;
export const CT_LIFETIME_NONTCP = 60;
export const CT_SERVICE_LIFETIME_TCP = 8000;
export const CT_SERVICE_LIFETIME_NONTCP = 60;
export const CT_SYN_TIMEOUT = 60;
export const CT_CLOSE_TIMEOUT = 10;
/**
 * CT_SERVICE_CLOSE_REBALANCE (--bpf-ct-timeout-service-tcp-grace): a SYN
 * reusing a closing service tuple this long after the close is a new
 * connection and selects its backend afresh; sooner, the old flow reopens.
 */
export const CT_SERVICE_CLOSE_REBALANCE = 60;
/** The agent's conntrack GC starts at this interval (ConntrackGCStartingInterval). */
export const CT_GC_INTERVAL = 300;

/** `struct lb4_key`: a service frontend (slot 0) or one of its backend slots. */
export interface ServiceKey {
  address: string;
  dport: number;
  backendSlot: number;
  proto: number;
  scope: number;
}

/**
 * `struct lb4_service`. `backendId` is the union's raw word: a backend id on
 * slot entries; on the master entry the affinity timeout (low 24 bits) and
 * LB algorithm (high 8 bits), see {@link serviceMasterWord}.
 */
export interface ServiceValue {
  backendId: number;
  count: number;
  revNatIndex: number;
  flags: number;
  flags2: number;
  qcount: number;
}

/** `struct lb4_backend`; `flags` is the backend state (BE_STATE_*). */
export interface BackendValue {
  address: string;
  port: number;
  proto: number;
  flags: number;
  clusterId: number;
  zone: number;
}

/** `struct lb4_reverse_nat`. */
export interface RevNatValue {
  address: string;
  port: number;
}

/**
 * `struct lb4_affinity_key`. `clientId` is the client IPv4 address as a
 * host-order u32 when `netnsCookie` is false, else the socket's network
 * namespace cookie (u64, a safe integer here).
 */
export interface AffinityKey {
  clientId: number;
  revNatId: number;
  netnsCookie: boolean;
}

/** `struct lb_affinity_val`: `lastUsed` in seconds of the monotonic clock. */
export interface AffinityValue {
  lastUsed: number;
  backendId: number;
}

/** `struct lb_affinity_match`. */
export interface AffinityMatchKey {
  backendId: number;
  revNatId: number;
}

/** `struct ipv4_ct_tuple`; `daddr`/`saddr` as Cilium names them, `flags` TUPLE_F_*. */
export interface CtKey {
  daddr: string;
  saddr: string;
  dport: number;
  sport: number;
  nexthdr: number;
  flags: number;
}

/** The modelled fields of `struct ct_entry`; `flags` holds CT_FLAG_* bits, `lifetime` is absolute seconds. */
export interface CtEntry {
  backendId: number;
  lifetime: number;
  flags: number;
  revNatIndex: number;
  txFlagsSeen: number;
  rxFlagsSeen: number;
}

export const serviceKeyCodec: StructCodec<ServiceKey> = defineStruct<ServiceKey>("struct lb4_key", 12, [
  { name: "address", c: "address", type: "ipv4", offset: 0 },
  { name: "dport", c: "dport", type: "be16", offset: 4 },
  { name: "backendSlot", c: "backend_slot", type: "u16", offset: 6 },
  { name: "proto", c: "proto", type: "u8", offset: 8 },
  { name: "scope", c: "scope", type: "u8", offset: 9 },
]);

/** The fields of `struct lb4_service`, which `struct lb6_service` repeats bit for bit. */
export const SERVICE_VALUE_FIELDS: readonly FieldSpec<ServiceValue>[] = [
  { name: "backendId", c: "backend_id", type: "u32", offset: 0 },
  { name: "count", c: "count", type: "u16", offset: 4 },
  { name: "revNatIndex", c: "rev_nat_index", type: "u16", offset: 6 },
  { name: "flags", c: "flags", type: "u8", offset: 8 },
  { name: "flags2", c: "flags2", type: "u8", offset: 9 },
  { name: "qcount", c: "qcount", type: "u16", offset: 10 },
];

export const serviceValueCodec: StructCodec<ServiceValue> = defineStruct<ServiceValue>("struct lb4_service", 12, SERVICE_VALUE_FIELDS);

export const backendIdCodec: StructCodec<number> = defineScalar("backend_id", "u32");

export const backendValueCodec: StructCodec<BackendValue> = defineStruct<BackendValue>("struct lb4_backend", 12, [
  { name: "address", c: "address", type: "ipv4", offset: 0 },
  { name: "port", c: "port", type: "be16", offset: 4 },
  { name: "proto", c: "proto", type: "u8", offset: 6 },
  { name: "flags", c: "flags", type: "u8", offset: 7 },
  { name: "clusterId", c: "cluster_id", type: "u16", offset: 8 },
  { name: "zone", c: "zone", type: "u8", offset: 10 },
]);

export const revNatIndexCodec: StructCodec<number> = defineScalar("rev_nat_index", "u16");

export const revNatValueCodec: StructCodec<RevNatValue> = defineStruct<RevNatValue>("struct lb4_reverse_nat", 6, [
  { name: "address", c: "address", type: "ipv4", offset: 0 },
  { name: "port", c: "port", type: "be16", offset: 4 },
]);

/**
 * `lb4_affinity_key` is a union (client IPv4 or netns cookie), so its byte
 * form depends on `netnsCookie`: an address is stored in network order in
 * the first four bytes, a cookie as a little-endian u64.
 */
export const affinityKeyCodec: StructCodec<AffinityKey> = (() => {
  const packed = defineStruct<AffinityKey>("struct lb4_affinity_key", 16, [
    { name: "clientId", c: "client_id", type: "u64", offset: 0 },
    { name: "revNatId", c: "rev_nat_id", type: "u16", offset: 8 },
    { name: "netnsCookie", c: "netns_cookie", type: "bool8", offset: 10 },
  ]);
  const checkIp = (key: AffinityKey): void => {
    if (!key.netnsCookie && key.clientId > 0xffffffff) {
      throw new RangeError(`struct lb4_affinity_key.client_id: ${key.clientId} is not an IPv4 address (netns_cookie=0)`);
    }
  };
  return {
    ...packed,
    pack(value, dst, offset) {
      checkIp(value);
      packed.pack(value, dst, offset);
    },
    toBytes(value) {
      checkIp(value);
      const bytes = packed.toBytes(value);
      if (!value.netnsCookie) new DataView(bytes.buffer).setUint32(0, value.clientId, false);
      return bytes;
    },
    fromBytes(bytes) {
      const key = packed.fromBytes(bytes);
      if (!key.netnsCookie) key.clientId = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, false);
      return key;
    },
    format(value) {
      const client = value.netnsCookie
        ? `netns_cookie=${value.clientId}`
        : `client_ip=${formatIPv4(value.clientId)}`;
      return `${client} rev_nat_id=${value.revNatId}`;
    },
  };
})();

export const affinityValueCodec: StructCodec<AffinityValue> = defineStruct<AffinityValue>("struct lb_affinity_val", 16, [
  { name: "lastUsed", c: "last_used", type: "u32", offset: 0 },
  { name: "backendId", c: "backend_id", type: "u32", offset: 8 },
]);

export const affinityMatchKeyCodec: StructCodec<AffinityMatchKey> = defineStruct<AffinityMatchKey>(
  "struct lb_affinity_match",
  8,
  [
    { name: "backendId", c: "backend_id", type: "u32", offset: 0 },
    { name: "revNatId", c: "rev_nat_id", type: "u16", offset: 4 },
  ],
);

/** A bare `__u8` value (affinity match, source range). */
export const u8ValueCodec: StructCodec<number> = defineScalar("value", "u8");

export const ctKeyCodec: StructCodec<CtKey> = defineStruct<CtKey>("struct ipv4_ct_tuple", 14, [
  { name: "daddr", c: "daddr", type: "ipv4", offset: 0 },
  { name: "saddr", c: "saddr", type: "ipv4", offset: 4 },
  { name: "dport", c: "dport", type: "be16", offset: 8 },
  { name: "sport", c: "sport", type: "be16", offset: 10 },
  { name: "nexthdr", c: "nexthdr", type: "u8", offset: 12 },
  { name: "flags", c: "flags", type: "u8", offset: 13 },
]);

export const ctEntryCodec: StructCodec<CtEntry> = defineStruct<CtEntry>("struct ct_entry", 56, [
  { name: "backendId", c: "backend_id", type: "u32", offset: 8 },
  { name: "lifetime", c: "lifetime", type: "u32", offset: 32 },
  { name: "flags", c: "flags", type: "u16", offset: 36 },
  { name: "revNatIndex", c: "rev_nat_index", type: "u16", offset: 38 },
  { name: "txFlagsSeen", c: "tx_flags_seen", type: "u8", offset: 42 },
  { name: "rxFlagsSeen", c: "rx_flags_seen", type: "u8", offset: 43 },
]);

/** The master entry's first word: affinity timeout (seconds, 24 bits) | LB algorithm << 24. */
export function serviceMasterWord(affinityTimeoutSec: number, lbAlg: number): number {
  if (!Number.isInteger(affinityTimeoutSec) || affinityTimeoutSec < 0 || affinityTimeoutSec > 0xffffff) {
    throw new RangeError(`affinity timeout must be an integer in [0, ${0xffffff}] seconds, got ${affinityTimeoutSec}`);
  }
  if (!Number.isInteger(lbAlg) || lbAlg < 0 || lbAlg > 0xff) {
    throw new RangeError(`LB algorithm must be an integer in [0, 255], got ${lbAlg}`);
  }
  return (affinityTimeoutSec + lbAlg * 0x1000000) >>> 0;
}

/** Affinity timeout (seconds) from a master entry's first word. */
export function affinityTimeoutOf(word: number): number {
  return word & 0xffffff;
}

/** LB algorithm (LB_ALG_*) from a master entry's first word. */
export function lbAlgorithmOf(word: number): number {
  return word >>> 24;
}

