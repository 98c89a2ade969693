import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Caller } from '../auth/principal';
import { inTransaction, type Trx } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { paginate, type PageParams } from '../db/cursor';
import { BusinessRule, Conflict, NotFound } from '../http/errors';
import { visibleCarrierId } from '../auth/scope';
import { audit } from '../audit';
import { actorOf } from '../orders/orders.model';
import { queueWriteBacks } from '../stores/writeback';
import { shipReserved } from '../inventory/stock';
import { carrierSyncView, queueCarrierHandover, queueTrackingSubscriptions } from './carrier-sync';

/**
 * Manifests: the list of parcels one carrier takes from one warehouse. Open → parcels are added by
 * scanning their waybill at the dock; closed → the list is frozen (count, weight, waybills);
 * handed over → the carrier confirmed what it received, and those orders are shipped. A carrier
 * that counts fewer names the missing waybills: the manifest is disputed until a supervisor
 * resolves it, and the orders of missing parcels stay packed.
 */

export const MANIFEST_STATUSES = ['open', 'closed', 'handed_over', 'disputed'] as const;

export interface ManifestParcel {
  parcelId: number;
  orderId: number;
  orderExternalId: string | null;
  waybillNo: string;
  weightG: number;
  scannedBy: string;
  scannedAt: string | null;
  received: boolean | null;
  /** the carrier API's answer to the hand-over call: null not asked (or no such call), false refused */
  carrierConfirmed: boolean | null;
  carrierDetail: string | null;
}

const bool = (v: unknown): boolean | null => (v === null || v === undefined ? null : Boolean(Number(v)));

async function loadManifest(db: Tx, caller: Caller, id: number, forUpdate = false) {
  const q = db('manifests').where({ id });
  const carrier = visibleCarrierId(caller.principal);
  if (carrier !== null) q.where('carrier_id', carrier);
  if (forUpdate) q.forUpdate();
  const row = await q.first();
  if (!row) throw new NotFound('manifest');
  return row;
}

async function manifestParcels(db: Tx, manifestId: number): Promise<ManifestParcel[]> {
  const rows = await db('manifest_parcels')
    .join('orders', 'orders.id', 'manifest_parcels.order_id')
    .where('manifest_parcels.manifest_id', manifestId)
    .orderBy('manifest_parcels.id')
    .select('manifest_parcels.*', 'orders.external_id');
  return rows.map((r: any) => ({
    parcelId: Number(r.parcel_id),
    orderId: Number(r.order_id),
    orderExternalId: r.external_id ?? null,
    waybillNo: r.waybill_no,
    weightG: Number(r.weight_g),
    scannedBy: r.scanned_by,
    scannedAt: toIso(r.scanned_at),
    received: bool(r.received),
    carrierConfirmed: bool(r.carrier_confirmed),
    carrierDetail: r.carrier_detail ?? null,
  }));
}

/** Carrier and warehouse names, read once per request (a list names the same few again and again). */
type Names = Map<string, Promise<any>>;
const nameOf = (db: Tx, names: Names, table: 'carriers' | 'warehouses', id: unknown) => {
  const key = `${table}:${id}`;
  if (!names.has(key)) names.set(key, db(table).where({ id }).first('code', 'name'));
  return names.get(key)!;
};

