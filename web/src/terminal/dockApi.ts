import { api, fetchFile, type Page } from '../api';
import type { MessageKey, TFunction } from '../i18n';

/** The manifests resource (server/manifests) as the dock terminal and the manifests page use it. */

export const MANIFEST_STATUSES = ['open', 'closed', 'handed_over', 'disputed'] as const;
export type ManifestStatus = (typeof MANIFEST_STATUSES)[number];

export interface ManifestParcel {
  parcelId: number;
  orderId: number;
  orderExternalId: string | null;
  waybillNo: string;
  weightG: number;
  scannedBy: string;
  scannedAt: string | null;
  /** The carrier's answer: null before the hand-over, false when reported missing. */
  received: boolean | null;
}

export interface Manifest {
  id: number;
  manifestNo: string;
  warehouseId: number;
  warehouseName: string | null;
  carrierId: number;
  carrierCode: string | null;
  carrierName: string | null;
  status: ManifestStatus;
  parcelCount: number;
  totalWeightG: number;
  createdBy: string;
  createdAt: string | null;
  closedBy: string | null;
  closedAt: string | null;
  receivedBy: string | null;
  countedCount: number | null;
  handoverNote: string | null;
  handedOverAt: string | null;
  missingWaybillNos: string[];
  resolution: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  /** the hand-over call to the carrier's API after closing (SF 订单确认); not_needed when its API has none */
  carrierHandover: { status: 'not_needed' | 'pending' | 'done' | 'partial' | 'failed' | null; error: string | null; syncedAt: string | null };
  parcels?: ManifestParcel[];
}

/** The answer to a dock scan: the lane to put the parcel in and the manifest's running totals. */
export interface DockAnswer {
  manifestId: number;
  manifestNo: string;
  parcelId: number;
  orderId: number;
  orderExternalId: string;
  waybillNo: string;
  lane: string;
  parcelCount: number;
  totalWeightG: number;
  manifestOpened: boolean;
}

export const DOCK_SCAN = '/api/v1/dock/scan';

export const listManifests = (query: { status?: string; carrierId?: number; limit?: number }) => api<Page<Manifest>>('/api/v1/manifests', { query });
export const getManifest = (id: number) => api<Manifest>(`/api/v1/manifests/${id}`);
export const closeManifest = (id: number) => api<Manifest>(`/api/v1/manifests/${id}/close`, { method: 'POST' });
export const takeOff = (id: number, parcelId: number) => api<Manifest>(`/api/v1/manifests/${id}/parcels/${parcelId}`, { method: 'DELETE' });
export const handOver = (id: number, body: { receivedBy: string; countedCount: number; missingWaybillNos?: string[]; note?: string | null }) =>
  api<Manifest>(`/api/v1/manifests/${id}/handover`, { method: 'POST', body });
export const retryCarrierHandover = (id: number) => api<Manifest>(`/api/v1/manifests/${id}/carrier-handover/retry`, { method: 'POST' });
export const resolveDispute = (id: number, body: { resolution: string; foundWaybillNos?: string[] }) => api<Manifest>(`/api/v1/manifests/${id}/resolve`, { method: 'POST', body });

/** The hand-over sheet (PDF) or the list (CSV), fetched with the session's token. */
export const manifestFile = (m: Pick<Manifest, 'id' | 'manifestNo'>, format: 'pdf' | 'csv') =>
  fetchFile(`/api/v1/manifests/${m.id}`, { query: { format }, fallbackName: `${m.manifestNo}.${format}` });

export const kg = (g: number) => (g / 1000).toFixed(1);

/**
 * The lane as the dock shows it: the carrier's cage, and for the local carrier the township
 * route after " · " (the server's `laneOf`).
 */
export function splitLane(lane: string): { cage: string; route: string | null } {
  const at = lane.indexOf(' · ');
  return at < 0 ? { cage: lane, route: null } : { cage: lane.slice(0, at), route: lane.slice(at + 3) };
}

const ERR_CODES = new Set([
  'WAYBILL_NOT_OURS',
  'WAYBILL_VOIDED',
  'ORDER_CANCELLED',
  'ALREADY_SCANNED',
  'ON_ANOTHER_MANIFEST',
  'PARCEL_NOT_READY',
  'WRONG_CARRIER',
  'AMBIGUOUS_WAYBILL',
  'MANIFEST_CLOSED',
  'MANIFEST_EMPTY',
  'MANIFEST_HAS_STOPPED_PARCELS',
  'MANIFEST_NOT_CLOSED',
  'COUNT_MISMATCH',
  'NOT_ON_MANIFEST',
  'NOT_DISPUTED',
  'NOT_MISSING',
  'NO_WAREHOUSE',
  'MANIFEST_ALREADY_OPEN',
]);

/** A manifest refusal in the UI language, or null for codes the general error text covers. */
export function manifestErrorText(t: TFunction, code: string): string | null {
  return ERR_CODES.has(code) ? t(`dock.err.${code}` as MessageKey) : null;
}

/** What to do with the parcel in hand after a refused dock scan: the loud headline. */
export function refusalHeadline(t: TFunction, code: string): string {
  if (code === 'ORDER_CANCELLED' || code === 'WAYBILL_VOIDED') return t('dock.pullOut');
  if (code === 'ALREADY_SCANNED') return t('dock.alreadyScanned');
  if (code === 'WAYBILL_NOT_OURS') return t('dock.notOurs');
  if (code === 'WRONG_CARRIER') return t('dock.wrongCage');
  return t('dock.setAside');
}
