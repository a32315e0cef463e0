/**
 * IPv4 addresses as the fast paths carry them: an unsigned 32-bit number in
 * host order (10.0.0.1 = 0x0a000001). Map codecs turn them into the
 * big-endian bytes of the C structs and into dotted-quad strings for people.
 */

/** Parses a dotted-quad IPv4 address into a host-order u32; throws on anything else. */
export function parseIPv4(text: string): number {
  const parts = text.split(".");
  if (parts.length !== 4) throw new RangeError(`invalid IPv4 address "${text}"`);
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) throw new RangeError(`invalid IPv4 address "${text}"`);
    const octet = Number(p);
    if (octet > 255) throw new RangeError(`invalid IPv4 address "${text}"`);
    n = n * 256 + octet;
  }
  return n;
}

/** Formats a host-order u32 as a dotted quad. */
export function formatIPv4(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 0xff}.${(addr >>> 8) & 0xff}.${addr & 0xff}`;
}

/** True when `text` is a dotted-quad IPv4 address. */
export function isIPv4(text: string): boolean {
  try {
    parseIPv4(text);
    return true;
  } catch {
    return false;
  }
}
