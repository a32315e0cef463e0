/**
 * @svclab/sim: what makes a run replayable. Every timer in svclab runs on
 * the virtual clock through the event loop, every random choice draws from a
 * seeded stream, and addresses travel as host-order u32 numbers.
 */
export { VirtualClock, instantAfter, compareInstants } from "./clock";
export type { MonotonicClock, Instant } from "./clock";
export { EventLoop } from "./event-loop";
export type { TimerHandle, Worker, WakeWorker } from "./event-loop";
export { SeededRandom } from "./random";
export { parseIPv4, tryParseIPv4, formatIPv4, isIPv4 } from "./ipv4";
export { parseIPv6, tryParseIPv6, formatIPv6, isIPv6 } from "./ipv6";
export type { IPv6Words } from "./ipv6";
export { fmix32 } from "./fmix32";
export { parseCidr, formatCidr, cidrContains } from "./cidr";
export type { Cidr } from "./cidr";
