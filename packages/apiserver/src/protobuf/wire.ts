/**
 * The protobuf wire format as far as Kubernetes' generated.proto messages
 * use it (proto2: varints, length-delimited fields, and fixed 32/64-bit
 * numbers for float and double). A malformed message is reported in the
 * words of gogo protobuf's generated Unmarshal methods.
 */

export class WireError extends Error {}

export const enum WireType {
  Varint = 0,
  Fixed64 = 1,
  Bytes = 2,
  Fixed32 = 5,
}

export class Reader {
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  /** A varint as a 64-bit two's complement integer (int32 negatives take ten bytes). */
  varint(): bigint {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.buf.length) throw new WireError("unexpected EOF");
      const b = this.buf[this.pos++] as number;
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asIntN(64, value);
    }
    throw new WireError("proto: integer overflow");
  }

  bytes(): Uint8Array {
    const n = Number(this.varint());
    if (n < 0) throw new WireError("proto: negative length found during unmarshaling");
    if (this.pos + n > this.buf.length) throw new WireError("unexpected EOF");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  fixed(size: 4 | 8): DataView {
    if (this.pos + size > this.buf.length) throw new WireError("unexpected EOF");
    const view = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, size);
    this.pos += size;
    return view;
  }

  /** The next field's number and wire type. */
  key(): { readonly field: number; readonly wire: number } {
    const key = Number(this.varint());
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field <= 0) throw new WireError(`proto: illegal tag ${field} (wire type ${wire})`);
    return { field, wire };
  }

  /** Passes over a field this server does not know, as generated code does. */
  skip(wire: number): void {
    if (wire === WireType.Varint) this.varint();
    else if (wire === WireType.Bytes) this.bytes();
    else if (wire === WireType.Fixed64) this.fixed(8);
    else if (wire === WireType.Fixed32) this.fixed(4);
    else throw new WireError(`proto: illegal wireType ${wire}`);
  }
}
