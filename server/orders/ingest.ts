import type { Tx } from '../db/knex';
import type { Trx } from '../db/transaction';
import { nowDb, toDbTime } from '../db/time';
import { insertReturningIds } from '../db/insert';
import { seal, unsealNullable } from '../util/seal';
import { normaliseAddress, AddressResult } from './address';
import { validatePhone, PhoneResult } from './phone';
import { maskAddress, maskName, maskPhone } from './mask';
import { releaseAllocations } from '../allocation/allocate';
import { releaseWaveOrder } from '../waves/picking.service';
import {
  CANCELLABLE,
  EDITABLE,
  HoldReason,
  IncomingLine,
  IncomingOrder,
  IncomingReceiver,
  OrderSource,
  OrderStatus,
  PII,
  contentHash,
  sourceKey,
} from './orders.model';

/**
 * The one way orders enter the warehouse, whatever the channel (store sync, webhook, order API,
 * spreadsheet): a batch is stored in the caller's transaction, idempotent by
 * (owner, source, external id). Lines are mapped to SKUs, addresses normalised, personal data
 * sealed, and each order either released to the warehouse (paid, nothing to fix) or held with
 * its reason. Everything that changes an order is written to its history.
 */

export type IngestResult = 'created' | 'updated' | 'unchanged' | 'stale';

export interface IngestOutcome {
  externalId: string;
  id: number;
  result: IngestResult;
  status: OrderStatus;
  holdReason: HoldReason | null;
  holdDetail: string | null;
  /** the stored content digest before this delivery (for the order API's conflict check) */
  previousHash: string | null;
  /** became ready for allocation in this delivery */
  released?: boolean;
}

export interface ResolvedLine extends IncomingLine {
  skuId: number | null;
  factor: number;
}

interface Verdict {
  status: 'pending' | 'held';
  holdReason: HoldReason | null;
  holdDetail: string | null;
  release: boolean;
}

interface EventRow {
  order_id: number;
  event: string;
  from_status: string | null;
  to_status: string | null;
  actor: string;
  message: string | null;
  created_at: string;
}

const cut = (s: string | null | undefined, n: number) => (s == null ? null : String(s).slice(0, n));

/** Maps listing lines to SKUs: the store's mapping by listing code or variant id, else the owner's SKU of that code. */
export async function resolveLines(trx: Tx, ownerId: number, storeId: number | null, lines: IncomingLine[]): Promise<ResolvedLine[]> {
  const codes = new Set<string>();
  for (const l of lines) {
    if (l.listingCode) codes.add(l.listingCode);
    if (l.variantId) codes.add(l.variantId);
  }
  const mapping = new Map<string, { skuId: number; factor: number }>();
  const byCode = new Map<string, number>();
  const list = [...codes];
  for (let i = 0; i < list.length; i += 500) {
    const chunk = list.slice(i, i + 500);
    if (storeId) {
      const rows = await trx('listing_mappings').where({ store_id: storeId }).whereIn('listing_code', chunk).select('listing_code', 'sku_id', 'factor');
      for (const r of rows) mapping.set(r.listing_code, { skuId: Number(r.sku_id), factor: Number(r.factor) });
    }
    const skus = await trx('skus').where({ owner_id: ownerId }).whereIn('sku_code', chunk).select('id', 'sku_code');
    for (const s of skus) byCode.set(s.sku_code, Number(s.id));
  }
  return lines.map((l) => {
    const m = (l.listingCode && mapping.get(l.listingCode)) || (l.variantId && mapping.get(l.variantId)) || null;
    if (m) return { ...l, skuId: m.skuId, factor: m.factor };
    const own = l.listingCode ? byCode.get(l.listingCode) : undefined;
    return { ...l, skuId: own ?? null, factor: 1 };
  });
}

