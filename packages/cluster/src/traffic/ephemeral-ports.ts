/**
 * The source port connect() picks, as Linux's __inet_hash_connect does
 * (net/ipv4/inet_hashtables.c): each (source address, destination address,
 * destination port) has its own starting offset from a keyed hash, bumped by a
 * shared perturbation table after each pick; from there ports are tried in
 * steps of two through ip_local_port_range (32768-60999), one parity first,
 * then the other, skipping every port whose 4-tuple is still connected or in
 * TIME_WAIT. An active close keeps its 4-tuple in TIME_WAIT for 60 s
 * (TCP_TIMEWAIT_LEN), and with net.ipv4.tcp_tw_reuse at its default (2:
 * loopback only) connect() does not take it over. So a client never reuses a
 * tuple whose conntrack entry in a node's datapath is still in its close
 * window.
 */
import { fmix32, type SeededRandom } from "@svclab/sim";

/** net.ipv4.ip_local_port_range's default. */
export const EPHEMERAL_LOW = 32768;
export const EPHEMERAL_HIGH = 60999;
/** TCP_TIMEWAIT_LEN: how long an actively closed 4-tuple stays out of reuse. */
export const TIME_WAIT_SECONDS = 60;
/** INET_TABLE_PERTURB_SIZE (Linux 5.18+). */
const PERTURB_SIZE = 1 << 16;

/** Ports of one (saddr, daddr, dport): connected ones, and TIME_WAIT ones with their expiry. */
interface Destination {
  readonly connected: Set<number>;
  readonly timeWait: Map<number, number>;
}

export class EphemeralPorts {
  private readonly perturb = new Uint32Array(PERTURB_SIZE);
  private readonly destinations = new Map<string, Destination>();
  private readonly secret: number;
  private nextSweep = 0;

  constructor(
    private readonly rng: SeededRandom,
    private readonly now: () => number,
    /** net.ipv4.ip_local_port_range. */
    private readonly range: readonly [low: number, high: number] = [EPHEMERAL_LOW, EPHEMERAL_HIGH],
  ) {
    this.secret = rng.nextU32();
  }

  /** A free source port for a connection from `saddr` to `daddr:dport`, or undefined (EADDRNOTAVAIL). */
  connect(saddr: number, daddr: number, dport: number): number | undefined {
    const now = this.now();
    this.sweep(now);
    const key = `${saddr}>${daddr}:${dport}`;
    let dest = this.destinations.get(key);
    const portOffset = fmix32(saddr ^ fmix32(daddr ^ fmix32((dport ^ this.secret) >>> 0)));
    const index = portOffset & (PERTURB_SIZE - 1);
    const [low, high] = this.range;
    const remaining = high + 1 - low;
    let offset = (((this.perturb[index] as number) + fmix32(portOffset ^ this.secret)) % remaining) & ~1;
    for (let parity = 0; parity < 2; parity++, offset++) {
      for (let i = 0; i < remaining; i += 2) {
        const port = low + ((offset + i) % remaining);
        if (dest !== undefined && !free(dest, port, now)) continue;
        dest ??= { connected: new Set(), timeWait: new Map() };
        this.destinations.set(key, dest);
        dest.timeWait.delete(port);
        dest.connected.add(port);
        // The kernel adds a little randomness to the next start under low contention.
        const step = Math.max(i, this.rng.intBelow(8) * 2);
        this.perturb[index] = ((this.perturb[index] as number) + step + 2) >>> 0;
        return port;
      }
    }
    return undefined;
  }

  /** The client closed first: the 4-tuple waits out TIME_WAIT before connect() may take it again. */
  close(saddr: number, sport: number, daddr: number, dport: number): void {
    const dest = this.destinations.get(`${saddr}>${daddr}:${dport}`);
    if (dest === undefined || !dest.connected.delete(sport)) return;
    dest.timeWait.set(sport, this.now() + TIME_WAIT_SECONDS);
  }

  /** connect() failed (refused or timed out): the port is free again at once. */
  abort(saddr: number, sport: number, daddr: number, dport: number): void {
    this.destinations.get(`${saddr}>${daddr}:${dport}`)?.connected.delete(sport);
  }

  /** 4-tuples this allocator still holds (connected or in TIME_WAIT). */
  tuplesHeld(): number {
    let n = 0;
    for (const d of this.destinations.values()) n += d.connected.size + d.timeWait.size;
    return n;
  }

  /** Forgets expired TIME_WAIT entries at most once per TIME_WAIT length, so memory follows the last minute's connections. */
  private sweep(now: number): void {
    if (now < this.nextSweep) return;
    this.nextSweep = now + TIME_WAIT_SECONDS;
    for (const [key, dest] of this.destinations) {
      for (const [port, until] of dest.timeWait) if (until <= now) dest.timeWait.delete(port);
      if (dest.connected.size === 0 && dest.timeWait.size === 0) this.destinations.delete(key);
    }
  }
}

function free(dest: Destination, port: number, now: number): boolean {
  if (dest.connected.has(port)) return false;
  const until = dest.timeWait.get(port);
  return until === undefined || until <= now;
}
