import { api, type Location, type Page, type Sku, type Temperature } from '../api';
import { normalizeCode, sameCode } from './scanTiming';

/** The inbound and inventory resources the terminal screens use. */

export interface AsnLine {
  id: number;
  skuId: number;
  skuCode: string;
  skuName: string;
  lotTracked: boolean;
  lotNo: string | null;
  expectedQty: number;
  receivedQty: number;
  diff: number;
}

export type AsnStatus = 'announced' | 'receiving' | 'received' | 'closed';

export interface Asn {
  id: number;
  ownerId: number;
  reference: string;
  status: AsnStatus;
  lines: AsnLine[];
}

export interface SkuBrief {
  id: number;
  skuCode: string;
  name: string;
  spec?: string | null;
  lotTracked?: boolean;
  temperature: Temperature;
}

export interface Lot {
  id: number;
  lotNo: string;
  producedAt: string | null;
  expiresAt: string | null;
}

export interface ReceiptBody {
  barcode: string;
  qty: number;
  lotNo?: string;
  producedAt?: string;
  expiresAt?: string;
  locationCode: string;
}

export interface Receipt {
  movementId: number;
  units: number;
  sku: SkuBrief;
  lot: Lot;
  locationCode: string;
  line: AsnLine;
  asn: Asn;
}

export interface Suggestion {
  sku: SkuBrief;
  lot: Lot;
  qty: number;
  locationCode: string | null;
  reason: string;
  alternatives: Array<{ locationCode: string; reason: string }>;
}

export interface MoveBody {
  barcode?: string;
  skuCode?: string;
  lotNo?: string;
  fromLocationCode: string;
  toLocationCode: string;
  qty: number;
  /** The operator confirmed a location other than planned (a supervisor may then cross temperature classes). */
  override?: boolean;
}

export interface Stock {
  skuId: number;
  skuCode: string;
  skuName: string;
  ownerId: number;
  lotId: number;
  lotNo: string;
  expiresAt: string | null;
  lotStatus: string;
  locationCode: string;
  onHand: number;
  allocated: number;
  available: number;
}

/** Open ASNs with exactly this reference (one per owner). */
export async function findAsns(reference: string): Promise<Asn[]> {
  const page = await api<Page<Asn>>('/api/v1/asns', { query: { q: reference, status: 'announced,receiving', limit: 20 } });
  return page.items;
}

/** A location by its code, however it was typed (case, full-width); null if there is none. */
export async function findLocation(code: string): Promise<Location | null> {
  const page = await api<Page<Location>>('/api/v1/locations', { query: { q: normalizeCode(code), limit: 50 } });
  return page.items.find((l) => sameCode(l.code, code)) ?? null;
}

export interface ScannedItem {
  sku: Sku;
  /** Units one scan of this code counts (a case barcode counts its case). */
  perScan: number;
}

/** The product a scanned code names: unit or case barcode, or the SKU code on an internal label. */
export async function findItem(code: string, ownerId?: number): Promise<ScannedItem | null> {
  const c = normalizeCode(code);
  const page = await api<Page<Sku>>('/api/v1/skus', { query: { q: c, ownerId, limit: 50 } });
  for (const sku of page.items) {
    if (sku.barcodes.includes(c) || sku.barcode === c) return { sku, perScan: 1 };
    const kase = sku.cases.find((k) => k.barcode === c);
    if (kase) return { sku, perScan: kase.qty };
  }
  const byCode = page.items.find((s) => sameCode(s.skuCode, c));
  return byCode ? { sku: byCode, perScan: 1 } : null;
}

/** A booking to send, with the key that makes sending it again safe (the server books it once). */
export interface Outgoing<T> {
  body: T;
  key: string;
}

/** A fresh Idempotency-Key (crypto.randomUUID needs https; a terminal on the LAN may use http). */
export function newKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return 'term-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export const postReceipt = (asnId: number, out: Outgoing<ReceiptBody>) =>
  api<Receipt>(`/api/v1/asns/${asnId}/receipts`, { method: 'POST', body: out.body, idempotencyKey: out.key });

export const completeAsn = (asnId: number) => api<Asn>(`/api/v1/asns/${asnId}/complete`, { method: 'POST' });

export const suggestPutaway = (q: { barcode: string; fromLocationCode: string; lotNo?: string }) =>
  api<Suggestion>('/api/v1/putaway/suggestion', { query: q });

export const postPutaway = (out: Outgoing<MoveBody>) => api<unknown>('/api/v1/putaway', { method: 'POST', body: out.body, idempotencyKey: out.key });

export const postMove = (out: Outgoing<MoveBody>) => api<unknown>('/api/v1/inventory/moves', { method: 'POST', body: out.body, idempotencyKey: out.key });

/**
 * A lot already received (a harvest received over several days), so its dates are offered
 * again instead of today's: the server refuses the same lot with other dates.
 */
export async function findLot(skuCode: string, ownerId: number, lotNo: string): Promise<Lot | null> {
  const page = await api<Page<Lot>>('/api/v1/lots', { query: { skuCode, ownerId, limit: 500 } });
  return page.items.find((l) => l.lotNo === lotNo) ?? null;
}

export async function stockAt(locationCode: string): Promise<Stock[]> {
  const page = await api<Page<Stock>>('/api/v1/inventory', { query: { locationCode, limit: 200 } });
  return page.items;
}

/** Today in the terminal's own time zone, as a date input wants it. */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A date-only value from the API (`2026-11-23` or an ISO time) as `YYYY-MM-DD`. */
export const dateOnly = (v: string | null | undefined): string => (v ? String(v).slice(0, 10) : '');