/** What must be fixed before the order may go to the warehouse, first problem first. */
export function judge(o: { paid: boolean; manualHold: boolean }, lines: ResolvedLine[], addr: AddressResult, phone: PhoneResult): Verdict {
  const problems: Array<[HoldReason, string]> = [];
  if (!lines.length) problems.push(['invalid_line', '订单没有商品 / the order has no lines']);
  const badQty = lines.filter((l) => !Number.isInteger(l.qty) || l.qty <= 0);
  if (badQty.length) problems.push(['invalid_line', `数量无效 / invalid quantity on: ${badQty.map((l) => l.listingCode ?? l.variantId ?? '?').join(', ')}`]);
  const unmapped = lines.filter((l) => l.skuId === null);
  if (unmapped.length) {
    const names = [...new Set(unmapped.map((l) => l.listingCode || (l.variantId ? `variant ${l.variantId}` : l.title || '?')))];
    problems.push(['unmapped_listing', `未映射的商品 / unmapped listings: ${names.join(', ')}`]);
  }
  if (!addr.ok) problems.push(['address', addr.message]);
  if (!phone.ok) problems.push(['phone', phone.message]);
  if (o.manualHold) problems.push(['manual', '人工暂停 / held by hand']);
  if (problems.length) {
    return { status: 'held', holdReason: problems[0][0], holdDetail: problems.map((p) => p[1]).join('; ').slice(0, 1000), release: false };
  }
  return { status: 'pending', holdReason: null, holdDetail: null, release: o.paid };
}

/** The stored form of a receiver: normalised parts in clear (for routing), the rest sealed and masked. */
function receiverColumns(key: Buffer, r: IncomingReceiver, addr: AddressResult, phone: PhoneResult) {
  const detail = addr.ok ? addr.detail : r.address;
  const phoneText = phone.ok ? phone.phone : r.phone;
  return {
    receiver_name_sealed: seal(key, PII.name, r.name),
    receiver_phone_sealed: seal(key, PII.phone, phoneText),
    receiver_address_sealed: seal(key, PII.address, detail),
    receiver_name_masked: cut(maskName(r.name), 64),
    receiver_phone_masked: cut(maskPhone(phoneText), 32),
    receiver_address_masked: cut(maskAddress(detail), 64),
    province: cut(addr.ok ? addr.province : r.province, 32),
    city: cut(addr.ok ? addr.city : r.city, 32),
    district: cut(addr.ok ? addr.district : r.district, 32),
    division_code: addr.ok ? addr.divisionCode : null,
    township_code: addr.ok ? addr.townshipCode : null,
  };
}

function lineRows(orderId: number, lines: ResolvedLine[]) {
  return lines.map((l, i) => ({
    order_id: orderId,
    line_no: i + 1,
    external_line_id: cut(l.externalLineId, 64),
    listing_code: cut(l.listingCode, 100),
    variant_id: cut(l.variantId, 64),
    title: cut(l.title, 200),
    platform_qty: Number.isFinite(l.qty) ? Math.trunc(l.qty) : 0,
    sku_id: l.skuId,
    factor: l.factor,
    qty: Number.isFinite(l.qty) ? Math.trunc(l.qty) * l.factor : 0,
    price_fen: l.priceFen,
  }));
}

const iso = (d: Date | null) => (d && !Number.isNaN(d.getTime()) ? toDbTime(d) : null);

/**
 * Stores a batch of orders of one source. Existing orders are locked, compared and updated; an
 * older platform update than the stored one changes nothing. Runs inside the caller's transaction.
 */
