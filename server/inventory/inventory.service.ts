import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { toIso } from '../db/time';
import { BusinessRule, NotFound } from '../http/errors';
import { paginate, PageParams } from '../db/cursor';
import { whereOwner, visibleOwnerId } from '../auth/scope';
import { audit } from '../audit';
import { addStock, moveStock, takeStock } from './stock';
import { stockArrived } from '../allocation/triggers';
import { checkPlacement, findLocation, resolveItem, LocationRow } from './lookup';
import { ensureLot, findLot } from './lots';

const STOCK_COLUMNS = [
  'inventory.*',
  'skus.sku_code',
  'skus.name as sku_name',
  'lots.lot_no',
  'lots.expires_at',
  'lots.status as lot_status',
  'locations.code as location_code',
];

function presentStock(r: any) {
  return {
    id: Number(r.id),
    ownerId: Number(r.owner_id),
    skuId: Number(r.sku_id),
    skuCode: r.sku_code,
    skuName: r.sku_name,
    lotId: Number(r.lot_id),
    lotNo: r.lot_no,
    expiresAt: r.expires_at ?? null,
    lotStatus: r.lot_status,
    locationCode: r.location_code,
    onHand: r.on_hand,
    allocated: r.allocated,
    available: r.on_hand - r.allocated,
  };
}

function stockQuery(db: Tx) {
  return db('inventory')
    .join('skus', 'skus.id', 'inventory.sku_id')
    .join('lots', 'lots.id', 'inventory.lot_id')
    .join('locations', 'locations.id', 'inventory.location_id')
    .select(STOCK_COLUMNS);
}

export async function listInventory(
  ctx: AppContext,
  caller: Caller,
  f: PageParams & { ownerId?: number; skuCode?: string; locationCode?: string; lotNo?: string; includeEmpty?: boolean },
) {
  const q = stockQuery(ctx.db);
  whereOwner(q, caller.principal, 'inventory.owner_id');
  if (f.ownerId) q.where('inventory.owner_id', f.ownerId);
  if (f.skuCode) q.where('skus.sku_code', f.skuCode);
  if (f.locationCode) q.where('locations.code', f.locationCode);
  if (f.lotNo !== undefined) q.where('lots.lot_no', f.lotNo);
  if (!f.includeEmpty) q.where((w) => w.where('inventory.on_hand', '>', 0).orWhere('inventory.allocated', '>', 0));
  const page = await paginate<any>(q, f, 'inventory.id');
  return { items: page.items.map(presentStock), nextCursor: page.nextCursor };
}

/** Totals per SKU or per owner: what a seller asks ("how much do I have?"). */
export async function inventoryTotals(ctx: AppContext, caller: Caller, by: 'sku' | 'owner', ownerId?: number) {
  const q = ctx.db('inventory').join('skus', 'skus.id', 'inventory.sku_id');
  whereOwner(q, caller.principal, 'inventory.owner_id');
  if (ownerId) q.where('inventory.owner_id', ownerId);
  if (by === 'sku') q.groupBy('inventory.owner_id', 'inventory.sku_id', 'skus.sku_code', 'skus.name').select('inventory.owner_id', 'inventory.sku_id', 'skus.sku_code', 'skus.name');
  else q.groupBy('inventory.owner_id').select('inventory.owner_id');
  const rows = await q.sum({ on_hand: 'inventory.on_hand', allocated: 'inventory.allocated' });
  return {
    items: rows.map((r: any) => ({
      ownerId: Number(r.owner_id),
      ...(by === 'sku' ? { skuId: Number(r.sku_id), skuCode: r.sku_code, skuName: r.name } : {}),
      onHand: Number(r.on_hand),
      allocated: Number(r.allocated),
      available: Number(r.on_hand) - Number(r.allocated),
    })),
    nextCursor: null,
  };
}

/** Stock whose lot expires within `days` days (or has expired), soonest first. */
export async function expiringStock(ctx: AppContext, caller: Caller, days: number, ownerId?: number) {
  const limit = new Date(Date.now() + days * 86400_000).toISOString().slice(0, 10);
  const q = stockQuery(ctx.db).whereNotNull('lots.expires_at').andWhere('lots.expires_at', '<=', limit).andWhere('inventory.on_hand', '>', 0);
  whereOwner(q, caller.principal, 'inventory.owner_id');
  if (ownerId) q.where('inventory.owner_id', ownerId);
  const rows = await q.orderBy('lots.expires_at').limit(500);
  return { items: rows.map(presentStock), nextCursor: null };
}

