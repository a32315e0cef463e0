/**
 * IPv4 CIDR blocks with their size, as IPAM and the API server's allocators
 * need them (net.ParseCIDR: host bits cleared, the prefix length required).
 */
import { formatIPv4, parseIPv4 } from "./ipv4";

export interface Cidr {
  /** Network address (host bits cleared). */
  readonly base: number;
  readonly prefix: number;
  /** Number of addresses in the block. */
  readonly size: number;
}

export function parseCidr(text: string): Cidr {
  const slash = text.indexOf("/");
  const bits = slash < 0 ? "" : text.slice(slash + 1);
  const prefix = Number(bits);
  if (!/^\d{1,2}$/.test(bits) || prefix > 32) throw new Error(`invalid CIDR address: ${text}`);
  const ip = parseIPv4(text.slice(0, slash));
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ip & mask) >>> 0, prefix, size: 2 ** (32 - prefix) };
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.base)}/${c.prefix}`;
}

export function cidrContains(c: Cidr, ip: number): boolean {
  return ip >= c.base && ip < c.base + c.size;
}
