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

/** One output: its forms, and per form the display hints (an image's width and height in CSS pixels). */
export interface Output {
  data: Bundle;
  metadata: Record<string, Record<string, number>>;
}

/** Sends one output with all its forms (only inside a tslab kernel). */
export function display(output: Output): void {
  const write = jupyter.lastWriteDisplayData;
  if (write === null) throw new Error("display() works inside a running tslab kernel only");
  // tslab types metadata as strings only; Jupyter's display metadata nests (image sizes).
  write({ data: output.data, metadata: output.metadata as unknown as Record<string, string>, transient: {} }, false);
}

/** A table as Markdown and as aligned plain text. */
export function tableOutput(headers: readonly string[], rows: readonly (readonly Cell[])[]): Output {
  return { data: { "text/markdown": markdownTable(headers, rows), "text/plain": textTable(headers, rows) }, metadata: {} };
}

/**
 * A picture as SVG, its PNG copy (base64, as nbformat stores it) and a
 * one-line text description. The PNG is drawn at 1.5 times the SVG's size;
 * its width and height hints make viewers show it at the SVG's size.
 */
export function pictureOutput(svg: string, description: string): Output {
  const size = (name: string) => Number(new RegExp(`^<svg[^>]*?\\s${name}="(\\d+(?:\\.\\d+)?)"`).exec(svg)?.[1] ?? Number.NaN);
  const [width, height] = [size("width"), size("height")];
  return {
    data: { "image/svg+xml": svg, "image/png": Buffer.from(svgToPng(svg)).toString("base64"), "text/plain": description },
    metadata: Number.isFinite(width) && Number.isFinite(height) ? { "image/png": { width: Math.round(width), height: Math.round(height) } } : {},
  };
}

export function showTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): void {
  display(tableOutput(headers, rows));
}

export function showPicture(svg: string, description: string): void {
  display(pictureOutput(svg, description));
}
