// A few SVG primitives for the diagrams, written as text so a diagram is
// plain, diffable SVG that resvg and every browser draw the same way.
import { FONT_FAMILY } from "./png";

const escapeXml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

type Attrs = Record<string, string | number | undefined>;

function attrs(a: Attrs): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join("");
}

export function el(tag: string, a: Attrs, ...children: string[]): string {
  return children.length === 0 ? `<${tag}${attrs(a)}/>` : `<${tag}${attrs(a)}>${children.join("")}</${tag}>`;
}

export interface TextStyle {
  size?: number;
  weight?: "normal" | "bold";
  fill?: string;
  anchor?: "start" | "middle" | "end";
}

export function text(x: number, y: number, content: string, style: TextStyle = {}): string {
  return el(
    "text",
    { x, y, "font-size": style.size ?? 13, "font-weight": style.weight === "bold" ? "bold" : undefined, fill: style.fill ?? "#1f2937", "text-anchor": style.anchor },
    escapeXml(content),
  );
}

export function box(x: number, y: number, width: number, height: number, fill: string, stroke: string, strokeWidth = 1.2): string {
  return el("rect", { x, y, width, height, rx: 6, fill, stroke, "stroke-width": strokeWidth });
}

/** A straight arrow from one point to another, with an optional label at its middle. */
export function arrow(x1: number, y1: number, x2: number, y2: number, color: string, label?: string, dashed = false): string {
  const line = el("line", { x1, y1, x2, y2, stroke: color, "stroke-width": 2, "marker-end": `url(#head-${color.slice(1)})`, "stroke-dasharray": dashed ? "6 4" : undefined });
  if (label === undefined) return line;
  const [mx, my] = [(x1 + x2) / 2, (y1 + y2) / 2];
  return line + el("rect", { x: mx - label.length * 3.6 - 4, y: my - 10, width: label.length * 7.2 + 8, height: 17, rx: 3, fill: "white", opacity: 0.9 }) + text(mx, my + 3, label, { size: 12, fill: color, anchor: "middle" });
}

/** A whole SVG document: white background, title and subtitle, arrowheads for the given colours. */
export function document(width: number, height: number, title: string, subtitle: string | undefined, colors: readonly string[], body: string): string {
  const heads = colors.map((c) =>
    el("marker", { id: `head-${c.slice(1)}`, viewBox: "0 0 10 10", refX: 9, refY: 5, markerUnits: "userSpaceOnUse", markerWidth: 11, markerHeight: 11, orient: "auto-start-reverse" }, el("path", { d: "M0,0 L10,5 L0,10 z", fill: c })),
  );
  return el(
    "svg",
    { xmlns: "http://www.w3.org/2000/svg", width, height, viewBox: `0 0 ${width} ${height}`, "font-family": `${FONT_FAMILY}, sans-serif` },
    el("defs", {}, ...heads),
    el("rect", { width, height, fill: "white" }),
    text(20, 30, title, { size: 18, weight: "bold" }),
    subtitle === undefined ? "" : text(20, 52, subtitle, { size: 13, fill: "#4b5563" }),
    body,
  );
}
