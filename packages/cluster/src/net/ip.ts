/**
 * IPv4 helpers on top of @svclab/sim's address codec: a non-throwing
 * parse for the request path (which meets host names as often as
 * addresses), and CIDR blocks with their size, for IPAM and allocators.
 */
import { parseCidr4 } from "@svclab/dataplane";
import { formatIPv4, parseIPv4, tryParseIPv4 } from "@svclab/sim";

export { formatIPv4, parseIPv4, tryParseIPv4 };

export interface Cidr {
  /** Network address (host bits cleared). */
  readonly base: number;
  readonly prefix: number;
  /** Number of addresses in the block. */
  readonly size: number;
}

export function parseCidr(text: string): Cidr {
  if (!text.includes("/")) throw new Error(`invalid CIDR address: ${text}`);
  const c = parseCidr4(text);
  return { base: c.addr, prefix: c.bits, size: 2 ** (32 - c.bits) };
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.base)}/${c.prefix}`;
}

export function cidrContains(c: Cidr, ip: number): boolean {
  return ip >= c.base && ip < c.base + c.size;
}
