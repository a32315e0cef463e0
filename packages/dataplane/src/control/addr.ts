/**
 * Addresses as the control plane and the dumps handle them: IPv4 addresses are
 * host-order u32 numbers (the maps' representation); protocols are IANA numbers with Cilium's
 * names (u8proto: ANY=0, TCP=6, UDP=17, SCTP=132).
 */

// Direct module imports: the barrel's re-export getters cost a call per read on hot paths.
import { formatIPv4, parseIPv4 } from "@svclab/sim";
import { PROTO_ANY, PROTO_SCTP, PROTO_TCP, PROTO_UDP } from "../maps/layouts";

export type L4Type = "TCP" | "UDP" | "SCTP" | "ANY";

export function protoNumber(proto: L4Type): number {
  switch (proto) {
    case "TCP":
      return PROTO_TCP;
    case "UDP":
      return PROTO_UDP;
    case "SCTP":
      return PROTO_SCTP;
    case "ANY":
      return PROTO_ANY;
  }
}

/** Cilium's u8proto names; unknown numbers print as ANY like NewL4TypeFromNumber. */
export function protoName(proto: number): L4Type {
  switch (proto) {
    case PROTO_TCP:
      return "TCP";
    case PROTO_UDP:
      return "UDP";
    case PROTO_SCTP:
      return "SCTP";
    default:
      return "ANY";
  }
}

export function parseL4Type(s: string): L4Type {
  if (s === "TCP" || s === "UDP" || s === "SCTP") return s;
  throw new Error(`unsupported protocol "${s}": supported values: "SCTP", "TCP", "UDP"`);
}

/** An IPv4 CIDR: network address (host bits cleared) and prefix length. */
export interface Cidr4 {
  readonly addr: number;
  readonly bits: number;
}

export function parseCidr4(s: string): Cidr4 {
  const slash = s.indexOf("/");
  const ip = parseIPv4(slash < 0 ? s : s.slice(0, slash));
  const bits = slash < 0 ? 32 : Number(s.slice(slash + 1));
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) {
    throw new Error(`invalid CIDR address: ${s}`);
  }
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return { addr: (ip & mask) >>> 0, bits };
}

/** "10.96.0.1:443/TCP", the L3n4Addr.String() form used in tables and dumps. */
export function formatL3n4(addr: number, port: number, proto: number): string {
  return `${formatIPv4(addr)}:${port}/${protoName(proto)}`;
}

/**
 * One number per address+port+protocol, for keying tables without
 * building strings: addr * 2^21 + port * 2^5 + a protocol code, below 2^53.
 */
export function l3n4Key(addr: number, port: number, proto: number): number {
  const code = proto === PROTO_TCP ? 1 : proto === PROTO_UDP ? 2 : proto === PROTO_SCTP ? 3 : 0;
  return addr * 0x200000 + port * 32 + code;
}

/** The inverse of formatL3n4: undefined unless `s` is exactly a formatted address (one spelling per address). */
export function parseL3n4(s: string): { addr: number; port: number; proto: number } | undefined {
  const slash = s.lastIndexOf("/");
  const colon = s.lastIndexOf(":", slash);
  if (colon < 0) return undefined;
  const name = s.slice(slash + 1);
  if (name !== "TCP" && name !== "UDP" && name !== "SCTP" && name !== "ANY") return undefined;
  let addr: number;
  try {
    addr = parseIPv4(s.slice(0, colon));
  } catch {
    return undefined;
  }
  const port = Number(s.slice(colon + 1, slash));
  if (!Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  const proto = protoNumber(name);
  return formatL3n4(addr, port, proto) === s ? { addr, port, proto } : undefined;
}
