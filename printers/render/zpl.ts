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
import { rasteriseLine, type Bitmap } from '../raster';
import type { Weight } from '../font';
import { checkDpi, copiesOf, printableLine, warnTruncated, type PrinterRenderOptions, type RenderWarning } from './common';

export type ZplOptions = PrinterRenderOptions;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));
const HEX_DIGIT = Array.from('0123456789ABCDEF', (c) => c.charCodeAt(0));

/** ZPL's ASCII compression counts as bytes: g..z = 20..400, G..Y = 1..19 (one group holds at most 419). */
const COUNT = Array.from({ length: 420 }, (_, n) => {
  let s = '';
  if (n >= 20) s += String.fromCharCode(0x66 + Math.floor(n / 20)); // 'g' = 20 … 'z' = 400
  if (n % 20) s += String.fromCharCode(0x46 + (n % 20)); // 'G' = 1 … 'Y' = 19
  return Array.from(s, (c) => c.charCodeAt(0));
});

/**
 * ^GFA data with Zebra's ASCII compression: runs of one hex digit become a count + digit, ','
 * ends a row with zeros, ':' repeats the previous row. Label text is mostly white, so this
 * shrinks the data several-fold (less to send, faster to parse on the printer). Written to a
 * byte buffer: this is the hot loop of a ZPL batch.
 */
export function encodeGfaData(bmp: Bitmap): string {
  const { bytesPerRow: bpr, height, data } = bmp;
  // worst case: 2 hex digits per byte plus a row marker
  const out = new Uint8Array(height * (bpr * 2 + 1));
  let o = 0;
  let digit = -1;
  let run = 0;
  const flush = () => {
    for (; run > 0; run -= 419) {
      const n = Math.min(run, 419);
      if (n > 2) {
        for (const c of COUNT[n]) out[o++] = c;
        out[o++] = digit;
      } else for (let k = 0; k < n; k++) out[o++] = digit;
    }
    run = 0;
  };
  const push = (d: number) => {
    if (d !== digit) {
      flush();
      digit = d;
    }
    run++;
  };
  for (let r = 0; r < height; r++) {
    const base = r * bpr;
    if (r > 0) {
      let same = true;
      for (let i = 0; i < bpr && same; i++) same = data[base + i] === data[base - bpr + i];
      if (same) {
        out[o++] = 0x3a; // ':'
        continue;
      }
    }
    let end = bpr; // bytes up to the last inked one
    while (end > 0 && data[base + end - 1] === 0) end--;
    digit = -1;
    for (let i = 0; i < end; i++) {
      const b = data[base + i];
      push(HEX_DIGIT[b >> 4]);
      push(HEX_DIGIT[b & 15]);
    }
    flush();
    if (end < bpr) out[o++] = 0x2c; // ','
  }
  return Buffer.from(out.buffer, 0, o).toString('latin1');
}

export function gfaField(bmp: Bitmap): string {
  const total = bmp.bytesPerRow * bmp.height;
  return `^GFA,${total},${total},${bmp.bytesPerRow},${encodeGfaData(bmp)}`;
}

// Encoded ^GFA fields of text lines: owner names, units and specs repeat across a batch.
const lineCache = new Map<string, string>();
const LINE_CACHE_MAX = 5000;

function textGraphic(text: string, sizePx: number, weight: Weight): string {
  const key = `${weight}|${sizePx}|${text}`;
  let field = lineCache.get(key);
  if (field === undefined) {
    if (lineCache.size >= LINE_CACHE_MAX) lineCache.clear(); // bounded: a long-running server renders many batches
    field = gfaField(rasteriseLine(text, sizePx, weight));
    lineCache.set(key, field);
  }
  return field;
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

function textFields(label: Label, index: number, dpi: number, warnings: RenderWarning[] | undefined): string {
  const el = label.elements[index];
  if (el.kind !== 'text') return '';
  const t = layoutText(el, label.widthMm);
  if (t.truncated) warnTruncated(index, el.text, warnings);
  const sizePx = Math.max(1, mmToDots(t.sizeMm, dpi));
  let out = '';
  for (const line of t.lines) {
    const text = printableLine(line.text, 'font', t.weight, index, warnings, 'zpl');
    if (!text) continue;
    const y = mmToDots(line.yMm, dpi);
    if (/^[\x20-\x7e]*$/.test(text)) {
      // ^A0 is narrower than Noto, so let the printer align it within the box (^FB) rather
      // than using our Noto-measured x.
      const just = t.align === 'center' ? 'C' : t.align === 'right' ? 'R' : '';
      const font = `^A0N,${sizePx},${sizePx}`;
      out += just
        ? `^FO${mmToDots(t.boxXMm, dpi)},${y}${font}^FB${mmToDots(t.boxWidthMm, dpi)},1,0,${just}${fieldData(text)}^FS\n`
        : `^FO${mmToDots(line.xMm, dpi)},${y}${font}${fieldData(text)}^FS\n`;
    } else {
      out += `^FO${mmToDots(line.xMm, dpi)},${y}${textGraphic(text, sizePx, t.weight)}^FS\n`;
    }
  }
  return out;
}

/** One label as one ZPL format (^XA … ^XZ), printed `copies` times (^PQ). */
export function renderZpl(label: Label, opts: ZplOptions): Buffer {
  const dpi = checkDpi(opts.dpi);
  const copies = copiesOf(opts);
  const d = (mm: number) => mmToDots(mm, dpi);
  let zpl = `^XA\n^CI28\n^PW${d(label.widthMm)}\n^LL${d(label.heightMm)}\n^LH0,0\n`;
  label.elements.forEach((el, i) => {
    switch (el.kind) {
      case 'text':
        zpl += textFields(label, i, dpi, opts.warnings);
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
  return Buffer.from(zpl, 'utf8');
}
