import { describe, expect, it } from "vitest";
import { pictureOutput, tableOutput } from "./display";
import { document } from "./svg";

describe("outputs", () => {
  it("carries a table as Markdown and as plain text", () => {
    const { data } = tableOutput(["pod", "requests"], [["a", 3]]);
    expect(Object.keys(data).sort()).toEqual(["text/markdown", "text/plain"]);
    expect(data["text/plain"]).toBe("pod   requests\na     3");
  });

  it("carries a picture as SVG, a PNG of it shown at the SVG's size, and a description", () => {
    const svg = document(300, 120, "세션 어피니티 🔔", "a subtitle", [], "");
    const { data, metadata } = pictureOutput(svg, "a test picture");
    expect(data["image/svg+xml"]).toBe(svg);
    expect(data["text/plain"]).toBe("a test picture");
    const png = Buffer.from(data["image/png"] ?? "", "base64");
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    // IHDR: width and height at 1.5 times the SVG's size.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([450, 180]);
    expect(metadata).toEqual({ "image/png": { width: 300, height: 120 } });
  });
});
