/**
 * Names kube-proxy derives from a service port (pkg/proxy/iptables/proxier.go
 * portProtoHash, servicePortEndpointChainName; pkg/proxy/nftables/proxier.go
 * servicePortChainNameBase). iptables chain names are at most 28 characters,
 * so kube-proxy hashes the long name and keeps 16 base32 characters; nftables
 * has no such limit and keeps the readable name behind an 8-character hash.
 */

import { createHash } from "node:crypto";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 base32 (standard alphabet, like Go's base32.StdEncoding) of sha256(text), first `length` characters. */
export function sha256Base32(text: string, length: number): string {
  const bytes = createHash("sha256").update(text, "utf8").digest();
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length && out.length < length; i++) {
    buffer = (buffer << 8) | (bytes[i] as number);
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += BASE32[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}

/** `ns/name:port` (`:port` omitted for an unnamed port), as proxy.ServicePortName.String() prints it. */
export function servicePortNameString(namespace: string, name: string, portName: string): string {
  return portName === "" ? `${namespace}/${name}` : `${namespace}/${name}:${portName}`;
}

/** The 16-character hash behind KUBE-SVC-, KUBE-SVL-, KUBE-EXT- and KUBE-FW- (portProtoHash). */
export function portProtoHash(servicePortName: string, protocol: string): string {
  return sha256Base32(servicePortName + protocol.toLowerCase(), 16);
}

/** KUBE-SEP-<hash of servicePortName + protocol + "IP:port">. */
export function endpointChainName(servicePortName: string, protocol: string, endpoint: string): string {
  return "KUBE-SEP-" + sha256Base32(servicePortName + protocol.toLowerCase() + endpoint, 16);
}
