export { VirtualClock } from "./clock";
export type { MonotonicClock } from "./clock";
export { SeededRandom } from "./random";
