import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { BusinessRule, Conflict, NotFound } from '../http/errors';
import { paginate, PageParams } from '../db/cursor';
import { whereOwner } from '../auth/scope';
import { audit } from '../audit';
import { cancelRow, hasLabelledParcels, ingestOrders, IngestOutcome, openReceiver, reevaluate } from './ingest';
import { allocateSoon } from '../allocation/triggers';
import { allocateOrder } from '../allocation/allocate';
import { actorOf, CANCELLABLE, contentHash, IncomingOrder, IncomingReceiver, OrderStatus } from './orders.model';

/** Roles that see a receiver in full on the order page; everyone else sees it masked. */
const FULL_RECEIVER = new Set(['admin', 'supervisor', 'seller']);

export async function presentOrders(db: Tx, rows: any[], opts: { dataKey?: Buffer; history?: boolean } = {}) {
  if (!rows.length) return [];
  const ids = rows.map((r) => Number(r.id));
  const lines = await db('order_lines').leftJoin('skus', 'skus.id', 'order_lines.sku_id').whereIn('order_lines.order_id', ids).orderBy(['order_lines.order_id', 'order_lines.line_no'])
    .select('order_lines.*', 'skus.sku_code', 'skus.name as sku_name');
  const byOrder = new Map<number, any[]>();
  for (const l of lines) {
    const list = byOrder.get(Number(l.order_id)) ?? [];
    list.push(l);
    byOrder.set(Number(l.order_id), list);
  }
  const history = new Map<number, any[]>();
  const allocations = new Map<number, any[]>();
  if (opts.history) {
    const rows = await db('allocations')
      .join('skus', 'skus.id', 'allocations.sku_id')
      .join('lots', 'lots.id', 'allocations.lot_id')
      .join('locations', 'locations.id', 'allocations.location_id')
      .whereIn('allocations.order_id', ids)
      .whereNot('allocations.status', 'released')
      .orderBy('allocations.id')
      .select('allocations.*', 'skus.sku_code', 'lots.lot_no', 'lots.expires_at', 'locations.code as location_code');
    for (const a of rows) {
      const list = allocations.get(Number(a.order_id)) ?? [];
      list.push({ skuCode: a.sku_code, lotNo: a.lot_no, expiresAt: a.expires_at ?? null, locationCode: a.location_code, qty: a.qty, pickedQty: a.picked_qty, status: a.status });
      allocations.set(Number(a.order_id), list);
    }
    for (const e of await db('order_events').whereIn('order_id', ids).orderBy('id')) {
      const list = history.get(Number(e.order_id)) ?? [];
      list.push({ event: e.event, fromStatus: e.from_status, toStatus: e.to_status, actor: e.actor, message: e.message, at: toIso(e.created_at) });
      history.set(Number(e.order_id), list);
    }
  }
  return rows.map((r) => {
    const full = opts.dataKey && !r.pii_purged_at ? openReceiver(opts.dataKey, r) : null;
    return {
      id: Number(r.id),
      ownerId: Number(r.owner_id),
      storeId: r.store_id ? Number(r.store_id) : null,
      channel: r.channel,
      externalId: r.external_id,
      status: r.status as OrderStatus,
      holdReason: r.hold_reason ?? null,
      holdDetail: r.hold_detail ?? null,
      paid: !!r.paid,
      platformStatus: r.platform_status ?? null,
      coldChain: !!r.cold_chain,
      intercept: !!r.intercept,
      receiver: {
        name: full ? full.name : (r.receiver_name_masked ?? null),
        phone: full ? full.phone : (r.receiver_phone_masked ?? null),
        province: r.province ?? null,
        city: r.city ?? null,
        district: r.district ?? null,
        address: full ? full.address : (r.receiver_address_masked ?? null),
        divisionCode: r.division_code ?? null,
        masked: !full,
        purged: !!r.pii_purged_at,
      },
      lines: (byOrder.get(Number(r.id)) ?? []).map((l) => ({
        lineNo: l.line_no,
        externalLineId: l.external_line_id ?? null,
        skuCode: l.sku_code ?? null,
        skuName: l.sku_name ?? null,
        qty: l.qty,
        listingCode: l.listing_code ?? null,
        variantId: l.variant_id ?? null,
        title: l.title ?? null,
        platformQty: l.platform_qty,
        factor: l.factor,
        priceFen: l.price_fen ?? null,
        mapped: l.sku_id !== null && l.sku_id !== undefined,
      })),
      totalFen: r.total_fen ?? null,
      currency: r.currency ?? null,
      buyerNote: r.buyer_note ?? null,
      placedAt: toIso(r.placed_at),
      releasedAt: toIso(r.released_at),
      cancelledAt: toIso(r.cancelled_at),
      shippedAt: toIso(r.shipped_at),
      writebackStatus: (r.writeback_status ?? null) as 'pending' | 'done' | 'failed' | 'not_needed' | null,
      writebackError: r.writeback_error ?? null,
      writtenBackAt: toIso(r.written_back_at),
      createdAt: toIso(r.created_at),
      updatedAt: toIso(r.updated_at),
      allocatedAt: toIso(r.allocated_at),
      ...(opts.history ? { history: history.get(Number(r.id)) ?? [], allocations: allocations.get(Number(r.id)) ?? [] } : {}),
    };
  });
}

