import type { AppContext } from '../context';
import type { Trx } from '../db/transaction';
import { inTransaction } from '../db/transaction';
import { nowDb } from '../db/time';
import { unreserve } from '../inventory/stock';

/**
 * Allocation: which lot at which pick location goes to which order. First-expiring-first (FEFO),
 * only released lots that are not expired and keep the owner's minimum remaining shelf life,
 * only pick locations of the SKU's temperature class, split across lots and locations when
 * needed. An order is allocated whole or not at all (a parcel ships complete); an order that
 * cannot be is a backorder with the shortage in words, tried again when stock changes.
 *
 * Safety under concurrency: each reservation is one conditional UPDATE
 * (`allocated = allocated + q WHERE on_hand - allocated >= q`), so two allocators can never
 * reserve the same units; SKUs are taken in id order and rows in FEFO order, so concurrent
 * allocations lock rows in the same order; the order row itself is locked first, so an order
 * is allocated once.
 */

export type AllocateResult = { orderId: number; status: 'allocated' | 'backorder' | 'skipped'; reason?: string };

interface Need {
  skuId: number;
  skuCode: string;
  temperature: string;
  /** the order line each unit belongs to (kits: the kit's line) */
  lines: Array<{ lineId: number; qty: number }>;
  qty: number;
}

const DAY = 24 * 3600 * 1000;

function today(offsetDays = 0): string {
  return new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
}

/** The units an order needs per stocked SKU: kit lines expanded into their components. */
async function needsOf(trx: Trx, orderId: number): Promise<Need[]> {
  const lines = await trx('order_lines').join('skus', 'skus.id', 'order_lines.sku_id').where('order_lines.order_id', orderId)
    .select('order_lines.id', 'order_lines.qty', 'skus.id as sku_id', 'skus.sku_code', 'skus.temperature', 'skus.is_kit');
  const kitIds = lines.filter((l: any) => l.is_kit).map((l: any) => l.sku_id);
  const components = kitIds.length
    ? await trx('kit_components').join('skus', 'skus.id', 'kit_components.component_sku_id').whereIn('kit_sku_id', kitIds)
        .select('kit_components.kit_sku_id', 'kit_components.qty', 'skus.id as sku_id', 'skus.sku_code', 'skus.temperature')
    : [];
  const needs = new Map<number, Need>();
  const add = (skuId: number, skuCode: string, temperature: string, lineId: number, qty: number) => {
    const n = needs.get(skuId) ?? { skuId, skuCode, temperature, lines: [], qty: 0 };
    n.lines.push({ lineId, qty });
    n.qty += qty;
    needs.set(skuId, n);
  };
  for (const l of lines) {
    if (!l.is_kit) add(Number(l.sku_id), l.sku_code, l.temperature, Number(l.id), l.qty);
    else for (const c of components.filter((c: any) => c.kit_sku_id === l.sku_id)) add(Number(c.sku_id), c.sku_code, c.temperature, Number(l.id), l.qty * c.qty);
  }
  return [...needs.values()].sort((a, b) => a.skuId - b.skuId);
}

/** Stock rows an order may take for one SKU, first-expiring first. */
async function candidates(trx: Trx, ownerId: number, need: Need, minShelfLifeDays: number) {
  const earliest = today(minShelfLifeDays);
  return trx('inventory')
    .join('lots', 'lots.id', 'inventory.lot_id')
    .join('locations', 'locations.id', 'inventory.location_id')
    .join('zones', 'zones.id', 'locations.zone_id')
    .where('inventory.owner_id', ownerId)
    .where('inventory.sku_id', need.skuId)
    .where('lots.status', 'released')
    .where((q) => q.whereNull('lots.expires_at').orWhere('lots.expires_at', '>=', earliest))
    .where('locations.type', 'pick')
    .where('locations.status', 'active')
    .where('zones.temperature', need.temperature)
    .whereRaw('inventory.on_hand - inventory.allocated > 0')
    // FEFO: lots without an expiry date last; then the older lot, then the walking order
    .orderByRaw('CASE WHEN lots.expires_at IS NULL THEN 1 ELSE 0 END')
    .orderBy([{ column: 'lots.expires_at' }, { column: 'lots.id' }, { column: 'locations.pick_seq' }, { column: 'inventory.id' }])
    .select('inventory.id', 'inventory.lot_id', 'inventory.location_id', 'inventory.on_hand', 'inventory.allocated');
}

