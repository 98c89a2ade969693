/**
 * Carrier e-waybills (电子面单) on 76x130, 100x150 and 100x180 mm thermal stock: one layout,
 * parameterised by size, from top to bottom
 *
 *   carrier · temperature mark | routing code (三段码), as large as fits, and sort centre |
 *   waybill Code 128 | receiver | sender | pieces and weight, items, QR | order number, date
 *
 * Every row has a fixed height for its size, so the routing code and the barcode are at the
 * same place on every label of a size (sorters and scan tunnels rely on that); what does not
 * fit a row is shrunk or cut with '…', never pushed into the next one.
 *
 * A privacy waybill (隐私面单): the document masks the receiver's and the sender's name and
 * phone itself (privacy.ts), so no caller can print them in clear by forgetting to.
 */
import { code128Problem } from '../code128';
import { moduleMm, quietZoneRect, symbolModules, type Label, type LabelElement, type LinearBarcodeElement, type QrBarcodeElement } from '../label';
import { validateLabel } from '../layout';
import { maskName, maskPhone } from './privacy';

export type WaybillSize = '76x130' | '100x150' | '100x180';
export const WAYBILL_SIZES: readonly WaybillSize[] = ['76x130', '100x150', '100x180'];

export interface WaybillInput {
  carrierName: string;
  carrierCode: string;
  /** Code 128 data: printable ASCII. */
  waybillNo: string;
  /** 三段码, printed large (shrunk to fit the width). */
  routingCode?: string | null;
  sortCenter?: string | null;
  /** Name and phone are masked on the label. */
  sender: { name: string; phone: string; address: string };
  /** Name and phone are masked on the label; the address is printed in full. */
  receiver: { name: string; phone: string; province: string; city: string; district: string; address: string };
  pieces: number;
  pieceNo?: number;
  weightG: number;
  /** Summarised to fit (names × qty, then '…'). */
  items: Array<{ name: string; qty: number }>;
  /** QR content, encoded as UTF-8. */
  qrData: string;
  orderNo?: string | null;
  temperature?: 'ambient' | 'chilled' | 'frozen';
  /** Default: now. Printed in China time (UTC+8, no daylight saving), whatever the server's zone. */
  printedAt?: Date;
}

interface Geometry {
  widthMm: number;
  heightMm: number;
  marginMm: number;
  /** Carrier name and temperature mark. */
  headerMm: number;
  routingMm: number;
  sortCenterMm: number;
  barHeightMm: number;
  receiverNameMm: number;
  receiverAddressMm: number;
  senderMm: number;
  bodyMm: number;
  /** Side of the square kept for the QR code with its quiet zone. */
  qrBoxMm: number;
}

// The 100x180 stock is the 100x150 layout with the extra height given to the barcode, the
// routing code and the items. Text sizes stay near multiples of 3 mm at 203 dpi: the built-in
// fonts of TSPL/ESC/POS printers scale in 24-dot steps, so 4.5 mm would jump to 6 mm there.
const GEOMETRY: Record<WaybillSize, Geometry> = {
  '76x130': { widthMm: 76, heightMm: 130, marginMm: 2, headerMm: 4.2, routingMm: 10, sortCenterMm: 3, barHeightMm: 12, receiverNameMm: 5, receiverAddressMm: 3.8, senderMm: 3, bodyMm: 3.2, qrBoxMm: 24 },
  '100x150': { widthMm: 100, heightMm: 150, marginMm: 3, headerMm: 5.2, routingMm: 12, sortCenterMm: 3.4, barHeightMm: 15, receiverNameMm: 6, receiverAddressMm: 4.2, senderMm: 3, bodyMm: 3.4, qrBoxMm: 28 },
  '100x180': { widthMm: 100, heightMm: 180, marginMm: 3, headerMm: 5.2, routingMm: 15, sortCenterMm: 3.6, barHeightMm: 18, receiverNameMm: 6, receiverAddressMm: 4.6, senderMm: 3.2, bodyMm: 3.6, qrBoxMm: 32 },
};

/** 0.375 mm = 3 dots at 203 dpi reads best on sorting-centre scanners; 0.25 mm (2 dots) is the least they read. */
const CODE128_MODULES_MM = [0.375, 0.25] as const;
// The largest QR module that fits the box: big cells read better from a phone at arm's length.
const QR_MODULES_MM = [0.75, 0.625, 0.5, 0.375] as const;
const RULE_MM = 0.3;
const PITCH = 1.2;
const DPIS = [203, 300] as const;

/**
 * The Code 128 module width for a waybill number on a label this wide: the widest of 0.375 mm
 * and 0.25 mm at which the symbol and its quiet zones fit on the label at 203 and 300 dpi.
 * Throws when even 0.25 mm does not fit.
 */