export async function loadOrder(db: Tx, caller: Caller, id: number, forUpdate = false) {
  const q = db('orders').where({ id });
  whereOwner(q, caller.principal);
  if (forUpdate) q.forUpdate();
  const row = await q.first();
  if (!row) throw new NotFound('order');
  return row;
}

async function presentOne(ctx: AppContext, db: Tx, caller: Caller, row: any) {
  const full = FULL_RECEIVER.has(caller.principal.role);
  return (await presentOrders(db, [row], { dataKey: full ? ctx.config.dataKey : undefined, history: true }))[0];
}

export async function getOrder(ctx: AppContext, caller: Caller, id: number) {
  return presentOne(ctx, ctx.db, caller, await loadOrder(ctx.db, caller, id));
}

export interface OrderFilter extends PageParams {
  status?: string;
  ownerId?: number;
  storeId?: number;
  holdReason?: string;
  channel?: string;
  q?: string;
}

export async function listOrders(ctx: AppContext, caller: Caller, f: OrderFilter) {
  const q = ctx.db('orders').select('*');
  whereOwner(q, caller.principal);
  if (f.ownerId) q.where({ owner_id: f.ownerId });
  if (f.storeId) q.where({ store_id: f.storeId });
  if (f.status) q.whereIn('status', f.status.split(','));
  if (f.holdReason) q.where({ hold_reason: f.holdReason });
  if (f.channel) q.where({ channel: f.channel });
  if (f.q) q.where('external_id', f.q.trim());
  const page = await paginate<any>(q, f);
  return { items: await presentOrders(ctx.db, page.items), nextCursor: page.nextCursor };
}

export interface ApiOrderInput {
  ownerId: number;
  externalId: string;
  receiver: { name: string; phone: string; province?: string | null; city?: string | null; district?: string | null; address: string };
  lines: Array<{ skuCode: string; qty: number; priceFen?: number | null }>;
  coldChain?: boolean;
  paid?: boolean;
  buyerNote?: string | null;
  placedAt?: string | null;
}

export function apiIncoming(input: ApiOrderInput): IncomingOrder {
  return {
    externalId: input.externalId,
    paid: input.paid ?? true,
    cancelled: false,
    platformStatus: null,
    updatedAt: null,
    placedAt: input.placedAt ? new Date(input.placedAt) : null,
    receiver: {
      name: input.receiver.name,
      phone: input.receiver.phone,
      province: input.receiver.province ?? null,
      city: input.receiver.city ?? null,
      district: input.receiver.district ?? null,
      address: input.receiver.address,
    },
    lines: input.lines.map((l, i) => ({ externalLineId: String(i + 1), listingCode: l.skuCode, variantId: null, title: null, qty: l.qty, priceFen: l.priceFen ?? null })),
    totalFen: null,
    currency: null,
    buyerNote: input.buyerNote ?? null,
    coldChain: input.coldChain ?? false,
  };
}

