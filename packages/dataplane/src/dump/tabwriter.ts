/**
 * Go's text/tabwriter, which every cilium-dbg table goes through. Cells are
 * tab-terminated; a column block is a run of consecutive lines that have a
 * cell in that column, and its width is max(minwidth, widest cell + padding).
 * The text after a line's last tab is not part of any column. A line
 * without tabs ends every open block (Go flushes there). Left-aligned, padded
 * with `padchar`; cells that end in a tab are padded even at the end of a
 * line, so Cilium's tables carry trailing spaces just like the real CLI.
 */

export interface TabwriterOptions {
  minwidth: number;
  padding: number;
  padchar?: string;
}

/** Formats `text` (lines separated by "\n") like a Go tabwriter.Writer with the given settings. */
export function tabwrite(text: string, opts: TabwriterOptions): string {
  const padchar = opts.padchar ?? " ";
  const endsWithNewline = text.endsWith("\n");
  const rawLines = (endsWithNewline ? text.slice(0, -1) : text).split("\n");
  const lines = rawLines.map((l) => l.split("\t"));
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    const line = lines[i];
    if (i === lines.length || (line !== undefined && line.length === 1)) {
      formatBlock(lines, start, i, [], opts, padchar, out);
      if (line !== undefined) out.push(line[0] ?? "");
      start = i + 1;
    }
  }
  return out.join("\n") + (endsWithNewline ? "\n" : "");
}

function formatBlock(
  lines: string[][],
  line0: number,
  line1: number,
  widths: number[],
  opts: TabwriterOptions,
  padchar: string,
  out: string[],
): void {
  const column = widths.length;
  let from = line0;
  for (let i = line0; i < line1; i++) {
    if (column >= (lines[i] as string[]).length - 1) continue;
    writeLines(lines, from, i, widths, padchar, out);
    from = i;
    let width = opts.minwidth;
    let j = i;
    for (; j < line1; j++) {
      const cells = lines[j] as string[];
      if (column >= cells.length - 1) break;
      const w = (cells[column] as string).length + opts.padding;
      if (w > width) width = w;
    }
    widths.push(width);
    formatBlock(lines, from, j, widths, opts, padchar, out);
    widths.pop();
    from = j;
    i = j - 1;
  }
  writeLines(lines, from, line1, widths, padchar, out);
}

function writeLines(lines: string[][], from: number, to: number, widths: number[], padchar: string, out: string[]): void {
  for (let i = from; i < to; i++) {
    const cells = lines[i] as string[];
    let s = "";
    for (let j = 0; j < cells.length; j++) {
      const cell = cells[j] as string;
      const w = widths[j];
      if (j < cells.length - 1 && w !== undefined) s += cell + padchar.repeat(Math.max(0, w - cell.length));
      else s += cell;
    }
    out.push(s);
  }
}
