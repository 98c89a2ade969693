import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { BusinessRule, Conflict, Forbidden, NotFound, Unavailable } from '../http/errors';
import { paginate, PageParams } from '../db/cursor';
import { whereOwnerOrCarrier } from '../auth/scope';
import { audit } from '../audit';
import { actorOf } from '../orders/orders.model';
import { connectionOf, selectCarrier } from '../carriers';
import { renderLabels } from '../../printers/render';
import type { WaybillSize } from '../../printers/documents/waybill';
import { CarrierError } from '../../integrations/carriers/types';
import { waybillDocument } from '../printing/documents';
import { itemSummary, recordWaybill, waybillNotRecorded, waybillRequestOf, type ParcelItem } from './pack.service';
import { requestWaybill } from './waybill';

export const PARCEL_STATUSES = ['waybill_pending', 'waybill_failed', 'labelled', 'voiding', 'voided'] as const;

export async function presentParcels(db: Tx, rows: any[]) {
  if (!rows.length) return [];
  const ids = rows.map((r) => Number(r.id));
  const [carriers, orders, waybills, items, jobs] = await Promise.all([
    db('carriers').whereIn('id', [...new Set(rows.map((r) => Number(r.carrier_id)))]).select('id', 'code', 'name'),
    db('orders').whereIn('id', [...new Set(rows.map((r) => Number(r.order_id)))]).select('id', 'external_id', 'status'),
    db('waybills').join('carriers', 'carriers.id', 'waybills.carrier_id').whereIn('parcel_id', ids).orderBy('waybills.id').select('waybills.*', 'carriers.code as carrier_code'),
    db('parcel_items').join('skus', 'skus.id', 'parcel_items.sku_id').join('lots', 'lots.id', 'parcel_items.lot_id').whereIn('parcel_id', ids).select('parcel_items.*', 'skus.sku_code', 'skus.name', 'lots.lot_no'),
    db('print_jobs').whereIn('parcel_id', ids).orderBy('id').select('id', 'parcel_id', 'status', 'problem', 'waybill_no', 'reprint_of'),
  ]);
  const by = <T extends { parcel_id: any }>(list: T[], id: number) => list.filter((x) => Number(x.parcel_id) === id);
  return rows.map((r) => {
    const id = Number(r.id);
    const carrier = carriers.find((c: any) => Number(c.id) === Number(r.carrier_id));
    const order = orders.find((o: any) => Number(o.id) === Number(r.order_id));
    return {
      id,
      orderId: Number(r.order_id),
      orderExternalId: order?.external_id ?? null,
      ownerId: Number(r.owner_id),
      status: r.status,
      carrierCode: carrier?.code ?? null,
      carrierName: carrier?.name ?? null,
      carrierReason: r.carrier_reason,
      carrierOverrideBy: r.carrier_override_by ?? null,
      waybillNo: r.waybill_no ?? null,
      routingCode: r.routing_code ?? null,
      sortCenter: r.sort_center ?? null,
      weightG: Number(r.weight_g),
      cartonCode: r.carton_code ?? null,
      pieces: Number(r.pieces),
      temperature: r.temperature,
      lastErrorKind: r.last_error_kind ?? null,
      lastError: r.last_error ?? null,
      packedBy: r.packed_by,
      labelledAt: toIso(r.labelled_at),
      voidedAt: toIso(r.voided_at),
      items: by(items, id).map((i: any) => ({ skuCode: i.sku_code, name: i.name, lotNo: i.lot_no, qty: Number(i.qty) })),
      waybills: by(waybills, id).map((w: any) => ({ waybillNo: w.waybill_no, carrierCode: w.carrier_code, routingCode: w.routing_code ?? null, status: w.status, createdAt: toIso(w.created_at), voidedAt: toIso(w.voided_at) })),
      printJobs: by(jobs, id).map((j: any) => ({ id: Number(j.id), status: j.status, problem: j.problem ?? null, waybillNo: j.waybill_no, reprintOf: j.reprint_of ? Number(j.reprint_of) : null })),
      createdAt: toIso(r.created_at),
      updatedAt: toIso(r.updated_at),
    };
  });
}

export async function loadParcel(db: Tx, caller: Caller, id: number, forUpdate = false) {
  const q = db('parcels').where({ id });
  whereOwnerOrCarrier(q, caller.principal);
  if (forUpdate) q.forUpdate();
  const row = await q.first();
  if (!row) throw new NotFound('parcel');
  return row;
}

