#!/usr/bin/env node
// Opens each rendered notebook (docs/notebooks/*.html) in headless Chromium,
// Debian's `chromium` package, and checks what a reader sees: every picture
// of the notebook is an image that loaded, has pixels that are not all one
// colour, and is still so in a screenshot of the page at that place. The
// screenshots are written to a folder for people to look at.
//
//   node scripts/screenshots.mjs [--out dir]
//
// Chromium is driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: commands on fd 3, answers on fd 4), so no port is
// opened, and it runs with a fresh profile and no network services.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { docsDir } from "./render.mjs";
import { notebooksDir } from "./jupyter-env.mjs";

export const CHROMIUM_HINT = "Headless Chromium is needed for the screenshot test: apt-get install -y --no-install-recommends chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--remote-debugging-pipe",
];

/** The chromium command, or undefined when it is not installed. */
export function findChromium() {
  for (const name of ["chromium", "chromium-browser"]) {
    if (spawnSync(name, ["--version"], { encoding: "utf8" }).status === 0) return name;
  }
  return undefined;
}

/** A DevTools protocol connection to a Chromium it starts; `close()` ends that Chromium. */
async function launch(command, timeoutMs) {
  const profile = mkdtempSync(join(tmpdir(), "svclab-chromium-"));
  const browser = spawn(command, [...FLAGS, `--user-data-dir=${profile}`, "about:blank"], { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
  const pending = new Map();
  const listeners = [];
  let nextId = 1;
  let buffer = "";
  let stderr = "";
  browser.stderr.on("data", (d) => (stderr += d));
  browser.stdio[4].on("data", (chunk) => {
    buffer += chunk.toString("utf8");
    let end;
    while ((end = buffer.indexOf("\0")) >= 0) {
      const message = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      if (message.id !== undefined && pending.has(message.id)) {
        const { resolve, reject } = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) reject(new Error(`${message.error.message} (${message.error.code})`));
        else resolve(message.result);
      } else {
        for (const listener of [...listeners]) listener(message);
      }
    }
  });
  const exited = new Promise((resolve) => browser.on("exit", resolve));
  const timer = setTimeout(() => browser.kill("SIGKILL"), timeoutMs);
  exited.then(() => {
    for (const { reject } of pending.values()) reject(new Error(`chromium exited: ${stderr.trim().split("\n").slice(-3).join(" | ")}`));
    pending.clear();
  });
  const send = (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      browser.stdio[3].write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  const once = (method, sessionId) =>
    new Promise((resolve) => {
      const listener = (m) => {
        if (m.method === method && m.sessionId === sessionId) {
          listeners.splice(listeners.indexOf(listener), 1);
          resolve(m.params);
        }
      };
      listeners.push(listener);
    });
  const close = async () => {
    clearTimeout(timer);
    if (browser.exitCode === null) {
      send("Browser.close").catch(() => undefined);
      const quit = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
      if (!quit) browser.kill("SIGKILL");
      await exited;
    }
    rmSync(profile, { recursive: true, force: true });
  };
  return { send, once, close };
}

// Runs in the page: every output image, where it is, and whether its pixels vary.
const MEASURE = `(async () => {
  const images = [...document.querySelectorAll(".jp-OutputArea-output img")];
  const out = [];
  for (const img of images) {
    try { await img.decode(); } catch {}
    img.scrollIntoView();
    const r = img.getBoundingClientRect();
    const c = document.createElement("canvas");
    c.width = img.naturalWidth; c.height = img.naturalHeight;
    const g = c.getContext("2d");
    let distinct = 0, inked = 0;
    if (c.width > 0 && c.height > 0) {
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      for (let i = 0; i < d.length; i += 4 * 7) {
        seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        if (d[i] < 200 || d[i + 1] < 200 || d[i + 2] < 200) inked++;
      }
      distinct = seen.size;
      inked = inked / (d.length / 28);
    }
    out.push({ naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, x: r.left + scrollX, y: r.top + scrollY, width: r.width, height: r.height, distinct, inked });
  }
  const blankSvg = [...document.querySelectorAll(".jp-RenderedSVG")].filter((e) => !e.querySelector("svg *")).length;
  return JSON.stringify({ images: out, blankSvg, title: document.title });
})()`;

// Runs in the page: how a screenshot (base64 PNG) looks, by the same measure.
const MEASURE_SHOT = (base64) => `(async () => {
  const img = new Image();
  img.src = "data:image/png;base64,${base64}";
  await img.decode();
  const c = document.createElement("canvas");
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext("2d");
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  const seen = new Set();
  for (let i = 0; i < d.length; i += 4 * 7) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  return seen.size;
})()`;

/** How many pictures (outputs with a PNG) a notebook has. */
export function picturesIn(notebookFile) {
  const nb = JSON.parse(readFileSync(notebookFile, "utf8"));
  return nb.cells.flatMap((c) => c.outputs ?? []).filter((o) => o.data?.["image/png"] !== undefined).length;
}

/**
 * Opens every page of `pagesDir` (docs/notebooks/*.html), measures its
 * pictures and screenshots each into `outDir`. Returns per page the number of
 * pictures and the problems found (none when all is well).
 */
export async function checkRenderedNotebooks(
  outDir,
  {
    chromium = findChromium(),
    timeoutMs = 120_000,
    pagesDir = docsDir,
    expectedPictures = (page) => picturesIn(join(notebooksDir, page.replace(/\.html$/, ".ipynb"))),
  } = {},
) {
  if (chromium === undefined) throw new Error(CHROMIUM_HINT);
  mkdirSync(outDir, { recursive: true });
  const pages = readdirSync(pagesDir).filter((n) => n.endsWith(".html")).sort();
  const cdp = await launch(chromium, timeoutMs);
  const report = [];
  try {
    const { targetId } = await cdp.send("Target.createTarget", { url: "about:blank" });
    const { sessionId } = await cdp.send("Target.attachToTarget", { targetId, flatten: true });
    const page = (method, params) => cdp.send(method, params, sessionId);
    await page("Page.enable");
    await page("Emulation.setDeviceMetricsOverride", { width: 1280, height: 1000, deviceScaleFactor: 1, mobile: false });
    for (const name of pages) {
      const problems = [];
      const loaded = cdp.once("Page.loadEventFired", sessionId);
      await page("Page.navigate", { url: pathToFileURL(join(pagesDir, name)).href });
      await loaded;
      const stem = name.replace(/\.html$/, "");
      const top = await page("Page.captureScreenshot", { format: "png" });
      writeFileSync(join(outDir, `${stem}-page.png`), Buffer.from(top.data, "base64"));
      const { result } = await page("Runtime.evaluate", { expression: MEASURE, awaitPromise: true, returnByValue: true });
      const measured = JSON.parse(result.value);
      const expected = expectedPictures(name);
      if (measured.images.length !== expected) problems.push(`${measured.images.length} images on the page, the notebook has ${expected} pictures`);
      if (measured.blankSvg > 0) problems.push(`${measured.blankSvg} SVG outputs rendered blank`);
      for (const [i, img] of measured.images.entries()) {
        const where = `picture ${i + 1}`;
        if (img.naturalWidth === 0 || img.width === 0) {
          problems.push(`${where}: the image did not load`);
          continue;
        }
        if (img.distinct < 3 || img.inked < 0.005) problems.push(`${where}: the image is blank (${img.distinct} colours)`);
        const shot = await page("Page.captureScreenshot", { format: "png", captureBeyondViewport: true, clip: { x: img.x, y: img.y, width: img.width, height: img.height, scale: 1 } });
        writeFileSync(join(outDir, `${stem}-${String(i + 1).padStart(2, "0")}.png`), Buffer.from(shot.data, "base64"));
        const colours = await page("Runtime.evaluate", { expression: MEASURE_SHOT(shot.data), awaitPromise: true, returnByValue: true });
        if (colours.result.value < 3) problems.push(`${where}: blank in the screenshot`);
      }
      report.push({ page: name, pictures: measured.images.length, problems });
    }
  } finally {
    await cdp.close();
  }
  return report;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf("--out");
  const outDir = at > 0 ? process.argv[at + 1] : mkdtempSync(join(tmpdir(), "svclab-screenshots-"));
  const report = await checkRenderedNotebooks(outDir).catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
  let failed = false;
  for (const r of report) {
    console.log(`${r.problems.length === 0 ? "ok     " : "FAILED "} ${r.page}: ${r.pictures} pictures`);
    for (const p of r.problems) console.error(`  ${p}`);
    failed ||= r.problems.length > 0;
  }
  console.log(`screenshots in ${outDir}`);
  process.exit(failed ? 1 : 0);
}
