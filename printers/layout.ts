/**
 * Layout of the label model: text wrapping (measured with the same Noto Sans SC metrics the PDF
 * and ZPL renderers draw with, so every format breaks lines at the same places), the area each
 * element covers, and validation (inside the label, barcode data valid, quiet zones white).
 */
import { isValidGtin } from './barcode-check';
import { code128Problem } from './code128';
import { textWidthEm, type Weight } from './font';
import {
  barcodeRect,
  DEFAULT_LINE_HEIGHT,
  moduleDots,
  qrVersion,
  quietZoneRect,
  type Align,
  type BarcodeElement,
  type Label,
  type LabelElement,
  type Rect,
  type TextElement,
} from './label';

export interface TextLine {
  text: string;
  /** Left edge of this line after alignment, measured with Noto Sans SC. */
  xMm: number;
  /** Top of this line's em box. */
  yMm: number;
  widthMm: number;
}
export interface TextLayout {
  lines: TextLine[];
  sizeMm: number;
  lineHeightMm: number;
  /** The box lines are aligned in (renderers with other fonts re-align within it). */
  boxXMm: number;
  boxWidthMm: number;
  align: Align;
  weight: Weight;
  /** True when text was cut to maxLines (the last line ends in '…'). */
  truncated: boolean;
}

const ELLIPSIS = '…';
// Closing punctuation must not start a line and opening punctuation must not end one (the
// basic rule of Chinese line breaking); they travel with their neighbour.
const NO_LINE_START = new Set([...'，。、；：？！）》」』】〕〉”’…,.;:!?)]}%·～—']);
const NO_LINE_END = new Set([...'（《「『【〔〈“‘([{']);

/** Characters that may break anywhere (ideographs, kana, hangul, fullwidth forms, CJK punctuation). */
function isCjk(cp: number): boolean {
  return (
    (cp >= 0x2e80 && cp <= 0x9fff) ||
    (cp >= 0xac00 && cp <= 0xd7af) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xffef) ||
    (cp >= 0x20000 && cp <= 0x3ffff)
  );
}

/** Split a paragraph into unbreakable tokens: a Latin word, one CJK character, or a space. */
function tokenize(paragraph: string): string[] {
  const tokens: string[] = [];
  let word = '';
  let prefix = '';
  const push = (t: string) => {
    if (!t) return;
    if (NO_LINE_START.has([...t][0]) && tokens.length && tokens[tokens.length - 1] !== ' ') tokens[tokens.length - 1] += t;
    else tokens.push(t);
  };
  for (const ch of paragraph) {
    const cp = ch.codePointAt(0)!;
    if (ch === ' ' || ch === '\t' || ch === '\u3000') {
      push(prefix + word);
      word = prefix = '';
      tokens.push(' ');
    } else if (NO_LINE_END.has(ch) && cp > 0x7f) {
      push(prefix + word);
      word = '';
      prefix = ch;
    } else if (isCjk(cp) || (NO_LINE_START.has(ch) && cp > 0x7f)) {
      // (ASCII punctuation stays inside its Latin word: "3.5kg" must not break after the dot)
      push(prefix + word);
      word = '';
      push(prefix + ch);
      prefix = '';
    } else {
      word += ch;
    }
  }
  push(prefix + word);
  return tokens;
}

