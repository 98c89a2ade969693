import type { Label, LabelElement } from '../label';

/**
 * The paper pick list (for hubs without handhelds): A4 pages, one batch after another, tasks in
 * walking order with the location large, and for a put-wall batch the slot of every order. The
 * tote's code is printed as Code 128 so that a terminal can still scan it.
 */
export interface PicklistBatch {
  waveId: number;
  batchNo: number;
  kind: 'single' | 'multi';
  toteCode: string;
  temperature: string;
  tasks: Array<{ seq: number; locationCode: string; skuCode: string; skuName: string; lotNo: string; qty: number }>;
  slots: Array<{ slotNo: number | null; externalId: string; units: number }>;
}

const W = 210;
const H = 297;
const ROWS_PER_PAGE = 22;

const text = (xMm: number, yMm: number, s: string, sizeMm: number, extra: Partial<LabelElement & { kind: 'text' }> = {}): LabelElement =>
  ({ kind: 'text', xMm, yMm, text: s, sizeMm, maxLines: 1, ...extra }) as LabelElement;

function header(b: PicklistBatch, page: number, pages: number, title: string): LabelElement[] {
  const kind = b.kind === 'multi' ? '播种 / sort at put-wall' : '单件 / single units';
  return [
    text(12, 10, `${title} · 波次 Wave ${b.waveId} · 批次 Batch ${b.batchNo}`, 6, { bold: true, maxWidthMm: 130 }),
    text(12, 19, `${kind} · ${b.temperature} · ${page}/${pages}`, 3.6, { maxWidthMm: 130 }),
    { kind: 'barcode', symbology: 'code128', xMm: 140, yMm: 8, data: b.toteCode, heightMm: 12 } as LabelElement,
    { kind: 'line', xMm: 12, yMm: 28, lengthMm: W - 24, direction: 'horizontal', thicknessMm: 0.4 },
  ];
}

export function picklistPages(batches: PicklistBatch[]): Label[] {
  const pages: Label[] = [];
  for (const b of batches) {
    const chunks = Math.max(1, Math.ceil(b.tasks.length / ROWS_PER_PAGE));
    for (let p = 0; p < chunks; p++) {
      const els = header(b, p + 1, chunks, '拣货单 Pick list');
      els.push(text(12, 31, '序 Seq', 3.2), text(28, 31, '库位 Location', 3.2), text(80, 31, '商品 Item', 3.2), text(160, 31, '批次 Lot', 3.2), text(186, 31, '数量 Qty', 3.2));
      b.tasks.slice(p * ROWS_PER_PAGE, (p + 1) * ROWS_PER_PAGE).forEach((t, i) => {
        const y = 38 + i * 11.2;
        els.push(
          text(12, y, String(t.seq), 4),
          text(28, y - 0.5, t.locationCode, 5.5, { bold: true, maxWidthMm: 50, overflow: 'shrink' }),
          text(80, y, `${t.skuCode} ${t.skuName}`, 3.6, { maxWidthMm: 78, overflow: 'shrink' }),
          text(160, y, t.lotNo || '-', 3.4, { maxWidthMm: 24, overflow: 'shrink' }),
          text(186, y - 0.5, `× ${t.qty}`, 5, { bold: true, maxWidthMm: 20 }),
        );
      });
      pages.push({ widthMm: W, heightMm: H, elements: els });
    }
    if (b.kind === 'multi' && b.slots.length) {
      const els = header(b, 1, 1, '播种墙 Put-wall');
      b.slots.slice(0, 48).forEach((s, i) => {
        const col = i < 24 ? 0 : 1;
        const y = 34 + (i % 24) * 10.5;
        els.push(text(12 + col * 96, y, `${s.slotNo ?? '-'}`, 6, { bold: true, maxWidthMm: 18 }), text(32 + col * 96, y + 0.8, `${s.externalId} · ${s.units} 件`, 4, { maxWidthMm: 72, overflow: 'shrink' }));
      });
      pages.push({ widthMm: W, heightMm: H, elements: els });
    }
  }
  return pages;
}
