/**
 * Struct codecs: the bridge between a C struct of the datapath, the packed
 * u32 rows the hash tables store, and readable objects.
 *
 * A codec knows the struct's C size and byte layout (`toBytes`/`fromBytes`,
 * host little-endian with `__be16`/`__be32` fields in network order, as
 * bpftool shows them) and a compact word packing (`pack`/`unpack`) that
 * drops padding, so the model's memory per entry stays close to the
 * kernel's. Fields are packed greedily in declaration order; the concrete
 * maps' fast paths rely on that order (their tests check it).
 */

import { formatIPv4, formatIPv6, parseIPv4, tryParseIPv6 } from "@svclab/sim";

/**
 * Field types. `ipv4` is a `__be32` address shown as a dotted quad, `ipv6`
 * a `union v6addr` (16 bytes, network order) shown as netip prints it; `be16`
 * is a `__be16` (a port) handled in host order; `u64` must stay a safe
 * integer; `bool8` is a u8 (or a 1-bit field) shown as a boolean.
 */
export type FieldType = "u8" | "bool8" | "u16" | "be16" | "u32" | "be32" | "ipv4" | "ipv6" | "u64";

export interface FieldSpec<T> {
  /** Property of the readable object. */
  name: keyof T & string;
  /** Field name in the C struct (used by `format`). */
  c: string;
  type: FieldType;
  /** Byte offset in the C struct. */
  offset: number;
}

/** Where a field sits in the packed rows. */
export interface PackedField {
  word: number;
  shift: number;
  bits: number;
}

/** Encodes one C struct type. */
export interface StructCodec<T> {
  /** C type name, e.g. "struct lb4_key". */
  readonly name: string;
  /** sizeof() of the C struct. */
  readonly byteSize: number;
  /** u32 words per packed row. */
  readonly words: number;
  /** Validates `value` (RangeError on bad input) and writes its row at `dst[offset..]`. */
  pack(value: T, dst: Uint32Array, offset: number): void;
  /** Reads the row at `src[offset..]`. */
  unpack(src: Uint32Array, offset: number): T;
  /** The C struct's bytes. */
  toBytes(value: T): Uint8Array;
  /** Parses the C struct's bytes (length must be `byteSize`). */
  fromBytes(bytes: Uint8Array): T;
  /** One line, C field names: `address=10.96.0.10 dport=53 ...`. */
  format(value: T): string;
}

const WIDTH: Record<FieldType, number> = {
  u8: 8,
  bool8: 8,
  u16: 16,
  be16: 16,
  u32: 32,
  be32: 32,
  ipv4: 32,
  ipv6: 128,
  u64: 64,
};

const TWO_POW_32 = 4294967296;

/** An `ipv6` field's four words (network-order bytes, host-order words). */
function toWords6(raw: unknown, what: string): readonly number[] {
  const w = typeof raw === "string" ? tryParseIPv6(raw) : undefined;
  if (w === undefined) throw new RangeError(`${what}: expected an IPv6 address string, got ${String(raw)}`);
  return w;
}

function toWord(type: FieldType, raw: unknown, what: string): number {
  if (type === "ipv4") {
    if (typeof raw !== "string") throw new RangeError(`${what}: expected an IPv4 address string, got ${String(raw)}`);
    return parseIPv4(raw);
  }
  if (type === "bool8") {
    if (typeof raw !== "boolean") throw new RangeError(`${what}: expected a boolean, got ${String(raw)}`);
    return raw ? 1 : 0;
  }
  const max = type === "u64" ? Number.MAX_SAFE_INTEGER : 2 ** WIDTH[type] - 1;
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw < 0 || raw > max) {
    throw new RangeError(`${what}: expected an integer in [0, ${max}], got ${String(raw)}`);
  }
  return raw;
}

function fromWord(type: FieldType, n: number): unknown {
  if (type === "ipv4") return formatIPv4(n);
  if (type === "bool8") return n !== 0;
  return n;
}

function formatField(type: FieldType, v: unknown): string {
  if (type === "bool8") return v ? "1" : "0";
  return String(v);
}

