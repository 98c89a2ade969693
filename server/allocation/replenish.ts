import type { AppContext } from '../context';
import type { Trx } from '../db/transaction';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { BusinessRule, Conflict, NotFound } from '../http/errors';
import { findLocation } from '../inventory/lookup';
import { moveStock } from '../inventory/stock';
import { stockArrived } from './triggers';

/**
 * Replenishment: orders are allocated from pick faces only, so stock waiting in bulk storage
 * must be brought forward. A task moves units of one lot from a bulk location to a pick face of
 * the SKU's temperature (the face already holding the SKU, else an empty one), first-expiring
 * lot first. Tasks are made for backorders whose SKU has stock in bulk, and for the SKUs of a
 * wave whose faces the wave leaves with less than it took. One open task per SKU at a time.
 */

const DAY = 24 * 3600 * 1000;

export async function planReplenishment(trx: Trx, skuId: number, units: number, reason: string, waveId: number | null = null): Promise<number[]> {
  if (units <= 0) return [];
  if (await trx('replenishments').where({ sku_id: skuId, status: 'open' }).first('id')) return [];
  const sku = await trx('skus').join('owners', 'owners.id', 'skus.owner_id').where('skus.id', skuId).first('skus.id', 'skus.owner_id', 'skus.temperature', 'owners.min_shelf_life_days');
  if (!sku) return [];
  const earliest = new Date(Date.now() + Number(sku.min_shelf_life_days ?? 0) * DAY).toISOString().slice(0, 10);
  const bulk = await trx('inventory')
    .join('lots', 'lots.id', 'inventory.lot_id')
    .join('locations', 'locations.id', 'inventory.location_id')
    .where('inventory.sku_id', skuId)
    .where('locations.type', 'bulk')
    .where('lots.status', 'released')
    .where((q) => q.whereNull('lots.expires_at').orWhere('lots.expires_at', '>=', earliest))
    .whereRaw('inventory.on_hand - inventory.allocated > 0')
    .orderByRaw('CASE WHEN lots.expires_at IS NULL THEN 1 ELSE 0 END')
    .orderBy([{ column: 'lots.expires_at' }, { column: 'lots.id' }])
    .select('inventory.lot_id', 'inventory.location_id', 'inventory.on_hand', 'inventory.allocated');
  if (!bulk.length) return [];
  const face =
    (await trx('inventory')
      .join('locations', 'locations.id', 'inventory.location_id')
      .join('zones', 'zones.id', 'locations.zone_id')
      .where('inventory.sku_id', skuId)
      .where('locations.type', 'pick')
      .where('locations.status', 'active')
      .where('zones.temperature', sku.temperature)
      .orderBy('inventory.on_hand', 'desc')
      .first('locations.id')) ??
    (await trx('locations')
      .join('zones', 'zones.id', 'locations.zone_id')
      .where('locations.type', 'pick')
      .where('locations.status', 'active')
      .where('zones.temperature', sku.temperature)
      .whereNotExists((q) => q.select(trx.raw('1')).from('inventory').whereRaw('inventory.location_id = locations.id').where('inventory.on_hand', '>', 0))
      .orderBy([{ column: 'locations.pick_seq' }, { column: 'locations.id' }])
      .first('locations.id'));
  if (!face) return [];
  const now = nowDb();
  const ids: number[] = [];
  let left = units;
  for (const b of bulk) {
    if (left <= 0) break;
    const qty = Math.min(left, b.on_hand - b.allocated);
    const [id] = await trx('replenishments').insert({ owner_id: sku.owner_id, sku_id: skuId, lot_id: b.lot_id, from_location_id: b.location_id, to_location_id: face.id, qty, status: 'open', reason: reason.slice(0, 200), wave_id: waveId, created_at: now, updated_at: now });
    ids.push(Number(id));
    left -= qty;
  }
  return ids;
}

/** Backorders whose SKUs have stock in bulk: a task each (their shortage in units). */
export async function replenishForBackorders(ctx: AppContext): Promise<number> {
  const rows = await ctx.db('order_lines')
    .join('orders', 'orders.id', 'order_lines.order_id')
    .join('skus', 'skus.id', 'order_lines.sku_id')
    .leftJoin('kit_components', 'kit_components.kit_sku_id', 'skus.id')
    .where('orders.status', 'backorder')
    .select('order_lines.qty', 'skus.id as sku_id', 'skus.is_kit', 'kit_components.component_sku_id', 'kit_components.qty as per_kit')
    .limit(20_000);
  const need = new Map<number, number>();
  for (const r of rows) {
    const id = r.is_kit ? Number(r.component_sku_id) : Number(r.sku_id);
    if (!id) continue;
    need.set(id, (need.get(id) ?? 0) + r.qty * (r.is_kit ? Number(r.per_kit) : 1));
  }
  let made = 0;
  for (const [skuId, units] of need) {
    made += (await inTransaction(ctx.db, (trx) => planReplenishment(trx, skuId, units, 'backorders waiting'))).length;
  }
  return made;
}

