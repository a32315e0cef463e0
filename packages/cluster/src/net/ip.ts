/**
 * IPv4 helpers on top of @svclab/dataplane's address codec: a non-throwing
 * parse for the request path (which meets host names as often as
 * addresses), and CIDR blocks with their size, for IPAM and allocators.
 */
import { formatIPv4, parseCidr4, parseIPv4 } from "@svclab/dataplane";

export { formatIPv4, parseIPv4 };

export interface Cidr {
  /** Network address (host bits cleared). */
  readonly base: number;
  readonly prefix: number;
  /** Number of addresses in the block. */
  readonly size: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A dotted quad as a number, or undefined for anything else (no leading zeros). */
export function tryParseIPv4(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i] as string;
    if (part.length > 1 && part[0] === "0") return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    n = n * 256 + octet;
  }
  return n;
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
