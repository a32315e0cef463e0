// Charts for the notebooks. A small Vega-Lite spec is compiled by vega-lite and
// rendered to SVG by Vega's headless View (renderer "none" needs neither a
// browser nor a canvas), so every chart is saved inside the notebook as plain
// SVG text and re-execution reproduces it byte for byte.
//
// vega 5 / vega-lite 5 rather than 6: tslab compiles `import` to `require`,
// and the 6.x majors are ESM-only.
import * as vega from "vega";
import * as vl from "vega-lite";

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
            color: { field: color.field, title: color.title, type: "nominal", sort: null, legend: LEGEND },
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
      ...(color ? { color: { field: color.field, title: color.title, type: "nominal", sort: null, legend: LEGEND } } : {}),
    },
  });
}

/** Legend labels are cut at 160 px by default; the notebooks' labels are short sentences. */
const LEGEND = { labelLimit: 320 };

function frame(options: ChartOptions) {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: options.subtitle ? { text: options.title, subtitle: options.subtitle } : options.title,
    width: options.width ?? 420,
    height: options.height ?? 240,
    data: { values: options.data },
  };
}

function axisFormat(channel: Channel) {
  return channel.format ? { format: channel.format } : {};
}
