/**
 * SKU labels (商品标签) on 60x40 mm and 100x50 mm thermal label stock: product name (Chinese,
 * up to two lines), spec, SKU code, unit, owner, and a barcode at a fixed place at the bottom
 * so scanning is the same motion on every label.
 */
import { isValidGtin } from '../barcode-check';
import { barcodeRect, moduleMm, quietZoneRect, symbolModules, type Label, type LabelElement, type LinearBarcodeElement, type LinearSymbology } from '../label';
import { layoutText, validateLabel } from '../layout';

export interface SkuLabelInput {
  skuCode: string;
  name: string;
  spec?: string | null;
  barcode?: string | null;
  ownerName?: string | null;
  unit?: string | null;
}

export type SkuLabelSize = '60x40' | '100x50';

export interface BarcodeChoice {
  symbology: LinearSymbology;
  data: string;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/**
 * The symbol a SKU's barcode is printed as: the GS1 symbology its digits and check digit say it
 * is (EAN-13, EAN-8, UPC-A), so retail scanners read it as the product; any other code as
 * Code 128. Without a barcode (or with one Code 128 cannot carry, e.g. Chinese characters), the
 * SKU code itself is printed, so every label scans.
 */
export function chooseBarcode(sku: Pick<SkuLabelInput, 'skuCode' | 'barcode'>): BarcodeChoice {
  const code = (sku.barcode ?? '').trim();
  if (code) {
    if (isValidGtin(code) && code.length === 13) return { symbology: 'ean13', data: code };
    if (isValidGtin(code) && code.length === 8) return { symbology: 'ean8', data: code };
    if (isValidGtin(code) && code.length === 12) return { symbology: 'upca', data: code };
    if (PRINTABLE_ASCII.test(code)) return { symbology: 'code128', data: code };
  }
  const skuCode = sku.skuCode.trim();
  if (PRINTABLE_ASCII.test(skuCode)) return { symbology: 'code128', data: skuCode };
  throw new Error(`SKU "${sku.skuCode}" has neither a barcode nor a SKU code that Code 128 can carry (ASCII only)`);
}

interface Geometry {
  widthMm: number;
  heightMm: number;
  marginMm: number;
  nameSizeMm: number;
  textSizeMm: number;
  ownerSizeMm: number;
  /** Preferred module width; 0.25 mm (2 dots at 203 dpi) is the fallback for long codes. */
  moduleMm: number;
  barHeightMm: number;
  /** Top of the bars: fixed, computed for the worst case (two-line name, all rows present). */
  barTopMm: number;
}

// Sized so that with every row present and a two-line name, the text ends above the
// barcode's top quiet zone (checked by validateLabel in the tests and at run time).
const GEOMETRY: Record<SkuLabelSize, Geometry> = {
  '60x40': { widthMm: 60, heightMm: 40, marginMm: 2, nameSizeMm: 3.8, textSizeMm: 3, ownerSizeMm: 2.6, moduleMm: 0.25, barHeightMm: 9.8, barTopMm: 23.6 },
  '100x50': { widthMm: 100, heightMm: 50, marginMm: 3, nameSizeMm: 5, textSizeMm: 3.6, ownerSizeMm: 3.2, moduleMm: 0.33, barHeightMm: 11, barTopMm: 30.8 },
};

const LINE_PITCH = 1.2; // tighter than the model's default: label text is short and space is scarce

export function skuLabel(sku: SkuLabelInput, size: SkuLabelSize): Label {
  const g = GEOMETRY[size];
  if (!g) throw new Error(`unknown SKU label size "${size}"`);
  const inner = g.widthMm - 2 * g.marginMm;
  const elements: LabelElement[] = [];
  let y = g.marginMm - 0.5;

  const name: LabelElement = {
    kind: 'text', xMm: g.marginMm, yMm: y, text: sku.name.trim() || sku.skuCode, sizeMm: g.nameSizeMm,
    bold: true, maxWidthMm: inner, maxLines: 2, lineHeight: LINE_PITCH,
  };
  elements.push(name);
  y += layoutText(name, g.widthMm).lines.length * g.nameSizeMm * LINE_PITCH + 0.1;

  const spec = sku.spec?.trim();
  if (spec) {
    elements.push({ kind: 'text', xMm: g.marginMm, yMm: y, text: spec, sizeMm: g.textSizeMm, maxWidthMm: inner, lineHeight: LINE_PITCH });
    y += g.textSizeMm * LINE_PITCH + 0.1;
  }

  // SKU code on the left, unit on the right of the same row.
  const unit = sku.unit?.trim();
  const unitWidth = unit ? Math.min(inner / 3, g.textSizeMm * (unit.length + 3)) : 0;
  elements.push({ kind: 'text', xMm: g.marginMm, yMm: y, text: sku.skuCode.trim(), sizeMm: g.textSizeMm, maxWidthMm: inner - unitWidth - (unit ? 1 : 0), lineHeight: LINE_PITCH });
  if (unit) {
    elements.push({ kind: 'text', xMm: g.widthMm - g.marginMm - unitWidth, yMm: y, text: `单位：${unit}`, sizeMm: g.textSizeMm, maxWidthMm: unitWidth, align: 'right', overflow: 'shrink', lineHeight: LINE_PITCH });
  }
  y += g.textSizeMm * LINE_PITCH + 0.1;

  const owner = sku.ownerName?.trim();
  if (owner) {
    elements.push({ kind: 'text', xMm: g.marginMm, yMm: y, text: `货主：${owner}`, sizeMm: g.ownerSizeMm, maxWidthMm: inner, lineHeight: LINE_PITCH });
  }

  elements.push(barcodeElement(sku, g));
  const label: Label = { widthMm: g.widthMm, heightMm: g.heightMm, elements };
  const problems = validateLabel(label);
  if (problems.length) {
    throw new Error(`SKU label ${sku.skuCode} (${size}) does not fit: ${problems.map((p) => p.message).join('; ')}`);
  }
  return label;
}

/** The barcode centred at the bottom, with the widest module (of the preferred and 0.25 mm) that fits with its quiet zones. */
function barcodeElement(sku: SkuLabelInput, g: Geometry): LinearBarcodeElement {
  const choice = chooseBarcode(sku);
  for (const m of [g.moduleMm, 0.25]) {
    const el: LinearBarcodeElement = { kind: 'barcode', ...choice, xMm: 0, yMm: g.barTopMm, heightMm: g.barHeightMm, moduleMm: m, humanReadable: true };
    el.xMm = (g.widthMm - symbolModules(el) * moduleMm(el)) / 2;
    const fits = [203, 300].every((dpi) => {
      const qz = quietZoneRect(el, dpi);
      return qz.xMm >= 0 && qz.xMm + qz.widthMm <= g.widthMm && barcodeRect(el, dpi).widthMm > 0;
    });
    if (fits) return el;
  }
  throw new Error(`barcode "${choice.data}" is too long for a ${g.widthMm}x${g.heightMm} mm label; use the 100x50 size or a shorter code`);
}
