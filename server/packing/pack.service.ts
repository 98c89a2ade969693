import type { AppContext } from '../context';
import type { Caller } from '../auth/principal';
import type { Trx } from '../db/transaction';
import type { Tx } from '../db/knex';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { BusinessRule, Conflict, Forbidden, NotFound, ValidationFailed } from '../http/errors';
import { findByBarcode } from '../catalog';
import { openReceiver } from '../orders/ingest';
import { actorOf } from '../orders/orders.model';
import { loadOrder } from '../orders/orders.service';
import { selectCarrier, type Temperature } from '../carriers';
import { queuePrint } from '../printing/print-jobs.service';
import { verifyPackScans, verifyPartialScans, type ExpectedItem, type ResolvedScan } from './scans';
import { requestWaybill } from './waybill';
import type { WaybillRequest } from '../../integrations/carriers/types';

export interface PackInput {
  scans: string[];
  cartonCode?: string | null;
  weightG: number;
  printerId?: number | null;
  /** a supervisor's choice over the rules */
  carrierCode?: string | null;
  /**
   * A split order: this carton holds only the scanned items and more cartons follow (cold items
   * apart from ambient ones, more than one carton holds). The order stays picked until the carton
   * that holds the rest.
   */
  partial?: boolean;
}

/** a parcel whose waybill request started this long ago and never finished is taken over by a new pack */
const PENDING_STALE_MS = 2 * 60 * 1000;
const COLDER: Record<string, number> = { ambient: 0, chilled: 1, frozen: 2 };

export function parcelTemperature(temps: string[], coldChain: boolean): Temperature {
  const coldest = temps.reduce((a, t) => (COLDER[t] > COLDER[a] ? t : a), coldChain ? 'chilled' : 'ambient');
  return coldest as Temperature;
}

/** The picked units of the order by SKU and lot, as they lie in the tote. */
export async function pickedItems(trx: Tx, orderId: number) {
  return trx('allocations')
    .join('skus', 'skus.id', 'allocations.sku_id')
    .where({ 'allocations.order_id': orderId, 'allocations.status': 'picked' })
    .select('allocations.sku_id', 'allocations.lot_id', 'allocations.picked_qty', 'skus.sku_code', 'skus.name', 'skus.temperature');
}

export interface ParcelItem {
  sku_id: number;
  lot_id: number;
  picked_qty: number;
  sku_code: string;
  name: string;
  temperature: string;
}

/**
 * The picked units not yet in a labelled parcel of the order: all of them, unless the order is
 * split and some cartons are packed already.
 */
export async function itemsToPack(trx: Tx, orderId: number): Promise<ParcelItem[]> {
  const picked = await pickedItems(trx, orderId);
  const inParcels = await trx('parcel_items')
    .join('parcels', 'parcels.id', 'parcel_items.parcel_id')
    .where({ 'parcels.order_id': orderId, 'parcels.status': 'labelled' })
    .select('parcel_items.sku_id', 'parcel_items.lot_id', 'parcel_items.qty');
  const key = (sku: unknown, lot: unknown) => `${sku}:${lot}`;
  const taken = new Map<string, number>();
  for (const r of inParcels) taken.set(key(r.sku_id, r.lot_id), (taken.get(key(r.sku_id, r.lot_id)) ?? 0) + Number(r.qty));
  const byLot = new Map<string, ParcelItem>();
  for (const p of picked) {
    const k = key(p.sku_id, p.lot_id);
    const row = byLot.get(k) ?? { sku_id: Number(p.sku_id), lot_id: Number(p.lot_id), picked_qty: 0, sku_code: p.sku_code, name: p.name, temperature: p.temperature };
    row.picked_qty += Number(p.picked_qty);
    byLot.set(k, row);
  }
  const out: ParcelItem[] = [];
  for (const [k, row] of byLot) {
    const left = row.picked_qty - (taken.get(k) ?? 0);
    if (left > 0) out.push({ ...row, picked_qty: left });
  }
  return out;
}

