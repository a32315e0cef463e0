/**
 * Generated names as the API server and controllers make them: the
 * pod-template-hash of a ReplicaSet (Kubernetes' ComputeHash: fnv32a over the
 * template, plus the collision count, rendered with SafeEncodeString) and the
 * 5-character random suffix of `metadata.generateName`.
 */
import { canonicalJson } from "@svclab/manifest";

export { canonicalJson };

/** k8s.io/apimachinery/pkg/util/rand: no vowels (no words), no 0/1/3 (look-alikes). */
export const SAFE_ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** Returns an integer in [0, n) from a seeded generator. */
export type IntSource = (n: number) => number;

export function safeEncodeString(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHANUMS[s.charCodeAt(i) % SAFE_ALPHANUMS.length];
  return out;
}

/** utilrand.String(n): n characters drawn from SAFE_ALPHANUMS. */
export function randomString(int: IntSource, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += SAFE_ALPHANUMS[int(SAFE_ALPHANUMS.length)];
  return out;
}

/** `generateName` + 5 random characters, as the API server's names.SimpleNameGenerator. */
export function generateName(int: IntSource, prefix: string): string {
  // The generator truncates long prefixes so the result stays a valid 63-char name.
  const base = prefix.length > 58 ? prefix.slice(0, 58) : prefix;
  return base + randomString(int, 5);
}

function fnv32a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  for (let i = 0; i < bytes.length; i++) {
    hash ^= bytes[i] as number;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * controller.ComputeHash. Kubernetes hashes a spew dump of the Go struct; the
 * simulator hashes the canonical JSON of the same template, so values differ
 * from a real cluster but keep the same properties (stable, 10 chars at most,
 * drawn from the digits' images in SAFE_ALPHANUMS).
 */
export function computeHash(template: unknown, collisionCount?: number): string {
  let hash = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined) {
    const le = new Uint8Array(4);
    new DataView(le.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(le, hash);
  }
  return safeEncodeString(String(hash));
}
