import { describe, expect, it } from "vitest";
import { healthCheckResponse } from "./health-check";

describe("healthCheckResponse", () => {
  it("answers 200 with the tab-indented JSON when a local endpoint is ready", () => {
    const r = healthCheckResponse("default", "sample-lb-local", 1);
    expect(r.status).toBe(200);
    expect(r.body).toBe(
      '{\n\t"service": {\n\t\t"namespace": "default",\n\t\t"name": "sample-lb-local"\n\t},\n\t"localEndpoints": 1,\n\t"serviceProxyHealthy": true\n}',
    );
    expect(r.headers["Content-Type"]).toBe("application/json");
    expect(r.headers["X-Load-Balancing-Endpoint-Weight"]).toBe("1");
  });

  it("answers 503 without local endpoints", () => {
    const r = healthCheckResponse("default", "sample-lb-local", 0);
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body)).toEqual({ service: { namespace: "default", name: "sample-lb-local" }, localEndpoints: 0, serviceProxyHealthy: true });
  });
});
