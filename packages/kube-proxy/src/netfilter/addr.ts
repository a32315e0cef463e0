/**
 * IPv4 prefixes as netfilter matches them: an address and a mask, both
 * host-order u32. `10.0.0.0/8` and a bare `10.0.0.1` (a /32) parse alike.
 */

import { tryParseIPv4 } from "@svclab/sim";

export interface Prefix4 {
  readonly addr: number;
  readonly mask: number;
  readonly bits: number;
}

export function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** Parses `a.b.c.d` or `a.b.c.d/n` (host bits cleared, as iptables stores it); undefined if malformed. */
export function tryParsePrefix4(text: string): Prefix4 | undefined {
  const slash = text.indexOf("/");
  const ip = tryParseIPv4(slash < 0 ? text : text.slice(0, slash));
  if (ip === undefined) return undefined;
  let bits = 32;
  if (slash >= 0) {
    const b = text.slice(slash + 1);
    if (!/^\d{1,2}$/.test(b)) return undefined;
    bits = Number(b);
    if (bits > 32) return undefined;
  }
  const mask = maskOf(bits);
  return { addr: (ip & mask) >>> 0, mask, bits };
}

export function prefixContains(p: Prefix4, addr: number): boolean {
  return ((addr & p.mask) >>> 0) === p.addr;
}
