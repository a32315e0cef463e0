/**
 * A node's IPv6 service and conntrack maps (cilium_lb6_*, cilium_ct6_*,
 * cilium_ct_any6_*): typed BPF maps over the lb6 / ipv6_ct_tuple structs,
 * written and read through their codecs (the agent's syscall path; the
 * IPv4 maps add allocation-free datapath accessors on top of the same
 * tables). Backend and service ids are shared with the IPv4 maps: Cilium
 * allocates one id space for both families.
 */
import { BpfMap } from "./bpf-map";
import { DEFAULT_CT_ANY_MAX_ENTRIES, DEFAULT_CT_MAX_ENTRIES } from "./conntrack-map";
import {
  affinityValueCodec,
  backendIdCodec,
  ctEntryCodec,
  revNatIndexCodec,
  type AffinityValue,
  type BackendValue,
  type CtEntry,
  type CtKey,
  type RevNatValue,
  type ServiceKey,
  type ServiceValue,
} from "./layouts";
import {
  LB6_MAP_NAMES,
  affinity6KeyCodec,
  backend6ValueCodec,
  ct6KeyCodec,
  revNat6ValueCodec,
  service6KeyCodec,
  service6ValueCodec,
  type Affinity6Key,
} from "./layouts6";

export interface IPv6Maps {
  services: BpfMap<ServiceKey, ServiceValue>;
  backends: BpfMap<number, BackendValue>;
  revNat: BpfMap<number, RevNatValue>;
  affinity: BpfMap<Affinity6Key, AffinityValue>;
  conntrack: BpfMap<CtKey, CtEntry>;
  conntrackAny: BpfMap<CtKey, CtEntry>;
}

export interface IPv6MapSizes {
  /** `--bpf-lb-map-max` (65536) for the service, backend, rev-NAT and affinity maps. */
  lb?: number;
  conntrack?: number;
  conntrackAny?: number;
}

export function createIPv6Maps(sizes: IPv6MapSizes = {}): IPv6Maps {
  const lb = sizes.lb;
  return {
    services: new BpfMap({ name: LB6_MAP_NAMES.services, type: "hash", maxEntries: lb, key: service6KeyCodec, value: service6ValueCodec }),
    backends: new BpfMap({ name: LB6_MAP_NAMES.backends, type: "hash", maxEntries: lb, key: backendIdCodec, value: backend6ValueCodec }),
    revNat: new BpfMap({ name: LB6_MAP_NAMES.revNat, type: "hash", maxEntries: lb, key: revNatIndexCodec, value: revNat6ValueCodec }),
    affinity: new BpfMap({ name: LB6_MAP_NAMES.affinity, type: "lru_hash", maxEntries: lb, key: affinity6KeyCodec, value: affinityValueCodec }),
    conntrack: new BpfMap({ name: LB6_MAP_NAMES.conntrack, type: "lru_hash", maxEntries: sizes.conntrack ?? DEFAULT_CT_MAX_ENTRIES, key: ct6KeyCodec, value: ctEntryCodec }),
    conntrackAny: new BpfMap({
      name: LB6_MAP_NAMES.conntrackAny,
      type: "lru_hash",
      maxEntries: sizes.conntrackAny ?? DEFAULT_CT_ANY_MAX_ENTRIES,
      key: ct6KeyCodec,
      value: ctEntryCodec,
    }),
  };
}
