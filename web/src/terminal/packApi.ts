import { api } from '../api';
import type { Printer, PrintJob } from '../printing';

/** The pack station's resources (server/packing/stations.routes.ts, packing.routes.ts) and the local scan check. */

export interface PackStation {
  id: number;
  warehouseId: number;
  code: string;
  name: string;
  printerId: number | null;
  printerName?: string | null;
  cartonCodes: string[];
}

export interface ToteOrder {
  orderId: number;
  externalId: string;
  status: string;
  slotNo: number | null;
  units: number;
  sortedUnits: number;
  readyToPack: boolean;
  packed: boolean;
}

export interface Tote {
  toteCode: string;
  waveId: number;
  batchNo: number;
  kind: 'single' | 'multi';
  status: string;
  picker: string | null;
  temperature: string;
  orders: ToteOrder[];
}

export interface PackItem {
  skuId: number;
  skuCode: string;
  name: string;
  spec: string | null;
  imageUrl: string | null;
  qty: number;
  weightG: number;
  lengthMm: number | null;
  widthMm: number | null;
  heightMm: number | null;
  /** units: 1 for an item barcode, N for a case */
  barcodes: Array<{ barcode: string; units: number }>;
}

export interface CartonOption {
  code: string;
  name: string;
  lengthMm: number;
  widthMm: number;
  heightMm: number;
  maxWeightG: number | null;
  tareG: number;
  fits: boolean;
  why?: string | null;
}

export interface ParcelJob {
  id: number;
  status: string;
  problem: string | null;
  waybillNo: string | null;
  reprintOf: number | null;
}

export interface Parcel {
  id: number;
  orderId: number;
  orderExternalId: string | null;
  status: string;
  carrierCode: string | null;
  carrierName: string | null;
  waybillNo: string | null;
  weightG: number;
  cartonCode: string | null;
  lastError: string | null;
  printJobs: ParcelJob[];
}

export interface PackOrder {
  orderId: number;
  externalId: string;
  ownerId: number;
  ownerName: string;
  status: string;
  waveId: number | null;
  batchNo: number | null;
  slotNo: number | null;
  temperature: string;
  units: number;
  itemsWeightG: number;
  items: PackItem[];
  cartons: { suggested: string | null; reason: string; options: CartonOption[] };
  parcels: Parcel[];
}

export type Lookup = { kind: 'order'; order: PackOrder } | { kind: 'tote'; tote: Tote };

export interface Verify {
  lines: Array<{ skuId: number; skuCode: string; name: string; qty: number; scanned: number }>;
  complete: boolean;
  last: { barcode: string; accepted: boolean; skuCode: string | null; units: number; message: string | null } | null;
  problems: Array<{ code: string; skuCode?: string; barcode?: string; expected?: number; scanned?: number; message: string }>;
}

export interface PackBody {
  scans: string[];
  cartonCode: string | null;
  weightG: number;
  printerId: number | null;
  /** a split order: this carton holds only the scanned items, more cartons follow */
  partial?: boolean;
}

export interface Packed {
  parcelId: number;
  carrierCode: string;
  waybillNo: string;
  routingCode: string | null;
  printJobId: number | null;
  /** partly_packed: a carton of a split order; `remaining` is still to pack */
  status: 'packed' | 'partly_packed';
  remaining: Array<{ skuCode: string; name: string; qty: number }>;
}

export const listStations = () => api<{ items: PackStation[] }>('/api/v1/pack-stations').then((r) => r.items);
export const getPrinter = (id: number) => api<Printer>(`/api/v1/printers/${id}`);
export const askPrinter = (id: number) => api<unknown>(`/api/v1/printers/${id}/status`);
export const packLookup = (q: { code: string; barcode?: string; slot?: number; stationId?: number }) => api<Lookup>('/api/v1/pack/lookup', { query: q });
export const verifyScans = (orderId: number, scans: string[]) => api<Verify>(`/api/v1/orders/${orderId}/pack/verify`, { method: 'POST', body: { scans } });
export const packOrder = (orderId: number, body: PackBody, key: string) => api<Packed>(`/api/v1/orders/${orderId}/pack`, { method: 'POST', body, idempotencyKey: key });
export const getParcel = (id: number) => api<Parcel>(`/api/v1/parcels/${id}`);
export const voidParcel = (id: number, printerId: number | null, key: string) =>
  api<Parcel>(`/api/v1/parcels/${id}/void`, { method: 'POST', body: { reissue: true, printerId, reason: 'void and reissue at the pack station' }, idempotencyKey: key });
export const getPrintJob = (id: number) => api<PrintJob>(`/api/v1/print-jobs/${id}`);
export const reprintJob = (id: number, printerId: number | null) => api<PrintJob>(`/api/v1/print-jobs/${id}/reprint`, { method: 'POST', body: printerId ? { printerId } : {} });
export const retryJob = (id: number) => api<PrintJob>(`/api/v1/print-jobs/${id}/retry`, { method: 'POST' });

/** The newest print job of a parcel for its current waybill. */
export function currentJob(p: Parcel): ParcelJob | null {
  const mine = p.printJobs.filter((j) => !p.waybillNo || j.waybillNo === p.waybillNo);
  return mine.length ? mine.reduce((a, b) => (b.id > a.id ? b : a)) : null;
}