/** The units of a split carton: the counted quantity of each SKU, taken lot by lot (oldest lot id first). */
function takeFromLots(left: ParcelItem[], counted: Map<number, number>): ParcelItem[] {
  const out: ParcelItem[] = [];
  const need = new Map(counted);
  for (const row of [...left].sort((a, b) => a.sku_id - b.sku_id || a.lot_id - b.lot_id)) {
    const n = Math.min(need.get(row.sku_id) ?? 0, row.picked_qty);
    if (n <= 0) continue;
    out.push({ ...row, picked_qty: n });
    need.set(row.sku_id, (need.get(row.sku_id) ?? 0) - n);
  }
  return out;
}

/** The parcel's items by SKU, as the waybill lists them. */
export function itemSummary(items: ParcelItem[]): Array<{ name: string; qty: number }> {
  const bySku = new Map<number, { name: string; qty: number }>();
  for (const it of items) bySku.set(it.sku_id, { name: it.name, qty: (bySku.get(it.sku_id)?.qty ?? 0) + it.picked_qty });
  return [...bySku.values()];
}

function itemSummaryByCode(items: ParcelItem[]): Array<{ skuCode: string; name: string; qty: number }> {
  const bySku = new Map<string, { skuCode: string; name: string; qty: number }>();
  for (const it of items) bySku.set(it.sku_code, { skuCode: it.sku_code, name: it.name, qty: (bySku.get(it.sku_code)?.qty ?? 0) + it.picked_qty });
  return [...bySku.values()];
}

/** What the carrier is asked for: sender (the owner at the hub's address), receiver in full, weight, items. */
export async function waybillRequestOf(ctx: AppContext, trx: Trx, order: any, parcel: any, items: Array<{ name: string; qty: number }>): Promise<WaybillRequest> {
  const owner = await trx('owners').where({ id: order.owner_id }).first();
  const warehouse = await trx('warehouses').orderBy('id').first();
  const carrier = await trx('carriers').where({ id: parcel.carrier_id }).first('adapter');
  const phone = owner.phone || warehouse?.phone || '';
  const missing = [!phone && 'a phone (the owner\'s, or the hub\'s on its warehouse)', !warehouse?.address && 'the dispatch address', !warehouse?.province && 'the province', !warehouse?.city && 'the city'].filter(Boolean);
  // the hub's own trucks need no sender; every carrier's API refuses a waybill without one
  if (missing.length && carrier?.adapter !== 'local') {
    throw new BusinessRule('SENDER_INCOMPLETE', `The sender for ${owner.name} lacks ${missing.join(', ')}: set them on the warehouse (PATCH /api/v1/warehouses/${warehouse?.id ?? ':id'}) or the owner`);
  }
  const receiver = openReceiver(ctx.config.dataKey, order);
  return {
    reference: parcel.request_ref,
    sender: {
      name: owner.contact_name || owner.name,
      company: owner.name,
      phone,
      province: warehouse?.province ?? '',
      city: warehouse?.city ?? '',
      district: warehouse?.district ?? '',
      address: warehouse?.address ?? '',
    },
    receiver: { name: receiver.name, phone: receiver.phone, province: receiver.province ?? '', city: receiver.city ?? '', district: receiver.district ?? '', address: receiver.address },
    weightG: Number(parcel.weight_g),
    pieces: Number(parcel.pieces),
    temperature: parcel.temperature,
    items: items.map((e) => ({ name: e.name, qty: e.qty })),
    remark: null,
  };
}

