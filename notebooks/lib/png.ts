// PNG copies of the notebooks' SVG pictures. Untrusted notebooks (Notebook
// 6.4 drops SVG from them), Debian's `nbconvert --to html` (it strips SVG)
// and some viewers show only raster images, so every picture carries both.
//
// resvg renders in-process, deterministically, with exactly the fonts listed
// here and no system font lookup, so the same SVG always gives the same bytes
// on machines with the same font packages. Nanum Gothic (TrueType outlines)
// rather than Noto Sans CJK: resvg lays out a picture with the CJK collection's
// CFF outlines ten times slower. resvg-js 2.6 cannot draw colour bitmap emoji
// (Noto Color Emoji), hence Symbola's outline emoji for 🔔.
import { existsSync } from "node:fs";
import { Resvg } from "@resvg/resvg-js";

/** The font files the pictures are drawn with: Korean and Latin (Nanum Gothic), emoji (Symbola). */
export const FONT_FILES = [
  "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
  "/usr/share/fonts/truetype/nanum/NanumGothicBold.ttf",
  "/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",
];

/** The family every picture names first, so browsers and resvg pick the same face. */
export const FONT_FAMILY = "NanumGothic";

export const FONT_HINT =
  "The notebooks' pictures need Korean and emoji fonts: apt-get install -y --no-install-recommends fonts-nanum fonts-symbola";

/** Rasterises an SVG document at 1.5 times its size (sharp enough on high-density screens, small enough to commit). */
export function svgToPng(svg: string): Uint8Array {
  const missing = FONT_FILES.filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`${FONT_HINT}\n(missing: ${missing.join(", ")})`);
  const resvg = new Resvg(svg, {
    fitTo: { mode: "zoom", value: 1.5 },
    background: "white",
    font: { loadSystemFonts: false, fontFiles: FONT_FILES, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY, monospaceFamily: FONT_FAMILY },
  });
  return resvg.render().asPng();
}
