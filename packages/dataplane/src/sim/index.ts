/** Simulation primitives: a virtual monotonic clock and seeded random streams. */
export { VirtualClock } from "./clock";
export type { MonotonicClock } from "./clock";
export { SeededRandom } from "./random";
