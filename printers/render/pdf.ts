/**
 * Labels → one PDF (one page per label), for office printers and for previews.
 *
 * Speed comes from three things: the Noto Sans SC fonts are parsed once per process and the
 * parsed fontkit objects handed to pdfkit (pdfkit still subsets per document: only the glyphs
 * used are embedded); a batch is one document; barcodes are drawn as vector rectangles from
 * bwip-js's encoding (no PNG to encode and decode), which also keeps bars sharp at any printer
 * resolution.
 */
import bwipjs from 'bwip-js';
import PDFDocument from 'pdfkit';
import { EM_ASCENT, getFont, type Weight } from '../font';
import { moduleMm, type BarcodeElement, type Label, type LinearBarcodeElement, type QrBarcodeElement } from '../label';
import { assertBarcode, layoutText } from '../layout';
import { printableLine, warnTruncated, type RenderWarning } from './common';

export interface PdfOptions {
  warnings?: RenderWarning[];
  /** Document title (metadata). */
  title?: string;
}

const PT_PER_MM = 72 / 25.4;
const pt = (mm: number) => mm * PT_PER_MM;
const FONT_NAME: Record<Weight, string> = { regular: 'NotoSansSC', bold: 'NotoSansSC-Bold' };

type LinearRaw = { sbs: number[]; bbs: number[] };
type MatrixRaw = { pixs: number[]; pixx: number; pixy: number };

/**
 * Where EAN/UPC digits go, as [digit, centre in modules from the first bar]: 7-module digit
 * slots after the 3-module start guard and the 5-module centre guard; EAN-13's first digit
 * and UPC-A's first and last digits stand outside the bars, in the quiet zones.
 */
function hriDigits(el: LinearBarcodeElement): Array<[string, number]> {
  const d = [...el.data];
  const slots = (digits: string[], firstCentre: number) => digits.map((c, k): [string, number] => [c, firstCentre + 7 * k]);
  switch (el.symbology) {
    case 'ean13':
      return [[d[0], -4.5], ...slots(d.slice(1, 7), 6.5), ...slots(d.slice(7), 53.5)];
    case 'ean8':
      return [...slots(d.slice(0, 4), 6.5), ...slots(d.slice(4), 39.5)];
    case 'upca':
      return [[d[0], -4.5], ...slots(d.slice(1, 6), 13.5), ...slots(d.slice(6, 11), 53.5), [d[11], 99.5]];
    default:
      return [];
  }
}

function drawLinear(doc: PDFKit.PDFDocument, el: LinearBarcodeElement, hriFont: string): void {
  const bcid = el.symbology; // bwip-js names match: code128, ean13, ean8, upca
  const raw = bwipjs.raw({ bcid, text: el.data, includetext: true }) as unknown as LinearRaw[];
  const { sbs, bbs } = raw[0];
  const m = moduleMm(el);
  const hri = el.humanReadable !== false;
  // EAN/UPC guard bars reach down into the digits' line (bwip-js marks them with bbs < 0).
  const guardExtension = hri && el.symbology !== 'code128' ? 5 * m : 0;
  let x = 0;
  for (let i = 0; i < sbs.length; i++) {
    if (i % 2 === 0) {
      const ext = bbs[i / 2] < 0 ? guardExtension : 0;
      doc.rect(pt(el.xMm + x * m), pt(el.yMm), pt(sbs[i] * m), pt(el.heightMm + ext));
    }
    x += sbs[i];
  }
  doc.fill('black');
  if (!hri) return;
  const size = Math.min(3, Math.max(2.2, 10 * m));
  const baseline = el.yMm + el.heightMm + 0.3 + 0.76 * size; // digits are ~0.74 em tall
  doc.font(hriFont).fontSize(pt(size));
  if (el.symbology === 'code128') {
    const w = doc.widthOfString(el.data) / PT_PER_MM;
    doc.text(el.data, pt(el.xMm + (x * m - w) / 2), pt(baseline), { lineBreak: false, baseline: 'alphabetic' });
    return;
  }
  for (const [ch, centre] of hriDigits(el)) {
    const w = doc.widthOfString(ch) / PT_PER_MM;
    doc.text(ch, pt(el.xMm + centre * m - w / 2), pt(baseline), { lineBreak: false, baseline: 'alphabetic' });
  }
}

