// The rendered notebooks in headless Chromium: every picture present and not
// blank, on the page and in its screenshot. SCREENSHOTS_DIR keeps the shots.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { checkRenderedNotebooks } from "./screenshots.mjs";

const { Resvg } = createRequire(import.meta.url)("@resvg/resvg-js");
const png = (svg) => Buffer.from(new Resvg(svg, { font: { loadSystemFonts: false } }).render().asPng()).toString("base64");
const output = (base64) => `<div class="jp-OutputArea-output"><img src="data:image/png;base64,${base64}"></div>`;

test("every rendered notebook shows each of its pictures, none blank", async () => {
  const out = process.env.SCREENSHOTS_DIR ?? mkdtempSync(join(tmpdir(), "svclab-screenshots-"));
  try {
    const report = await checkRenderedNotebooks(out);
    assert.ok(report.length >= 4, `${report.length} rendered notebooks`);
    for (const page of report) {
      assert.deepEqual(page.problems, [], page.page);
      assert.ok(page.pictures >= 2, `${page.page} has ${page.pictures} pictures`);
    }
  } finally {
    if (!process.env.SCREENSHOTS_DIR) rmSync(out, { recursive: true, force: true });
  }
});

test("a blank image and a missing picture are reported", async () => {
  const pages = mkdtempSync(join(tmpdir(), "svclab-pages-"));
  const out = mkdtempSync(join(tmpdir(), "svclab-screenshots-"));
  try {
    const blank = png(`<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80"><rect width="200" height="80" fill="white"/></svg>`);
    const drawn = png(`<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80"><rect width="200" height="80" fill="white"/><rect x="20" y="20" width="120" height="30" fill="#2563eb"/><circle cx="170" cy="40" r="20" fill="#15803d"/></svg>`);
    writeFileSync(join(pages, "a.html"), `<html><body>${output(drawn)}${output(blank)}</body></html>`);
    const [report] = await checkRenderedNotebooks(out, { pagesDir: pages, expectedPictures: () => 3 });
    assert.deepEqual(report.problems, ["2 images on the page, the notebook has 3 pictures", "picture 2: the image is blank (1 colours)", "picture 2: blank in the screenshot"]);
  } finally {
    rmSync(pages, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});