async function present(db: Tx, row: any, withParcels = true, names: Names = new Map()) {
  const carrier = await nameOf(db, names, 'carriers', row.carrier_id);
  const warehouse = await nameOf(db, names, 'warehouses', row.warehouse_id);
  const parcels = withParcels ? await manifestParcels(db, Number(row.id)) : null;
  const live = parcels ?? [];
  // an open manifest's totals are live; in a list they come from one aggregate read
  let counted: { n: number; w: number } | null = null;
  if (!parcels && row.parcel_count == null) {
    const [agg] = await db('manifest_parcels').where({ manifest_id: row.id }).select(db.raw('count(*) as n'), db.raw('sum(weight_g) as w'));
    counted = { n: Number(agg?.n ?? 0), w: Number(agg?.w ?? 0) };
  }
  return {
    id: Number(row.id),
    manifestNo: row.manifest_no as string,
    warehouseId: Number(row.warehouse_id),
    warehouseName: (warehouse?.name as string) ?? null,
    carrierId: Number(row.carrier_id),
    carrierCode: (carrier?.code as string) ?? null,
    carrierName: (carrier?.name as string) ?? null,
    status: row.status as (typeof MANIFEST_STATUSES)[number],
    parcelCount: row.parcel_count != null ? Number(row.parcel_count) : (counted?.n ?? live.length),
    totalWeightG: row.total_weight_g != null ? Number(row.total_weight_g) : (counted?.w ?? live.reduce((s, p) => s + p.weightG, 0)),
    createdBy: row.created_by as string,
    createdAt: toIso(row.created_at),
    closedBy: (row.closed_by as string) ?? null,
    closedAt: toIso(row.closed_at),
    receivedBy: (row.received_by as string) ?? null,
    countedCount: row.counted_count != null ? Number(row.counted_count) : null,
    handoverNote: (row.handover_note as string) ?? null,
    handedOverAt: toIso(row.handed_over_at),
    missingWaybillNos: live.filter((p) => p.received === false).map((p) => p.waybillNo),
    resolution: (row.resolution as string) ?? null,
    resolvedBy: (row.resolved_by as string) ?? null,
    resolvedAt: toIso(row.resolved_at),
    carrierHandover: carrierSyncView(row),
    parcels: parcels ?? undefined,
  };
}
export type Manifest = Awaited<ReturnType<typeof present>>;

async function warehouseOf(db: Tx, id: number | undefined): Promise<number> {
  const w = id ? await db('warehouses').where({ id }).first('id') : await db('warehouses').orderBy('id').first('id');
  if (!w) throw id ? new NotFound('warehouse') : new BusinessRule('NO_WAREHOUSE', 'Create the warehouse first');
  return Number(w.id);
}

export async function openManifest(ctx: AppContext, caller: Caller, input: { carrierId: number; warehouseId?: number }) {
  return inTransaction(ctx.db, async (trx) => {
    const carrier = await trx('carriers').where({ id: input.carrierId }).first('id', 'code', 'name');
    if (!carrier) throw new NotFound('carrier');
    const warehouseId = await warehouseOf(trx, input.warehouseId);
    const openKey = `${warehouseId}:${carrier.id}`;
    const already = await trx('manifests').where({ open_key: openKey }).first('id', 'manifest_no');
    if (already) {
      throw new Conflict('MANIFEST_ALREADY_OPEN', `Manifest ${already.manifest_no} of ${carrier.name} is still open: scan into it, or close it first`, [
        { field: 'carrierId', code: 'open_manifest', message: `manifest ${already.id} is open`, manifestId: Number(already.id) },
      ]);
    }
    const row = await insertManifest(trx, caller, carrier, warehouseId);
    return present(trx, row);
  });
}

async function insertManifest(trx: Tx, caller: Caller, carrier: { id: number; code: string; name: string }, warehouseId: number) {
  const openKey = `${warehouseId}:${carrier.id}`;
  const now = nowDb();
  const actor = actorOf(caller.principal);
  const temp = `TMP-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`;
  let id: number;
  try {
    [id] = await trx('manifests').insert({ manifest_no: temp, warehouse_id: warehouseId, carrier_id: carrier.id, status: 'open', open_key: openKey, created_by: actor, created_at: now, updated_at: now });
  } catch (err) {
    // another dock opened one for this carrier at the same moment: the unique open_key holds
    if (/unique|duplicate/i.test(String((err as Error).message))) {
      throw new Conflict('MANIFEST_ALREADY_OPEN', `A manifest of ${carrier.name} was opened at this moment at another dock; scan into that one`);
    }
    throw err;
  }
  const manifestNo = `MF${now.slice(0, 10).replace(/-/g, '')}${String(id).padStart(6, '0')}`;
  await trx('manifests').where({ id }).update({ manifest_no: manifestNo });
  await audit(trx, caller, { action: 'open', entity: 'manifest', entityId: id, details: { carrier: carrier.code, manifestNo } });
  return trx('manifests').where({ id }).first();
}