function drawQr(doc: PDFKit.PDFDocument, el: QrBarcodeElement): void {
  // bwip-js encodes the text as UTF-8, as the printer renderers do
  const raw = bwipjs.raw('qrcode', el.data, `eclevel=${el.ecLevel ?? 'M'}`) as unknown as MatrixRaw[];
  const { pixs, pixx, pixy } = raw[0];
  const m = moduleMm(el);
  // One rectangle per horizontal run of dark modules: far fewer path operations than per module.
  for (let row = 0; row < pixy; row++) {
    for (let col = 0; col < pixx; ) {
      if (!pixs[row * pixx + col]) {
        col++;
        continue;
      }
      let end = col;
      while (end < pixx && pixs[row * pixx + end]) end++;
      doc.rect(pt(el.xMm + col * m), pt(el.yMm + row * m), pt((end - col) * m), pt(m));
      col = end;
    }
  }
  doc.fill('black');
}

function drawBarcode(doc: PDFKit.PDFDocument, el: BarcodeElement): void {
  assertBarcode(el);
  if (el.symbology === 'qr') drawQr(doc, el);
  else drawLinear(doc, el, FONT_NAME.regular);
}

function drawLabel(doc: PDFKit.PDFDocument, label: Label, warnings: RenderWarning[] | undefined): void {
  label.elements.forEach((el, i) => {
    switch (el.kind) {
      case 'text': {
        const t = layoutText(el, label.widthMm);
        if (t.truncated) warnTruncated(i, el.text, warnings);
        doc.font(FONT_NAME[t.weight]).fontSize(pt(t.sizeMm));
        for (const line of t.lines) {
          const text = printableLine(line.text, 'font', t.weight, i, warnings, 'pdf');
          if (!text) continue;
          doc.text(text, pt(line.xMm), pt(line.yMm + EM_ASCENT * t.sizeMm), { lineBreak: false, baseline: 'alphabetic' });
        }
        break;
      }
      case 'barcode':
        drawBarcode(doc, el);
        break;
      case 'line':
        if (el.direction === 'horizontal') doc.rect(pt(el.xMm), pt(el.yMm), pt(el.lengthMm), pt(el.thicknessMm)).fill('black');
        else doc.rect(pt(el.xMm), pt(el.yMm), pt(el.thicknessMm), pt(el.lengthMm)).fill('black');
        break;
      case 'box': {
        const { xMm: x, yMm: y, widthMm: w, heightMm: h, thicknessMm: t } = el;
        doc.rect(pt(x), pt(y), pt(w), pt(t)).rect(pt(x), pt(y + h - t), pt(w), pt(t));
        doc.rect(pt(x), pt(y), pt(t), pt(h)).rect(pt(x + w - t), pt(y), pt(t), pt(h)).fill('black');
        break;
      }
    }
  });
}

/** Many labels → one PDF document, one page per label, page size = label size. */
export function renderPdf(labels: Label[], opts: PdfOptions = {}): Promise<Buffer> {
  if (!labels.length) return Promise.reject(new Error('renderPdf: no labels'));
  return new Promise<Buffer>((resolve, reject) => {
    const doc = new PDFDocument({ autoFirstPage: false, margin: 0, info: { Title: opts.title ?? 'Labels', Producer: 'Origin WMS' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    try {
      // pdfkit ≥ 0.20 accepts parsed fontkit fonts (its typings still say file or bytes).
      doc.registerFont(FONT_NAME.regular, getFont('regular') as unknown as Buffer);
      doc.registerFont(FONT_NAME.bold, getFont('bold') as unknown as Buffer);
      labels.forEach((label, labelIndex) => {
        doc.addPage({ size: [pt(label.widthMm), pt(label.heightMm)], margin: 0 });
        const local: RenderWarning[] = [];
        drawLabel(doc, label, opts.warnings ? local : undefined);
        for (const w of local) opts.warnings!.push({ ...w, labelIndex });
      });
      doc.end();
    } catch (e) {
      reject(e);
    }
  });
}
