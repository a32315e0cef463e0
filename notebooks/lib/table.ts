// Tables for the notebooks: Markdown for Jupyter to render, and the same rows
// as aligned plain text for viewers that show text only.

export type Cell = string | number | boolean | null | undefined;

const text = (value: Cell): string => (value === null || value === undefined ? "" : String(value).replace(/\n/g, " "));

/** A Markdown table with the given column headers, one row per array. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const line = (cells: readonly Cell[]) => `| ${cells.map((c) => text(c).replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(headers), `|${headers.map(() => " --- ").join("|")}|`, ...rows.map(line)].join("\n");
}

// Hangul, CJK and emoji take two columns in a terminal's monospace font.
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1faff}]/u;
const columns = (s: string): number => [...s].reduce((n, ch) => n + (WIDE.test(ch) ? 2 : 1), 0);

/** The same table as columns padded to their widest cell, three spaces apart (kubectl's layout). */
export function textTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const all = [headers, ...rows].map((r) => r.map(text));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => columns(r[i] ?? ""))));
  return all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c + " ".repeat((widths[i] ?? 0) - columns(c)))).join("   ").trimEnd()).join("\n");
}