export function waybillModuleMm(waybillNo: string, widthMm: number): number {
  const problem = code128Problem(waybillNo) ?? (/^[\x20-\x7e]+$/.test(waybillNo) ? null : 'Code 128 data must be printable ASCII');
  if (problem) throw new Error(`waybill number "${waybillNo}" cannot be printed as Code 128: ${problem}`);
  for (const m of CODE128_MODULES_MM) {
    const el = code128(waybillNo, m, widthMm, 0, 10);
    const fits = DPIS.every((dpi) => {
      const qz = quietZoneRect(el, dpi);
      return qz.xMm >= 0 && qz.xMm + qz.widthMm <= widthMm;
    });
    if (fits) return m;
  }
  const needed = (symbolModules(code128(waybillNo, 0.25, widthMm, 0, 10)) + 20) * 0.254; // 3 dots at 300 dpi is the widest 0.25 mm prints
  throw new Error(`waybill number "${waybillNo}" is too long for Code 128 on a ${widthMm} mm wide label (needs ${needed.toFixed(1)} mm with quiet zones at 0.25 mm modules)`);
}

/** Centred horizontally. */
function code128(data: string, m: number, widthMm: number, yMm: number, heightMm: number): LinearBarcodeElement {
  const el: LinearBarcodeElement = { kind: 'barcode', symbology: 'code128', data, xMm: 0, yMm, heightMm, moduleMm: m, humanReadable: true };
  el.xMm = (widthMm - symbolModules(el) * moduleMm(el)) / 2;
  return el;
}

/** Quiet zone height in mm at the widest the module prints at any dpi. */
const quietMm = (el: LinearBarcodeElement | QrBarcodeElement, modules: number) => Math.max(...DPIS.map((dpi) => moduleMm(el, dpi))) * modules;

/** A QR centred in a square box, at the widest module with which it fits there with its quiet zone. */
function qrCode(data: string, xMm: number, yMm: number, boxMm: number): QrBarcodeElement {
  for (const m of QR_MODULES_MM) {
    const el: QrBarcodeElement = { kind: 'barcode', symbology: 'qr', data, xMm: 0, yMm: 0, moduleMm: m, ecLevel: 'M' };
    const side = symbolModules(el) * Math.max(...DPIS.map((dpi) => moduleMm(el, dpi)));
    if (side + 2 * quietMm(el, 4) <= boxMm) return { ...el, xMm: xMm + (boxMm - side) / 2, yMm: yMm + (boxMm - side) / 2 };
  }
  throw new Error(`QR data of ${Buffer.byteLength(data)} bytes is too long for the ${boxMm} mm square of the waybill`);
}

/** Province, city and district once each (municipalities repeat the city: 北京市 北京市 朝阳区), then the detail without them. */
export function fullAddress(r: WaybillInput['receiver']): string {
  const parts: string[] = [];
  for (const p of [r.province, r.city, r.district].map((s) => (s ?? '').trim())) if (p && !parts.includes(p)) parts.push(p);
  let detail = (r.address ?? '').trim();
  const region = parts.join('');
  // Platforms often send the full address as the detail: do not print the region twice.
  if (region && detail.startsWith(region)) detail = detail.slice(region.length).trim();
  return [region, detail].filter(Boolean).join(' ');
}

/** 1250 g → 1.25kg (to the nearest 10 g). */
export function formatKg(weightG: number): string {
  const cg = Math.round(weightG / 10);
  return `${Math.floor(cg / 100)}.${String(cg % 100).padStart(2, '0')}kg`;
}

