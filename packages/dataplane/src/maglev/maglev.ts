/**
 * Maglev consistent hashing as Cilium computes it (pkg/maglev): every
 * backend gets a permutation of the M table slots from a murmur3 hash of a
 * fixed string describing it, and backends take turns (weighted, Envoy
 * style) claiming their next free slot. Backends are sorted by that string
 * first, so every node builds the identical table from the same backends
 * whatever their node-local ids; removing one of N backends moves about
 * 1/N of the slots.
 */
import { formatIPv4 } from "@svclab/sim";
import { jhash3Words } from "./jhash";
import { murmur3Hash128 } from "./murmur3";
import { checkMaglevTableSize, DEFAULT_MAGLEV_TABLE_SIZE } from "./table-size";

/** Cilium's default `--bpf-lb-maglev-hash-seed` (12 bytes, base64). */
export const DEFAULT_MAGLEV_HASH_SEED = "JLfvgnHc2kaSUFaI";

/** Cilium's default backend weight. */
export const DEFAULT_BACKEND_WEIGHT = 100;

/** What Maglev needs to know about a backend. */
export interface MaglevBackend {
  /** Node-local backend id written into the table. */
  id: number;
  /** IPv4 address: dotted quad or host-order u32. */
  address: string | number;
  port: number;
  /** L4 protocol as Cilium spells it: "TCP", "UDP", "SCTP" or "ANY". */
  protocol: string;
  /** Internal-scope backends hash with a "/i" suffix. */
  scope?: "external" | "internal";
  /** 0..65535; defaults to 100. */
  weight?: number;
}

/**
 * The string Cilium hashes for a backend (BackendInfo.setHashString):
 * `[10.244.1.1:80/TCP,State:active]`. It must never change, or nodes on
 * different versions would build different tables.
 */
export function maglevBackendHashString(backend: MaglevBackend): string {
  const scope = backend.scope === "internal" ? "/i" : "";
  const address = typeof backend.address === "number" ? formatIPv4(backend.address) : backend.address;
  return `[${address}:${backend.port}/${backend.protocol}${scope},State:active]`;
}

/** A backend named by the string its permutation is hashed from. */
export interface MaglevHashedBackend {
  id: number;
  hashString: string;
  /** 0..65535; defaults to 100. */
  weight?: number;
}

/** The seeds Cilium derives from the base64 hash seed. */
export interface MaglevSeeds {
  /** murmur3 seed for backend permutations (bytes 0..3, big-endian). */
  murmur: number;
  /** jhash seed for IPv4 flow hashing, HASH_INIT4_SEED (bytes 4..7). */
  jhash0: number;
  /** jhash seed for IPv6 flow hashing, HASH_INIT6_SEED (bytes 8..11). */
  jhash1: number;
}

/** Decodes `--bpf-lb-maglev-hash-seed` like Cilium's maglev config, with its errors. */
export function parseMaglevHashSeed(seed: string): MaglevSeeds {
  // Go's base64.StdEncoding: strict alphabet, padding required.
  const bad = seed.search(/[^A-Za-z0-9+/=]|=[^=]/);
  const rest = seed.length % 4;
  if (bad >= 0 || rest !== 0) {
    const at = bad >= 0 ? bad : seed.length - rest;
    throw new RangeError(`cannot decode base64 Maglev hash seed "${seed}": illegal base64 data at input byte ${at}`);
  }
  const d = Buffer.from(seed, "base64");
  if (d.length !== 12) throw new RangeError(`decoded hash seed is ${d.length} bytes (not 12 bytes)`);
  return { murmur: d.readUInt32BE(0), jhash0: d.readUInt32BE(4), jhash1: d.readUInt32BE(8) };
}

export interface MaglevOptions {
  /** M, a Cilium-supported prime (default 16381). */
  tableSize?: number;
  /** Base64 of 12 bytes (default Cilium's). */
  hashSeed?: string;
}

/** Marks a slot no backend has claimed yet (never a valid backend id). */
const SENTINEL = 0xffffffff;

function bswap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

function bswap16(x: number): number {
  return ((x & 0xff) << 8) | ((x >>> 8) & 0xff);
}

export class Maglev {
  readonly tableSize: number;
  readonly hashSeed: string;
  readonly seeds: MaglevSeeds;