/** Step 1, one short transaction: check the order and the scans, choose the carrier, record the parcel as waiting for its waybill. */
async function prepareParcel(ctx: AppContext, caller: Caller, orderId: number, input: PackInput) {
  return inTransaction(ctx.db, async (trx) => {
    const order = await loadOrder(trx, caller, orderId, true);
    if (order.status === 'packed' || order.status === 'shipped') {
      const parcel = await trx('parcels').where({ order_id: orderId, status: 'labelled' }).first('id', 'waybill_no');
      throw new Conflict('ORDER_ALREADY_PACKED', `Order ${order.external_id} is already ${order.status}${parcel ? ` (waybill ${parcel.waybill_no})` : ''}`);
    }
    if (order.status === 'cancelled') throw new Conflict('ORDER_CANCELLED', `Order ${order.external_id} was cancelled: put its items back`);
    if (order.intercept) throw new Conflict('ORDER_INTERCEPTED', `Order ${order.external_id} is intercepted: do not ship it`);
    if (order.status !== 'picked') throw new Conflict('ORDER_NOT_PICKED', `Order ${order.external_id} is ${order.status}: only picked orders can be packed`);
    const slot = await trx('wave_orders').where({ order_id: orderId }).whereNot('status', 'cancelled').orderBy('id', 'desc').first();
    if (slot && slot.status !== 'ready') throw new Conflict('ORDER_NOT_SORTED', `Order ${order.external_id} is not complete in its put-wall slot ${slot.slot_no ?? ''} yet`.replace('  ', ' '));

    const left = await itemsToPack(trx, orderId);
    const expected = new Map<number, ExpectedItem>();
    for (const p of left) {
      const e = expected.get(p.sku_id) ?? { skuId: p.sku_id, skuCode: p.sku_code, name: p.name, qty: 0 };
      e.qty += p.picked_qty;
      expected.set(e.skuId, e);
    }
    const resolved: ResolvedScan[] = [];
    for (const barcode of input.scans) {
      const hit = await findByBarcode(trx, Number(order.owner_id), barcode);
      if (hit) resolved.push({ barcode, skuId: hit.skuId, perScan: hit.qty });
      else {
        const sku = await trx('skus').where({ owner_id: order.owner_id, sku_code: barcode.trim() }).first('id');
        resolved.push({ barcode, skuId: sku ? Number(sku.id) : null, perScan: 1 });
      }
    }
    const mismatch = (problems: Array<{ message: string }>) =>
      new BusinessRule('SCAN_MISMATCH', `The scanned items do not match order ${order.external_id}: ${problems.map((p) => p.message).join('; ')}`, problems.map((p) => ({ ...p, field: 'scans' })));
    // this carton's units, and whether it is the order's last
    let items: ParcelItem[] = left;
    let last = true;
    if (input.partial) {
      const v = verifyPartialScans([...expected.values()], resolved);
      if (v.problems.length) throw mismatch(v.problems);
      last = v.complete;
      if (!last) items = takeFromLots(left, v.counted);
    } else {
      const problems = verifyPackScans([...expected.values()], resolved);
      if (problems.length) throw mismatch(problems);
    }

    if (input.printerId) {
      const printer = await trx('printers').where({ id: input.printerId }).first();
      if (!printer) throw new NotFound('printer');
      if (printer.status !== 'active') throw new BusinessRule('PRINTER_INACTIVE', `Printer ${printer.name} is switched off in the registry`);
    }

    const temperature = parcelTemperature(items.map((p) => p.temperature), !!order.cold_chain);
    const shipment = { province: order.province, city: order.city, weightG: input.weightG, temperature };
    const choice = await selectCarrier(trx, Number(order.owner_id), shipment, input.carrierCode);
    if (!choice.carrier) throw new BusinessRule('NO_CARRIER', `No carrier for order ${order.external_id}: ${choice.reason}`, choice.considered.map((c) => ({ field: 'carrier', code: c.code, message: c.why })));

    const now = nowDb();
    const actor = actorOf(caller.principal);
    // A plain read: the order row locked above serialises packers of this order,
    // and a locking read here took gap locks that deadlocked first packs on MariaDB.
    const open = await trx('parcels').where({ order_id: orderId }).whereIn('status', ['waybill_pending', 'waybill_failed']).first();
    if (open?.status === 'waybill_pending' && Date.now() - Date.parse(toIso(open.updated_at)!) < PENDING_STALE_MS) {
      throw new Conflict('PACK_IN_PROGRESS', `Order ${order.external_id} is being packed at another station right now`);
    }
    const fields = {
      status: 'waybill_pending',
      carrier_id: choice.carrier.id,
      carrier_reason: choice.reason.slice(0, 2000),
      carrier_override_by: input.carrierCode ? actor : null,
      weight_g: input.weightG,
      carton_code: input.cartonCode ?? null,
      temperature,
      last_error_kind: null,
      last_error: null,
      packed_by: actor,
      updated_at: now,
    };
    let parcelId: number;
    if (open) {
      // the same carrier gets the same reference again: if the earlier request did reach it, it answers with that waybill
      const sameCarrier = Number(open.carrier_id) === choice.carrier.id;
      parcelId = Number(open.id);
      await trx('parcels').where({ id: parcelId }).update({ ...fields, request_ref: sameCarrier ? open.request_ref : `${open.request_ref.split('-')[0]}-${Date.now().toString(36)}` });
    } else {
      [parcelId] = await trx('parcels').insert({ ...fields, order_id: orderId, owner_id: order.owner_id, pieces: 1, request_ref: 'pending', created_at: now });
      await trx('parcels').where({ id: parcelId }).update({ request_ref: `P${parcelId}` });
    }
    await trx('order_events').insert({ order_id: orderId, event: 'packing', from_status: null, to_status: null, actor, message: `carrier ${choice.carrier.code}: ${choice.reason}`.slice(0, 1000), created_at: now });
    const parcel = await trx('parcels').where({ id: parcelId }).first();
    const carrier = await trx('carriers').where({ id: choice.carrier.id }).first();
    const request = await waybillRequestOf(ctx, trx, order, parcel, itemSummary(items));
    return { parcelId, carrier, order, items, last, request };
  });
}