/** Builds a codec for a C struct from its fields. */
export function defineStruct<T>(name: string, byteSize: number, fields: readonly FieldSpec<T>[]): StructCodec<T> {
  const layout: PackedField[] = [];
  let word = 0;
  let used = 0;
  for (const f of fields) {
    const bits = WIDTH[f.type];
    if (f.offset + bits / 8 > byteSize) throw new Error(`${name}.${f.c} does not fit in ${byteSize} bytes`);
    if (used + bits > 32 && used > 0) {
      word += 1;
      used = 0;
    }
    layout.push({ word, shift: used, bits });
    if (bits >= 64) {
      word += bits / 32;
      used = 0;
    } else {
      used += bits;
    }
  }
  const words = used > 0 ? word + 1 : word;

  return {
    name,
    byteSize,
    words,
    pack(value, dst, offset) {
      // Convert everything first so a bad field leaves `dst` untouched.
      const converted = fields.map((f) => {
        const raw = (value as Record<string, unknown>)[f.name];
        return f.type === "ipv6" ? toWords6(raw, `${name}.${f.c}`) : toWord(f.type, raw, `${name}.${f.c}`);
      });
      dst.fill(0, offset, offset + words);
      fields.forEach((f, i) => {
        const at = layout[i] as PackedField;
        const c = converted[i] as number | readonly number[];
        if (typeof c !== "number") {
          for (let j = 0; j < 4; j++) dst[offset + at.word + j] = c[j] as number;
          return;
        }
        const n = c;
        if (at.bits === 64) {
          dst[offset + at.word] = n >>> 0;
          dst[offset + at.word + 1] = Math.floor(n / TWO_POW_32);
        } else if (at.bits === 32) {
          dst[offset + at.word] = n;
        } else {
          dst[offset + at.word] = ((dst[offset + at.word] as number) | (n << at.shift)) >>> 0;
        }
      });
    },
    unpack(src, offset) {
      const out: Record<string, unknown> = {};
      fields.forEach((f, i) => {
        const at = layout[i] as PackedField;
        if (f.type === "ipv6") {
          out[f.name] = formatIPv6(Array.from(src.subarray(offset + at.word, offset + at.word + 4)));
          return;
        }
        const w = src[offset + at.word] as number;
        let n: number;
        if (at.bits === 64) n = w + (src[offset + at.word + 1] as number) * TWO_POW_32;
        else if (at.bits === 32) n = w;
        else n = (w >>> at.shift) & ((1 << at.bits) - 1);
        out[f.name] = fromWord(f.type, n);
      });
      return out as T;
    },
    toBytes(value) {
      const bytes = new Uint8Array(byteSize);
      const view = new DataView(bytes.buffer);
      for (const f of fields) {
        if (f.type === "ipv6") {
          const w = toWords6((value as Record<string, unknown>)[f.name], `${name}.${f.c}`);
          for (let j = 0; j < 4; j++) view.setUint32(f.offset + 4 * j, w[j] as number, false);
          continue;
        }
        const n = toWord(f.type, (value as Record<string, unknown>)[f.name], `${name}.${f.c}`);
        switch (f.type) {
          case "u8":
          case "bool8":
            view.setUint8(f.offset, n);
            break;
          case "u16":
            view.setUint16(f.offset, n, true);
            break;
          case "be16":
            view.setUint16(f.offset, n, false);
            break;
          case "u32":
            view.setUint32(f.offset, n, true);
            break;
          case "be32":
          case "ipv4":
            view.setUint32(f.offset, n, false);
            break;
          case "u64":
            view.setUint32(f.offset, n >>> 0, true);
            view.setUint32(f.offset + 4, Math.floor(n / TWO_POW_32), true);
            break;
        }
      }
      return bytes;
    },
    fromBytes(bytes) {
      if (bytes.length !== byteSize) {
        throw new RangeError(`${name}: expected ${byteSize} bytes, got ${bytes.length}`);
      }
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const out: Record<string, unknown> = {};
      for (const f of fields) {
        if (f.type === "ipv6") {
          out[f.name] = formatIPv6([0, 4, 8, 12].map((j) => view.getUint32(f.offset + j, false)));
          continue;
        }
        let n: number;
        switch (f.type) {
          case "u8":
          case "bool8":
            n = view.getUint8(f.offset);
            break;
          case "u16":
            n = view.getUint16(f.offset, true);
            break;
          case "be16":
            n = view.getUint16(f.offset, false);
            break;
          case "u32":
            n = view.getUint32(f.offset, true);
            break;
          case "be32":
          case "ipv4":
            n = view.getUint32(f.offset, false);
            break;
          case "u64":
            n = view.getUint32(f.offset, true) + view.getUint32(f.offset + 4, true) * TWO_POW_32;
            break;
        }
        out[f.name] = fromWord(f.type, n);
      }
      return out as T;
    },
    format(value) {
      return fields
        .map((f) => `${f.c}=${formatField(f.type, (value as Record<string, unknown>)[f.name])}`)
        .join(" ");
    },
  };
}

/** A codec for a bare integer key or value (`__u16 rev_nat_index`, `__u8` flags...). */
export function defineScalar(name: string, type: "u8" | "u16" | "u32"): StructCodec<number> {
  const inner = defineStruct<{ v: number }>(name, WIDTH[type] / 8, [{ name: "v", c: name, type, offset: 0 }]);
  return {
    name,
    byteSize: inner.byteSize,
    words: 1,
    pack: (value, dst, offset) => inner.pack({ v: value }, dst, offset),
    unpack: (src, offset) => inner.unpack(src, offset).v,
    toBytes: (value) => inner.toBytes({ v: value }),
    fromBytes: (bytes) => inner.fromBytes(bytes).v,
    format: (value) => String(value),
  };
}

/** Bytes as bpftool prints them: `0a 60 00 0a 00 35 ...`. */
export function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
}
