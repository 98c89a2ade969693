/**
 * Label → ZPL II (Zebra and the many printers that emulate it).
 *
 * - ^CI28: field data is UTF-8.
 * - ASCII text uses the printer's scalable font ^A0; any other text is drawn as a bitmap (^GFA)
 *   rasterised from Noto Sans SC, because Zebra printers rarely have a CJK font installed.
 * - Barcodes use the printer's own symbol commands (crisp at the head's resolution):
 *   ^BC Code 128 with explicit code-set invocation (>: >; >9 to start, >5 >6 >7 to switch),
 *   ^BE EAN-13, ^B8 EAN-8, ^BU UPC-A (the printer adds the check digit), ^BQ QR (model 2).
 */
import { planCode128 } from '../code128';
import { mmToDots, moduleDots, type BarcodeElement, type Label, type LinearBarcodeElement, type QrBarcodeElement } from '../label';
import { assertBarcode, layoutText } from '../layout';
import { rasteriseLine } from '../raster';
import { gfaFieldBytes } from './gfa';
import type { Weight } from '../font';
import { checkDpi, copiesOf, printableLine, warnTruncated, type PrinterRenderOptions, type RenderWarning } from './common';

export type ZplOptions = PrinterRenderOptions;
export { encodeGfaData, gfaField } from './gfa';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));
// Encoded ^GFA fields of text lines: owner names, units and specs repeat across a batch.
const lineCache = new Map<string, Buffer>();
const LINE_CACHE_MAX = 5000;

function textGraphic(text: string, sizePx: number, weight: Weight): Buffer {
  const key = `${weight}|${sizePx}|${text}`;
  let field = lineCache.get(key);
  if (field === undefined) {
    if (lineCache.size >= LINE_CACHE_MAX) lineCache.clear(); // bounded: a long-running server renders many batches
    field = gfaFieldBytes(rasteriseLine(text, sizePx, weight));
    lineCache.set(key, field);
  }
  return field;
}

/**
 * A job as it is written: command text (any Unicode, sent as UTF-8) around ready-made ^GFA
 * fields (ASCII bytes), copied once into the result at the end. The bitmaps are most of a
 * label's ~20 KB; building one string of them and encoding it to UTF-8 cost a sixth of the
 * render, copying bytes costs next to nothing.
 */
type Parts = Array<string | Buffer>;

function addText(parts: Parts, s: string): void {
  const last = parts.length - 1;
  if (last >= 0 && typeof parts[last] === 'string') parts[last] += s;
  else parts.push(s);
}

function joinParts(parts: Parts): Buffer {
  let n = 0;
  for (const p of parts) n += typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.length;
  const out = Buffer.allocUnsafe(n);
  let o = 0;
  for (const p of parts) {
    if (typeof p === 'string') o += out.write(p, o, 'utf8');
    else {
      out.set(p, o);
      o += p.length;
    }
  }
  return out;
}

/** Field data with ^FH\ hex escapes for the characters ZPL would take as commands. */
function fieldData(s: string): string {
  return /[\\^~]/.test(s) ? `^FH\\^FD${s.replace(/[\\^~]/g, (c) => '\\' + HEX[c.charCodeAt(0)])}` : `^FD${s}`;
}

/** Code 128 data with invocation codes: start code per the plan, switches between segments. */
export function zplCode128Data(data: string): string {
  const start = { A: '>9', B: '>:', C: '>;' } as const;
  const change = { A: '>7', B: '>6', C: '>5' } as const;
  return planCode128(data)
    .segments.map((seg, i) => (i === 0 ? start[seg.set] : change[seg.set]) + seg.text.replace(/>/g, '><'))
    .join('');
}

function barcodeField(el: BarcodeElement, dpi: number, x: number, y: number): string {
  assertBarcode(el);
  const m = moduleDots(el, dpi);
  if (el.symbology === 'qr') return qrField(el, m, x, y);
  return linearField(el, m, mmToDots(el.heightMm, dpi), x, y);
}

