/**
 * The one font of the label module: Noto Sans SC (OFL), regular and bold, from
 * @expo-google-fonts/noto-sans-sc. The PDF renderer embeds it, the ZPL renderer rasterises it
 * and the layout measures text with it, so text wraps the same way in every format.
 *
 * The TTF files are ~10 MB each: they are read and parsed once per process (lazily, on first
 * use) and the parsed fontkit objects are shared: pdfkit accepts a parsed fontkit font, which
 * is what makes one-document-per-label PDFs affordable.
 */
import fs from 'node:fs';
import path from 'node:path';

/** The part of fontkit's API used here (fontkit ships no type declarations). */
export interface FkPathCommand {
  command: 'moveTo' | 'lineTo' | 'quadraticCurveTo' | 'bezierCurveTo' | 'closePath';
  args: number[];
}
export interface FkGlyph {
  id: number;
  advanceWidth: number;
  path: { commands: FkPathCommand[] };
}
export interface FkFont {
  unitsPerEm: number;
  postscriptName: string;
  glyphForCodePoint(codePoint: number): FkGlyph;
  hasGlyphForCodePoint(codePoint: number): boolean;
}
// pdfkit depends on fontkit, so it is resolvable; pdfkit's own copy is the same module.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const fontkit = require('fontkit') as { create(data: Uint8Array): FkFont };

export type Weight = 'regular' | 'bold';

/**
 * Where the em box sits: Noto CJK fonts draw ideographs in a 1-em square whose top is 0.88 em
 * above the baseline (OS/2 typoAscender 880 of 1000). A text element's yMm is the top of that
 * square, so its baseline is yMm + EM_ASCENT * size in every renderer.
 */
export const EM_ASCENT = 0.88;

const FILES: Record<Weight, string> = {
  regular: '400Regular/NotoSansSC_400Regular.ttf',
  bold: '700Bold/NotoSansSC_700Bold.ttf',
};

const bytes = new Map<Weight, Buffer>();
const fonts = new Map<Weight, FkFont>();
const advances: Record<Weight, Map<number, number>> = { regular: new Map(), bold: new Map() };
const glyphs: Record<Weight, Map<number, FkGlyph>> = { regular: new Map(), bold: new Map() };

function fontDir(): string {
  return path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
}

/** The TTF bytes (read once per process). */
export function fontBytes(weight: Weight): Buffer {
  let b = bytes.get(weight);
  if (!b) {
    b = fs.readFileSync(path.join(fontDir(), FILES[weight]));
    bytes.set(weight, b);
  }
  return b;
}

/** The parsed font (parsed once per process; fontkit parses tables lazily and caches glyphs). */
export function getFont(weight: Weight): FkFont {
  let f = fonts.get(weight);
  if (!f) {
    f = fontkit.create(fontBytes(weight));
    fonts.set(weight, f);
  }
  return f;
}

/** The glyph for a code point, cached (fontkit's cmap lookup is not free in a 30,000-glyph font). */
export function glyphFor(codePoint: number, weight: Weight): FkGlyph {
  const cache = glyphs[weight];
  let g = cache.get(codePoint);
  if (!g) {
    g = getFont(weight).glyphForCodePoint(codePoint);
    cache.set(codePoint, g);
  }
  return g;
}

/** True when the font can draw the code point (emoji and most symbols outside CJK/Latin cannot). */
export function hasGlyph(codePoint: number, weight: Weight = 'regular'): boolean {
  return glyphFor(codePoint, weight).id !== 0;
}

/**
 * Advance width of one code point in em. A code point the font lacks is measured as 1 em:
 * renderers replace it with '?', which is narrower, so a line measured this way always fits.
 */
export function advanceEm(codePoint: number, weight: Weight = 'regular'): number {
  const cache = advances[weight];
  let a = cache.get(codePoint);
  if (a === undefined) {
    const g = glyphFor(codePoint, weight);
    a = g.id === 0 ? 1 : g.advanceWidth / getFont(weight).unitsPerEm;
    cache.set(codePoint, a);
  }
  return a;
}

/** Width of a string in em (sum of advances; no kerning, which CJK text does not use). */
export function textWidthEm(text: string, weight: Weight = 'regular'): number {
  let w = 0;
  for (const ch of text) w += advanceEm(ch.codePointAt(0)!, weight);
  return w;
}
