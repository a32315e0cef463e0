import { describe, expect, it } from "vitest";
import { barChart, lineChart } from "./charts";

const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

describe("charts", () => {
  it("renders a grouped bar chart with title, axis titles and a legend", async () => {
    const svg = await barChart({
      title: "Requests per pod",
      subtitle: "two setups",
      data: [
        { pod: "a", requests: 3, setup: "None" },
        { pod: "a", requests: 5, setup: "ClientIP, one NAT address" },
        { pod: "b", requests: 4, setup: "None" },
      ],
      x: { field: "pod", title: "pod" },
      y: { field: "requests", title: "requests served" },
      color: { field: "setup", title: "sessionAffinity" },
    });
    expect(svg.startsWith("<svg")).toBe(true);
    expect(texts(svg)).toEqual(
      expect.arrayContaining(["Requests per pod", "two setups", "pod", "requests served", "sessionAffinity", "None", "ClientIP, one NAT address"]),
    );
    expect(svg.match(/<path[^>]*role-mark|class="mark-rect/g)?.length ?? 0).toBeGreaterThan(0);
  });

  it("renders the same SVG for the same data", async () => {
    const options = {
      title: "Hit rate",
      data: [
        { clients: 16, rate: 1, map: "64" },
        { clients: 80, rate: 0, map: "64" },
      ],
      x: { field: "clients", title: "clients" },
      y: { field: "rate", title: "hit rate", format: "%" },
      color: { field: "map", title: "entries" },
    };
    const first = await lineChart(options);
    expect(await lineChart(options)).toBe(first);
    expect(texts(first)).toEqual(expect.arrayContaining(["Hit rate", "clients", "hit rate", "100%", "0%", "entries", "64"]));
  });
});
