import type { Tx } from '../db/knex';
import { nowDb } from '../db/time';
import { BusinessRule } from '../http/errors';
import type { Caller } from '../auth/principal';

/**
 * The only code that changes stock figures. Each change is a conditional atomic update of one
 * inventory row plus one append-only ledger row, in the caller's transaction, so on_hand always
 * equals the sum of the ledger and no concurrent request can drive a figure below zero.
 */
export type MovementKind = 'receipt' | 'putaway' | 'move' | 'adjustment' | 'count' | 'pick' | 'ship' | 'putback' | 'replenish';

export interface StockKey {
  ownerId: number;
  skuId: number;
  lotId: number;
  locationId: number;
}

export interface MovementMeta {
  kind: MovementKind;
  reason?: string | null;
  refType?: string | null;
  refId?: string | number | null;
  moveGroup?: string | null;
}

async function ledger(trx: Tx, caller: Caller, key: StockKey, qtyDelta: number, meta: MovementMeta, at: string): Promise<number> {
  const p = caller.principal;
  const [id] = await trx('stock_movements').insert({
    at,
    owner_id: key.ownerId,
    sku_id: key.skuId,
    lot_id: key.lotId,
    location_id: key.locationId,
    qty_delta: qtyDelta,
    kind: meta.kind,
    reason: meta.reason ?? null,
    ref_type: meta.refType ?? null,
    ref_id: meta.refId == null ? null : String(meta.refId),
    move_group: meta.moveGroup ?? null,
    user_id: p.userId,
    api_key_id: p.apiKeyId,
    actor: p.name,
    request_id: caller.requestId,
  });
  return Number(id);
}

/** Adds units at a location (creating the row on first use). Returns the ledger row id. */
export async function addStock(trx: Tx, caller: Caller, key: StockKey, qty: number, meta: MovementMeta): Promise<number> {
  if (!Number.isInteger(qty) || qty <= 0) throw new Error(`addStock needs a positive whole quantity, got ${qty}`);
  const now = nowDb();
  await trx('inventory')
    .insert({ owner_id: key.ownerId, sku_id: key.skuId, lot_id: key.lotId, location_id: key.locationId, on_hand: qty, allocated: 0, updated_at: now, restocked_at: now })
    .onConflict(['location_id', 'sku_id', 'lot_id'])
    .merge({ on_hand: trx.raw('?? + ?', ['inventory.on_hand', qty]), updated_at: now, restocked_at: now });
  return ledger(trx, caller, key, qty, meta, now);
}

/**
 * Takes units that are on hand and not allocated. The condition is part of the UPDATE, so two
 * requests racing for the last units cannot both succeed.
 */
export async function takeStock(trx: Tx, caller: Caller, key: StockKey, qty: number, meta: MovementMeta): Promise<number> {
  if (!Number.isInteger(qty) || qty <= 0) throw new Error(`takeStock needs a positive whole quantity, got ${qty}`);
  const now = nowDb();
  const n = await trx('inventory')
    .where({ location_id: key.locationId, sku_id: key.skuId, lot_id: key.lotId })
    .andWhereRaw('on_hand - allocated >= ?', [qty])
    .update({ on_hand: trx.raw('on_hand - ?', [qty]), updated_at: now });
  if (n !== 1) {
    const row = await trx('inventory').where({ location_id: key.locationId, sku_id: key.skuId, lot_id: key.lotId }).first('on_hand', 'allocated');
    const available = row ? row.on_hand - row.allocated : 0;
    throw new BusinessRule('INSUFFICIENT_STOCK', `Only ${available} available here (on hand ${row?.on_hand ?? 0}, allocated ${row?.allocated ?? 0}); ${qty} requested`, [
      { field: 'qty', code: 'insufficient', message: `available ${available}`, available },
    ]);
  }
  return ledger(trx, caller, key, -qty, meta, now);
}

