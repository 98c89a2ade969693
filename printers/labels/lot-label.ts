/**
 * Lot labels (批次标签) stuck on pallets and cases at receiving: product, lot number, production
 * and expiry dates (expiry large: it decides what leaves first), and a Code 128 barcode that
 * identifies the lot itself (LOT<id>), so a scan at putaway or picking names the exact lot.
 */
import { moduleMm, symbolModules, type Label, type LabelElement, type LinearBarcodeElement } from '../label';
import { validateLabel } from '../layout';

export interface LotLabelInput {
  lotId: number;
  skuCode: string;
  name: string;
  spec?: string | null;
  lotNo: string;
  producedAt?: string | null;
  expiresAt?: string | null;
}

/** The barcode content of a lot label; terminals resolve it back to the lot. */
export function lotBarcode(lotId: number): string {
  return `LOT${lotId}`;
}

const W = 100;
const H = 50;
const M = 3;

export function lotLabel(lot: LotLabelInput): Label {
  const inner = W - 2 * M;
  const elements: LabelElement[] = [
    { kind: 'text', xMm: M, yMm: 2.5, text: lot.name.trim() || lot.skuCode, sizeMm: 4.6, bold: true, maxWidthMm: inner, maxLines: 1 },
    { kind: 'text', xMm: M, yMm: 8.6, text: [lot.skuCode, lot.spec?.trim()].filter(Boolean).join('  '), sizeMm: 3.2, maxWidthMm: inner, maxLines: 1 },
    { kind: 'text', xMm: M, yMm: 13.2, text: `批次 ${lot.lotNo || '-'}`, sizeMm: 4.2, bold: true, maxWidthMm: inner / 2, maxLines: 1, overflow: 'shrink' },
    { kind: 'text', xMm: M + inner / 2, yMm: 13.2, text: `生产 ${lot.producedAt ?? '-'}`, sizeMm: 3.2, maxWidthMm: inner / 2, maxLines: 1, align: 'right' },
    { kind: 'text', xMm: M, yMm: 19, text: `有效期至 ${lot.expiresAt ?? '-'}`, sizeMm: 5, bold: true, maxWidthMm: inner, maxLines: 1 },
  ];
  const bar: LinearBarcodeElement = { kind: 'barcode', symbology: 'code128', data: lotBarcode(lot.lotId), xMm: 0, yMm: 29, heightMm: 13, moduleMm: 0.38, humanReadable: true };
  bar.xMm = (W - symbolModules(bar) * moduleMm(bar)) / 2;
  elements.push(bar);
  const label: Label = { widthMm: W, heightMm: H, elements };
  const problems = validateLabel(label);
  if (problems.length) throw new Error(`lot label ${lot.lotNo} does not fit: ${problems.map((p) => p.message).join('; ')}`);
  return label;
}
