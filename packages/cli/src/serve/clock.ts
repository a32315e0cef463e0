/**
 * How virtual time moves while `svclab serve` answers real clients.
 * `wall`: it follows the host's clock, so a real `sleep 11` expires a 10 s
 * affinity; the cluster catches up before every request and on a short
 * tick, so watches see pods start without being asked. `manual`: it moves
 * only when told (`svclab clock advance 11s`), for tests and fast demos,
 * with stored instants re-based so the real kubectl's ages stay right.
 */
import type { Cluster } from "@svclab/cluster";
import { badRequestError, type StatusError } from "@svclab/manifest";
import { methodNotAllowedError, type RestHandler, type RestRequest, type RestResponse } from "@svclab/apiserver";

export type ClockMode = "wall" | "manual";

/** Not a Kubernetes path: svclab's own group, so no client mistakes it for an API resource. */
export const CLOCK_ADVANCE_PATH = "/svclab/v1/clock/advance";

/** How often the wall clock pulls virtual time forward between requests. */
const TICK_MS = 100;
/** Manual mode, while a client watches: how often virtual time catches up with the real time spent waiting. */
const STEP_MS = 10;

/**
 * A duration as `sleep` and Go's time.ParseDuration write it: `11`, `11s`,
 * `1.5m`, `2h`, `1d`, `1h30m`. Undefined for anything else.
 */
export function parseDurationSeconds(text: string): number | undefined {
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const unit: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
  let total = 0;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (m === null) return undefined;
    total += Number(m[1]) * (unit[m[2] as string] as number);
    at = re.lastIndex;
  }
  return text === "" ? undefined : total;
}

function json(status: number, value: unknown): RestResponse {
  return { kind: "body", status, headers: { "content-type": "application/json" }, body: JSON.stringify(value) };
}

function statusResponse(e: StatusError): RestResponse {
  return json(e.code, e.status);
}

/** The cluster's handler, with the clock kept in step and the advance endpoint in front of it. */
export class ServedClock {
  private tick: NodeJS.Timeout | undefined;
  private step: NodeJS.Timeout | undefined;
  /** Watches and `logs -f` streams open now. */
  private watching = 0;
  /** Host time of the last watch step (manual mode). */
  private steppedAt = 0;

  constructor(
    private readonly cluster: Cluster,
    readonly mode: ClockMode,
  ) {}

  /** Starts following the host's clock (wall mode); a no-op in manual mode. */
  start(): void {
    if (this.mode !== "wall" || this.tick !== undefined) return;
    this.tick = setInterval(() => this.catchUp(), TICK_MS);
  }

  stop(): void {
    if (this.tick !== undefined) clearInterval(this.tick);
    if (this.step !== undefined) clearTimeout(this.step);
    this.tick = undefined;
    this.step = undefined;
  }

  /**
   * Manual mode: while a client waits on a watch (`rollout status`, `wait`,
   * `get -w`), virtual time runs at the host's pace, as `svclab run` lets it
   * run while its kubectl waits, so the same script reaches the same state
   * either way. Not faster: the server cannot see when the client's
   * condition holds, and a client reacts to an event within milliseconds,
   * so at the host's pace it stops the clock less than a step late.
   */
  private stepWhileWatched(): void {
    if (this.mode !== "manual" || this.watching === 0 || this.step !== undefined) return;
    this.steppedAt = Date.now();
    this.step = setTimeout(() => {
      this.step = undefined;
      if (this.watching === 0) return;
      this.cluster.advancePinned((Date.now() - this.steppedAt) / 1000);
      this.stepWhileWatched();
    }, STEP_MS);
  }

  private watched(res: RestResponse): RestResponse {
    if (res.kind !== "stream") return res;
    return {
      ...res,
      open: (sink) => {
        const release = res.open(sink);
        this.watching++;
        this.stepWhileWatched();
        let released = false;
        return () => {
          if (!released) this.watching--;
          released = true;
          release();
        };
      },
    };
  }

  /** Virtual time up to the host's clock. */
  private catchUp(): void {
    const behindMs = Date.now() - this.cluster.wallTime().getTime();
    if (behindMs > 0) this.cluster.advance(behindMs / 1000);
  }

  handler(inner: RestHandler): RestHandler {
    return {
      handle: async (req: RestRequest) => {
        if (req.path === CLOCK_ADVANCE_PATH) return this.advance(req);
        if (this.mode === "wall") this.catchUp();
        return this.watched(await inner.handle(req));
      },
    };
  }

  private advance(req: RestRequest): RestResponse {
    if (req.method !== "POST") return statusResponse(methodNotAllowedError());
    if (this.mode !== "manual") {
      return statusResponse(badRequestError("the clock follows the wall clock; start svclab serve with --clock manual to advance it"));
    }
    const text = req.query.get("duration") ?? "";
    const seconds = parseDurationSeconds(text);
    if (seconds === undefined) return statusResponse(badRequestError(`invalid duration ${JSON.stringify(text)}: use e.g. 11, 11s, 1.5m, 2h or 1d`));
    this.cluster.advancePinned(seconds);
    return json(200, { kind: "ClockAdvance", apiVersion: "svclab/v1", advancedSeconds: seconds, now: this.cluster.wallTime().toISOString() });
  }
}
