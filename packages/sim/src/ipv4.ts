/**
 * IPv4 addresses as the fast paths carry them: an unsigned 32-bit number in
 * host order (10.0.0.1 = 0x0a000001). Map codecs turn them into the
 * big-endian bytes of the C structs and into dotted-quad strings for people.
 */

/**
 * Parses a dotted-quad IPv4 address into a host-order u32, or undefined for
 * anything else (leading zeros, more than three digits, octets over 255).
 * A charCode scan (no split/RegExp): the agent parses every frontend and
 * backend address, and the cluster's request path every URL host, where host
 * names are as common as addresses.
 */
export function tryParseIPv4(text: string): number | undefined {
  let n = 0;
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 46; // a final "." closes the last octet
    if (c === 46) {
      if (digits === 0 || parts === 4) return undefined;
      n = n * 256 + octet;
      parts++;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) return undefined;
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return undefined;
    } else {
      return undefined;
    }
  }
  return parts === 4 ? n : undefined;
}

/** Parses a dotted-quad IPv4 address into a host-order u32; throws on anything else. */
export function parseIPv4(text: string): number {
  const n = tryParseIPv4(text);
  if (n === undefined) throw new RangeError(`invalid IPv4 address "${text}"`);
  return n;
}

/** Formats a host-order u32 as a dotted quad. */
export function formatIPv4(addr: number): string {
  return `${addr >>> 24}.${(addr >>> 16) & 0xff}.${(addr >>> 8) & 0xff}.${addr & 0xff}`;
}

/** True when `text` is a dotted-quad IPv4 address. */
export function isIPv4(text: string): boolean {
  return tryParseIPv4(text) !== undefined;
}
