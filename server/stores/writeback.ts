import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Caller } from '../auth/principal';
import type { JobInfo, JobSpec } from '../queue/registry';
import { inTransaction, type Trx } from '../db/transaction';
import { nowDb } from '../db/time';
import { Conflict } from '../http/errors';
import { audit } from '../audit';
import { actorOf } from '../orders/orders.model';
import { adapterFor, PlatformError, type PlatformName, type ShipmentWriteBack, type ShipmentWriteBackResult } from '../../integrations/platforms';
import { connectionOf } from './stores.service';
import { withPlatformRetry } from './sync';

/**
 * Write-back: telling the store platform that an order shipped, with the carrier and the waybill
 * number. Queued in the transaction that ships the order (hand-over of its manifest), run after
 * commit. The outcome is kept on the order (`writeback_status`), so supervisors and sellers see
 * which orders the platform does not know are shipped, and why:
 *
 *   pending    queued, or retrying after an outage / rate limit / timeout (`writeback_error` says so)
 *   done       the platform has it (also when it had it already: a lost answer, or the seller by hand)
 *   failed     refused for good (credentials expired, order cancelled on the platform, bad answer),
 *              with the platform's words; a supervisor fixes the cause and retries (POST .../writeback)
 *   not_needed the order came from the order API or a spreadsheet: no platform to tell
 */

export const WRITEBACK_STATUSES = ['pending', 'done', 'failed', 'not_needed'] as const;
export type WritebackStatus = (typeof WRITEBACK_STATUSES)[number];

export interface WritebackPayload {
  orderId: number;
}

const ERROR_MAX = 1000;

/** In the shipping transaction: a write-back job for each store order, `not_needed` for the others. */
export async function queueWriteBacks(ctx: AppContext, trx: Trx, orderIds: number[]): Promise<void> {
  if (!orderIds.length) return;
  const rows = await trx('orders').whereIn('id', orderIds).select('id', 'store_id', 'owner_id');
  const direct = rows.filter((r: any) => r.store_id == null).map((r: any) => Number(r.id));
  if (direct.length) await trx('orders').whereIn('id', direct).update({ writeback_status: 'not_needed', writeback_error: null });
  for (const r of rows.filter((x: any) => x.store_id != null)) {
    await trx('orders').where({ id: r.id }).update({ writeback_status: 'pending', writeback_error: null });
    // one write-back per shipment of the order: a second hand-over path (dispute resolution) cannot double it
    await ctx.queue.enqueue(trx, 'stores.writeback', { orderId: Number(r.id) } satisfies WritebackPayload, { dedupeKey: `store-writeback:${r.id}`, ownerId: Number(r.owner_id) });
  }
}

/** A supervisor's retry of a failed write-back (after renewing the store's credentials, say). */
export async function retryWriteBack(ctx: AppContext, caller: Caller, orderId: number, load: (trx: Tx) => Promise<any>): Promise<void> {
  await inTransaction(ctx.db, async (trx) => {
    const order = await load(trx);
    if (order.writeback_status !== 'failed') {
      const why = order.writeback_status === 'pending' ? 'is already queued' : order.writeback_status === 'done' ? 'is done' : order.writeback_status === 'not_needed' ? 'is not needed (the order is not from a store)' : 'has not started: the order has not shipped';
      throw new Conflict('WRITEBACK_NOT_FAILED', `The write-back of order ${order.external_id} ${why}; only a failed write-back can be retried`);
    }
    await trx('orders').where({ id: orderId }).update({ writeback_status: 'pending', writeback_error: null });
    await ctx.queue.enqueue(trx, 'stores.writeback', { orderId } satisfies WritebackPayload, { dedupeKey: `store-writeback:${orderId}:retry:${Date.now()}`, ownerId: Number(order.owner_id) });
    await trx('order_events').insert({ order_id: orderId, event: 'writeback_retry', actor: actorOf(caller.principal), message: `previous error: ${order.writeback_error ?? '-'}`.slice(0, 1000), created_at: nowDb() });
    await audit(trx, caller, { action: 'writeback.retry', entity: 'order', entityId: orderId, details: { previousError: order.writeback_error ?? null } });
  });
}

interface ParcelShipment {
  parcelId: number;
  waybillNo: string;
  carrier: { code: string; name: string; adapter: string };
  externalLineIds: string[] | null;
}

/**
 * The order's labelled parcels, each with the platform lines it carries. One parcel: the whole
 * order. Several (a split order): each parcel names the lines of the SKUs it holds, so that the
 * platform records one shipment per waybill where it can (Shopify: one fulfillment per parcel;
 * Taobao: is_split with the parcel's oids in sub_tid; WooCommerce: one tracking number per parcel,
 * the order completed by the last). The last parcel goes as "the rest of the order" except on
 * Taobao, where a trade partly consigned only takes further parcels with their sub_tid.
 */