export async function ingestOrders(trx: Trx, dataKey: Buffer, source: OrderSource, orders: IncomingOrder[]): Promise<IngestOutcome[]> {
  if (!orders.length) return [];
  // the last delivery of an id within one batch wins (pages repeat orders)
  const latest = new Map<string, IncomingOrder>();
  for (const o of orders) {
    const prev = latest.get(o.externalId);
    if (!prev || (o.updatedAt?.getTime() ?? 0) >= (prev.updatedAt?.getTime() ?? 0)) latest.set(o.externalId, o);
  }
  const batch = [...latest.values()];
  const src = sourceKey(source.storeId);
  const existing = new Map<string, any>();
  const ids = batch.map((o) => o.externalId);
  for (let i = 0; i < ids.length; i += 500) {
    // Found without a lock, then locked by primary key: a locking read of keys that do not exist
    // yet would take gap locks, and concurrent deliveries of new orders would deadlock on them.
    // A new order that another transaction inserts meanwhile makes our insert fail on the unique
    // key; the caller runs the batch again and finds it (see retryOnRace).
    const found = await trx('orders').where({ owner_id: source.ownerId, source: src }).whereIn('external_id', ids.slice(i, i + 500)).select('id');
    if (!found.length) continue;
    const rows = await trx('orders').whereIn('id', found.map((r: any) => r.id)).orderBy('id').forUpdate().select('*');
    for (const r of rows) existing.set(r.external_id, r);
  }
  const resolved = await resolveLines(trx, source.ownerId, source.storeId, batch.flatMap((o) => o.lines));
  let at = 0;
  const linesOf = new Map<string, ResolvedLine[]>();
  for (const o of batch) {
    linesOf.set(o.externalId, resolved.slice(at, at + o.lines.length));
    at += o.lines.length;
  }

  const now = nowDb();
  const outcomes = new Map<string, IngestOutcome>();
  const events: EventRow[] = [];
  const fresh: Array<{ order: IncomingOrder; row: Record<string, unknown>; verdict: Verdict | null }> = [];

  for (const o of batch) {
    const hash = contentHash(o);
    const lines = linesOf.get(o.externalId)!;
    const prev = existing.get(o.externalId);
    if (!prev) {
      const addr = normaliseAddress(o.receiver);
      const phone = validatePhone(o.receiver.phone);
      const verdict = o.cancelled ? null : judge({ paid: o.paid, manualHold: false }, lines, addr, phone);
      const status: OrderStatus = verdict ? verdict.status : 'cancelled';
      fresh.push({
        order: o,
        verdict,
        row: {
          owner_id: source.ownerId,
          store_id: source.storeId,
          source: src,
          channel: source.channel,
          external_id: o.externalId,
          status,
          hold_reason: verdict?.holdReason ?? null,
          hold_detail: verdict?.holdDetail ?? null,
          manual_hold: false,
          paid: o.paid,
          platform_status: cut(o.platformStatus, 48),
          platform_updated_at: iso(o.updatedAt),
          cold_chain: o.coldChain,
          ...receiverColumns(dataKey, o.receiver, addr, phone),
          total_fen: o.totalFen,
          currency: cut(o.currency, 3),
          buyer_note: cut(o.buyerNote, 500),
          body_hash: hash,
          intercept: false,
          placed_at: iso(o.placedAt),
          released_at: verdict?.release ? now : null,
          cancelled_at: o.cancelled ? now : null,
          version: 0,
          created_at: now,
          updated_at: now,
        },
      });
      continue;
    }
    const outcome = await applyUpdate(trx, dataKey, source, prev, o, lines, hash, now, events);
    outcomes.set(o.externalId, outcome);
  }

  if (fresh.length) {
    const newIds = await insertReturningIds<string>(trx, 'orders', fresh.map((f) => f.row), {
      column: 'external_id',
      scope: { owner_id: source.ownerId, source: src },
    });
    const allLines: any[] = [];
    for (const f of fresh) {
      const id = newIds.get(f.order.externalId)!;
      allLines.push(...lineRows(id, linesOf.get(f.order.externalId)!));
      const status = f.row.status as OrderStatus;
      events.push({ order_id: id, event: 'received', from_status: null, to_status: status, actor: source.actor, message: f.order.platformStatus ? `platform status ${f.order.platformStatus}` : null, created_at: now });
      if (status === 'held') events.push({ order_id: id, event: 'held', from_status: status, to_status: status, actor: 'system', message: f.verdict!.holdDetail, created_at: now });
      if (f.verdict?.release) events.push({ order_id: id, event: 'released', from_status: status, to_status: status, actor: 'system', message: 'paid, nothing to fix: ready for allocation', created_at: now });
      outcomes.set(f.order.externalId, { externalId: f.order.externalId, id, result: 'created', status, holdReason: (f.row.hold_reason as HoldReason) ?? null, holdDetail: (f.row.hold_detail as string) ?? null, previousHash: null, released: !!f.verdict?.release });
    }
    for (let i = 0; i < allLines.length; i += 500) await trx('order_lines').insert(allLines.slice(i, i + 500));
  }
  for (let i = 0; i < events.length; i += 500) await trx('order_events').insert(events.slice(i, i + 500));
  // answer in the order the batch was given, one outcome per distinct id
  return batch.map((o) => outcomes.get(o.externalId)!);
}

