import type { PackItem, PackOrder } from './packApi';
import { normalizeCode } from './scanTiming';

/**
 * The pack scan check on the station itself, so that a beep needs no round trip (the server
 * checks the same again: verify, and Pack itself). Pure: unit-tested in tests/unit/web-pack.test.ts.
 */

/** One accepted scan: what was scanned and what it counted. */
export interface PackScan {
  seq: number;
  code: string;
  skuId: number;
  units: number;
}

export type Judgement = { verdict: 'ok'; item: PackItem; units: number } | { verdict: 'wrong' } | { verdict: 'extra'; item: PackItem; units: number };

/** The order line a scanned code names: an item or case barcode (its units), or the SKU code. */
export function itemOf(order: PackOrder, code: string): { item: PackItem; units: number } | null {
  const c = normalizeCode(code);
  for (const item of order.items) {
    const b = item.barcodes.find((x) => x.barcode === c);
    if (b) return { item, units: b.units };
  }
  const byCode = order.items.find((i) => i.skuCode === c);
  return byCode ? { item: byCode, units: 1 } : null;
}

export function scannedBySku(scans: readonly PackScan[]): Map<number, number> {
  const m = new Map<number, number>();
  for (const s of scans) m.set(s.skuId, (m.get(s.skuId) ?? 0) + s.units);
  return m;
}

/**
 * The verdict on a new scan from the order's own barcodes: not in the order, beyond its
 * quantity, or counted. The server checks the same again (verify, and pack itself).
 */
export function judgeScan(order: PackOrder, accepted: readonly PackScan[], code: string): Judgement {
  const hit = itemOf(order, code);
  if (!hit) return { verdict: 'wrong' };
  const already = scannedBySku(accepted).get(hit.item.skuId) ?? 0;
  if (already + hit.units > hit.item.qty) return { verdict: 'extra', ...hit };
  return { verdict: 'ok', ...hit };
}

export function isComplete(order: PackOrder, accepted: readonly PackScan[]): boolean {
  const n = scannedBySku(accepted);
  return order.items.length > 0 && order.items.every((i) => (n.get(i.skuId) ?? 0) === i.qty);
}

/** A put-wall slot as scanned or typed: "7", "07", "PW-07". */
export function slotOf(code: string): number | null {
  const m = /^(?:PW-?)?0*(\d{1,4})$/i.exec(normalizeCode(code));
  return m && Number(m[1]) > 0 ? Number(m[1]) : null;
}

/** Grams from what was typed in the unit shown; null when it is not a positive weight. */
export function gramsOf(text: string, unit: 'g' | 'kg'): number | null {
  const v = Number(normalizeCode(text).replace(',', '.'));
  if (!Number.isFinite(v) || v <= 0) return null;
  const g = Math.round(unit === 'kg' ? v * 1000 : v);
  return g > 0 ? g : null;
}

export const weightText = (g: number, unit: 'g' | 'kg'): string => (unit === 'kg' ? String(Math.round(g) / 1000) : String(Math.round(g)));