export async function ledgerOf(ctx: AppContext, caller: Caller, f: PageParams & { ownerId?: number; skuCode?: string; locationCode?: string; lotNo?: string; kind?: string }) {
  const q = ctx.db('stock_movements')
    .join('skus', 'skus.id', 'stock_movements.sku_id')
    .join('lots', 'lots.id', 'stock_movements.lot_id')
    .join('locations', 'locations.id', 'stock_movements.location_id')
    .select('stock_movements.*', 'skus.sku_code', 'lots.lot_no', 'locations.code as location_code');
  whereOwner(q, caller.principal, 'stock_movements.owner_id');
  if (f.ownerId) q.where('stock_movements.owner_id', f.ownerId);
  if (f.skuCode) q.where('skus.sku_code', f.skuCode);
  if (f.locationCode) q.where('locations.code', f.locationCode);
  if (f.lotNo !== undefined) q.where('lots.lot_no', f.lotNo);
  if (f.kind) q.where('stock_movements.kind', f.kind);
  const page = await paginate<any>(q, f, 'stock_movements.id');
  return {
    items: page.items.map((r) => ({
      id: Number(r.id),
      at: toIso(r.at),
      ownerId: Number(r.owner_id),
      skuCode: r.sku_code,
      lotNo: r.lot_no,
      locationCode: r.location_code,
      qtyDelta: r.qty_delta,
      kind: r.kind,
      reason: r.reason ?? null,
      refType: r.ref_type ?? null,
      refId: r.ref_id ?? null,
      moveGroup: r.move_group ?? null,
      actor: r.actor,
    })),
    nextCursor: page.nextCursor,
  };
}

export interface StockRef {
  ownerId?: number;
  skuCode?: string | null;
  barcode?: string | null;
  lotNo?: string | null;
}

/**
 * What a scan at a location refers to. The owner comes from the request, the caller (a seller)
 * or, for an operator who only scanned a barcode, from the stock actually at that location.
 */
export async function resolveStockAt(trx: Tx, caller: Caller, ref: StockRef, location: LocationRow) {
  const lotScan = /^LOT(\d+)$/.exec((ref.barcode ?? '').trim());
  if (lotScan) {
    // a lot label names owner, SKU and lot at once
    const q = trx('lots').where('lots.id', Number(lotScan[1]));
    whereOwner(q, caller.principal, 'lots.owner_id');
    const lot = await q.first();
    if (!lot) throw new BusinessRule('UNKNOWN_LOT', `No lot ${ref.barcode}`);
    const sku = await trx('skus').where({ id: lot.sku_id }).first();
    const row = await trx('inventory').where({ location_id: location.id, sku_id: sku.id, lot_id: lot.id }).first();
    return { ownerId: Number(lot.owner_id), sku, lot, perScan: 1, available: row ? row.on_hand - row.allocated : 0 };
  }
  let ownerId = ref.ownerId ?? visibleOwnerId(caller.principal) ?? undefined;
  if (!ownerId) {
    const code = (ref.barcode ?? ref.skuCode ?? '').trim();
    const ownersHere = (withStock: boolean) => {
      const q = trx('inventory')
        .join('skus', 'skus.id', 'inventory.sku_id')
        .leftJoin('sku_barcodes', 'sku_barcodes.sku_id', 'skus.id')
        .where('inventory.location_id', location.id)
        .andWhere((w) => w.where('sku_barcodes.barcode', code).orWhere('skus.sku_code', code))
        .distinct('inventory.owner_id');
      if (withStock) q.andWhere('inventory.on_hand', '>', 0);
      return q;
    };
    // Whose stock it is: those with units here; failing that, whoever had a row here (so a
    // request that lost the race for the last units is told "only 0 available").
    let owners = await ownersHere(true);
    if (owners.length === 0) owners = await ownersHere(false);
    if (owners.length === 0) throw new BusinessRule('NOT_AT_LOCATION', `Nothing with code ${code} is at ${location.code}`);
    if (owners.length > 1) throw new BusinessRule('AMBIGUOUS_ITEM', `${code} at ${location.code} belongs to several owners: name the owner`);
    ownerId = Number(owners[0].owner_id);
  }
  const { sku, perScan } = await resolveItem(trx, ownerId, ref);
  let lot = ref.lotNo !== undefined && ref.lotNo !== null ? await findLot(trx, sku.id, ref.lotNo) : null;
  if (!lot) {
    // No lot named: of this SKU's lots here, those with stock first, then the first to expire
    // (an emptied row still names its lot, so a late request is told "only 0 available").
    const here = await trx('inventory').join('lots', 'lots.id', 'inventory.lot_id')
      .where({ 'inventory.location_id': location.id, 'inventory.sku_id': sku.id })
      .orderByRaw('inventory.on_hand > 0 desc, lots.expires_at is null, lots.expires_at').select('lots.*');
    if (ref.lotNo) throw new BusinessRule('UNKNOWN_LOT', `${sku.sku_code} has no lot ${ref.lotNo}`);
    if (!here.length) throw new BusinessRule('NOT_AT_LOCATION', `${sku.sku_code} is not at ${location.code}`);
    lot = here[0];
  }
  const row = await trx('inventory').where({ location_id: location.id, sku_id: sku.id, lot_id: lot.id }).first();
  return { ownerId, sku, lot, perScan, available: row ? row.on_hand - row.allocated : 0 };
}

