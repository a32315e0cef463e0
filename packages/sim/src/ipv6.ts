/**
 * IPv6 addresses as the maps carry them: four host-order u32 words, the
 * address's bytes in network order (fd00:10:96::1 = [0xfd000010, 0x00960000,
 * 0, 1]). Text in and out follows Go's net/netip, which Cilium and
 * Kubernetes print with: RFC 5952 (lower case, the longest run of two or more
 * zero groups as "::", the first on a tie) and an IPv4-mapped address as
 * ::ffff:a.b.c.d.
 */
import { formatIPv4, tryParseIPv4 } from "./ipv4";

export type IPv6Words = [number, number, number, number];

/** Parses an IPv6 address (zones are refused: a Service address has none), or undefined. */
export function tryParseIPv6(text: string): IPv6Words | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const fields = part.split(":");
    for (const [i, f] of fields.entries()) {
      // The last field may be a dotted quad: the low 32 bits.
      if (i === fields.length - 1 && f.includes(".")) {
        const v4 = tryParseIPv4(f);
        if (v4 === undefined) return undefined;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(f)) {
        out.push(parseInt(f, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === undefined || tail === undefined) return undefined;
  // A dotted quad ends the address, so it may only be in the last half.
  if (halves.length === 2 && (halves[0] as string).includes(".")) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const w = (i: number) => (((all[2 * i] as number) << 16) | (all[2 * i + 1] as number)) >>> 0;
  return [w(0), w(1), w(2), w(3)];
}

/** Parses an IPv6 address into its words; throws on anything else. */
export function parseIPv6(text: string): IPv6Words {
  const w = tryParseIPv6(text);
  if (w === undefined) throw new RangeError(`invalid IPv6 address "${text}"`);
  return w;
}

/** True when `text` is an IPv6 address. */
export function isIPv6(text: string): boolean {
  return tryParseIPv6(text) !== undefined;
}

/** Formats four words as Go's netip.Addr.String() does. */
export function formatIPv6(words: readonly number[]): string {
  const [w0 = 0, w1 = 0, w2 = 0, w3 = 0] = words;
  if (w0 === 0 && w1 === 0 && w2 >>> 0 === 0xffff) return `::ffff:${formatIPv4(w3 >>> 0)}`;
  const g = [w0, w1, w2, w3].flatMap((w) => [(w >>> 16) & 0xffff, w & 0xffff]);
  let bestAt = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = (a: number[]) => a.map((n) => n.toString(16)).join(":");
  if (bestAt < 0) return hex(g);
  return `${hex(g.slice(0, bestAt))}::${hex(g.slice(bestAt + bestLen))}`;
}
