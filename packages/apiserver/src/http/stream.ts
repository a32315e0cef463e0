import type { ServerResponse } from "node:http";
import type { RestStream } from "../rest/types";
import { responseHeaders } from "./response";

/**
 * Relays a watch or `logs -f` to the client: chunked transfer, each chunk
 * written (and so flushed, the socket has Nagle off) as the handler produces
 * it. The stream is released exactly once, when the response closes for any
 * reason: the client went away (node reports that only through 'close'), the
 * handler ended it, or the server is shutting down.
 */
export function relayStream(stream: RestStream, res: ServerResponse, onClosed: () => void): void {
  res.writeHead(stream.status, responseHeaders(stream.headers));
  // kubectl waits for the headers before it reports a watch as started.
  res.flushHeaders();
  let release: (() => void) | undefined;
  let closed = false;
  res.on("close", () => {
    closed = true;
    onClosed();
    release?.();
  });
  try {
    release = stream.open({
      write(chunk) {
        if (!closed && !res.writableEnded) res.write(chunk);
      },
      end() {
        if (!closed && !res.writableEnded) res.end();
      },
    });
  } catch (error) {
    // The status line is out; all that is left to tell the client is a cut stream.
    res.destroy();
    throw error;
  }
  // The client may already have gone while `open` ran.
  if (closed) release();
}