function linearField(el: LinearBarcodeElement, m: number, h: number, x: number, y: number): string {
  const hri = el.humanReadable === false ? 'N' : 'Y';
  const head = `^FO${x},${y}^BY${m}`;
  switch (el.symbology) {
    case 'code128':
      // mode N (no automatic selection): the invocation codes in the data choose the subsets
      return `${head}^BCN,${h},${hri},N,N,N${fieldData(zplCode128Data(el.data))}^FS`;
    case 'ean13':
      return `${head}^BEN,${h},${hri},N^FD${el.data.slice(0, 12)}^FS`;
    case 'ean8':
      return `${head}^B8N,${h},${hri},N^FD${el.data.slice(0, 7)}^FS`;
    case 'upca':
      return `${head}^BUN,${h},${hri},N,Y^FD${el.data.slice(0, 11)}^FS`;
  }
}

function qrField(el: QrBarcodeElement, m: number, x: number, y: number): string {
  const ec = el.ecLevel ?? 'M';
  // ^FD for ^BQ: error-correction level + input mode (A = automatic), a comma, then the data
  return `^FO${x},${y}^BQN,2,${Math.min(10, m)},${ec},7${fieldData(`${ec}A,${el.data}`)}^FS`;
}

function textFields(parts: Parts, label: Label, index: number, dpi: number, warnings: RenderWarning[] | undefined): void {
  const el = label.elements[index];
  if (el.kind !== 'text') return;
  const t = layoutText(el, label.widthMm);
  if (t.truncated) warnTruncated(index, el.text, warnings);
  const sizePx = Math.max(1, mmToDots(t.sizeMm, dpi));
  for (const line of t.lines) {
    const text = printableLine(line.text, 'font', t.weight, index, warnings, 'zpl');
    if (!text) continue;
    const y = mmToDots(line.yMm, dpi);
    if (/^[\x20-\x7e]*$/.test(text)) {
      // ^A0 is narrower than Noto, so let the printer align it within the box (^FB) rather
      // than using our Noto-measured x.
      const just = t.align === 'center' ? 'C' : t.align === 'right' ? 'R' : '';
      const font = `^A0N,${sizePx},${sizePx}`;
      addText(parts, just
        ? `^FO${mmToDots(t.boxXMm, dpi)},${y}${font}^FB${mmToDots(t.boxWidthMm, dpi)},1,0,${just}${fieldData(text)}^FS\n`
        : `^FO${mmToDots(line.xMm, dpi)},${y}${font}${fieldData(text)}^FS\n`);
    } else {
      addText(parts, `^FO${mmToDots(line.xMm, dpi)},${y}`);
      parts.push(textGraphic(text, sizePx, t.weight));
      addText(parts, '^FS\n');
    }
  }
}

/** One label as one ZPL format (^XA … ^XZ), printed `copies` times (^PQ). */
export function renderZpl(label: Label, opts: ZplOptions): Buffer {
  const dpi = checkDpi(opts.dpi);
  const copies = copiesOf(opts);
  const d = (mm: number) => mmToDots(mm, dpi);
  const parts: Parts = [];
  let zpl = `^XA\n^CI28\n^PW${d(label.widthMm)}\n^LL${d(label.heightMm)}\n^LH0,0\n`;
  label.elements.forEach((el, i) => {
    switch (el.kind) {
      case 'text':
        addText(parts, zpl);
        zpl = '';
        textFields(parts, label, i, dpi, opts.warnings);
        break;
      case 'barcode':
        zpl += barcodeField(el, dpi, d(el.xMm), d(el.yMm)) + '\n';
        break;
      case 'line': {
        const t = Math.max(1, d(el.thicknessMm));
        const len = Math.max(1, d(el.lengthMm));
        const [w, h] = el.direction === 'horizontal' ? [len, t] : [t, len];
        zpl += `^FO${d(el.xMm)},${d(el.yMm)}^GB${w},${h},${t},B,0^FS\n`;
        break;
      }
      case 'box': {
        const t = Math.max(1, d(el.thicknessMm));
        zpl += `^FO${d(el.xMm)},${d(el.yMm)}^GB${Math.max(t, d(el.widthMm))},${Math.max(t, d(el.heightMm))},${t},B,0^FS\n`;
        break;
      }
    }
  });
  zpl += `^PQ${copies}\n^XZ\n`;
  addText(parts, zpl);
  return joinParts(parts);
}