  constructor(options: MaglevOptions = {}) {
    this.tableSize = checkMaglevTableSize(options.tableSize ?? DEFAULT_MAGLEV_TABLE_SIZE);
    this.hashSeed = options.hashSeed ?? DEFAULT_MAGLEV_HASH_SEED;
    this.seeds = parseMaglevHashSeed(this.hashSeed);
  }

  /** A backend's permutation start and step: offset = h1 % M, skip = h2 % (M-1) + 1. */
  offsetAndSkip(hashString: string): { offset: number; skip: number } {
    const { h1, h2 } = murmur3Hash128(hashString, this.seeds.murmur);
    const m = BigInt(this.tableSize);
    return { offset: Number(h1 % m), skip: Number(h2 % (m - 1n)) + 1 };
  }

  /**
   * The lookup table (M backend ids) for `backends`, as
   * Maglev.GetLookupTable computes it; empty when there are no backends.
   */
  getLookupTable(backends: Iterable<MaglevBackend>): Uint32Array {
    return this.lookupTableFromHashStrings(
      Array.from(backends, (b) => ({ id: b.id, weight: b.weight, hashString: maglevBackendHashString(b) })),
    );
  }

  /**
   * The table for backends already named by their hash strings (the
   * permutation input); `getLookupTable` builds Cilium's strings first.
   */
  lookupTableFromHashStrings(backends: Iterable<MaglevHashedBackend>): Uint32Array {
    const infos = Array.from(backends, (b) => {
      const weight = b.weight ?? DEFAULT_BACKEND_WEIGHT;
      if (!Number.isInteger(weight) || weight < 0 || weight > 0xffff) {
        throw new RangeError(`Maglev: backend weight must be an integer in [0, 65535], got ${weight}`);
      }
      if (!Number.isInteger(b.id) || b.id < 0 || b.id >= SENTINEL) {
        throw new RangeError(`Maglev: backend id must be a u32 below 0xffffffff, got ${b.id}`);
      }
      return { id: b.id, weight, hash: b.hashString };
    });
    const l = infos.length;
    if (l === 0) return new Uint32Array(0);
    // cmp.Compare on Go strings is a byte-wise order; these strings are ASCII.
    infos.sort((a, b) => (a.hash < b.hash ? -1 : a.hash > b.hash ? 1 : 0));

    const m = this.tableSize;
    const offset = new Float64Array(l);
    const skip = new Float64Array(l);
    const weightCntr = new Float64Array(l);
    let weightSum = 0;
    infos.forEach((info, i) => {
      const p = this.offsetAndSkip(info.hash);
      offset[i] = p.offset;
      skip[i] = p.skip;
      weightSum += info.weight;
      weightCntr[i] = info.weight / l;
    });
    const weightsUsed = Math.floor(weightSum / l) > 1;

    // Each backend's current position in its permutation (offset + j * skip) % M.
    const pos = Int32Array.from(offset);
    const entry = new Uint32Array(m).fill(SENTINEL);
    for (let n = 0; n < m; n++) {
      let i = n % l;
      for (;;) {
        const info = infos[i] as { id: number; weight: number };
        if (weightsUsed) {
          if ((n + 1) * info.weight < Math.trunc(weightCntr[i] as number)) {
            i = (i + 1) % l;
            continue;
          }
          weightCntr[i] = (weightCntr[i] as number) + weightSum;
        }
        // Walk the permutation on demand instead of storing all N x M of it.
        const step = skip[i] as number;
        let c = pos[i] as number;
        while (entry[c] !== SENTINEL) {
          c += step;
          if (c >= m) c -= m;
        }
        entry[c] = info.id;
        c += step;
        pos[i] = c >= m ? c - m : c;
        break;
      }
    }
    return entry;
  }

  /**
   * `hash_from_tuple_v4`: jhash_3words(saddr, dport << 16 | sport, nexthdr,
   * HASH_INIT4_SEED) over the tuple's in-memory (network order) fields as a
   * little-endian node reads them. Inputs are host-order numbers; pass
   * sport 0 for affinity services, as the datapath does.
   */
  flowHash(saddr: number, sport: number, dport: number, nexthdr: number): number {
    return jhash3Words(
      bswap32(saddr),
      ((bswap16(dport) << 16) | bswap16(sport)) >>> 0,
      nexthdr,
      this.seeds.jhash0,
    );
  }

  /** The table slot a flow lands on: flowHash % M. */
  slotFor(saddr: number, sport: number, dport: number, nexthdr: number): number {
    return this.flowHash(saddr, sport, dport, nexthdr) % this.tableSize;
  }
}
