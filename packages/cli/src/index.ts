/**
 * The `svclab` command line (bin/svclab.cjs loads this module): script
 * runner and interactive shell over a simulated cluster.
 */
export { main, parseCliArgs, needsMoreInput, type CliIO } from "./main";
export { ShellSession, type SessionOptions } from "./session";
export type { Sink, Stream } from "./transcript";