async function applyUpdate(
  trx: Trx,
  dataKey: Buffer,
  source: OrderSource,
  prev: any,
  o: IncomingOrder,
  lines: ResolvedLine[],
  hash: string,
  now: string,
  events: EventRow[],
): Promise<IngestOutcome> {
  const id = Number(prev.id);
  const base = { externalId: o.externalId, id, previousHash: prev.body_hash ?? null };
  const same = (status: OrderStatus, result: IngestResult): IngestOutcome => ({ ...base, result, status, holdReason: prev.hold_reason ?? null, holdDetail: prev.hold_detail ?? null });
  const prevStatus = prev.status as OrderStatus;
  if (prev.platform_updated_at && o.updatedAt && toDbTime(o.updatedAt) < String(prev.platform_updated_at).slice(0, 23)) {
    return same(prevStatus, 'stale');
  }
  if (prev.body_hash === hash) {
    if (o.updatedAt && iso(o.updatedAt) !== prev.platform_updated_at) {
      await trx('orders').where({ id }).update({ platform_updated_at: iso(o.updatedAt), platform_status: cut(o.platformStatus, 48) });
    }
    return same(prevStatus, 'unchanged');
  }
  const event = (ev: string, to: OrderStatus, message: string | null) =>
    events.push({ order_id: id, event: ev, from_status: prevStatus, to_status: to, actor: source.actor, message, created_at: now });
  const common = { platform_status: cut(o.platformStatus, 48), platform_updated_at: iso(o.updatedAt), body_hash: hash, updated_at: now, version: Number(prev.version) + 1 };

  if (o.cancelled) {
    // a split order with cartons labelled already is stopped like a packed one: its parcels exist
    const labelled = prevStatus === 'packed' || (prevStatus === 'picked' && (await hasLabelledParcels(trx, id)));
    if (prevStatus === 'cancelled' || prevStatus === 'shipped' || (labelled && prev.intercept)) {
      if (prevStatus === 'shipped') event('cancel_after_ship', prevStatus, 'the platform cancelled an order already shipped');
      await trx('orders').where({ id }).update(common);
      return same(prevStatus, 'updated');
    }
    if (labelled) {
      await trx('orders').where({ id }).update({ ...common, intercept: true });
      event('intercept', prevStatus, 'cancelled on the platform after packing: parcel to be intercepted, not manifested');
      return same(prevStatus, 'updated');
    }
    await cancelRow(trx, prev, { ...common }, now);
    event('cancelled', 'cancelled', 'cancelled on the platform');
    return { ...base, result: 'updated', status: 'cancelled', holdReason: null, holdDetail: null };
  }
  if (prevStatus === 'cancelled') {
    // a cancelled order is never revived by a later update: it may already have been unpicked
    await trx('orders').where({ id }).update(common);
    event('update_ignored', 'cancelled', 'the platform changed an order cancelled here; not reopened');
    return same('cancelled', 'updated');
  }
  if (!EDITABLE.includes(prevStatus)) {
    await trx('orders').where({ id }).update(common);
    event('update_ignored', prevStatus, `the platform changed the order after allocation (${prevStatus}); lines and receiver kept as they were`);
    return same(prevStatus, 'updated');
  }
  const addr = normaliseAddress(o.receiver);
  const phone = validatePhone(o.receiver.phone);
  const verdict = judge({ paid: o.paid, manualHold: !!prev.manual_hold }, lines, addr, phone);
  const releasedNow = verdict.release && !prev.released_at;
  await trx('orders').where({ id }).update({
    ...common,
    status: verdict.status === 'pending' && prevStatus === 'backorder' ? 'backorder' : verdict.status,
    hold_reason: verdict.holdReason,
    hold_detail: verdict.holdDetail,
    paid: o.paid,
    cold_chain: o.coldChain,
    ...receiverColumns(dataKey, o.receiver, addr, phone),
    total_fen: o.totalFen,
    currency: cut(o.currency, 3),
    buyer_note: cut(o.buyerNote, 500),
    released_at: verdict.release ? (prev.released_at ?? now) : null,
  });
  await trx('order_lines').where({ order_id: id }).delete();
  await trx('order_lines').insert(lineRows(id, lines));
  const to = verdict.status === 'pending' && prevStatus === 'backorder' ? 'backorder' : verdict.status;
  event('updated', to, o.paid && !prev.paid ? 'paid on the platform' : 'changed on the platform');
  if (verdict.status === 'held') event('held', to, verdict.holdDetail);
  if (releasedNow) event('released', to, 'paid, nothing to fix: ready for allocation');
  return { ...base, result: 'updated', status: to, holdReason: verdict.holdReason, holdDetail: verdict.holdDetail, released: releasedNow };
}

/** Cancels an order not yet packed, giving back the stock reserved for it. */
/** Whether a carton of the order is labelled (a split order part packed, or a packed one). */
export async function hasLabelledParcels(trx: Trx, orderId: number): Promise<boolean> {
  return !!(await trx('parcels').where({ order_id: orderId, status: 'labelled' }).first('id'));
}