/** Greedy line filling; a token wider than the line is broken between characters. */
function wrap(text: string, maxEm: number, weight: Weight): string[] {
  const lines: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').split('\n')) {
    let line = '';
    for (const token of tokenize(paragraph)) {
      if (token === ' ') {
        if (line) line += ' ';
        continue;
      }
      if (textWidthEm(line + token, weight) <= maxEm) {
        line += token;
        continue;
      }
      if (line.trim()) lines.push(line.trimEnd());
      line = '';
      for (const ch of token) {
        if (line && textWidthEm(line + ch, weight) > maxEm) {
          lines.push(line);
          line = '';
        }
        line += ch;
      }
    }
    lines.push(line.trimEnd());
  }
  // A text that is only blank lines still occupies its first line.
  while (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function truncateWithEllipsis(line: string, maxEm: number, weight: Weight): string {
  const chars = [...line];
  while (chars.length && textWidthEm(chars.join('') + ELLIPSIS, weight) > maxEm) chars.pop();
  return chars.join('').trimEnd() + ELLIPSIS;
}

const layoutCache = new WeakMap<TextElement, { labelWidthMm: number; layout: TextLayout }>();

/** Lines, size and positions of a text element (cached per element object: elements are not to be changed once laid out). */
export function layoutText(el: TextElement, labelWidthMm: number): TextLayout {
  const cached = layoutCache.get(el);
  if (cached && cached.labelWidthMm === labelWidthMm) return cached.layout;
  const weight: Weight = el.bold ? 'bold' : 'regular';
  const boxWidthMm = el.maxWidthMm ?? Math.max(0, labelWidthMm - el.xMm);
  const maxLines = Math.max(1, Math.floor(el.maxLines ?? 1));
  const align = el.align ?? 'left';
  let sizeMm = el.sizeMm;
  let raw = wrap(el.text, boxWidthMm / sizeMm, weight);
  if (el.overflow === 'shrink' && raw.length > maxLines) {
    const minSize = el.minSizeMm ?? el.sizeMm * 0.6;
    // 4 % steps: fine enough that the result is close to the largest size that fits.
    for (let s = el.sizeMm * 0.96; s >= minSize - 1e-9; s *= 0.96) {
      sizeMm = s;
      raw = wrap(el.text, boxWidthMm / sizeMm, weight);
      if (raw.length <= maxLines) break;
    }
  }
  const maxEm = boxWidthMm / sizeMm;
  let truncated = false;
  if (raw.length > maxLines) {
    raw = raw.slice(0, maxLines);
    raw[maxLines - 1] = truncateWithEllipsis(raw[maxLines - 1], maxEm, weight);
    truncated = true;
  }
  const lineHeightMm = sizeMm * (el.lineHeight ?? DEFAULT_LINE_HEIGHT);
  const lines = raw.map((text, i) => {
    const widthMm = textWidthEm(text, weight) * sizeMm;
    const slack = Math.max(0, boxWidthMm - widthMm);
    const xMm = el.xMm + (align === 'center' ? slack / 2 : align === 'right' ? slack : 0);
    return { text, xMm, yMm: el.yMm + i * lineHeightMm, widthMm };
  });
  const layout: TextLayout = { lines, sizeMm, lineHeightMm, boxXMm: el.xMm, boxWidthMm, align, weight, truncated };
  layoutCache.set(el, { labelWidthMm, layout });
  return layout;
}

/** Why a barcode's data cannot be printed as its symbology, or null. */
export function barcodeDataProblem(el: BarcodeElement): string | null {
  const digits = { ean13: 13, ean8: 8, upca: 12 } as const;
  switch (el.symbology) {
    case 'ean13':
    case 'ean8':
    case 'upca': {
      const n = digits[el.symbology];
      if (!new RegExp(`^\\d{${n}}$`).test(el.data)) return `${el.symbology} needs ${n} digits, got "${el.data}"`;
      if (!isValidGtin(el.data)) return `${el.symbology} "${el.data}" has a wrong check digit`;
      return null;
    }
    case 'code128': {
      const p = code128Problem(el.data);
      if (p) return p;
      // Control characters are legal in Code 128 set A, but no label needs them and they would
      // corrupt the printer languages' quoted strings.
      if (!/^[\x20-\x7e]+$/.test(el.data)) return 'Code 128 data must be printable ASCII';
      return null;
    }
    case 'qr':
      if (!el.data) return 'QR data is empty';
      if (qrVersion(el.data, el.ecLevel ?? 'M') === null) return `QR data too long (${Buffer.byteLength(el.data)} bytes)`;
      return null;
  }
}

/** Throws a clear error for barcode data that would print a wrong or unreadable symbol. */
export function assertBarcode(el: BarcodeElement): void {
  const p = barcodeDataProblem(el);
  if (p) throw new Error(`cannot print barcode: ${p}`);
}

/** The rectangles an element inks (a box is its four edges, so things may sit inside it). */
export function inkRects(el: LabelElement, labelWidthMm: number, dpi?: number): Rect[] {
  switch (el.kind) {
    case 'text': {
      const t = layoutText(el, labelWidthMm);
      const left = Math.min(...t.lines.map((l) => l.xMm));
      const right = Math.max(...t.lines.map((l) => l.xMm + l.widthMm));
      const height = (t.lines.length - 1) * t.lineHeightMm + t.sizeMm;
      return [{ xMm: left, yMm: el.yMm, widthMm: right - left, heightMm: height }];
    }
    case 'barcode':
      return [barcodeRect(el, dpi)];
    case 'line':
      return el.direction === 'horizontal'
        ? [{ xMm: el.xMm, yMm: el.yMm, widthMm: el.lengthMm, heightMm: el.thicknessMm }]
        : [{ xMm: el.xMm, yMm: el.yMm, widthMm: el.thicknessMm, heightMm: el.lengthMm }];
    case 'box': {
      const t = el.thicknessMm;
      return [
        { xMm: el.xMm, yMm: el.yMm, widthMm: el.widthMm, heightMm: t },
        { xMm: el.xMm, yMm: el.yMm + el.heightMm - t, widthMm: el.widthMm, heightMm: t },
        { xMm: el.xMm, yMm: el.yMm, widthMm: t, heightMm: el.heightMm },
        { xMm: el.xMm + el.widthMm - t, yMm: el.yMm, widthMm: t, heightMm: el.heightMm },
      ];
    }
  }
}

const EPS = 0.01; // mm: tolerance for rounding in the checks below

function inside(r: Rect, label: Label): boolean {
  return r.xMm >= -EPS && r.yMm >= -EPS && r.xMm + r.widthMm <= label.widthMm + EPS && r.yMm + r.heightMm <= label.heightMm + EPS;
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.xMm < b.xMm + b.widthMm - EPS && b.xMm < a.xMm + a.widthMm - EPS && a.yMm < b.yMm + b.heightMm - EPS && b.yMm < a.yMm + a.heightMm - EPS;
}

export interface LabelProblem {
  elementIndex: number;
  message: string;
}

/**
 * Everything that would make a label print wrong: elements outside the label, invalid barcode
 * data, a barcode's quiet zone outside the label or overlapped by another element, a module
 * narrower than 2 dots at 203 dpi. Checked at every dpi given (module widths round per dpi).
 */
export function validateLabel(label: Label, dpis: readonly number[] = [203, 300]): LabelProblem[] {
  const problems: LabelProblem[] = [];
  const add = (elementIndex: number, message: string) => {
    if (!problems.some((p) => p.elementIndex === elementIndex && p.message === message)) problems.push({ elementIndex, message });
  };
  label.elements.forEach((el, i) => {
    if (el.kind === 'barcode') {
      const p = barcodeDataProblem(el);
      if (p) return add(i, p);
      if (el.symbology !== 'qr' && moduleDots(el, 203) < 2) add(i, 'module narrower than 2 dots at 203 dpi: thermal printers cannot print it reliably');
    }
    if (el.kind === 'text' && !(el.sizeMm > 0)) return add(i, 'text size must be positive');
    for (const dpi of dpis) {
      for (const r of inkRects(el, label.widthMm, dpi)) if (!inside(r, label)) add(i, `${el.kind} extends outside the ${label.widthMm}x${label.heightMm} mm label`);
      if (el.kind !== 'barcode') continue;
      const qz = quietZoneRect(el, dpi);
      if (!inside(qz, label)) add(i, `quiet zone of the ${el.symbology} extends outside the label at ${dpi} dpi`);
      label.elements.forEach((other, j) => {
        if (j === i) return;
        if (inkRects(other, label.widthMm, dpi).some((r) => overlaps(r, qz))) add(i, `element ${j} (${other.kind}) intrudes on the quiet zone of the ${el.symbology} at ${dpi} dpi`);
      });
    }
  });
  return problems;
}
