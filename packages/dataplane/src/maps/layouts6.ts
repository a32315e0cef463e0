/**
 * The C structs of Cilium's IPv6 load-balancer and conntrack maps
 * (bpf/lib/common.h): the same fields as their IPv4 twins with a
 * `union v6addr` address, so the readable shapes are shared where the
 * fields are (`lb6_service` is `lb4_service` bit for bit).
 */
import { defineStruct, type StructCodec } from "./codec";
import { SERVICE_VALUE_FIELDS, type BackendValue, type CtKey, type RevNatValue, type ServiceKey, type ServiceValue } from "./layouts";

/** Pinned names of the IPv6 maps (pkg/maps/lbmap, pkg/maps/ctmap). */
export const LB6_MAP_NAMES = {
  services: "cilium_lb6_services_v2",
  backends: "cilium_lb6_backends_v3",
  revNat: "cilium_lb6_reverse_nat",
  affinity: "cilium_lb6_affinity",
  sourceRange: "cilium_lb6_source_range",
  maglev: "cilium_lb6_maglev",
  conntrack: "cilium_ct6_global",
  conntrackAny: "cilium_ct_any6_global",
} as const;

/** `struct lb6_key`: 16-byte address, dport, backend_slot, proto, scope, 2 bytes of padding. */
export const service6KeyCodec: StructCodec<ServiceKey> = defineStruct<ServiceKey>("struct lb6_key", 24, [
  { name: "address", c: "address", type: "ipv6", offset: 0 },
  { name: "dport", c: "dport", type: "be16", offset: 16 },
  { name: "backendSlot", c: "backend_slot", type: "u16", offset: 18 },
  { name: "proto", c: "proto", type: "u8", offset: 20 },
  { name: "scope", c: "scope", type: "u8", offset: 21 },
]);

export const service6ValueCodec: StructCodec<ServiceValue> = defineStruct<ServiceValue>("struct lb6_service", 12, SERVICE_VALUE_FIELDS);

export const backend6ValueCodec: StructCodec<BackendValue> = defineStruct<BackendValue>("struct lb6_backend", 24, [
  { name: "address", c: "address", type: "ipv6", offset: 0 },
  { name: "port", c: "port", type: "be16", offset: 16 },
  { name: "proto", c: "proto", type: "u8", offset: 18 },
  { name: "flags", c: "flags", type: "u8", offset: 19 },
  { name: "clusterId", c: "cluster_id", type: "u16", offset: 20 },
  { name: "zone", c: "zone", type: "u8", offset: 22 },
]);

/** `struct lb6_reverse_nat` (packed: 18 bytes). */
export const revNat6ValueCodec: StructCodec<RevNatValue> = defineStruct<RevNatValue>("struct lb6_reverse_nat", 18, [
  { name: "address", c: "address", type: "ipv6", offset: 0 },
  { name: "port", c: "port", type: "be16", offset: 16 },
]);

/** `struct ipv6_ct_tuple` (38 bytes: v6addr is packed, so nothing pads it). */
export const ct6KeyCodec: StructCodec<CtKey> = defineStruct<CtKey>("struct ipv6_ct_tuple", 38, [
  { name: "daddr", c: "daddr", type: "ipv6", offset: 0 },
  { name: "saddr", c: "saddr", type: "ipv6", offset: 16 },
  { name: "dport", c: "dport", type: "be16", offset: 32 },
  { name: "sport", c: "sport", type: "be16", offset: 34 },
  { name: "nexthdr", c: "nexthdr", type: "u8", offset: 36 },
  { name: "flags", c: "flags", type: "u8", offset: 37 },
]);

/**
 * `struct lb6_affinity_key` (packed, 24 bytes) for a client address; the
 * union's other member, the netns cookie of socket LB, has the same layout
 * as in `lb4_affinity_key` (a u64 in the first eight bytes).
 */
export interface Affinity6Key {
  clientIp: string;
  revNatId: number;
}

export const affinity6KeyCodec: StructCodec<Affinity6Key> = defineStruct<Affinity6Key>("struct lb6_affinity_key", 24, [
  { name: "clientIp", c: "client_ip", type: "ipv6", offset: 0 },
  { name: "revNatId", c: "rev_nat_id", type: "u16", offset: 16 },
]);