/** Moves units between two locations as one ledger pair sharing a move group. */
export async function moveStock(trx: Tx, caller: Caller, from: StockKey, toLocationId: number, qty: number, meta: MovementMeta): Promise<string> {
  if (from.locationId === toLocationId) throw new BusinessRule('SAME_LOCATION', 'From and to are the same location');
  const group = meta.moveGroup ?? `${from.locationId}-${toLocationId}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  await takeStock(trx, caller, from, qty, { ...meta, moveGroup: group });
  await addStock(trx, caller, { ...from, locationId: toLocationId }, qty, { ...meta, moveGroup: group });
  return group;
}

/**
 * Moves units reserved for orders (picking into a tote): on hand and allocated leave the source
 * together and arrive, still reserved, at the destination. Returns the destination's stock row id.
 */
export async function moveReserved(trx: Tx, caller: Caller, from: StockKey, toLocationId: number, qty: number, meta: MovementMeta): Promise<number> {
  if (!Number.isInteger(qty) || qty <= 0) throw new Error(`moveReserved needs a positive whole quantity, got ${qty}`);
  const now = nowDb();
  const group = meta.moveGroup ?? `${from.locationId}-${toLocationId}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const n = await trx('inventory')
    .where({ location_id: from.locationId, sku_id: from.skuId, lot_id: from.lotId })
    .andWhere('allocated', '>=', qty)
    .andWhere('on_hand', '>=', qty)
    .update({ on_hand: trx.raw('on_hand - ?', [qty]), allocated: trx.raw('allocated - ?', [qty]), updated_at: now });
  if (n !== 1) throw new BusinessRule('INSUFFICIENT_STOCK', `Fewer than ${qty} reserved units are on hand here`);
  await ledger(trx, caller, from, -qty, { ...meta, moveGroup: group }, now);
  const to = { ...from, locationId: toLocationId };
  await trx('inventory')
    .insert({ owner_id: to.ownerId, sku_id: to.skuId, lot_id: to.lotId, location_id: toLocationId, on_hand: qty, allocated: qty, updated_at: now })
    .onConflict(['location_id', 'sku_id', 'lot_id'])
    .merge({ on_hand: trx.raw('?? + ?', ['inventory.on_hand', qty]), allocated: trx.raw('?? + ?', ['inventory.allocated', qty]), updated_at: now });
  await ledger(trx, caller, to, qty, { ...meta, moveGroup: group }, now);
  const row = await trx('inventory').where({ location_id: toLocationId, sku_id: to.skuId, lot_id: to.lotId }).first('id');
  return Number(row.id);
}

/**
 * Units reserved for an order leave the warehouse (the carrier took its parcels): on hand and
 * allocated of the stock row (the tote or pack bench they were picked into) go down together.
 */
export async function shipReserved(trx: Tx, caller: Caller, inventoryId: number, qty: number, meta: MovementMeta): Promise<number> {
  if (!Number.isInteger(qty) || qty <= 0) throw new Error(`shipReserved needs a positive whole quantity, got ${qty}`);
  const now = nowDb();
  const row = await trx('inventory').where({ id: inventoryId }).first('owner_id', 'sku_id', 'lot_id', 'location_id');
  const n = row ? await trx('inventory').where({ id: inventoryId }).andWhere('allocated', '>=', qty).andWhere('on_hand', '>=', qty).update({ on_hand: trx.raw('on_hand - ?', [qty]), allocated: trx.raw('allocated - ?', [qty]), updated_at: now }) : 0;
  if (n !== 1) throw new Error(`inventory ${inventoryId} holds fewer than ${qty} reserved units on hand to ship`);
  return ledger(trx, caller, { ownerId: Number(row.owner_id), skuId: Number(row.sku_id), lotId: Number(row.lot_id), locationId: Number(row.location_id) }, -qty, meta, now);
}

/**
 * Gives back `qty` reserved units of one stock row (a cancellation, a short pick, a reservation
 * undone). They are available again, so backorders waiting for the SKU are worth another try.
 */
export async function unreserve(trx: Tx, inventoryId: number, qty: number): Promise<void> {
  const now = nowDb();
  const n = await trx('inventory').where({ id: inventoryId }).andWhere('allocated', '>=', qty).update({ allocated: trx.raw('allocated - ?', [qty]), updated_at: now, restocked_at: now });
  if (n !== 1) throw new Error(`inventory ${inventoryId} holds fewer than ${qty} reserved units`);
}