export async function getParcel(ctx: AppContext, caller: Caller, id: number) {
  return (await presentParcels(ctx.db, [await loadParcel(ctx.db, caller, id)]))[0];
}

export async function listParcels(ctx: AppContext, caller: Caller, f: PageParams & { orderId?: number; status?: string; waybillNo?: string }) {
  const q = ctx.db('parcels');
  whereOwnerOrCarrier(q, caller.principal);
  if (f.orderId) q.where('order_id', f.orderId);
  if (f.status) q.whereIn('status', f.status.split(','));
  if (f.waybillNo) q.where('waybill_no', f.waybillNo);
  const page = await paginate<any>(q, f);
  return { items: await presentParcels(ctx.db, page.items), nextCursor: page.nextCursor };
}

export async function parcelLabel(ctx: AppContext, caller: Caller, id: number, format: 'pdf' | 'zpl' | 'tspl' | 'escpos', size: WaybillSize, dpi: 203 | 300) {
  const parcel = await loadParcel(ctx.db, caller, id);
  const label = await waybillDocument(ctx, ctx.db, Number(parcel.id), size);
  return renderLabels([label], format, { dpi, title: parcel.waybill_no });
}

/**
 * Voids the parcel's waybill at the carrier, then here; with `reissue`, asks for a new one
 * (from the same or another carrier) and queues its label. The parcel is `voiding` while the
 * carrier is asked, so two voids cannot cross; if the carrier cannot be reached nothing changes.
 */