class Short extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Reserves up to `qty` of one stock row; returns what it got (0 when another allocator was faster). */
async function reserve(trx: Trx, inventoryId: number, want: number, seen: number): Promise<number> {
  let q = Math.min(want, seen);
  while (q > 0) {
    const n = await trx('inventory').where({ id: inventoryId }).andWhereRaw('on_hand - allocated >= ?', [q]).update({ allocated: trx.raw('allocated + ?', [q]), updated_at: nowDb() });
    if (n === 1) return q;
    // a locking read: a plain one would see this transaction's snapshot, not what beat us to it
    const row = await trx('inventory').where({ id: inventoryId }).forUpdate().first('on_hand', 'allocated');
    q = Math.min(want, row ? row.on_hand - row.allocated : 0);
  }
  return 0;
}

async function allocateInTrx(trx: Trx, orderId: number, actor: string): Promise<AllocateResult> {
  const order = await trx('orders').where({ id: orderId }).forUpdate().first();
  if (!order) return { orderId, status: 'skipped', reason: 'no such order' };
  const ready = (order.status === 'pending' && order.released_at) || order.status === 'backorder';
  if (!ready) return { orderId, status: 'skipped', reason: `order is ${order.status}` };
  const owner = await trx('owners').where({ id: order.owner_id }).first('min_shelf_life_days');
  const minDays = Number(owner?.min_shelf_life_days ?? 0);
  const needs = await needsOf(trx, orderId);
  const now = nowDb();
  const rows: any[] = [];
  const short: string[] = [];
  for (const need of needs) {
    let missing = need.qty;
    // units per line, handed out in line order as stock is found
    const lineQueue = need.lines.map((l) => ({ ...l }));
    for (const c of await candidates(trx, Number(order.owner_id), need, minDays)) {
      if (missing <= 0) break;
      const got = await reserve(trx, Number(c.id), missing, c.on_hand - c.allocated);
      let left = got;
      while (left > 0) {
        const line = lineQueue.find((l) => l.qty > 0)!;
        const q = Math.min(left, line.qty);
        rows.push({ order_id: orderId, order_line_id: line.lineId, owner_id: order.owner_id, sku_id: need.skuId, lot_id: c.lot_id, location_id: c.location_id, inventory_id: c.id, qty: q, picked_qty: 0, status: 'open', created_at: now, updated_at: now });
        line.qty -= q;
        left -= q;
      }
      missing -= got;
    }
    if (missing > 0) short.push(`${need.skuCode} 缺 ${missing} / short ${missing} of ${need.qty}`);
  }
  if (short.length) throw new Short(`库存不足 / not enough allocatable stock: ${short.join('; ')}`);
  if (!needs.length) throw new Short('订单没有可分配的商品 / nothing to allocate');
  for (let i = 0; i < rows.length; i += 500) await trx('allocations').insert(rows.slice(i, i + 500));
  await trx('orders').where({ id: orderId }).update({ status: 'allocated', hold_detail: null, allocated_at: now, backorder_at: null, updated_at: now, version: Number(order.version) + 1 });
  await trx('order_events').insert({ order_id: orderId, event: 'allocated', from_status: order.status, to_status: 'allocated', actor, message: `${rows.length} pick(s) reserved, first-expiring first`, created_at: now });
  return { orderId, status: 'allocated' };
}

/** Marks an order short: a backorder with the reason, unless it already says exactly that. */
async function markBackorder(ctx: AppContext, orderId: number, reason: string, actor: string): Promise<void> {
  await inTransaction(ctx.db, async (trx) => {
    const order = await trx('orders').where({ id: orderId }).forUpdate().first();
    if (!order || !((order.status === 'pending' && order.released_at) || order.status === 'backorder')) return;
    const now = nowDb();
    await trx('orders').where({ id: orderId }).update({ status: 'backorder', hold_detail: reason.slice(0, 1000), backorder_at: now, updated_at: now });
    if (order.status !== 'backorder' || order.hold_detail !== reason) {
      await trx('order_events').insert({ order_id: orderId, event: 'backorder', from_status: order.status, to_status: 'backorder', actor, message: reason.slice(0, 1000), created_at: now });
    }
  });
}

/** Allocates one order (whole, or a backorder with the shortage). Safe to call concurrently. */
export async function allocateOrder(ctx: AppContext, orderId: number, actor = 'system'): Promise<AllocateResult> {
  try {
    return await inTransaction(ctx.db, (trx) => allocateInTrx(trx, orderId, actor));
  } catch (err) {
    if (!(err instanceof Short)) throw err;
    await markBackorder(ctx, orderId, err.reason, actor);
    return { orderId, status: 'backorder', reason: err.reason };
  }
}

