/** Maglev consistent hashing as Cilium computes it (pkg/maglev, pkg/murmur3, bpf/lib/jhash.h). */
export {
  Maglev,
  DEFAULT_MAGLEV_HASH_SEED,
  DEFAULT_BACKEND_WEIGHT,
  maglevBackendHashString,
  parseMaglevHashSeed,
} from "./maglev";
export type { MaglevBackend, MaglevHashedBackend, MaglevOptions, MaglevSeeds } from "./maglev";
export { MAGLEV_TABLE_SIZES, DEFAULT_MAGLEV_TABLE_SIZE, checkMaglevTableSize } from "./table-size";
export { murmur3Hash128 } from "./murmur3";
export type { Hash128 } from "./murmur3";
export { jhash3Words } from "./jhash";
