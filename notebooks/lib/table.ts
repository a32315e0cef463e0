// Tables for the notebooks, as Markdown so Jupyter renders them and the
// committed notebook stays readable as text.

export type Cell = string | number | boolean | null | undefined;

function escape(value: Cell): string {
  const s = value === null || value === undefined ? "" : String(value);
  return s.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** A Markdown table with the given column headers, one row per array. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const line = (cells: readonly Cell[]) => `| ${cells.map(escape).join(" | ")} |`;
  return [line(headers), `|${headers.map(() => " --- ").join("|")}|`, ...rows.map(line)].join("\n");
}