/**
 * Step 3: the waybill is the parcel's, the order is packed (at its last carton), the label is
 * queued — together, or (order cancelled meanwhile) the waybill is given back.
 */
export async function recordWaybill(ctx: AppContext, caller: Caller, prep: { parcelId: number; carrier: any; order: any; items: ParcelItem[]; last: boolean }, wb: { waybillNo: string; routingCode: string | null; sortCenter?: string | null }, printerId?: number | null) {
  return inTransaction(ctx.db, async (trx) => {
    const now = nowDb();
    const order = await trx('orders').where({ id: prep.order.id }).forUpdate().first();
    const parcel = await trx('parcels').where({ id: prep.parcelId }).forUpdate().first();
    await trx('waybills').insert({ parcel_id: prep.parcelId, carrier_id: prep.carrier.id, waybill_no: wb.waybillNo, routing_code: wb.routingCode, status: 'active', request_ref: parcel.request_ref, created_at: now, updated_at: now });
    if (order.status !== 'picked' || order.intercept || parcel.status !== 'waybill_pending') {
      await trx('waybills').where({ carrier_id: prep.carrier.id, waybill_no: wb.waybillNo }).update({ status: 'void', voided_at: now, updated_at: now });
      await trx('parcels').where({ id: prep.parcelId }).update({ status: 'voided', waybill_no: wb.waybillNo, voided_at: now, last_error: `order became ${order.status} while the waybill was requested`, updated_at: now });
      await ctx.queue.enqueue(trx, 'carriers.cancel', { carrierId: Number(prep.carrier.id), waybillNo: wb.waybillNo, reference: parcel.request_ref });
      return { conflict: order.status as string };
    }
    await trx('parcels').where({ id: prep.parcelId }).update({ status: 'labelled', waybill_no: wb.waybillNo, routing_code: wb.routingCode, sort_center: wb.sortCenter ?? null, labelled_at: now, updated_at: now });
    // a plain read first: a DELETE of rows that are not there takes a gap lock on MariaDB, and two
    // packers inserting next to each other's gaps deadlocked; the parcel row locked above keeps this safe
    if (await trx('parcel_items').where({ parcel_id: prep.parcelId }).first('parcel_id')) await trx('parcel_items').where({ parcel_id: prep.parcelId }).delete();
    await trx('parcel_items').insert(prep.items.map((p) => ({ parcel_id: prep.parcelId, sku_id: p.sku_id, lot_id: p.lot_id, qty: p.picked_qty })));
    if (prep.last) {
      await trx('allocations').where({ order_id: order.id, status: 'picked' }).update({ status: 'packed', updated_at: now });
      await trx('orders').where({ id: order.id }).update({ status: 'packed', version: Number(order.version) + 1, updated_at: now });
      const cartons = await trx('parcels').where({ order_id: order.id, status: 'labelled' }).count({ n: '*' }).first();
      const split = Number(cartons?.n ?? 1) > 1 ? ` (last of ${cartons?.n} parcels)` : '';
      await trx('order_events').insert({ order_id: order.id, event: 'packed', from_status: 'picked', to_status: 'packed', actor: actorOf(caller.principal), message: `${prep.carrier.code} ${wb.waybillNo}${split}`, created_at: now });
    } else {
      // a carton of a split order: the order stays picked until the carton with the rest
      await trx('orders').where({ id: order.id }).update({ version: Number(order.version) + 1, updated_at: now });
      const units = prep.items.reduce((n, p) => n + p.picked_qty, 0);
      await trx('order_events').insert({ order_id: order.id, event: 'parcel_packed', from_status: 'picked', to_status: 'picked', actor: actorOf(caller.principal), message: `${prep.carrier.code} ${wb.waybillNo}: ${units} unit(s), more cartons follow`, created_at: now });
    }
    const printJobId = printerId ? await queuePrint(ctx, trx, { printerId, kind: 'waybill', parcelId: prep.parcelId, waybillNo: wb.waybillNo, createdBy: actorOf(caller.principal) }) : null;
    return { conflict: null, printJobId };
  });
}