export async function listManifests(ctx: AppContext, caller: Caller, f: PageParams & { carrierId?: number; status?: string }) {
  const q = ctx.db('manifests');
  const carrier = visibleCarrierId(caller.principal);
  if (carrier !== null) q.where('carrier_id', carrier);
  if (f.carrierId) q.where('carrier_id', f.carrierId);
  if (f.status) q.whereIn('status', f.status.split(','));
  const page = await paginate<any>(q, f);
  const items = [];
  const names: Names = new Map();
  for (const row of page.items) items.push(await present(ctx.db, row, false, names));
  return { items, nextCursor: page.nextCursor };
}

export async function getManifest(ctx: AppContext, caller: Caller, id: number) {
  return present(ctx.db, await loadManifest(ctx.db, caller, id));
}

/** Where a scanned parcel goes at the dock: the carrier's cage, and for the local carrier the township route. */
function laneOf(carrier: { code: string; name: string; adapter: string }, order: { district?: string | null; township_code?: string | null }) {
  if (carrier.adapter === 'local') return `${carrier.name} · ${order.district || order.township_code || '-'}`;
  return carrier.name;
}

/**
 * A dock scan: the parcel with this waybill goes onto the open manifest. Refused, with what is
 * wrong, when the waybill is not ours, voided, of another carrier, of a cancelled order, not
 * labelled yet, already on this manifest (scanned twice) or on another.
 */
export async function scanIntoManifest(ctx: AppContext, caller: Caller, id: number, waybillNo: string) {
  return inTransaction(ctx.db, async (trx) => {
    const m = await loadManifest(trx, caller, id, true);
    if (m.status !== 'open') throw new Conflict('MANIFEST_CLOSED', `Manifest ${m.manifest_no} is ${m.status.replace('_', ' ')}; nothing can be added`);
    return addParcel(trx, caller, m, waybillNo.trim());
  });
}

/**
 * The dock's scan without choosing a manifest: the waybill names the carrier, and the parcel goes
 * on that carrier's open manifest at this warehouse (opened now if there is none). The answer is
 * the lane to put it in.
 */
export async function dockScan(ctx: AppContext, caller: Caller, input: { waybillNo: string; warehouseId?: number }) {
  try {
    return await dockScanOnce(ctx, caller, input);
  } catch (err) {
    // another dock opened this carrier's manifest in the same moment: the scan goes on that one
    if (err instanceof Conflict && err.code === 'MANIFEST_ALREADY_OPEN') return dockScanOnce(ctx, caller, input);
    throw err;
  }
}

async function dockScanOnce(ctx: AppContext, caller: Caller, input: { waybillNo: string; warehouseId?: number }) {
  return inTransaction(ctx.db, async (trx) => {
    const code = input.waybillNo.trim();
    const found = await trx('waybills').where({ waybill_no: code }).orderBy('id', 'desc').select('carrier_id', 'status');
    if (!found.length) throw new BusinessRule('WAYBILL_NOT_OURS', `Waybill ${code} is not one of this hub's parcels`, [{ field: 'waybillNo', code: 'unknown', message: 'no parcel has this waybill' }]);
    const live = found.filter((w: any) => w.status !== 'void');
    if (!live.length) throw new BusinessRule('WAYBILL_VOIDED', `Waybill ${code} was voided: take the parcel out, it has a new label`, [{ field: 'waybillNo', code: 'voided', message: 'voided waybill' }]);
    const carriers = [...new Set(live.map((w: any) => Number(w.carrier_id)))];
    if (carriers.length > 1) throw new Conflict('AMBIGUOUS_WAYBILL', `Waybill ${code} exists at ${carriers.length} carriers: scan it into the carrier's manifest`);
    const warehouseId = await warehouseOf(trx, input.warehouseId);
    const openKey = `${warehouseId}:${carriers[0]}`;
    let m = await trx('manifests').where({ open_key: openKey }).forUpdate().first();
    let opened = false;
    if (!m) {
      const carrier = await trx('carriers').where({ id: carriers[0] }).first('id', 'code', 'name');
      m = await insertManifest(trx, caller, carrier, warehouseId);
      opened = true;
    }
    return { ...(await addParcel(trx, caller, m, code)), manifestOpened: opened };
  });
}

