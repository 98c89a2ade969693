import type { Label, LabelElement } from '../label';

/**
 * The hand-over sheet of a manifest (A4): the manifest number as Code 128 so it can be scanned at
 * the carrier's end, carrier and warehouse, count and total weight, every waybill with its order
 * and weight, and a signature area for both sides.
 */
export interface ManifestSheet {
  manifestNo: string;
  carrierName: string;
  warehouseName: string;
  status: string;
  closedAt: string | null;
  parcelCount: number;
  totalWeightG: number;
  parcels: Array<{ waybillNo: string; orderExternalId: string | null; weightG: number; received: boolean | null }>;
  receivedBy: string | null;
  countedCount: number | null;
}

const W = 210;
const H = 297;
const FIRST_ROWS = 30;
const ROWS = 36;

const text = (xMm: number, yMm: number, s: string, sizeMm: number, extra: Partial<LabelElement & { kind: 'text' }> = {}): LabelElement =>
  ({ kind: 'text', xMm, yMm, text: s, sizeMm, maxLines: 1, ...extra }) as LabelElement;
const hline = (yMm: number, thicknessMm = 0.3): LabelElement => ({ kind: 'line', xMm: 12, yMm, lengthMm: W - 24, direction: 'horizontal', thicknessMm });
const kg = (g: number) => `${(g / 1000).toFixed(2)} kg`;

export function manifestPages(m: ManifestSheet): Label[] {
  const chunks: ManifestSheet['parcels'][] = [m.parcels.slice(0, FIRST_ROWS)];
  for (let i = FIRST_ROWS; i < m.parcels.length; i += ROWS) chunks.push(m.parcels.slice(i, i + ROWS));
  const pages: Label[] = [];
  chunks.forEach((rows, p) => {
    const els: LabelElement[] = [
      text(12, 10, '交接单 Hand-over manifest', 6.5, { bold: true, maxWidthMm: 110 }),
      text(12, 19, `${m.manifestNo} · ${p + 1}/${chunks.length}`, 4, { maxWidthMm: 110 }),
      { kind: 'barcode', symbology: 'code128', xMm: 128, yMm: 8, data: m.manifestNo, heightMm: 13 } as LabelElement,
    ];
    let y = 27;
    if (p === 0) {
      els.push(
        text(12, y, `承运商 Carrier: ${m.carrierName}`, 4, { maxWidthMm: 95, overflow: 'shrink' }),
        text(110, y, `仓库 Warehouse: ${m.warehouseName}`, 4, { maxWidthMm: 88, overflow: 'shrink' }),
        text(12, y + 7, `件数 Parcels: ${m.parcelCount}`, 4.6, { bold: true, maxWidthMm: 95 }),
        text(110, y + 7, `总重 Total weight: ${kg(m.totalWeightG)}`, 4.6, { bold: true, maxWidthMm: 88 }),
        text(12, y + 14, `封单 Closed: ${m.closedAt ?? '—'} · ${m.status}`, 3.4, { maxWidthMm: W - 24 }),
      );
      y += 21;
    }
    els.push(hline(y), text(12, y + 2, '#', 3.2), text(24, y + 2, '运单号 Waybill', 3.2), text(92, y + 2, '订单 Order', 3.2), text(160, y + 2, '重量 Weight', 3.2));
    y += 8;
    const start = p === 0 ? 0 : FIRST_ROWS + (p - 1) * ROWS;
    rows.forEach((r, i) => {
      const mark = r.received === false ? ' (缺 missing)' : '';
      els.push(
        text(12, y, String(start + i + 1), 3.4),
        text(24, y - 0.3, r.waybillNo + mark, 4, { bold: true, maxWidthMm: 66, overflow: 'shrink' }),
        text(92, y, r.orderExternalId ?? '-', 3.4, { maxWidthMm: 66, overflow: 'shrink' }),
        text(160, y, kg(r.weightG), 3.4, { maxWidthMm: 36 }),
      );
      y += 6.6;
    });
    if (p === chunks.length - 1) {
      const s = Math.max(y + 4, H - 48);
      els.push(
        hline(s, 0.4),
        text(12, s + 4, `交件人签字 Handed over by: ______________________`, 3.8, { maxWidthMm: 95 }),
        text(110, s + 4, `收件人签字 Received by: ${m.receivedBy ?? '______________________'}`, 3.8, { maxWidthMm: 88 }),
        text(12, s + 16, `日期时间 Date, time: ______________________`, 3.8, { maxWidthMm: 95 }),
        text(110, s + 16, `实收件数 Counted: ${m.countedCount ?? '________'}`, 3.8, { maxWidthMm: 88 }),
      );
    }
    pages.push({ widthMm: W, heightMm: H, elements: els });
  });
  return pages;
}