/**
 * After a short pick: reserves `a.qty` units of the same SKU for the same order line elsewhere
 * (same rules, never at `excludeLocationId`), whole or not at all. Returns the allocation rows to
 * insert (the caller attaches them to new pick tasks); [] when there is not enough.
 */
export async function reserveMore(trx: Trx, a: any, excludeLocationId: number): Promise<any[]> {
  const sku = await trx('skus').where({ id: a.sku_id }).first('sku_code', 'temperature');
  const owner = await trx('owners').where({ id: a.owner_id }).first('min_shelf_life_days');
  const need: Need = { skuId: Number(a.sku_id), skuCode: sku.sku_code, temperature: sku.temperature, lines: [{ lineId: Number(a.order_line_id), qty: a.qty }], qty: a.qty };
  const now = nowDb();
  const rows: any[] = [];
  let missing = a.qty;
  for (const c of await candidates(trx, Number(a.owner_id), need, Number(owner?.min_shelf_life_days ?? 0))) {
    if (missing <= 0) break;
    if (Number(c.location_id) === excludeLocationId) continue;
    const got = await reserve(trx, Number(c.id), missing, c.on_hand - c.allocated);
    if (got) rows.push({ order_id: a.order_id, order_line_id: a.order_line_id, owner_id: a.owner_id, sku_id: a.sku_id, lot_id: c.lot_id, location_id: c.location_id, inventory_id: c.id, qty: got, picked_qty: 0, status: 'open', created_at: now, updated_at: now });
    missing -= got;
  }
  if (missing > 0) {
    for (const r of rows) await unreserve(trx, Number(r.inventory_id), r.qty);
    return [];
  }
  return rows;
}

/** Gives back an order's open reservations (cancellation). Runs in the caller's transaction. */
export async function releaseAllocations(trx: Trx, orderId: number): Promise<number> {
  const open = await trx('allocations').where({ order_id: orderId, status: 'open' }).orderBy('inventory_id').forUpdate();
  for (const a of open) await unreserve(trx, Number(a.inventory_id), a.qty);
  if (open.length) await trx('allocations').whereIn('id', open.map((a: any) => a.id)).update({ status: 'released', updated_at: nowDb() });
  return open.length;
}

/**
 * The allocation sweep: orders released and waiting (oldest first), then backorders whose
 * SKUs' stock changed since they came short. Runs as a job after orders are released or stock
 * arrives, and on a schedule as a safety net.
 */
export async function allocateDue(ctx: AppContext, opts: { limit?: number } = {}): Promise<{ allocated: number; backorder: number }> {
  const limit = opts.limit ?? 2000;
  const result = { allocated: 0, backorder: 0 };
  const run = async (ids: number[]) => {
    for (const id of ids) {
      const r = await allocateOrder(ctx, id);
      if (r.status === 'allocated') result.allocated++;
      if (r.status === 'backorder') result.backorder++;
    }
  };
  const pending = await ctx.db('orders').where({ status: 'pending' }).whereNotNull('released_at').orderBy('id').limit(limit).pluck('id');
  await run(pending.map(Number));
  // backorders: only those with a SKU (or kit component) whose stock changed since they came short
  const waiting = await ctx.db('orders').where({ status: 'backorder' }).orderBy('id').limit(limit).select('id', 'backorder_at');
  if (waiting.length) {
    const since = waiting.reduce((m: string, o: any) => (o.backorder_at && o.backorder_at < m ? o.backorder_at : m), nowDb());
    // only stock that became available (added, or given back) counts: reservations do not
    const changed = new Set<number>((await ctx.db('inventory').where('restocked_at', '>=', since).distinct('sku_id')).map((r: any) => Number(r.sku_id)));
    if (changed.size) {
      const retry: number[] = [];
      for (let i = 0; i < waiting.length; i += 500) {
        const chunk = waiting.slice(i, i + 500);
        const lines = await ctx.db('order_lines')
          .leftJoin('kit_components', 'kit_components.kit_sku_id', 'order_lines.sku_id')
          .whereIn('order_lines.order_id', chunk.map((o: any) => o.id))
          .select('order_lines.order_id', 'order_lines.sku_id', 'kit_components.component_sku_id');
        const hit = new Set<number>();
        for (const l of lines) if (changed.has(Number(l.sku_id)) || (l.component_sku_id && changed.has(Number(l.component_sku_id)))) hit.add(Number(l.order_id));
        retry.push(...chunk.filter((o: any) => hit.has(Number(o.id))).map((o: any) => Number(o.id)));
      }
      await run(retry);
    }
  }
  return result;
}