/**
 * The carrier issued a waybill but storing it failed (the database went away, or kept
 * deadlocking): the parcel must not stay `waybill_pending`, which would block the station for
 * minutes. It is marked failed with the number the carrier gave, so packing again at once re-uses
 * the parcel and its reference (a carrier that de-duplicates answers with the same number), and the
 * error goes back to the station.
 */
export async function waybillNotRecorded(ctx: AppContext, parcelId: number, carrier: any, wb: { waybillNo: string }, err: unknown): Promise<never> {
  const message = `${carrier.code} issued ${wb.waybillNo}, but storing it failed (${(err as Error)?.message ?? err}): pack again`;
  await ctx.db('parcels')
    .where({ id: parcelId, status: 'waybill_pending' })
    .update({ status: 'waybill_failed', last_error_kind: 'error', last_error: message.slice(0, 2000), updated_at: nowDb() })
    .catch(() => undefined);
  throw err;
}

/**
 * Pack an order: verify the scans, choose the carrier, get the waybill, queue the label.
 * No transaction is open while the carrier is called: the parcel is recorded first, the answer
 * (or the failure) after.
 */
export async function packOrder(ctx: AppContext, caller: Caller, orderId: number, input: PackInput) {
  if (input.carrierCode && !['admin', 'supervisor'].includes(caller.principal.role)) throw new Forbidden('Only a supervisor can choose the carrier by hand');
  if (!(input.weightG > 0)) throw new ValidationFailed([{ field: 'weightG', code: 'too_small', message: 'a parcel weighs more than 0 g: put it on the scale' }]);
  const prep = await prepareParcel(ctx, caller, orderId, input);
  const wb = await requestWaybill(ctx, prep.parcelId, prep.carrier, prep.request);
  const done = await recordWaybill(ctx, caller, prep, wb, input.printerId).catch((err) => waybillNotRecorded(ctx, prep.parcelId, prep.carrier, wb, err));
  if (done.conflict) throw new Conflict(done.conflict === 'cancelled' ? 'ORDER_CANCELLED' : 'ORDER_CHANGED', `Order ${prep.order.external_id} became ${done.conflict} while packing: the waybill is being cancelled`);
  const status: 'packed' | 'partly_packed' = prep.last ? 'packed' : 'partly_packed';
  const remaining = prep.last ? [] : await itemsToPack(ctx.db, orderId);
  return {
    parcelId: prep.parcelId,
    carrierCode: prep.carrier.code as string,
    waybillNo: wb.waybillNo,
    routingCode: wb.routingCode,
    printJobId: done.printJobId ?? null,
    status,
    remaining: itemSummaryByCode(remaining),
  };
}
