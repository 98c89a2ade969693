import { api, type Page, type Sku } from '../api';
import { normalizeCode, sameCode } from './scanTiming';

/** The picking and put-wall resources the picker and put-wall terminals use (server/waves). */

export type TaskStatus = 'open' | 'skipped' | 'done' | 'short' | 'cancelled';

export interface PickTask {
  id: number;
  kind: 'pick' | 'putback';
  waveId: number;
  batchNo: number;
  batchKind: string;
  seq: number;
  locationCode: string;
  /** The batch's tote. */
  toLocationCode: string;
  skuCode: string;
  skuName: string;
  spec: string | null;
  lotNo: string;
  lotTracked: boolean;
  expiresAt: string | null;
  qty: number;
  pickedQty: number;
  status: TaskStatus;
  picker: string | null;
}

export interface Claimed {
  waveId: number;
  batchNo: number;
  kind: string;
  picker: string;
  tasks: PickTask[];
}

export interface ConfirmBody {
  locationCode: string;
  barcode: string;
  qty: number;
  lotNo?: string;
}

export interface Confirmed {
  task: PickTask;
  units: number;
}

// a tote as the put-wall sees it is the pack station's tote
export type { Tote, ToteOrder } from './packApi';
import type { Tote } from './packApi';

export interface SlotAnswer {
  slotNo: number;
  orderId: number;
  externalId: string;
  sortedUnits: number;
  units: number;
  slotComplete: boolean;
  readyToPack: boolean;
}

export const claimBatch = (waveId?: number) => api<Claimed>('/api/v1/pick-tasks/claim', { method: 'POST', body: waveId ? { waveId } : {} });

/** The batch's pick tasks as the server has them now (no claim: a finished batch stays finished). */
export async function batchTasks(waveId: number, batchNo: number): Promise<PickTask[]> {
  const page = await api<Page<PickTask>>('/api/v1/pick-tasks', { query: { waveId, batchNo, kind: 'pick', limit: 2000 } });
  return page.items;
}

export const getTote = (code: string) => api<Tote>(`/api/v1/totes/${encodeURIComponent(normalizeCode(code))}`);

export const confirmPath = (taskId: number) => `/api/v1/pick-tasks/${taskId}/confirm`;
export const skipPath = (taskId: number) => `/api/v1/pick-tasks/${taskId}/skip`;
export const shortPath = (taskId: number) => `/api/v1/pick-tasks/${taskId}/short`;
export const PUTWALL_SCAN = '/api/v1/putwall/scan';

/** What one scan of a code counts for a task's product: units, or a lot label. */
export interface ItemCodes {
  /** Barcode → units per scan (1 for an item barcode, N for a case). */
  units: Record<string, number>;
  skuCodes: string[];
  /** The id in the task's lot label `LOT<id>`, when known. */
  lotId: number | null;
}

/**
 * The codes that name the task's product, so that a scan is judged on the spot (no round trip
 * per unit). A task names its SKU by code; codes are unique per owner, so every SKU with that
 * code and name counts (the server then checks the owner when the pick is confirmed).
 */
export async function itemCodes(task: PickTask): Promise<ItemCodes | null> {
  const page = await api<Page<Sku>>('/api/v1/skus', { query: { q: task.skuCode, limit: 50 } });
  const skus = page.items.filter((s) => s.skuCode === task.skuCode && s.name === task.skuName);
  if (!skus.length) return null;
  const units: Record<string, number> = {};
  for (const s of skus) {
    for (const b of [...s.barcodes, ...(s.barcode ? [s.barcode] : [])]) units[normalizeCode(b)] = 1;
    for (const c of s.cases) units[normalizeCode(c.barcode)] = c.qty;
  }
  let lotId: number | null = null;
  if (task.lotTracked && task.lotNo && skus.length === 1) {
    const lots = await api<Page<{ id: number; lotNo: string }>>('/api/v1/lots', { query: { skuCode: task.skuCode, ownerId: skus[0].ownerId, lotNo: task.lotNo, limit: 50 } });
    lotId = lots.items.find((l) => l.lotNo === task.lotNo)?.id ?? null;
  }
  return { units, skuCodes: [task.skuCode], lotId };
}

export type ScanVerdict = { kind: 'item'; perScan: number } | { kind: 'wrongLot' } | { kind: 'wrong' } | { kind: 'unknown' };

/** Judges a scan at the pick face against the task's product. */
export function judgeScan(code: string, known: ItemCodes | null): ScanVerdict {
  const c = normalizeCode(code);
  if (!known) return { kind: 'unknown' };
  if (known.units[c]) return { kind: 'item', perScan: known.units[c] };
  if (known.skuCodes.some((s) => sameCode(s, c))) return { kind: 'item', perScan: 1 };
  const lot = /^LOT(\d{1,12})$/i.exec(c);
  if (lot) {
    if (known.lotId === null) return { kind: 'unknown' };
    return Number(lot[1]) === known.lotId ? { kind: 'item', perScan: 1 } : { kind: 'wrongLot' };
  }
  return { kind: 'wrong' };
}