/** One parcel onto an open manifest (locked by the caller), refused with the reason when it may not go. */
async function addParcel(trx: Tx, caller: Caller, m: any, code: string) {
  const carrier = await trx('carriers').where({ id: m.carrier_id }).first('id', 'code', 'name', 'adapter');
  // numbers are unique per carrier only: this carrier's first, then any other's for the message
  const wb = await trx('waybills').where({ waybill_no: code, carrier_id: m.carrier_id }).orderBy('id', 'desc').first();
  if (!wb) {
    const elsewhere = await trx('waybills').join('carriers', 'carriers.id', 'waybills.carrier_id').where('waybills.waybill_no', code).first('carriers.name');
    if (elsewhere) throw new BusinessRule('WRONG_CARRIER', `Waybill ${code} is ${elsewhere.name}'s, not ${carrier.name}'s: put it in its own cage`, [{ field: 'waybillNo', code: 'wrong_carrier', message: elsewhere.name }]);
    throw new BusinessRule('WAYBILL_NOT_OURS', `Waybill ${code} is not one of this hub's parcels`, [{ field: 'waybillNo', code: 'unknown', message: 'no parcel has this waybill' }]);
  }
  if (wb.status === 'void') throw new BusinessRule('WAYBILL_VOIDED', `Waybill ${code} was voided: take the parcel out, it has a new label`, [{ field: 'waybillNo', code: 'voided', message: 'voided waybill' }]);
  const parcel = await trx('parcels').where({ id: wb.parcel_id }).forUpdate().first();
  if (parcel.status !== 'labelled' || parcel.waybill_no !== code) {
    throw new BusinessRule('PARCEL_NOT_READY', `Parcel of waybill ${code} is ${parcel.status.replace('_', ' ')}, not labelled with this waybill`, [{ field: 'waybillNo', code: 'not_labelled', message: parcel.status }]);
  }
  const order = await trx('orders').where({ id: parcel.order_id }).first('id', 'external_id', 'status', 'intercept', 'district', 'township_code');
  if (order.status === 'cancelled' || order.intercept) {
    throw new BusinessRule('ORDER_CANCELLED', `Order ${order.external_id} was cancelled: pull parcel ${code} out, it must not ship`, [{ field: 'waybillNo', code: 'cancelled', message: `order ${order.external_id}` }]);
  }
  if (order.status === 'picked') {
    // a carton of a split order whose other cartons are not all packed yet: the parcels leave together
    throw new BusinessRule('ORDER_NOT_PACKED', `Order ${order.external_id} is not completely packed: keep parcel ${code} with its other cartons until the last is labelled`, [{ field: 'waybillNo', code: 'not_packed', message: `order ${order.external_id}` }]);
  }
  const on = await trx('manifest_parcels')
    .join('manifests', 'manifests.id', 'manifest_parcels.manifest_id')
    .where('manifest_parcels.parcel_id', parcel.id)
    .where((q) => q.whereNull('manifest_parcels.received').orWhere('manifest_parcels.received', true))
    .first('manifests.id', 'manifests.manifest_no', 'manifest_parcels.scanned_at');
  if (on && Number(on.id) === Number(m.id)) {
    throw new Conflict('ALREADY_SCANNED', `Parcel ${code} is already on this manifest (scanned ${toIso(on.scanned_at)})`, [{ field: 'waybillNo', code: 'twice', message: 'scanned twice' }]);
  }
  if (on) throw new Conflict('ON_ANOTHER_MANIFEST', `Parcel ${code} is on manifest ${on.manifest_no}`, [{ field: 'waybillNo', code: 'other_manifest', message: on.manifest_no, manifestId: Number(on.id) }]);
  const now = nowDb();
  await trx('manifest_parcels').insert({ manifest_id: m.id, parcel_id: parcel.id, order_id: parcel.order_id, waybill_no: code, weight_g: parcel.weight_g, scanned_by: actorOf(caller.principal), scanned_at: now });
  await trx('manifests').where({ id: m.id }).update({ updated_at: now });
  const [{ n, w }] = await trx('manifest_parcels').where({ manifest_id: m.id }).select(trx.raw('count(*) as n'), trx.raw('sum(weight_g) as w'));
  return {
    manifestId: Number(m.id),
    manifestNo: m.manifest_no as string,
    parcelId: Number(parcel.id),
    orderId: Number(order.id),
    orderExternalId: order.external_id as string,
    waybillNo: code,
    lane: laneOf(carrier, order),
    parcelCount: Number(n),
    totalWeightG: Number(w ?? 0),
  };
}