/**
 * The order API: a new external id creates the order (201); the same body again returns it
 * unchanged (200); a different body under an existing id is a conflict (409), since a
 * seller's system must not silently rewrite an order the warehouse may be working on.
 */
export async function createApiOrder(ctx: AppContext, caller: Caller, input: ApiOrderInput): Promise<{ created: boolean; order: any }> {
  const incoming = apiIncoming(input);
  return inTransaction(ctx.db, async (trx) => {
    if (!(await trx('owners').where({ id: input.ownerId }).first('id'))) throw new NotFound('owner');
    const codes = [...new Set(input.lines.map((l) => l.skuCode))];
    const known = new Set((await trx('skus').where({ owner_id: input.ownerId }).whereIn('sku_code', codes).select('sku_code')).map((s: any) => s.sku_code));
    const missing = codes.filter((c) => !known.has(c));
    if (missing.length) {
      throw new BusinessRule('UNKNOWN_SKU', `Not products of this owner: ${missing.join(', ')}`, missing.map((c) => ({ field: 'lines', code: 'unknown_sku', message: c })));
    }
    const existing = await trx('orders').where({ owner_id: input.ownerId, source: 'direct', external_id: input.externalId }).first('id', 'body_hash');
    if (existing) {
      if (existing.body_hash !== contentHash(incoming)) {
        throw new Conflict('DUPLICATE_EXTERNAL_ID', `Order "${input.externalId}" already exists with different content`);
      }
      return { created: false, order: await presentOne(ctx, trx, caller, await trx('orders').where({ id: existing.id }).first()) };
    }
    const [outcome] = await ingestOrders(trx, ctx.config.dataKey, { ownerId: input.ownerId, storeId: null, channel: 'api', actor: actorOf(caller.principal) }, [incoming]);
    if (outcome.released) await allocateSoon(ctx, trx, [outcome.id]);
    await audit(trx, caller, { action: 'create', entity: 'order', entityId: outcome.id, ownerId: input.ownerId, details: { externalId: input.externalId, lines: input.lines.length } });
    return { created: true, order: await presentOne(ctx, trx, caller, await trx('orders').where({ id: outcome.id }).first()) };
  });
}

/** Cancels before packing; after packing flags the parcel for interception; a shipped order cannot be cancelled. */
export async function cancelOrder(ctx: AppContext, caller: Caller, id: number, reason?: string | null) {
  return inTransaction(ctx.db, async (trx) => {
    const row = await loadOrder(trx, caller, id, true);
    const status = row.status as OrderStatus;
    const actor = actorOf(caller.principal);
    const now = nowDb();
    const event = (ev: string, to: OrderStatus, message: string) =>
      trx('order_events').insert({ order_id: id, event: ev, from_status: status, to_status: to, actor, message, created_at: now });
    if (status === 'shipped') throw new Conflict('ORDER_SHIPPED', 'The order has shipped and can no longer be cancelled');
    // a split order with cartons labelled already is stopped like a packed one: its parcels exist
    if (status === 'packed' || (status === 'picked' && (await hasLabelledParcels(trx, id)))) {
      if (!row.intercept) {
        await trx('orders').where({ id }).update({ intercept: true, updated_at: now, version: Number(row.version) + 1 });
        await event('intercept', status, `cancelled after packing: parcel to be intercepted${reason ? ` (${reason})` : ''}`);
        await audit(trx, caller, { action: 'intercept', entity: 'order', entityId: id, ownerId: row.owner_id, details: { reason } });
      }
    } else if (CANCELLABLE.includes(status)) {
      await cancelRow(trx, row, {}, now);
      await event('cancelled', 'cancelled', reason ? `cancelled: ${reason}` : 'cancelled');
      await audit(trx, caller, { action: 'cancel', entity: 'order', entityId: id, ownerId: row.owner_id, details: { reason } });
    }
    return presentOne(ctx, trx, caller, await trx('orders').where({ id }).first());
  });
}

