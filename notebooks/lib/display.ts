// What the notebooks display. Each table and picture is one output carrying
// several forms, and every viewer shows the best one it can: Markdown or SVG
// where the notebook is trusted, the PNG copy where SVG is dropped (untrusted
// Notebook 6.4, Debian's nbconvert HTML), plain text in a terminal or a diff.
//
// tslab's own `display.*` sends one MIME type per output, so a bundle goes
// through the kernel's display-data writer that those functions use.
import * as jupyter from "tslab/dist/jupyter";
import { svgToPng } from "./png";
import { markdownTable, textTable, type Cell } from "./table";

export type Bundle = Record<string, string>;

/** Sends one output with all the bundle's forms (only inside a tslab kernel). */
export function display(bundle: Bundle): void {
  const write = jupyter.lastWriteDisplayData;
  if (write === null) throw new Error("display() works inside a running tslab kernel only");
  write({ data: bundle, metadata: {}, transient: {} }, false);
}

/** A table as Markdown and as aligned plain text. */
export function tableBundle(headers: readonly string[], rows: readonly (readonly Cell[])[]): Bundle {
  return { "text/markdown": markdownTable(headers, rows), "text/plain": textTable(headers, rows) };
}

/** A picture as SVG, its PNG copy (base64, as nbformat stores it) and a one-line text description. */
export function pictureBundle(svg: string, description: string): Bundle {
  return { "image/svg+xml": svg, "image/png": Buffer.from(svgToPng(svg)).toString("base64"), "text/plain": description };
}

export function showTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): void {
  display(tableBundle(headers, rows));
}

export function showPicture(svg: string, description: string): void {
  display(pictureBundle(svg, description));
}
