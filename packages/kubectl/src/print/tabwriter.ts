/**
 * Go's text/tabwriter (flags 0, pad char ' '), which every kubectl table and
 * describe output goes through. Its alignment rules are subtle — a column is
 * aligned only over consecutive lines that have a cell in it, and the text
 * after a line's last tab is never padded — so it is ported rather than
 * approximated: column widths decide whether transcripts match byte for byte.
 */

interface Cell {
  readonly text: string;
  readonly width: number;
}

/** Formats `text` (cells separated by '\t', lines by '\n') like tabwriter.Writer + Flush. */
export function tabwrite(text: string, opts: { minwidth?: number; padding: number }): string {
  const minwidth = opts.minwidth ?? 0;
  const lines: Cell[][] = text.split("\n").map((line) =>
    line.split("\t").map((t) => ({ text: t, width: [...t].length })),
  );
  // A trailing newline leaves one empty last line, which Go never prints.
  const trailingNewline = text.endsWith("\n");
  if (trailingNewline) lines.pop();
  const widths: number[] = [];
  let out = "";

  const writeLines = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      const line = lines[i] as Cell[];
      line.forEach((c, j) => {
        out += c.text;
        const w = widths[j];
        if (j < widths.length && w !== undefined && j < line.length - 1) out += " ".repeat(Math.max(0, w - c.width));
      });
      if (i + 1 < lines.length || trailingNewline) out += "\n";
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    let start = line0;
    for (let i = line0; i < line1; i++) {
      if (column >= (lines[i] as Cell[]).length - 1) continue;
      // A block of consecutive lines with a cell in this column starts here.
      writeLines(start, i);
      start = i;
      let width = minwidth;
      for (; i < line1; i++) {
        const line = lines[i] as Cell[];
        if (column >= line.length - 1) break;
        width = Math.max(width, (line[column] as Cell).width + opts.padding);
      }
      widths.push(width);
      format(start, i);
      widths.pop();
      start = i;
      i--;
    }
    writeLines(start, line1);
  };

  format(0, lines.length);
  return out;
}