export const ADJUSTMENT_REASONS = ['damaged', 'lost', 'found', 'expired', 'correction', 'sample', 'other'] as const;

export async function adjustStock(
  ctx: AppContext,
  caller: Caller,
  input: StockRef & { locationCode: string; qtyDelta: number; reason: (typeof ADJUSTMENT_REASONS)[number]; note?: string },
) {
  return inTransaction(ctx.db, async (trx) => {
    const location = await findLocation(trx, input.locationCode);
    if (!input.ownerId) throw new BusinessRule('OWNER_REQUIRED', 'Name the owner of the stock (ownerId)');
    const { sku } = await resolveItem(trx, input.ownerId, input);
    const lot = input.qtyDelta > 0 ? await ensureLot(trx, sku, { lotNo: input.lotNo }) : await findLot(trx, sku.id, input.lotNo);
    if (!lot) throw new BusinessRule('UNKNOWN_LOT', `${sku.sku_code} has no lot ${input.lotNo ?? '(none)'}`);
    const key = { ownerId: input.ownerId, skuId: sku.id, lotId: lot.id, locationId: location.id };
    const meta = { kind: 'adjustment' as const, reason: input.note ? `${input.reason}: ${input.note}` : input.reason };
    const movementId = input.qtyDelta > 0 ? await addStock(trx, caller, key, input.qtyDelta, meta) : await takeStock(trx, caller, key, -input.qtyDelta, meta);
    if (input.qtyDelta > 0 && location.type === 'pick') await stockArrived(ctx, trx);
    await audit(trx, caller, { action: 'adjust', entity: 'inventory', entityId: movementId, ownerId: input.ownerId, details: { skuCode: sku.sku_code, lotNo: lot.lot_no, location: location.code, qtyDelta: input.qtyDelta, reason: input.reason } });
    return { movementId, stock: await stockRow(trx, key) };
  });
}

async function stockRow(trx: Tx, key: { skuId: number; lotId: number; locationId: number }) {
  const row = await stockQuery(trx).where({ 'inventory.sku_id': key.skuId, 'inventory.lot_id': key.lotId, 'inventory.location_id': key.locationId }).first();
  if (!row) throw new NotFound('stock');
  return presentStock(row);
}

/** A move (or putaway, its first move from the dock) of available units to another location. */
export async function moveInventory(
  ctx: AppContext,
  caller: Caller,
  input: StockRef & { fromLocationCode: string; toLocationCode: string; qty: number; override?: boolean },
  kind: 'move' | 'putaway' = 'move',
) {
  return inTransaction(ctx.db, async (trx) => {
    const from = await findLocation(trx, input.fromLocationCode, 'fromLocationCode');
    const to = await findLocation(trx, input.toLocationCode, 'toLocationCode');
    const { ownerId, sku, lot } = await resolveStockAt(trx, caller, input, from);
    checkPlacement(caller.principal, sku, to, input.override);
    const key = { ownerId, skuId: sku.id, lotId: lot.id, locationId: from.id };
    const moveGroup = await moveStock(trx, caller, key, to.id, input.qty, { kind });
    if (to.type === 'pick') await stockArrived(ctx, trx);
    return { moveGroup, skuCode: sku.sku_code, lotNo: lot.lot_no, qty: input.qty, from: await stockRow(trx, key), to: await stockRow(trx, { ...key, locationId: to.id }) };
  });
}