/** Takes a parcel off an open manifest (a parcel pulled out at the dock). */
export async function removeFromManifest(ctx: AppContext, caller: Caller, id: number, parcelId: number) {
  return inTransaction(ctx.db, async (trx) => {
    const m = await loadManifest(trx, caller, id, true);
    if (m.status !== 'open') throw new Conflict('MANIFEST_CLOSED', `Manifest ${m.manifest_no} is ${m.status.replace('_', ' ')}; its list is frozen`);
    const gone = await trx('manifest_parcels').where({ manifest_id: m.id, parcel_id: parcelId }).del();
    if (!gone) throw new NotFound('parcel on this manifest');
    await audit(trx, caller, { action: 'remove_parcel', entity: 'manifest', entityId: Number(m.id), details: { parcelId } });
    return present(trx, await trx('manifests').where({ id: m.id }).first());
  });
}

/** Closing freezes the list. Refused when it is empty, or when a parcel on it may no longer ship. */
export async function closeManifest(ctx: AppContext, caller: Caller, id: number) {
  return inTransaction(ctx.db, async (trx) => {
    const m = await loadManifest(trx, caller, id, true);
    if (m.status !== 'open') throw new Conflict('MANIFEST_CLOSED', `Manifest ${m.manifest_no} is already ${m.status.replace('_', ' ')}`);
    const rows = await trx('manifest_parcels')
      .join('parcels', 'parcels.id', 'manifest_parcels.parcel_id')
      .join('orders', 'orders.id', 'manifest_parcels.order_id')
      .where('manifest_parcels.manifest_id', m.id)
      .select('manifest_parcels.waybill_no', 'manifest_parcels.weight_g', 'parcels.status as parcel_status', 'parcels.waybill_no as parcel_waybill', 'orders.external_id', 'orders.status as order_status', 'orders.intercept');
    if (!rows.length) throw new BusinessRule('MANIFEST_EMPTY', `Manifest ${m.manifest_no} has no parcels: scan parcels into it before closing`);
    // a parcel voided or an order cancelled after its scan must come off before the list is frozen
    const bad = rows.filter((r: any) => r.parcel_status !== 'labelled' || r.parcel_waybill !== r.waybill_no || r.order_status === 'cancelled' || Number(r.intercept));
    if (bad.length) {
      throw new BusinessRule(
        'MANIFEST_HAS_STOPPED_PARCELS',
        `${bad.length} parcel(s) on manifest ${m.manifest_no} may no longer ship (voided or cancelled after the scan): take them off first`,
        bad.map((r: any) => ({ field: 'parcels', code: 'stopped', message: `${r.waybill_no} (order ${r.external_id})`, waybillNo: r.waybill_no })),
      );
    }
    const now = nowDb();
    const total = rows.reduce((s: number, r: any) => s + Number(r.weight_g), 0);
    await trx('manifests').where({ id: m.id }).update({ status: 'closed', open_key: null, parcel_count: rows.length, total_weight_g: total, closed_by: actorOf(caller.principal), closed_at: now, updated_at: now });
    const sync = await queueCarrierHandover(ctx, trx, m);
    await audit(trx, caller, { action: 'close', entity: 'manifest', entityId: Number(m.id), details: { parcels: rows.length, totalWeightG: total, carrierHandover: sync } });
    return present(trx, await trx('manifests').where({ id: m.id }).first());
  });
}

