import type { AppContext } from '../context';
import type { Caller } from '../auth/principal';
import { toIso } from '../db/time';
import { NotFound } from '../http/errors';
import { visibleCarrierId, visibleOwnerId } from '../auth/scope';
import { beijingText, shanghaiDay } from './events';

export interface TrackingEventView {
  status: string;
  carrierStatusCode: string | null;
  description: string;
  location: string | null;
  occurredAt: string | null;
  source: string;
}

/**
 * A parcel's tracking, oldest first. The floor sees every parcel, a seller its own owner's, a
 * carrier those it carries; anyone else gets 404, as if the parcel did not exist.
 */
export async function parcelTracking(ctx: AppContext, caller: Caller, parcelId: number) {
  const p = await ctx.db('parcels').where({ id: parcelId }).first('id', 'owner_id', 'carrier_id', 'waybill_no', 'tracking_status', 'tracking_at', 'tracking_checked_at');
  const owner = visibleOwnerId(caller.principal);
  const carrier = visibleCarrierId(caller.principal);
  // a carrier is bound to no owner (visibleOwnerId -1), so its check is by carrier alone
  const visible = !!p && (caller.principal.role === 'carrier' ? Number(p.carrier_id) === carrier : owner === null || Number(p.owner_id) === owner);
  if (!visible) throw new NotFound('parcel');
  const rows = await ctx
    .db('tracking_events')
    .where({ parcel_id: p.id })
    .orderBy([
      { column: 'occurred_at', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);
  const items: TrackingEventView[] = rows.map((r: any) => ({
    status: r.status,
    carrierStatusCode: r.carrier_status_code ?? null,
    description: r.description,
    location: r.location ?? null,
    occurredAt: toIso(r.occurred_at),
    source: r.source,
  }));
  return {
    parcelId: Number(p.id),
    waybillNo: p.waybill_no ?? null,
    trackingStatus: p.tracking_status ?? null,
    trackingAt: toIso(p.tracking_at),
    checkedAt: toIso(p.tracking_checked_at),
    items,
  };
}

export interface Shipment {
  parcelId: number;
  orderId: number;
  orderExternalId: string | null;
  ownerId: number;
  carrierId: number;
  carrierCode: string;
  carrierName: string;
  waybillNo: string;
  weightG: number;
  handedOverAt: string | null;
  trackingStatus: string | null;
  trackingAt: string | null;
}

/**
 * The parcels that left on one Asia/Shanghai day: those the carrier confirmed receiving on a
 * manifest handed over that day. One seller's day is small (hundreds), so it comes whole.
 */
export async function shipmentsOfDay(ctx: AppContext, input: { date: string; ownerId?: number }): Promise<Shipment[]> {
  const { from, to } = shanghaiDay(input.date);
  const q = ctx
    .db('manifest_parcels as mp')
    .join('manifests as m', 'm.id', 'mp.manifest_id')
    .join('parcels as p', 'p.id', 'mp.parcel_id')
    .join('orders as o', 'o.id', 'p.order_id')
    .join('carriers as c', 'c.id', 'p.carrier_id')
    .where('mp.received', true)
    .where('m.handed_over_at', '>=', from)
    .where('m.handed_over_at', '<', to)
    .orderBy([
      { column: 'm.handed_over_at', order: 'asc' },
      { column: 'p.id', order: 'asc' },
    ])
    .select('p.id', 'p.order_id', 'o.external_id', 'p.owner_id', 'p.carrier_id', 'c.code as carrier_code', 'c.name as carrier_name', 'mp.waybill_no', 'p.weight_g', 'm.handed_over_at', 'p.tracking_status', 'p.tracking_at');
  if (input.ownerId !== undefined) q.where('p.owner_id', input.ownerId);
  const rows = await q;
  return rows.map((r: any) => ({
    parcelId: Number(r.id),
    orderId: Number(r.order_id),
    orderExternalId: r.external_id ?? null,
    ownerId: Number(r.owner_id),
    carrierId: Number(r.carrier_id),
    carrierCode: r.carrier_code,
    carrierName: r.carrier_name,
    waybillNo: r.waybill_no,
    weightG: Number(r.weight_g),
    handedOverAt: toIso(r.handed_over_at),
    trackingStatus: r.tracking_status ?? null,
    trackingAt: toIso(r.tracking_at),
  }));
}

export const SHIPMENTS_CSV_HEADER = ['order_external_id', 'carrier_code', 'carrier_name', 'waybill_no', 'weight_g', 'handed_over_at', 'tracking_status', 'tracking_at'];

/** CSV rows: times in Beijing time, as a seller's spreadsheet shows them. */
export function shipmentsCsvRows(items: Shipment[]): unknown[][] {
  return [SHIPMENTS_CSV_HEADER, ...items.map((s) => [s.orderExternalId, s.carrierCode, s.carrierName, s.waybillNo, s.weightG, beijingText(s.handedOverAt), s.trackingStatus ?? '', beijingText(s.trackingAt)])];
}