async function parcelsOf(ctx: AppContext, orderId: number, platform: PlatformName): Promise<ParcelShipment[]> {
  const parcels = await ctx.db('parcels')
    .join('carriers', 'carriers.id', 'parcels.carrier_id')
    .where({ 'parcels.order_id': orderId, 'parcels.status': 'labelled' })
    .whereNotNull('parcels.waybill_no')
    .orderBy('parcels.id')
    .select('parcels.id', 'parcels.waybill_no', 'carriers.code', 'carriers.name', 'carriers.adapter');
  const out: ParcelShipment[] = parcels.map((p: any) => ({ parcelId: Number(p.id), waybillNo: p.waybill_no, carrier: { code: p.code, name: p.name, adapter: p.adapter }, externalLineIds: null }));
  if (out.length <= 1) return out;
  const lines = await ctx.db('order_lines').where({ order_id: orderId }).whereNotNull('external_line_id').orderBy('line_no').select('external_line_id', 'sku_id');
  const items = await ctx.db('parcel_items').whereIn('parcel_id', out.map((p) => p.parcelId)).select('parcel_id', 'sku_id');
  const taken = new Set<string>();
  out.forEach((p, i) => {
    if (i === out.length - 1 && platform !== 'taobao') return;
    const skus = new Set(items.filter((it: any) => Number(it.parcel_id) === p.parcelId).map((it: any) => Number(it.sku_id)));
    // a line split over parcels goes with the first parcel that holds its SKU
    const mine = lines.filter((l: any) => skus.has(Number(l.sku_id)) && !taken.has(l.external_line_id)).map((l: any) => String(l.external_line_id));
    mine.forEach((id: string) => taken.add(id));
    p.externalLineIds = mine;
  });
  // a parcel without a platform line of its own (the same SKU in every parcel) tells the platform nothing new
  return out.filter((p) => p.externalLineIds === null || p.externalLineIds.length > 0);
}

function words(err: unknown): string {
  if (err instanceof PlatformError) {
    const what: Record<string, string> = {
      rate_limited: '平台限流 / rate limited',
      auth: '凭证被拒 / credentials refused',
      unavailable: '平台不可用 / platform unavailable',
      timeout: '平台超时 / platform timed out',
      bad_response: '无法识别的应答 / unreadable answer',
      rejected: '平台拒绝 / refused by the platform',
    };
    return `${what[err.kind] ?? err.kind}: ${err.message}`;
  }
  return `回传出错 / write-back failed: ${(err as Error)?.message ?? String(err)}`;
}

async function record(ctx: AppContext, orderId: number, status: WritebackStatus, error: string | null, event: { name: string; message: string } | null) {
  const now = nowDb();
  await inTransaction(ctx.db, async (trx) => {
    await trx('orders').where({ id: orderId }).update({ writeback_status: status, writeback_error: error?.slice(0, ERROR_MAX) ?? null, ...(status === 'done' ? { written_back_at: now } : {}) });
    if (event) await trx('order_events').insert({ order_id: orderId, event: event.name, actor: 'system:writeback', message: event.message.slice(0, 1000), created_at: now });
  });
}

export async function writeBackOrder(ctx: AppContext, payload: WritebackPayload, info: JobInfo): Promise<void> {
  const order = await ctx.db('orders').where({ id: payload.orderId }).first('id', 'store_id', 'external_id', 'status', 'writeback_status');
  // done or not needed: a second run of the job (a lost acknowledgement, a duplicate) does nothing
  if (!order || order.store_id == null || order.writeback_status !== 'pending') return;
  const store = await ctx.db('stores').where({ id: order.store_id }).first();
  const adapter = store && adapterFor(store.platform);
  if (!store || !adapter) {
    await record(ctx, order.id, 'failed', `店铺不可用 / store ${order.store_id} ${store ? `has no adapter for ${store.platform}` : 'is gone'}`, null);
    return;
  }
  const parcels = await parcelsOf(ctx, order.id, adapter.platform);
  if (!parcels.length) {
    await record(ctx, order.id, 'failed', '没有运单 / the order has no labelled parcel to report', null);
    return;
  }
  const conn = connectionOf(ctx, store);
  const results: Array<{ parcel: ParcelShipment; result: ShipmentWriteBackResult }> = [];
  try {
    for (const parcel of parcels) {
      const shipment: ShipmentWriteBack = {
        externalId: order.external_id,
        carrierCode: parcel.carrier.code,
        carrierName: parcel.carrier.name,
        carrierAdapter: parcel.carrier.adapter,
        trackingNo: parcel.waybillNo,
        externalLineIds: parcel.externalLineIds,
      };
      // each call is idempotent on the platform's side, so parcels done in an earlier attempt are only confirmed again
      results.push({ parcel, result: await withPlatformRetry(() => adapter.writeBackShipment(conn, shipment)) });
    }
  } catch (err) {
    const message = words(err);
    // the platform's own refusals are final; outages, rate limits, timeouts and our own hiccups (a lost database connection) are retried
    const permanent = err instanceof PlatformError && !err.retryable;
    if (permanent || info.attempt >= info.maxAttempts) {
      // refused for good (or out of tries): recorded, and not retried by itself; a supervisor retries after fixing the cause
      await record(ctx, order.id, 'failed', message, { name: 'writeback_failed', message: `${store.platform}: ${message}` });
      if (!permanent) throw err;
      return;
    }
    await record(ctx, order.id, 'pending', `重试中 / retrying (attempt ${info.attempt} of ${info.maxAttempts}): ${message}`, null);
    throw err;
  }
  const said = results
    .map(({ parcel, result }) => `${parcel.carrier.name} ${parcel.waybillNo}${result.outcome === 'already_shipped' ? ` (${result.detail})` : ''}`)
    .join('; ');
  await record(ctx, order.id, 'done', null, { name: 'written_back', message: `${store.platform}: ${said}` });
}

export const storeWritebackJob: JobSpec<WritebackPayload> = {
  // outages and rate limits are retried inside each attempt too (withPlatformRetry); across attempts
  // the default backoff (2 s doubling, capped at 10 min) covers about 20 minutes of platform outage
  maxAttempts: 10,
  // rate-limit waits inside an attempt can add up to a few minutes (withPlatformRetry)
  timeoutMs: 5 * 60 * 1000,
  handler: (ctx, payload, info) => writeBackOrder(ctx, payload, info),
};
