import { StringDecoder } from "node:string_decoder";
import type { WebSocket } from "ws";
import { StatusError } from "@svclab/manifest";
import { internalError } from "../api/errors";
import type { RestExec } from "../rest/types";

/** The subprotocols of kubelet's exec/attach WebSocket that svclab speaks, most preferred first. */
export const EXEC_SUBPROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"] as const;

// Channel numbers: the first byte of every binary message (remotecommand).
const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const CLOSE = 255;

/**
 * How long after the upgrade the process starts, about what a container
 * runtime takes to start an exec. kubectl 1.32's WebSocket client starts
 * reading before it has set up its streams and drops frames that arrive in
 * between ("Unknown stream id 2, discarding message"; client-go later waits
 * for its streams, the `readyChan` of remotecommand/websocket.go). A real
 * runtime is never that fast; a simulated process is, so it waits. Wall time,
 * not the simulation's: this is I/O latency, and no output depends on it.
 */
const EXEC_START_DELAY_MS = 25;

/** The exec's command as `?command=` lists it, for the kubelet's exit message. */
function commandOf(query: URLSearchParams): string {
  return `[${query.getAll("command").join(" ")}]`;
}

/**
 * The channel-3 Status the kubelet sends when the process ends (json of a
 * `metav1.Status` without kind/apiVersion). kubectl reads `NonZeroExitCode`
 * and the `ExitCode` cause into "command terminated with exit code N".
 */
export function exitStatus(code: number, query: URLSearchParams): string {
  if (code === 0) return JSON.stringify({ metadata: {}, status: "Success" });
  return JSON.stringify({
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command ${commandOf(query)}, exit code ${code}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(code) }] },
  });
}

/**
 * What the kubelet sends when the runtime fails rather than the process: the
 * handler's own Status when it threw one (`NewInternalError` of the
 * runtime's message), else a generic internal error, the detail kept for the
 * server log. Without kind and apiVersion, as the kubelet encodes it.
 */
function failureStatus(error: unknown): string {
  const failure = error instanceof StatusError ? error : internalError("error executing command in container: the simulated process failed; see the svclab serve log");
  const { kind: _kind, apiVersion: _apiVersion, ...status } = failure.status;
  return JSON.stringify(status);
}

/** stdin as an async iterable fed by channel-0 frames, ended by `[255, 0]` or by the socket closing. */
class StdinQueue implements AsyncIterable<string> {
  private readonly chunks: string[] = [];
  private waiting: ((result: IteratorResult<string>) => void) | undefined;
  private ended = false;

  push(text: string): void {
    if (this.ended || text === "") return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: text, done: false });
    } else {
      this.chunks.push(text);
    }
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.waiting?.({ value: undefined, done: true });
    this.waiting = undefined;
  }

  [Symbol.asyncIterator](): AsyncIterator<string> {
    return {
      next: () => {
        const chunk = this.chunks.shift();
        if (chunk !== undefined) return Promise.resolve({ value: chunk, done: false });
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiting = resolve;
        });
      },
    };
  }
}

function frame(channel: number, text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  const message = Buffer.allocUnsafe(payload.length + 1);
  message[0] = channel;
  payload.copy(message, 1);
  return message;
}

/**
 * Runs one exec session over an upgraded WebSocket: relays stdin in, stdout
 * and stderr out, then the exit Status on channel 3 and a normal close. A
 * client that goes away mid-session ends stdin; output after that is dropped.
 * Resolves when the socket has closed.
 */
export function runExecSession(
  exec: RestExec,
  socket: WebSocket,
  query: URLSearchParams,
  log: (message: string) => void,
): Promise<void> {
  const stdin = new StdinQueue();
  if (!exec.stdin) stdin.end();
  const decoder = new StringDecoder("utf8");
  const send = (channel: number, text: string) => {
    if (text !== "" && socket.readyState === socket.OPEN) socket.send(frame(channel, text));
  };

  socket.on("message", (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length === 0) return;
    const channel = data[0];
    if (channel === STDIN && exec.stdin) stdin.push(decoder.write(data.subarray(1)));
    else if (channel === CLOSE && data[1] === STDIN) {
      stdin.push(decoder.end());
      stdin.end();
    }
    // Channel 4 (terminal resize) has nothing to act on in a simulated process.
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  void closed.then(() => stdin.end());
  // A socket error (a reset mid-frame) is followed by 'close'; without a listener it would be thrown.
  socket.on("error", (error) => log(`exec: ${error.message}`));

  new Promise((resolve) => setTimeout(resolve, EXEC_START_DELAY_MS))
    .then(() => exec.run({ stdin, stdout: (text) => send(STDOUT, text), stderr: (text) => send(STDERR, text) }))
    .then(
      (code) => send(ERROR, exitStatus(code, query)),
      (error: unknown) => {
        if (!(error instanceof StatusError)) log(`exec failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        send(ERROR, failureStatus(error));
      },
    )
    .finally(() => {
      if (socket.readyState === socket.OPEN) socket.close(1000);
    });
  return closed;
}
