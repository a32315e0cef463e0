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

/** A dotted quad as a number, or undefined for anything else (no leading zeros). Hand-rolled: it runs per request. */
export function tryParseIPv4(text: string): number | undefined {
  let n = 0;
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a final '.' closes the last part
    if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined; // leading zero
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else if (c === 46) {
      if (digits === 0) return undefined;
      n = n * 256 + octet;
      octet = 0;
      digits = 0;
      if (++parts > 4) return undefined;
    } else {
      return undefined;
    }
  }
  return parts === 4 ? n : undefined;
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