/** `POST /orders/:id/allocate`: allocates at once instead of waiting for the job. */
export async function forceAllocate(ctx: AppContext, caller: Caller, id: number) {
  const row = await loadOrder(ctx.db, caller, id);
  if (!((row.status === 'pending' && row.released_at) || row.status === 'backorder' || row.status === 'allocated')) {
    const why = row.status === 'pending' ? 'it is not paid yet' : `it is ${row.status}`;
    throw new Conflict('NOT_ALLOCATABLE', `The order cannot be allocated: ${why}`);
  }
  if (row.status !== 'allocated') await allocateOrder(ctx, id, actorOf(caller.principal));
  return getOrder(ctx, caller, id);
}

/** Puts an order on hold by hand (supervisor), or lifts that hold and judges the order again. */
export async function setManualHold(ctx: AppContext, caller: Caller, id: number, hold: boolean, reason?: string | null) {
  return inTransaction(ctx.db, async (trx) => {
    const row = await loadOrder(trx, caller, id, true);
    if (!['pending', 'held', 'backorder'].includes(row.status)) {
      throw new Conflict('ORDER_IN_PROGRESS', `The order is ${row.status}; only orders not yet allocated can be held or released`);
    }
    const message = hold ? `held by hand${reason ? `: ${reason}` : ''}` : 'released by hand';
    const r = await reevaluate(trx, ctx.config.dataKey, row, actorOf(caller.principal), { manualHold: hold, message });
    if (r.released) await allocateSoon(ctx, trx, [id]);
    await audit(trx, caller, { action: hold ? 'hold' : 'release', entity: 'order', entityId: id, ownerId: row.owner_id, details: { reason } });
    return presentOne(ctx, trx, caller, await trx('orders').where({ id }).first());
  });
}

/** Corrects the receiver (the fix for an address or phone hold); the order is judged again. */
export async function correctReceiver(ctx: AppContext, caller: Caller, id: number, patch: Partial<IncomingReceiver>) {
  return inTransaction(ctx.db, async (trx) => {
    const row = await loadOrder(trx, caller, id, true);
    if (!['pending', 'held', 'backorder'].includes(row.status)) {
      throw new Conflict('ORDER_IN_PROGRESS', `The order is ${row.status}; its receiver can no longer be changed here`);
    }
    if (row.pii_purged_at) throw new Conflict('PII_PURGED', 'The receiver of this order has been erased');
    const current = openReceiver(ctx.config.dataKey, row);
    const receiver: IncomingReceiver = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as IncomingReceiver;
    const r = await reevaluate(trx, ctx.config.dataKey, row, actorOf(caller.principal), { receiver, message: 'receiver corrected' });
    if (r.released) await allocateSoon(ctx, trx, [id]);
    await audit(trx, caller, { action: 'correct_receiver', entity: 'order', entityId: id, ownerId: row.owner_id, details: { fields: Object.keys(patch) } });
    return presentOne(ctx, trx, caller, await trx('orders').where({ id }).first());
  });
}

/**
 * After a mapping is added: held orders of the store (or owner) with unmapped lines are judged
 * again, in batches, and released when nothing else is wrong.
 */
export async function reprocessUnmapped(ctx: AppContext, scope: { storeId?: number; ownerId?: number }, actor: string): Promise<number> {
  let after = 0;
  let released = 0;
  for (;;) {
    const q = ctx.db('orders')
      .where({ status: 'held' })
      .where('id', '>', after)
      .whereExists((s) => s.select(ctx.db.raw('1')).from('order_lines').whereRaw('order_lines.order_id = orders.id').whereNull('order_lines.sku_id'))
      .orderBy('id')
      .limit(200)
      .select('id');
    if (scope.storeId) q.where({ store_id: scope.storeId });
    if (scope.ownerId) q.where({ owner_id: scope.ownerId });
    const ids = (await q).map((r: any) => Number(r.id));
    if (!ids.length) return released;
    after = ids[ids.length - 1];
    await inTransaction(ctx.db, async (trx) => {
      const rows = await trx('orders').whereIn('id', ids).where({ status: 'held' }).orderBy('id').forUpdate();
      const ready: number[] = [];
      for (const row of rows) {
        const r = await reevaluate(trx, ctx.config.dataKey, row, actor, { message: 'listing mapping added' });
        if (r.status !== 'held') released++;
        if (r.released) ready.push(Number(row.id));
      }
      await allocateSoon(ctx, trx, ready);
    });
  }
}

export type { IngestOutcome };
