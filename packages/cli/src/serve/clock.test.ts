import { describe, expect, it } from "vitest";
import { createCluster } from "@svclab/cluster";
import type { RestHandler, RestResponse } from "@svclab/apiserver";
import { CLOCK_ADVANCE_PATH, ServedClock, parseDurationSeconds } from "./clock";

describe("parseDurationSeconds", () => {
  it.each([
    ["11", 11],
    ["11s", 11],
    ["1.5m", 90],
    ["2h", 7200],
    ["1d", 86400],
    ["1h30m", 5400],
    ["250ms", 0.25],
    ["", undefined],
    ["soon", undefined],
    ["10x", undefined],
    ["-5s", undefined],
  ])("%j -> %j", (text, seconds) => expect(parseDurationSeconds(text)).toBe(seconds));
});

const advance = (h: RestHandler, duration: string, method = "POST"): Promise<RestResponse> =>
  h.handle({ method, path: CLOCK_ADVANCE_PATH, query: new URLSearchParams({ duration }), headers: {}, body: "" });

const body = (r: RestResponse): Record<string, unknown> => (r.kind === "body" ? (JSON.parse(r.body) as Record<string, unknown>) : {});

describe("ServedClock", () => {
  it("manual: advances virtual time on request and keeps the wall clock where it was", async () => {
    const cluster = createCluster({ seed: 1, startTime: "2026-12-03T10:00:00Z" });
    const h = new ServedClock(cluster, "manual").handler(cluster.restHandler());
    const before = cluster.wallTime().toISOString();
    const r = await advance(h, "11s");
    expect(r.kind === "body" && r.status).toBe(200);
    expect(body(r)).toMatchObject({ advancedSeconds: 11, now: before });
    expect(body(await advance(h, "soon"))).toMatchObject({ reason: "BadRequest", code: 400 });
    expect(body(await advance(h, "1s", "GET"))).toMatchObject({ reason: "MethodNotAllowed", code: 405 });
  });

  it("wall: refuses a manual advance with a message that says how to get one", async () => {
    const cluster = createCluster({ seed: 1, startTime: new Date().toISOString() });
    const h = new ServedClock(cluster, "wall").handler(cluster.restHandler());
    expect(body(await advance(h, "11s"))).toMatchObject({ code: 400, message: "the clock follows the wall clock; start svclab serve with --clock manual to advance it" });
  });
});