/** After a wave: faces left with less than the wave took get a task for that much. */
export async function replenishAfterWave(trx: Trx, waveId: number): Promise<number> {
  const taken: any[] = await trx('pick_tasks').where({ wave_id: waveId, kind: 'pick' }).groupBy('sku_id').select('sku_id').sum({ units: 'qty' });
  let made = 0;
  for (const t of taken) {
    const [{ free }] = await trx('inventory')
      .join('locations', 'locations.id', 'inventory.location_id')
      .where('inventory.sku_id', t.sku_id)
      .where('locations.type', 'pick')
      .select(trx.raw('COALESCE(SUM(inventory.on_hand - inventory.allocated), 0) as free'));
    if (Number(free) < Number(t.units)) made += (await planReplenishment(trx, Number(t.sku_id), Number(t.units) - Number(free), `wave ${waveId} leaves the faces low`, waveId)).length;
  }
  return made;
}

function present(r: any) {
  return {
    id: Number(r.id),
    ownerId: Number(r.owner_id),
    skuCode: r.sku_code,
    skuName: r.sku_name,
    lotNo: r.lot_no,
    fromLocationCode: r.from_code,
    toLocationCode: r.to_code,
    qty: r.qty,
    status: r.status,
    reason: r.reason,
    waveId: r.wave_id ?? null,
    doneBy: r.done_by ?? null,
    doneAt: toIso(r.done_at),
    createdAt: toIso(r.created_at),
  };
}

function query(db: any) {
  return db('replenishments')
    .join('skus', 'skus.id', 'replenishments.sku_id')
    .join('lots', 'lots.id', 'replenishments.lot_id')
    .join('locations as f', 'f.id', 'replenishments.from_location_id')
    .join('locations as t', 't.id', 'replenishments.to_location_id')
    .select('replenishments.*', 'skus.sku_code', 'skus.name as sku_name', 'lots.lot_no', 'f.code as from_code', 't.code as to_code');
}

export async function listReplenishments(ctx: AppContext, filter: { status?: string }) {
  const q = query(ctx.db).orderBy('replenishments.id').limit(500);
  if (filter.status) q.whereIn('replenishments.status', filter.status.split(','));
  return { items: (await q).map(present), nextCursor: null };
}

/** Done by scan: the bulk location the units were taken from, and the face they were put on. */
export async function confirmReplenishment(ctx: AppContext, caller: Caller, id: number, input: { fromLocationCode: string; toLocationCode: string; qty?: number }) {
  return inTransaction(ctx.db, async (trx) => {
    const r = await trx('replenishments').where({ id }).forUpdate().first();
    if (!r) throw new NotFound('replenishment');
    if (r.status !== 'open') throw new Conflict('TASK_DONE', `Replenishment ${id} is ${r.status}`);
    const from = await findLocation(trx, input.fromLocationCode, 'fromLocationCode');
    const to = await findLocation(trx, input.toLocationCode, 'toLocationCode');
    const expected = await trx('locations').whereIn('id', [r.from_location_id, r.to_location_id]).select('id', 'code');
    const code = (lid: number) => expected.find((e: any) => Number(e.id) === Number(lid))?.code;
    if (Number(from.id) !== Number(r.from_location_id)) throw new BusinessRule('WRONG_LOCATION', `Take the units from ${code(r.from_location_id)}`, [{ field: 'fromLocationCode', code: 'wrong_location', message: `expected ${code(r.from_location_id)}` }]);
    if (Number(to.id) !== Number(r.to_location_id)) throw new BusinessRule('WRONG_LOCATION', `Put the units on ${code(r.to_location_id)}`, [{ field: 'toLocationCode', code: 'wrong_location', message: `expected ${code(r.to_location_id)}` }]);
    const qty = input.qty ?? r.qty;
    if (qty > r.qty) throw new BusinessRule('QTY_ABOVE_TASK', `At most ${r.qty}`);
    await moveStock(trx, caller, { ownerId: Number(r.owner_id), skuId: Number(r.sku_id), lotId: Number(r.lot_id), locationId: Number(r.from_location_id) }, Number(r.to_location_id), qty, { kind: 'replenish', refType: 'replenishment', refId: id });
    await trx('replenishments').where({ id }).update({ status: 'done', qty, done_by: caller.principal.name, done_at: nowDb(), updated_at: nowDb() });
    await stockArrived(ctx, trx);
    return present(await query(trx).where('replenishments.id', id).first());
  });
}
