/**
 * Label → TSPL/TSPL2 (TSC, and most Chinese label printers: Xprinter, Gprinter, HPRT, …).
 *
 * The command stream is GB18030 text (CRLF-terminated commands). Text uses the printers'
 * built-in fonts: "TSS24.BF2" (simplified Chinese, 24x24 dots, ASCII half width) for any line
 * with Chinese, font "3" (16x24) for ASCII-only lines; sizes are integer multiples of 24 dots,
 * the nearest to the model's size. Barcodes and QR codes use BARCODE and QRCODE, lines BAR,
 * boxes BOX. Only the QR payload is UTF-8 (what phone scanners expect), spliced in as bytes.
 */
import iconv from 'iconv-lite';
import { mmToDots, moduleDots, type BarcodeElement, type Label, type TextElement } from '../label';
import { assertBarcode, layoutText } from '../layout';
import { checkDpi, copiesOf, printableLine, warnTruncated, type PrinterRenderOptions, type RenderWarning } from './common';

export interface TsplOptions extends PrinterRenderOptions {
  /** DIRECTION: 1 (default) or 0, depending on which way the label stock leaves the printer. */
  direction?: 0 | 1;
  /** Gap between labels in mm (default 2); 0 for continuous stock. */
  gapMm?: number;
}

const CJK_FONT = 'TSS24.BF2';
const CELL = 24; // dots: height of both built-in fonts used, and width of one Chinese character

/** A quoted TSPL string: a double quote inside is written \["]. */
function quoted(s: string): string {
  return `"${s.replace(/"/g, '\\["]')}"`;
}

/** Dot width of a line in a built-in font: Chinese 24 x mul, ASCII 12 (TSS24.BF2) or 16 (font "3") x mul. */
function builtinWidth(text: string, asciiWidth: number, mul: number): number {
  let w = 0;
  for (const ch of text) w += (ch.codePointAt(0)! < 0x80 ? asciiWidth : CELL) * mul;
  return w;
}

function textCommands(label: Label, el: TextElement, index: number, dpi: number, warnings: RenderWarning[] | undefined): string[] {
  const t = layoutText(el, label.widthMm);
  if (t.truncated) warnTruncated(index, el.text, warnings);
  const mul = Math.min(10, Math.max(1, Math.round(mmToDots(t.sizeMm, dpi) / CELL)));
  const boxX = mmToDots(t.boxXMm, dpi);
  const boxW = mmToDots(t.boxWidthMm, dpi);
  const out: string[] = [];
  for (const line of t.lines) {
    const text = printableLine(line.text, 'gbk', t.weight, index, warnings, 'tspl');
    if (!text) continue;
    // Font "3" is easier to read for codes, but wider than TSS24.BF2's ASCII: use it only if it fits.
    const ascii = /^[\x20-\x7e]*$/.test(text) && builtinWidth(text, 16, mul) <= boxW;
    const font = ascii ? '3' : CJK_FONT;
    const width = builtinWidth(text, ascii ? 16 : 12, mul);
    const slack = Math.max(0, boxW - width);
    const x = boxX + (t.align === 'center' ? Math.round(slack / 2) : t.align === 'right' ? slack : 0);
    const y = mmToDots(line.yMm, dpi);
    const cmd = (dx: number) => `TEXT ${x + dx},${y},"${font}",0,${mul},${mul},${quoted(text)}`;
    out.push(cmd(0));
    // No bold built-in font: print the line a second time one dot to the right.
    if (t.weight === 'bold') out.push(cmd(1));
  }
  return out;
}

type Piece = string | Buffer;
const CRLF = Buffer.from('\r\n');
/** A decimal for a command (no floating-point noise such as 76.19999999). */
const num = (mm: number) => String(Number(mm.toFixed(2)));

function barcodeCommand(el: BarcodeElement, dpi: number): Piece[] {
  assertBarcode(el);
  const x = mmToDots(el.xMm, dpi);
  const y = mmToDots(el.yMm, dpi);
  const m = moduleDots(el, dpi);
  if (el.symbology === 'qr') {
    // QRCODE x,y,ECC,cell width,A(uto encode),rotation,M2 (model 2),S7 (mask auto),"data"
    const payload = Buffer.from(quoted(el.data), 'utf8');
    return [`QRCODE ${x},${y},${el.ecLevel ?? 'M'},${Math.min(10, m)},A,0,M2,S7,`, payload];
  }
  const h = mmToDots(el.heightMm, dpi);
  const hri = el.humanReadable === false ? 0 : 1;
  // "128" lets the printer choose code sets (it does so optimally); EAN/UPC take the data
  // without the check digit and compute it themselves.
  const [type, data] =
    el.symbology === 'code128' ? ['128', el.data]
    : el.symbology === 'ean13' ? ['EAN13', el.data.slice(0, 12)]
    : el.symbology === 'ean8' ? ['EAN8', el.data.slice(0, 7)]
    : ['UPCA', el.data.slice(0, 11)];
  return [`BARCODE ${x},${y},"${type}",${h},${hri},0,${m},${m},${quoted(data)}`];
}

/** One label as one TSPL job: setup, CLS, the elements, PRINT. */
export function renderTspl(label: Label, opts: TsplOptions): Buffer {
  const dpi = checkDpi(opts.dpi);
  const copies = copiesOf(opts);
  const d = (mm: number) => mmToDots(mm, dpi);
  // A command is a list of pieces: text (encoded GB18030) or bytes (spliced as they are).
  const commands: Piece[][] = [
    `SIZE ${num(label.widthMm)} mm,${num(label.heightMm)} mm`,
    `GAP ${num(opts.gapMm ?? 2)} mm,0 mm`,
    `DIRECTION ${opts.direction ?? 1}`,
    'REFERENCE 0,0',
    'CLS',
  ].map((c) => [c]);
  label.elements.forEach((el, i) => {
    switch (el.kind) {
      case 'text':
        for (const c of textCommands(label, el, i, dpi, opts.warnings)) commands.push([c]);
        break;
      case 'barcode':
        commands.push(barcodeCommand(el, dpi));
        break;
      case 'line': {
        const t = Math.max(1, d(el.thicknessMm));
        const len = Math.max(1, d(el.lengthMm));
        commands.push([el.direction === 'horizontal' ? `BAR ${d(el.xMm)},${d(el.yMm)},${len},${t}` : `BAR ${d(el.xMm)},${d(el.yMm)},${t},${len}`]);
        break;
      }
      case 'box':
        commands.push([`BOX ${d(el.xMm)},${d(el.yMm)},${d(el.xMm + el.widthMm)},${d(el.yMm + el.heightMm)},${Math.max(1, d(el.thicknessMm))}`]);
        break;
    }
  });
  commands.push([`PRINT ${copies}`]);
  const chunks: Buffer[] = [];
  for (const command of commands) {
    for (const piece of command) chunks.push(typeof piece === 'string' ? iconv.encode(piece, 'gb18030') : piece);
    chunks.push(CRLF);
  }
  return Buffer.concat(chunks);
}