/**
 * The orders become shipped; in the same transaction each store order's write-back is queued. A
 * split order ships when the carrier has received every one of its parcels (on this manifest or
 * another); until then it stays packed.
 */
async function ship(ctx: AppContext, trx: Trx, caller: Caller, orderIds: number[], actor: string, message: string) {
  const now = nowDb();
  const shipped: number[] = [];
  for (const orderId of [...new Set(orderIds)]) {
    const o = await trx('orders').where({ id: orderId }).forUpdate().first('status', 'version', 'intercept');
    if (o?.status !== 'packed') continue;
    const notReceived = await trx('parcels')
      .where({ order_id: orderId, status: 'labelled' })
      .whereNotExists((q) => q.select(trx.raw('1')).from('manifest_parcels as mp').whereRaw('mp.parcel_id = parcels.id').where('mp.received', true))
      .first('id');
    if (notReceived) continue;
    // the packed units leave the warehouse: off the stock of the tote they were picked into
    for (const a of await trx('allocations').where({ order_id: orderId, status: 'packed' }).orderBy('id').forUpdate()) {
      if (Number(a.picked_qty) > 0) await shipReserved(trx, caller, Number(a.inventory_id), Number(a.picked_qty), { kind: 'ship', refType: 'order', refId: orderId });
    }
    await trx('allocations').where({ order_id: orderId, status: 'packed' }).update({ status: 'shipped', updated_at: now });
    await trx('orders').where({ id: orderId }).update({ status: 'shipped', shipped_at: now, version: Number(o.version) + 1, updated_at: now });
    await trx('order_events').insert({ order_id: orderId, event: 'shipped', from_status: 'packed', to_status: 'shipped', actor, message, created_at: now });
    if (Number(o.intercept)) {
      // cancelled by the buyer after its manifest was closed: the parcel left all the same, so the
      // carrier must be asked to stop it (拦截); the store will refuse the write-back, which shows it too
      await trx('order_events').insert({ order_id: orderId, event: 'intercept_at_carrier', from_status: 'shipped', to_status: 'shipped', actor, message: 'cancelled after the manifest closed: ask the carrier to intercept the parcel', created_at: now });
    }
    shipped.push(orderId);
  }
  await queueWriteBacks(ctx, trx, shipped);
}

/**
 * The carrier's confirmation of a closed manifest: who received it and how many they counted.
 * Counted all: handed over, every order shipped. Counted fewer: the missing waybills must be named
 * (count + missing = listed); the rest ship and the manifest is disputed until resolved.
 */
