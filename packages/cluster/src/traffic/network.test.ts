import { describe, expect, it } from "vitest";
import { parseHttpUrl } from "./network";

describe("parseHttpUrl", () => {
  it.each([
    ["http://sample-session-affinity.default.svc.cluster.local:8080", { host: "sample-session-affinity.default.svc.cluster.local", port: 8080, path: "/" }],
    ["10.96.1.2", { host: "10.96.1.2", port: 80, path: "/" }],
    ["HTTP://Svc:81/a/b?x=1#frag", { host: "svc", port: 81, path: "/a/b?x=1" }],
    ["svc?msg=hi", { host: "svc", port: 80, path: "/?msg=hi" }],
  ])("%s", (url, want) => expect(parseHttpUrl(url)).toEqual(want));

  it("refuses what curl refuses", () => {
    expect(() => parseHttpUrl("https://svc")).toThrow('curl: (1) Protocol "https" not supported');
    expect(() => parseHttpUrl("http://svc:70000")).toThrow("curl: (3) URL using bad/illegal format or missing URL");
  });
});