/** 2026-12-05 18:30 in China time. */
function chinaTime(d: Date): string {
  const t = new Date(d.getTime() + 8 * 3600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 16)}`;
}

function itemsSummary(items: WaybillInput['items']): string {
  const total = items.reduce((s, i) => s + i.qty, 0);
  return `共${total}件：` + items.map((i) => `${i.name.trim()}×${i.qty}`).join('，');
}

function checkInput(input: WaybillInput): void {
  const { pieces, weightG } = input;
  const pieceNo = input.pieceNo ?? 1;
  const problems: string[] = [];
  if (!Number.isInteger(pieces) || pieces < 1) problems.push(`pieces must be a whole number ≥ 1, got ${pieces}`);
  else if (!Number.isInteger(pieceNo) || pieceNo < 1 || pieceNo > pieces) problems.push(`pieceNo must be from 1 to ${pieces}, got ${pieceNo}`);
  if (!Number.isInteger(weightG) || weightG < 0) problems.push(`weightG must be whole grams ≥ 0, got ${weightG}`);
  if (!input.qrData) problems.push('qrData is empty');
  if (problems.length) throw new Error(`waybill ${input.waybillNo}: ${problems.join('; ')}`);
}

export function waybillLabel(input: WaybillInput, size: WaybillSize): Label {
  const g = GEOMETRY[size];
  if (!g) throw new Error(`unknown waybill size "${size}"`);
  checkInput(input);
  const { widthMm: W, heightMm: H, marginMm: M } = g;
  const inner = W - 2 * M;
  const els: LabelElement[] = [];
  const text = (xMm: number, yMm: number, s: string, sizeMm: number, extra: Partial<Extract<LabelElement, { kind: 'text' }>> = {}) => {
    els.push({ kind: 'text', xMm, yMm, text: s, sizeMm, maxWidthMm: inner, maxLines: 1, lineHeight: PITCH, ...extra });
  };
  const rule = (yMm: number) => els.push({ kind: 'line', xMm: 1, yMm, lengthMm: W - 2, direction: 'horizontal', thicknessMm: RULE_MM });
  let y = M;

  // Carrier and temperature mark.
  const mark = input.temperature === 'chilled' ? '冷藏' : input.temperature === 'frozen' ? '冷冻' : '';
  const markWidth = mark ? g.headerMm * 3 : 0;
  text(M, y, input.carrierName.trim(), g.headerMm, { bold: true, maxWidthMm: inner - markWidth, overflow: 'shrink' });
  if (mark) text(W - M - markWidth, y, mark, g.headerMm, { bold: true, maxWidthMm: markWidth, align: 'right' });
  y += g.headerMm * PITCH + 0.4;
  rule(y);
  y += RULE_MM + 0.8;

  // Routing code, as large as the width allows, and the sort centre under it.
  const routing = input.routingCode?.trim();
  if (routing) text(M, y, routing, g.routingMm, { bold: true, overflow: 'shrink', minSizeMm: g.routingMm * 0.5, align: 'center', lineHeight: 1.05 });
  y += g.routingMm * 1.05;
  const sortCenter = input.sortCenter?.trim();
  if (sortCenter) text(M, y, sortCenter, g.sortCenterMm, { align: 'center', overflow: 'shrink' });
  y += g.sortCenterMm * PITCH + 0.3;
  rule(y);
  y += RULE_MM;

  // The waybill barcode with its quiet zone above and below kept clear of the rules. The row is
  // sized for the preferred module, so a fallback to 0.25 mm does not move the bars.
  const m = waybillModuleMm(input.waybillNo, W);
  const q = quietMm(code128(input.waybillNo, CODE128_MODULES_MM[0], W, 0, 1), 10) + 0.2;
  els.push(code128(input.waybillNo, m, W, y + q, g.barHeightMm));
  y += q + g.barHeightMm + 3.5 + q; // 3.5 = HRI_MM: the number printed under the bars
  rule(y);
  y += RULE_MM + 0.8;

  // Receiver: masked name and phone, full address.
  const tag = g.receiverNameMm * 1.4; // room for 收/寄
  text(M, y, '收', g.receiverNameMm, { bold: true, maxWidthMm: tag });
  text(M + tag, y, `${maskName(input.receiver.name)}  ${maskPhone(input.receiver.phone)}`, g.receiverNameMm, { bold: true, maxWidthMm: inner - tag, overflow: 'shrink' });
  y += g.receiverNameMm * PITCH;
  text(M + tag, y, fullAddress(input.receiver), g.receiverAddressMm, { maxWidthMm: inner - tag, maxLines: 3, overflow: 'shrink', minSizeMm: g.receiverAddressMm * 0.75 });
  y += 3 * g.receiverAddressMm * PITCH + 0.4;
  rule(y);
  y += RULE_MM + 0.8;

  // Sender: masked too (a courier calls through the carrier's app), address in two lines.
  const senderTag = g.senderMm * 1.4;
  text(M, y, '寄', g.senderMm, { bold: true, maxWidthMm: senderTag });
  const sender = [maskName(input.sender.name), maskPhone(input.sender.phone), input.sender.address.trim()].filter(Boolean).join('  ');
  text(M + senderTag, y, sender, g.senderMm, { maxWidthMm: inner - senderTag, maxLines: 2 });
  y += 2 * g.senderMm * PITCH + 0.4;
  rule(y);
  y += RULE_MM + 0.8;

  // Pieces, weight and items on the left, the QR on the right; order number and date at the foot.
  const footerY = H - M - g.bodyMm * PITCH;
  const qrBox = Math.min(g.qrBoxMm, footerY - y - 0.5);
  const left = inner - qrBox - 1;
  els.push(qrCode(input.qrData, W - M - qrBox, y, qrBox));
  const strong = g.bodyMm * 1.3;
  text(M, y, `${input.pieceNo ?? 1}/${input.pieces}件  ${formatKg(input.weightG)}`, strong, { bold: true, maxWidthMm: left, overflow: 'shrink' });
  y += strong * PITCH + 0.5;
  const itemLines = Math.max(1, Math.floor((footerY - 0.5 - y) / (g.bodyMm * PITCH)));
  text(M, y, itemsSummary(input.items), g.bodyMm, { maxWidthMm: left, maxLines: itemLines });

  const date = chinaTime(input.printedAt ?? new Date());
  const dateWidth = g.bodyMm * 9;
  const orderNo = input.orderNo?.trim();
  if (orderNo) text(M, footerY, `订单 ${orderNo}`, g.bodyMm, { maxWidthMm: inner - dateWidth - 1, overflow: 'shrink' });
  text(W - M - dateWidth, footerY, date, g.bodyMm, { maxWidthMm: dateWidth, align: 'right', overflow: 'shrink' });

  const label: Label = { widthMm: W, heightMm: H, elements: els };
  const problems = validateLabel(label);
  if (problems.length) {
    throw new Error(`waybill ${input.waybillNo} (${size}) does not fit: ${problems.map((p) => `element ${p.elementIndex}: ${p.message}`).join('; ')}`);
  }
  return label;
}