export async function handOver(ctx: AppContext, caller: Caller, id: number, input: { receivedBy: string; countedCount: number; missingWaybillNos?: string[]; note?: string | null }) {
  return inTransaction(ctx.db, async (trx) => {
    const m = await loadManifest(trx, caller, id, true);
    if (m.status !== 'closed') {
      const why = m.status === 'open' ? 'is still open: the hub closes it first' : `was already confirmed (${m.status.replace('_', ' ')})`;
      throw new Conflict('MANIFEST_NOT_CLOSED', `Manifest ${m.manifest_no} ${why}`);
    }
    const listed = await trx('manifest_parcels').where({ manifest_id: m.id }).select('id', 'order_id', 'parcel_id', 'waybill_no');
    const missing = [...new Set((input.missingWaybillNos ?? []).map((w) => w.trim()).filter(Boolean))];
    const unknown = missing.filter((w) => !listed.some((p: any) => p.waybill_no === w));
    if (unknown.length) {
      throw new BusinessRule('NOT_ON_MANIFEST', `Not on manifest ${m.manifest_no}: ${unknown.join(', ')}`, unknown.map((w) => ({ field: 'missingWaybillNos', code: 'not_listed', message: w })));
    }
    if (input.countedCount + missing.length !== listed.length) {
      throw new BusinessRule(
        'COUNT_MISMATCH',
        `Manifest ${m.manifest_no} lists ${listed.length} parcels; ${input.countedCount} counted and ${missing.length} named missing do not add up: name every missing waybill`,
        [{ field: 'countedCount', code: 'mismatch', message: `listed ${listed.length}`, listed: listed.length }],
      );
    }
    const now = nowDb();
    const actor = actorOf(caller.principal);
    const received = listed.filter((p: any) => !missing.includes(p.waybill_no));
    if (received.length) await trx('manifest_parcels').whereIn('id', received.map((p: any) => p.id)).update({ received: true });
    if (missing.length) await trx('manifest_parcels').where({ manifest_id: m.id }).whereIn('waybill_no', missing).update({ received: false });
    await trx('manifests').where({ id: m.id }).update({
      status: missing.length ? 'disputed' : 'handed_over',
      received_by: input.receivedBy,
      counted_count: input.countedCount,
      handover_note: input.note ?? null,
      handover_actor: actor,
      handed_over_at: now,
      updated_at: now,
    });
    await ship(ctx, trx, caller, received.map((p: any) => Number(p.order_id)), actor, `handed over on ${m.manifest_no} to ${input.receivedBy}`);
    await queueTrackingSubscriptions(ctx, trx, received.map((p: any) => Number(p.parcel_id)));
    await audit(trx, caller, { action: 'handover', entity: 'manifest', entityId: Number(m.id), details: { receivedBy: input.receivedBy, countedCount: input.countedCount, missing } });
    return present(trx, await trx('manifests').where({ id: m.id }).first());
  });
}

/**
 * A supervisor resolves a disputed manifest: parcels found after all are received (their orders
 * ship); the others stay missing, their orders packed, free to go on a later manifest.
 */
export async function resolveDispute(ctx: AppContext, caller: Caller, id: number, input: { resolution: string; foundWaybillNos?: string[] }) {
  return inTransaction(ctx.db, async (trx) => {
    const m = await loadManifest(trx, caller, id, true);
    if (m.status !== 'disputed') throw new Conflict('NOT_DISPUTED', `Manifest ${m.manifest_no} is ${m.status.replace('_', ' ')}, not disputed`);
    const missing = await trx('manifest_parcels').where({ manifest_id: m.id, received: false }).select('id', 'order_id', 'parcel_id', 'waybill_no');
    const found = [...new Set((input.foundWaybillNos ?? []).map((w) => w.trim()).filter(Boolean))];
    const notMissing = found.filter((w) => !missing.some((p: any) => p.waybill_no === w));
    if (notMissing.length) throw new BusinessRule('NOT_MISSING', `Not reported missing on ${m.manifest_no}: ${notMissing.join(', ')}`);
    const now = nowDb();
    const actor = actorOf(caller.principal);
    const rows = missing.filter((p: any) => found.includes(p.waybill_no));
    if (rows.length) await trx('manifest_parcels').whereIn('id', rows.map((p: any) => p.id)).update({ received: true });
    await trx('manifests').where({ id: m.id }).update({ status: 'handed_over', resolution: input.resolution, resolved_by: actor, resolved_at: now, updated_at: now });
    await ship(ctx, trx, caller, rows.map((p: any) => Number(p.order_id)), actor, `found after hand-over of ${m.manifest_no}`);
    await queueTrackingSubscriptions(ctx, trx, rows.map((p: any) => Number(p.parcel_id)));
    await audit(trx, caller, { action: 'resolve', entity: 'manifest', entityId: Number(m.id), details: { resolution: input.resolution, found } });
    return present(trx, await trx('manifests').where({ id: m.id }).first());
  });
}
