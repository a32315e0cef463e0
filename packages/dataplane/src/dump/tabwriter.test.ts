import { describe, expect, it } from "vitest";
import { tabwrite } from "./tabwriter";

const cilium = { minwidth: 5, padding: 3 };

describe("tabwrite (Go text/tabwriter)", () => {
  it("pads every tab-terminated cell to the column width, trailing ones included", () => {
    const text = "ID\tFrontend\tService Type\tBackend\t\n" + "1\t10.96.0.1:443/TCP\tClusterIP\t1 => 172.18.0.2:6443/TCP (active)\t\n";
    expect(tabwrite(text, cilium)).toBe(
      "ID   Frontend            Service Type   Backend" + " ".repeat(29) + "\n" +
        "1    10.96.0.1:443/TCP   ClusterIP      1 => 172.18.0.2:6443/TCP (active)   \n",
    );
  });

  it("does not pad the text after the last tab", () => {
    expect(tabwrite("a\tb\nccc\td\n", { minwidth: 0, padding: 1 })).toBe("a   b\nccc d\n");
  });

  it("starts a new column block after a line with fewer cells", () => {
    const text = "a\tb\t\nlonger\t\nx\ty\t\n";
    // Column 0 spans all three lines; column 1 is two separate blocks.
    expect(tabwrite(text, { minwidth: 0, padding: 1 })).toBe("a      b \nlonger \nx      y \n");
  });

  it("ends every block at a line without tabs", () => {
    expect(tabwrite("a\tb\nheader\nlongcell\tc\n", { minwidth: 0, padding: 1 })).toBe("a b\nheader\nlongcell c\n");
  });
});
