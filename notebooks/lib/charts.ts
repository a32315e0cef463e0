// Charts for the notebooks. A small Vega-Lite spec is compiled by vega-lite and
// rendered to SVG by Vega's headless View (renderer "none" needs neither a
// browser nor a canvas), so every chart is saved inside the notebook as plain
// SVG text and re-execution reproduces it byte for byte; `showPicture` adds
// its PNG copy.
//
// vega 5 / vega-lite 5 rather than 6: tslab compiles `import` to `require`,
// and the 6.x majors are ESM-only.
import * as vega from "vega";
import * as vl from "vega-lite";
import { FONT_FAMILY } from "./png";

export type Row = Record<string, string | number>;

export interface Channel {
  field: string;
  title: string;
  /** d3-format string for numbers, e.g. "%" or ".0f". */
  format?: string;
}

export interface ChartOptions {
  title: string;
  subtitle?: string;
  data: Row[];
  x: Channel;
  y: Channel;
  /** One colour per value of this field, explained by a legend. */
  color?: Channel;
  width?: number;
  height?: number;
}

/** Renders a Vega-Lite spec to an SVG document. */
export async function toSvg(spec: vl.TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Bars per x category; with `color`, bars of one category stand side by side. */
export function barChart(options: ChartOptions): Promise<string> {
  const { x, y, color } = options;
  return toSvg({
    ...frame(options),
    mark: "bar",
    encoding: {
      // sort: null keeps the order of the rows, which the notebooks choose.
      x: { field: x.field, title: x.title, type: "nominal", sort: null, axis: { labelAngle: -30 } },
      y: { field: y.field, title: y.title, type: "quantitative", axis: axisFormat(y) },
      ...(color
        ? {
            xOffset: { field: color.field, type: "nominal", sort: null },
            color: { field: color.field, title: color.title, type: "nominal", sort: null },
          }
        : {}),
    },
  });
}

/** Points joined by lines over a quantitative x; one line per `color` value. */
export function lineChart(options: ChartOptions): Promise<string> {
  const { x, y, color } = options;
  return toSvg({
    ...frame(options),
    mark: { type: "line", point: true },
    encoding: {
      x: { field: x.field, title: x.title, type: "quantitative", axis: axisFormat(x) },
      y: { field: y.field, title: y.title, type: "quantitative", axis: axisFormat(y) },
      ...(color ? { color: { field: color.field, title: color.title, type: "nominal", sort: null } } : {}),
    },
  });
}


/** Readable type (Vega's defaults are 10-11 px) in the font the PNG copies are drawn with. */
export const CONFIG = {
  font: `${FONT_FAMILY}, sans-serif`,
  background: "white",
  padding: 12,
  title: { fontSize: 17, subtitleFontSize: 13, subtitleColor: "#4b5563", anchor: "start" as const, offset: 12 },
  axis: { labelFontSize: 12, titleFontSize: 13, titlePadding: 8 },
  legend: { labelFontSize: 12, titleFontSize: 13, labelLimit: 320 },
};

function frame(options: ChartOptions) {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: options.subtitle ? { text: options.title, subtitle: options.subtitle } : options.title,
    width: options.width ?? 480,
    height: options.height ?? 260,
    data: { values: options.data },
    config: CONFIG,
  };
}

export interface TimelineRequest {
  /** Seconds on the virtual clock. */
  at: number;
  pod: string;
  /** How the backend was chosen, shown by the point's shape: e.g. "affinity hit", "new choice". */
  how: string;
}

export interface TimelineOptions {
  title: string;
  subtitle?: string;
  requests: readonly TimelineRequest[];
  /** Spans where an affinity entry was valid, shaded. */
  windows: readonly { from: number; to: number }[];
  /** Moments marked with a vertical rule, labelled at the top left of the rule (an expiry). */
  expiries: readonly { at: number; label: string }[];
  /** Moments marked with a vertical rule, labelled at the bottom right of the rule (a patch). */
  events: readonly { at: number; label: string }[];
}

function rules(marks: readonly { at: number; label: string }[], align: "left" | "right", baseline: "top" | "bottom") {
  return {
    data: { values: marks.map((m) => ({ ...m })) },
    layer: [
      { mark: { type: "rule" as const, strokeDash: [5, 4], color: "#b91c1c", strokeWidth: 1.5 }, encoding: { x: { field: "at", type: "quantitative" as const } } },
      {
        mark: { type: "text" as const, align, dx: align === "left" ? 4 : -4, baseline, y: baseline === "top" ? 3 : { expr: "height - 3" }, color: "#b91c1c", fontSize: 12 },
        encoding: { x: { field: "at", type: "quantitative" as const }, text: { field: "label" } },
      },
    ],
  };
}

/** Request time against the pod that answered, affinity windows shaded, events marked. */
export function timeline(options: TimelineOptions): Promise<string> {
  const x = { field: "at", type: "quantitative" as const, title: "virtual time (s)", scale: { domainMin: 0 } };
  return toSvg({
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: options.subtitle ? { text: options.title, subtitle: options.subtitle } : options.title,
    width: 620,
    height: 200,
    config: CONFIG,
    layer: [
      {
        data: { values: options.windows.map((w) => ({ ...w, label: "affinity entry valid" })) },
        mark: { type: "rect", opacity: 0.18, stroke: "#2563eb", strokeOpacity: 0.6 },
        encoding: {
          x: { field: "from", type: "quantitative", title: "virtual time (s)" },
          x2: { field: "to" },
          color: { field: "label", type: "nominal", title: null, scale: { range: ["#2563eb"] }, legend: { orient: "bottom" } },
        },
      },
      rules(options.expiries, "right", "top"),
      rules(options.events, "left", "bottom"),
      {
        data: { values: options.requests.map((r) => ({ ...r })) },
        mark: { type: "point", filled: true, size: 140 },
        encoding: {
          x,
          y: { field: "pod", type: "nominal", title: "pod that answered", sort: null, axis: { labelLimit: 300 } },
          shape: { field: "how", type: "nominal", title: "backend chosen by", legend: { orient: "bottom" } },
          fill: { value: "#15803d" },
          stroke: { value: "#15803d" },
        },
      },
    ],
    resolve: { scale: { color: "independent" } },
  } as vl.TopLevelSpec);
}

function axisFormat(channel: Channel) {
  return channel.format ? { format: channel.format } : {};
}