export async function cancelRow(trx: Trx, prev: any, extra: Record<string, unknown>, now: string): Promise<void> {
  if (!CANCELLABLE.includes(prev.status)) throw new Error(`order ${prev.id} cannot be cancelled in status ${prev.status}`);
  if (prev.wave_id) await releaseWaveOrder(trx, Number(prev.id));
  await releaseAllocations(trx, Number(prev.id));
  await trx('orders')
    .where({ id: prev.id })
    .update({ status: 'cancelled', hold_reason: null, hold_detail: null, released_at: null, cancelled_at: now, updated_at: now, version: Number(prev.version) + 1, ...extra });
}

/** The receiver of a stored order, opened. */
export function openReceiver(dataKey: Buffer, row: any): IncomingReceiver {
  return {
    name: unsealNullable(dataKey, PII.name, row.receiver_name_sealed) ?? '',
    phone: unsealNullable(dataKey, PII.phone, row.receiver_phone_sealed) ?? '',
    province: row.province ?? null,
    city: row.city ?? null,
    district: row.district ?? null,
    address: unsealNullable(dataKey, PII.address, row.receiver_address_sealed) ?? '',
  };
}

/**
 * Judges a stored order again after a fix (a mapping added, an address corrected, a manual hold
 * lifted) and releases it when nothing is left to fix. Only orders that may still change.
 */
export async function reevaluate(
  trx: Trx,
  dataKey: Buffer,
  row: any,
  actor: string,
  change: { receiver?: IncomingReceiver; manualHold?: boolean; message: string },
): Promise<{ status: OrderStatus; holdReason: HoldReason | null; changed: boolean; released: boolean }> {
  const status = row.status as OrderStatus;
  if (!EDITABLE.includes(status)) return { status, holdReason: row.hold_reason ?? null, changed: false, released: false };
  const stored = await trx('order_lines').where({ order_id: row.id }).orderBy('line_no');
  const incoming: IncomingLine[] = stored.map((l: any) => ({
    externalLineId: l.external_line_id,
    listingCode: l.listing_code,
    variantId: l.variant_id,
    title: l.title,
    qty: l.platform_qty,
    priceFen: l.price_fen,
  }));
  const lines = await resolveLines(trx, Number(row.owner_id), row.store_id ? Number(row.store_id) : null, incoming);
  const receiver = change.receiver ?? openReceiver(dataKey, row);
  const addr = normaliseAddress(receiver);
  const phone = validatePhone(receiver.phone);
  const manualHold = change.manualHold ?? !!row.manual_hold;
  const verdict = judge({ paid: !!row.paid, manualHold }, lines, addr, phone);
  const now = nowDb();
  const to: OrderStatus = verdict.status === 'pending' && status === 'backorder' ? 'backorder' : verdict.status;
  const releasedNow = verdict.release && !row.released_at;
  const linesChanged = lines.some((l, i) => (stored[i].sku_id ?? null) !== l.skuId || Number(stored[i].factor) !== l.factor);
  const changed = to !== status || verdict.holdDetail !== (row.hold_detail ?? null) || releasedNow || linesChanged || !!change.receiver || manualHold !== !!row.manual_hold;
  if (!changed) return { status, holdReason: row.hold_reason ?? null, changed: false, released: false };
  await trx('orders')
    .where({ id: row.id })
    .update({
      status: to,
      hold_reason: verdict.holdReason,
      hold_detail: verdict.holdDetail,
      manual_hold: manualHold,
      released_at: verdict.release ? (row.released_at ?? now) : null,
      ...(change.receiver ? receiverColumns(dataKey, change.receiver, addr, phone) : {}),
      updated_at: now,
      version: Number(row.version) + 1,
    });
  if (linesChanged) {
    for (const [i, l] of lines.entries()) {
      await trx('order_lines').where({ id: stored[i].id }).update({ sku_id: l.skuId, factor: l.factor, qty: Math.trunc(l.qty) * l.factor });
    }
  }
  const events: EventRow[] = [{ order_id: row.id, event: 'fixed', from_status: status, to_status: to, actor, message: change.message, created_at: now }];
  if (to === 'held') events.push({ order_id: row.id, event: 'held', from_status: to, to_status: to, actor: 'system', message: verdict.holdDetail, created_at: now });
  if (releasedNow) events.push({ order_id: row.id, event: 'released', from_status: to, to_status: to, actor: 'system', message: 'nothing left to fix: ready for allocation', created_at: now });
  await trx('order_events').insert(events);
  return { status: to, holdReason: verdict.holdReason, changed: true, released: releasedNow };
}
