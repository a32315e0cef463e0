/**
 * The API server's bitmap allocators for Service cluster IPs and node ports.
 * Both pick dynamic values at random (seeded) from the upper part of their
 * range first, leaving a low "static band" for values users ask for, as
 * Kubernetes' ipallocator and portallocator do since the
 * ServiceIPStaticSubrange / ServiceNodePortStaticSubrange features.
 * Errors carry the allocators' exact texts; callers wrap them in field errors.
 */
import type { IntSource } from "../api/names";
import { type Cidr, cidrContains, formatCidr, formatIPv4 } from "@svclab/sim";

export class AllocationError extends Error {}

/** A bitmap of `size` values starting at `base`, with a static band of `staticSize` at the bottom. */
class RangeBitmap {
  private readonly used: Uint8Array;
  private count = 0;

  constructor(
    readonly base: number,
    readonly size: number,
    private readonly staticSize: number,
    private readonly int: IntSource,
  ) {
    this.used = new Uint8Array(size);
  }

  has(value: number): boolean {
    return this.used[value - this.base] === 1;
  }

  /** Returns false when already taken. */
  take(value: number): boolean {
    const i = value - this.base;
    if (this.used[i] === 1) return false;
    this.used[i] = 1;
    this.count++;
    return true;
  }

  release(value: number): void {
    const i = value - this.base;
    if (this.used[i] !== 1) return;
    this.used[i] = 0;
    this.count--;
  }

  /** A random free value, from the dynamic band first, undefined when full. */
  next(): number | undefined {
    if (this.count >= this.size) return undefined;
    return this.scan(this.staticSize, this.size) ?? this.scan(0, this.staticSize);
  }

  private scan(from: number, to: number): number | undefined {
    const span = to - from;
    if (span <= 0) return undefined;
    const start = this.int(span);
    for (let k = 0; k < span; k++) {
      const i = from + ((start + k) % span);
      if (this.used[i] !== 1) {
        this.used[i] = 1;
        this.count++;
        return this.base + i;
      }
    }
    return undefined;
  }
}

/** portallocator: the node-port range, 30000-32767 by default. */
export class PortAllocator {
  private readonly bitmap: RangeBitmap;

  constructor(
    readonly base: number,
    readonly size: number,
    int: IntSource,
  ) {
    // calculateRangeOffset: min(max(16, size/32), 128).
    const offset = Math.min(Math.max(16, Math.floor(size / 32)), 128);
    this.bitmap = new RangeBitmap(base, size, offset, int);
  }

  get rangeText(): string {
    return `${this.base}-${this.base + this.size - 1}`;
  }

  contains(port: number): boolean {
    return port >= this.base && port < this.base + this.size;
  }

  isAllocated(port: number): boolean {
    return this.contains(port) && this.bitmap.has(port);
  }

  allocate(port: number): void {
    if (!this.contains(port)) {
      throw new AllocationError(
        `provided port is not in the valid range. The range of valid ports is ${this.rangeText}`,
      );
    }
    if (!this.bitmap.take(port)) throw new AllocationError("provided port is already allocated");
  }

  allocateNext(): number {
    const port = this.bitmap.next();
    if (port === undefined) throw new AllocationError("range is full");
    return port;
  }

  release(port: number): void {
    if (this.contains(port)) this.bitmap.release(port);
  }
}

/** ipallocator: the service CIDR without its network and broadcast addresses. */
export class IPAllocator {
  private readonly bitmap: RangeBitmap;

  constructor(
    readonly cidr: Cidr,
    int: IntSource,
  ) {
    const size = Math.max(cidr.size - 2, 0);
    // calculateRangeOffset: min(max(16, size/16), 256).
    const offset = Math.min(Math.max(16, Math.floor(size / 16)), 256);
    this.bitmap = new RangeBitmap(cidr.base + 1, size, Math.min(offset, size), int);
  }

  private inRange(ip: number): boolean {
    return cidrContains(this.cidr, ip) && ip !== this.cidr.base && ip !== this.cidr.base + this.cidr.size - 1;
  }

  isAllocated(ip: number): boolean {
    return this.inRange(ip) && this.bitmap.has(ip);
  }

  allocate(ip: number): void {
    if (!this.inRange(ip)) {
      throw new AllocationError(
        `the provided IP (${formatIPv4(ip)}) is not in the valid range. The range of valid IPs is ${formatCidr(this.cidr)}`,
      );
    }
    if (!this.bitmap.take(ip)) throw new AllocationError("provided IP is already allocated");
  }

  allocateNext(): number {
    const ip = this.bitmap.next();
    if (ip === undefined) throw new AllocationError("range is full");
    return ip;
  }

  release(ip: number): void {
    if (this.inRange(ip)) this.bitmap.release(ip);
  }
}
