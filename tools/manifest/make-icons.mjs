#!/usr/bin/env node
// Generates the Teams app icons (committed: manifest/color.png 192×192 and manifest/outline.png 32×32).
//   node tools/manifest/make-icons.mjs        (or: npm run icons)
// The glyph is a speech bubble holding three lines of text: a weekly note. Colour icon: white glyph on the accent
// colour, full bleed. Outline icon: the same glyph in pure white on a transparent background, as Teams requires.
// Shapes are drawn with 8×8 supersampling for smooth edges.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { encodePng } from "./png.mjs";

export const ACCENT = "#1F6F78";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function roundedRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function triangle(x, y, [ax, ay], [bx, by], [cx, cy]) {
  const s = (px, py, qx, qy, rx, ry) => (px - rx) * (qy - ry) - (qx - rx) * (py - ry);
  const d1 = s(x, y, ax, ay, bx, by), d2 = s(x, y, bx, by, cx, cy), d3 = s(x, y, cx, cy, ax, ay);
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
}

/** Glyph in a unit box: true where the glyph is solid. */
function glyph(x, y) {
  const bubble = roundedRect(x, y, 0.0, 0.06, 1.0, 0.74, 0.16) || triangle(x, y, [0.2, 0.7], [0.2, 0.98], [0.48, 0.7]);
  if (!bubble) return false;
  const lines = [[0.18, 0.82, 0.2], [0.18, 0.72, 0.37], [0.18, 0.56, 0.54]];
  return !lines.some(([x0, x1, y0]) => roundedRect(x, y, x0, y0, x1, y0 + 0.085, 0.0425));
}

function render(size, { pad, background, foreground }) {
  const rgba = new Uint8Array(size * size * 4);
  const n = 8;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const u = ((px + (sx + 0.5) / n) / size - pad) / (1 - 2 * pad);
          const v = ((py + (sy + 0.5) / n) / size - pad) / (1 - 2 * pad);
          if (glyph(u, v)) hits++;
        }
      }
      const cover = hits / (n * n);
      const i = (py * size + px) * 4;
      if (background) {
        for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(background[c] * (1 - cover) + foreground[c] * cover);
        rgba[i + 3] = 255;
      } else {
        rgba.set([255, 255, 255, Math.round(255 * cover)], i);
      }
    }
  }
  return rgba;
}

const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));

export function makeIcons(outDir = path.join(root, "manifest")) {
  const color = encodePng(192, 192, render(192, { pad: 0.22, background: hex(ACCENT), foreground: [255, 255, 255] }));
  const outline = encodePng(32, 32, render(32, { pad: 0.06 }));
  writeFileSync(path.join(outDir, "color.png"), color);
  writeFileSync(path.join(outDir, "outline.png"), outline);
  return { color: color.length, outline: outline.length };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const sizes = makeIcons();
  console.log(`wrote manifest/color.png (${sizes.color} bytes) and manifest/outline.png (${sizes.outline} bytes)`);
}
