/**
 * The kernel's ip sets (net/netfilter/ipset) of the types kube-proxy's IPVS
 * mode creates, and the `-m set --match-set NAME dir,dir...` lookup
 * iptables rules do against them. Each set type compares a packet's fields in
 * the order its type names them (hash:ip,port,ip with `dst,dst,src`: the
 * destination address, the destination port with the protocol, the source
 * address); bitmap:port stores port numbers only, which is why kube-proxy
 * writes `-p tcp` in front of the rules that use it. A lookup is a hash
 * probe, so its cost does not depend on the number of entries.
 */

import { formatIPv4, parseIPv4 } from "@svclab/sim";
import { prefixContains, tryParsePrefix4, type Prefix4 } from "./addr";

export type IpSetType = "hash:ip" | "hash:ip,port" | "hash:ip,port,ip" | "hash:ip,port,net" | "bitmap:port";

/** The packet fields a `--match-set` can pick (src/dst address, port, protocol). */
export interface SetPacket {
  readonly proto: string;
  readonly src: number;
  readonly sport: number;
  readonly dst: number;
  readonly dport: number;
}

interface IpSet {
  readonly name: string;
  readonly type: IpSetType;
  readonly comment: string;
  /** Entries as `ipset list` prints them, in insertion order. */
  readonly entries: Set<string>;
  /** hash:ip,port,net: the nets per "ip,proto:port" prefix of an entry. */
  readonly nets: Map<string, Prefix4[]>;
}

const addrOf = (p: SetPacket, dir: string): number => (dir === "src" ? p.src : p.dst);
const portOf = (p: SetPacket, dir: string): number => (dir === "src" ? p.sport : p.dport);

export class IpSets {
  private readonly sets = new Map<string, IpSet>();

  /** `ipset create NAME TYPE comment` (idempotent with -exist, as kube-proxy calls it). */
  create(name: string, type: IpSetType, comment: string): void {
    if (!this.sets.has(name)) this.sets.set(name, { name, type, comment, entries: new Set(), nets: new Map() });
  }

  has(name: string): boolean {
    return this.sets.has(name);
  }

  /** Makes `name` hold exactly `entries` (syncIPSetEntries: delete the stale, add the new). */
  replace(name: string, entries: Iterable<string>): void {
    const set = this.sets.get(name);
    if (!set) throw new Error(`ipset v7.17: The set with the given name does not exist`);
    set.entries.clear();
    set.nets.clear();
    for (const e of entries) {
      set.entries.add(e);
      if (set.type === "hash:ip,port,net") {
        const cut = e.lastIndexOf(",");
        const prefix = tryParsePrefix4(e.slice(cut + 1));
        if (!prefix) throw new Error(`ipset v7.17: Syntax error: '${e.slice(cut + 1)}' is invalid as number`);
        const head = e.slice(0, cut);
        set.nets.set(head, [...(set.nets.get(head) ?? []), prefix]);
      }
    }
  }

  entries(name: string): readonly string[] {
    return [...(this.sets.get(name)?.entries ?? [])];
  }

  /** `-m set --match-set NAME dirs`: whether the packet's fields, picked by `dirs`, are in the set. */
  test(name: string, dirs: readonly string[], p: SetPacket): boolean {
    const set = this.sets.get(name);
    if (!set) return false;
    const d0 = dirs[0] ?? "dst";
    const d1 = dirs[1] ?? d0;
    const d2 = dirs[2] ?? d1;
    const ipPort = (): string => `${formatIPv4(addrOf(p, d0))},${p.proto}:${portOf(p, d1)}`;
    switch (set.type) {
      case "hash:ip":
        return set.entries.has(formatIPv4(addrOf(p, d0)));
      case "bitmap:port":
        return set.entries.has(String(portOf(p, d0)));
      case "hash:ip,port":
        return set.entries.has(ipPort());
      case "hash:ip,port,ip":
        return set.entries.has(`${ipPort()},${formatIPv4(addrOf(p, d2))}`);
      case "hash:ip,port,net": {
        const nets = set.nets.get(ipPort());
        const a = addrOf(p, d2);
        return nets !== undefined && nets.some((n) => prefixContains(n, a));
      }
    }
  }

  /** `ipset list [NAME]`; `references` counts the iptables rules naming each set. */
  list(references: (name: string) => number, name?: string): string {
    const names = name === undefined ? [...this.sets.keys()] : [name];
    const out: string[] = [];
    for (const n of names) {
      const set = this.sets.get(n);
      if (!set) throw new Error(`ipset v7.17: The set with the given name does not exist`);
      const header = set.type === "bitmap:port" ? "range 0-65535 comment" : "family inet hashsize 1024 maxelem 65536 comment";
      out.push(
        `Name: ${set.name}`,
        `Type: ${set.type}`,
        `Header: ${header}`,
        `References: ${references(set.name)}`,
        `Number of entries: ${set.entries.size}`,
        "Members:",
        ...[...set.entries].sort(),
        "",
      );
    }
    return out.join("\n");
  }
}

/** An ipset entry for a hash:ip,port set, as kube-proxy's Entry.String() writes it. */
export const ipPortEntry = (ip: string, proto: string, port: number): string => `${formatIPv4(parseIPv4(ip))},${proto}:${port}`;