export async function voidParcel(ctx: AppContext, caller: Caller, id: number, input: { reissue?: boolean; carrierCode?: string | null; printerId?: number | null; reason?: string | null }) {
  if (input.carrierCode && !['admin', 'supervisor'].includes(caller.principal.role)) throw new Forbidden('Only a supervisor can choose the carrier by hand');
  const parcel = await inTransaction(ctx.db, async (trx) => {
    const p = await loadParcel(trx, caller, id, true);
    if (p.status === 'voided') throw new Conflict('PARCEL_VOIDED', `The waybill ${p.waybill_no ?? ''} of parcel ${id} is already void`.replace('  ', ' '));
    if (p.status === 'voiding' || p.status === 'waybill_pending') throw new Conflict('PARCEL_BUSY', `Parcel ${id} is being changed at another station`);
    const order = await trx('orders').where({ id: p.order_id }).first();
    if (order.status === 'shipped') throw new Conflict('ORDER_SHIPPED', `Order ${order.external_id} has left with waybill ${p.waybill_no}: it cannot be voided`);
    // a voided waybill must never be on a manifest: a parcel on one comes off it first
    const listed = await trx('manifest_parcels')
      .join('manifests', 'manifests.id', 'manifest_parcels.manifest_id')
      .where('manifest_parcels.parcel_id', id)
      .where((q) => q.whereNull('manifest_parcels.received').orWhere('manifest_parcels.received', true))
      .first('manifests.id', 'manifests.manifest_no', 'manifests.status');
    if (listed) {
      const what = listed.status === 'open' ? 'take it off that manifest first' : 'that list is closed and goes to the carrier';
      throw new Conflict('PARCEL_ON_MANIFEST', `Parcel ${id} (waybill ${p.waybill_no}) is on manifest ${listed.manifest_no}: ${what}`);
    }
    await trx('parcels').where({ id }).update({ status: p.status === 'labelled' ? 'voiding' : p.status, updated_at: nowDb() });
    return p;
  });
  const carrierRow = await ctx.db('carriers').where({ id: parcel.carrier_id }).first();
  if (parcel.status === 'labelled') {
    const { adapter, conn } = connectionOf(ctx, carrierRow);
    try {
      await adapter.cancelWaybill(conn, parcel.waybill_no, parcel.request_ref);
    } catch (err: any) {
      await ctx.db('parcels').where({ id, status: 'voiding' }).update({ status: 'labelled', updated_at: nowDb() });
      if (err instanceof CarrierError && !err.retryable) throw new BusinessRule('CARRIER_REFUSED', `${carrierRow.name} refused to void ${parcel.waybill_no}: ${err.message}`);
      throw new Unavailable('CARRIER_UNAVAILABLE', `${carrierRow.name} could not be reached to void ${parcel.waybill_no}: try again (${err?.message ?? err})`);
    }
  }
  // the waybill is void at the carrier: void it here, return the order to "picked"
  const reissue = await inTransaction(ctx.db, async (trx) => {
    const now = nowDb();
    const order = await trx('orders').where({ id: parcel.order_id }).forUpdate().first();
    if (parcel.waybill_no) await trx('waybills').where({ carrier_id: parcel.carrier_id, waybill_no: parcel.waybill_no }).update({ status: 'void', voided_at: now, updated_at: now });
    await trx('print_jobs').where({ parcel_id: id }).whereIn('status', ['queued', 'retrying', 'ready']).update({ status: 'cancelled', last_error: 'waybill voided', updated_at: now });
    await trx('parcels').where({ id }).update({ status: 'voided', voided_at: now, updated_at: now });
    if (order.status === 'packed') {
      await trx('allocations').where({ order_id: order.id, status: 'packed' }).update({ status: 'picked', updated_at: now });
      await trx('orders').where({ id: order.id }).update({ status: 'picked', version: Number(order.version) + 1, updated_at: now });
    }
    await trx('order_events').insert({ order_id: order.id, event: 'waybill_voided', from_status: order.status, to_status: order.status === 'packed' ? 'picked' : order.status, actor: actorOf(caller.principal), message: `${carrierRow.code} ${parcel.waybill_no ?? '(no waybill)'}${input.reason ? `: ${input.reason}` : ''}`.slice(0, 1000), created_at: now });
    await audit(trx, caller, { action: 'parcel.void', entity: 'parcel', entityId: id, ownerId: Number(parcel.owner_id), details: { waybillNo: parcel.waybill_no, reason: input.reason ?? null } });
    // a carton of a split order still being packed gets its new waybill too; the order stays as it was
    if (!input.reissue || (order.status !== 'packed' && order.status !== 'picked')) return null;
    // a new waybill for the same parcel (the same items): new reference, so the carrier issues a new number
    const items = await parcelItems(trx, id);
    const choice = await selectCarrier(trx, Number(order.owner_id), { province: order.province, city: order.city, weightG: Number(parcel.weight_g), temperature: parcel.temperature }, input.carrierCode);
    if (!choice.carrier) throw new BusinessRule('NO_CARRIER', `No carrier for this parcel: ${choice.reason}`);
    const ref = `P${id}-${Date.now().toString(36)}`;
    await trx('parcels').where({ id }).update({ status: 'waybill_pending', carrier_id: choice.carrier.id, carrier_reason: choice.reason.slice(0, 2000), carrier_override_by: input.carrierCode ? actorOf(caller.principal) : null, request_ref: ref, waybill_no: null, routing_code: null, voided_at: null, updated_at: now });
    const fresh = await trx('parcels').where({ id }).first();
    return { order, items, last: order.status === 'packed', carrier: await trx('carriers').where({ id: choice.carrier.id }).first(), request: await waybillRequestOf(ctx, trx, order, fresh, itemSummary(items)) };
  });
  if (reissue) {
    const wb = await requestWaybill(ctx, id, reissue.carrier, reissue.request);
    const done = await recordWaybill(ctx, caller, { parcelId: id, carrier: reissue.carrier, order: reissue.order, items: reissue.items, last: reissue.last }, wb, input.printerId).catch((err) =>
      waybillNotRecorded(ctx, id, reissue.carrier, wb, err),
    );
    if (done.conflict) throw new Conflict('ORDER_CHANGED', `The order became ${done.conflict} meanwhile: the new waybill is being cancelled`);
  }
  return getParcel(ctx, caller, id);
}

/** A parcel's own units (kept when it is voided), in the shape packing works with. */
async function parcelItems(trx: Tx, parcelId: number): Promise<ParcelItem[]> {
  const rows = await trx('parcel_items').join('skus', 'skus.id', 'parcel_items.sku_id').where('parcel_items.parcel_id', parcelId).select('parcel_items.sku_id', 'parcel_items.lot_id', 'parcel_items.qty', 'skus.sku_code', 'skus.name', 'skus.temperature');
  return rows.map((r: any) => ({ sku_id: Number(r.sku_id), lot_id: Number(r.lot_id), picked_qty: Number(r.qty), sku_code: r.sku_code, name: r.name, temperature: r.temperature }));
}

/** Gives a waybill back to its carrier in the background (the order was cancelled while it was issued). */
export const cancelWaybillJob = {
  maxAttempts: 10,
  handler: async (ctx: AppContext, p: { carrierId: number; waybillNo: string; reference: string }) => {
    const row = await ctx.db('carriers').where({ id: p.carrierId }).first();
    if (!row) return;
    const { adapter, conn } = connectionOf(ctx, row);
    await adapter.cancelWaybill(conn, p.waybillNo, p.reference);
  },
};
