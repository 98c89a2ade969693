import type { AppContext } from '../context';
import type { Caller } from '../auth/principal';
import type { JobInfo, JobSpec } from '../queue/registry';
import { inTransaction, type Trx } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { Conflict, NotFound } from '../http/errors';
import { audit } from '../audit';
import { connectionOf } from '../carriers';
import { PII } from '../orders/orders.model';
import { unsealNullable } from '../util/seal';
import { carrierAdapter, CARRIER_ADAPTERS } from '../../integrations/carriers';
import { CarrierError, type CarrierAdapter, type HandoverOutcome } from '../../integrations/carriers/types';

/**
 * What the carrier's API is told around the hand-over, always by jobs queued in the business
 * transaction and run after commit (never a carrier call inside a transaction):
 *
 * - `carriers.handover`: a closed manifest's parcels are confirmed to a carrier whose API has a
 *   hand-over call (SF 订单确认 with the weighed parcel). The manifest's `carrier_sync_status`
 *   says how it went: not_needed (the carrier has no such call: the signed sheet is the
 *   hand-over), pending, done, partial (some parcels refused: each says why) or failed (the
 *   carrier could not be reached, or refused the credentials); a supervisor retries the last two.
 * - `carriers.subscribe`: each parcel handed to a carrier that pushes tracking on subscription
 *   (Kuaidi100 订阅) is subscribed, with our webhook as the callback. That needs the hub's public
 *   address (WMS_PUBLIC_URL); without one the parcels are polled, as they are anyway.
 */

export const CARRIER_SYNC_STATUSES = ['not_needed', 'pending', 'done', 'partial', 'failed'] as const;
export type CarrierSyncStatus = (typeof CARRIER_SYNC_STATUSES)[number];

/** carriers confirm a manifest in calls of at most this many parcels (SF takes one order per call) */
const HANDOVER_CHUNK = 50;

function adapterOf(name: string): CarrierAdapter | null {
  return CARRIER_ADAPTERS.includes(name) ? carrierAdapter(name) : null;
}

/** In the closing transaction: the hand-over call is queued when the carrier's API has one. */
export async function queueCarrierHandover(ctx: AppContext, trx: Trx, manifest: { id: number; carrier_id: number }): Promise<CarrierSyncStatus> {
  const carrier = await trx('carriers').where({ id: manifest.carrier_id }).first('adapter');
  const adapter = carrier && adapterOf(carrier.adapter);
  const status: CarrierSyncStatus = adapter?.confirmHandover ? 'pending' : 'not_needed';
  await trx('manifests').where({ id: manifest.id }).update({ carrier_sync_status: status, carrier_sync_error: null });
  if (status === 'pending') await ctx.queue.enqueue(trx, 'carriers.handover', { manifestId: Number(manifest.id) }, { dedupeKey: `carrier-handover:${manifest.id}` });
  return status;
}

/** A supervisor's retry of a failed or partly refused hand-over call: the parcels not yet confirmed are sent again. */
export async function retryCarrierHandover(ctx: AppContext, caller: Caller, manifestId: number): Promise<void> {
  await inTransaction(ctx.db, async (trx) => {
    const m = await trx('manifests').where({ id: manifestId }).forUpdate().first();
    if (!m) throw new NotFound('manifest');
    const status = m.carrier_sync_status as CarrierSyncStatus | null;
    if (status !== 'failed' && status !== 'partial') {
      const why = !status ? 'has not been made: the manifest is not closed' : status === 'pending' ? 'is already queued' : status === 'done' ? 'is done' : "is not needed: the carrier's API has no hand-over call";
      throw new Conflict('CARRIER_HANDOVER_NOT_FAILED', `The carrier hand-over call of manifest ${m.manifest_no} ${why}; only a failed or partly refused one can be retried`);
    }
    await trx('manifest_parcels').where({ manifest_id: m.id, carrier_confirmed: false }).update({ carrier_confirmed: null, carrier_detail: null });
    await trx('manifests').where({ id: m.id }).update({ carrier_sync_status: 'pending', carrier_sync_error: null, updated_at: nowDb() });
    await ctx.queue.enqueue(trx, 'carriers.handover', { manifestId: Number(m.id) }, { dedupeKey: `carrier-handover:${m.id}:retry:${Date.now()}` });
    await audit(trx, caller, { action: 'carrier_handover.retry', entity: 'manifest', entityId: Number(m.id), details: { previous: status, error: m.carrier_sync_error ?? null } });
  });
}

function carrierWords(err: unknown): string {
  if (err instanceof CarrierError) return `${err.kind}${err.carrierCode ? ` ${err.carrierCode}` : ''}: ${err.message}`;
  return (err as Error)?.message ?? String(err);
}

async function recordSync(ctx: AppContext, manifestId: number, fields: { status: CarrierSyncStatus; error: string | null }) {
  await ctx.db('manifests')
    .where({ id: manifestId })
    .update({ carrier_sync_status: fields.status, carrier_sync_error: fields.error?.slice(0, 2000) ?? null, ...(fields.status === 'done' || fields.status === 'partial' ? { carrier_synced_at: nowDb() } : {}) });
}

export async function runCarrierHandover(ctx: AppContext, payload: { manifestId: number }, info: JobInfo): Promise<void> {
  const m = await ctx.db('manifests').where({ id: payload.manifestId }).first();
  // a second run after success (a lost acknowledgement) finds nothing pending
  if (!m || m.carrier_sync_status !== 'pending') return;
  const carrier = await ctx.db('carriers').where({ id: m.carrier_id }).first();
  const { adapter, conn } = connectionOf(ctx, carrier);
  if (!adapter.confirmHandover) {
    await recordSync(ctx, m.id, { status: 'not_needed', error: null });
    return;
  }
  // parcels answered in an earlier attempt are not sent again
  const rows = await ctx.db('manifest_parcels as mp')
    .join('parcels as p', 'p.id', 'mp.parcel_id')
    .where('mp.manifest_id', m.id)
    .whereNull('mp.carrier_confirmed')
    .orderBy('mp.id')
    .select('mp.id', 'mp.waybill_no', 'mp.weight_g', 'p.request_ref');
  try {
    for (let i = 0; i < rows.length; i += HANDOVER_CHUNK) {
      const chunk = rows.slice(i, i + HANDOVER_CHUNK);
      const answers: HandoverOutcome[] = await adapter.confirmHandover(
        conn,
        chunk.map((r: any) => ({ waybillNo: r.waybill_no, reference: r.request_ref ?? r.waybill_no, weightG: Number(r.weight_g) })),
      );
      const byWaybill = new Map(answers.map((a) => [a.waybillNo, a]));
      await inTransaction(ctx.db, async (trx) => {
        for (const r of chunk) {
          const a = byWaybill.get(r.waybill_no);
          // a parcel the carrier did not answer about stays unanswered, and is sent again by a retry
          if (!a) continue;
          await trx('manifest_parcels').where({ id: r.id }).update({ carrier_confirmed: a.outcome === 'confirmed', carrier_detail: a.detail ? String(a.detail).slice(0, 500) : null });
        }
      });
    }
  } catch (err) {
    const retryable = !(err instanceof CarrierError) || err.retryable;
    if (!retryable || info.attempt >= info.maxAttempts) {
      await recordSync(ctx, m.id, { status: 'failed', error: `承运商交接失败 / carrier hand-over failed: ${carrierWords(err)}` });
      if (retryable) throw err;
      return;
    }
    await ctx.db('manifests').where({ id: m.id }).update({ carrier_sync_error: `重试中 / retrying (attempt ${info.attempt} of ${info.maxAttempts}): ${carrierWords(err)}`.slice(0, 2000) });
    throw err;
  }
  const after = await ctx.db('manifest_parcels').where({ manifest_id: m.id }).select('waybill_no', 'carrier_confirmed', 'carrier_detail');
  const refused = after.filter((r: any) => r.carrier_confirmed !== null && !Number(r.carrier_confirmed));
  const unanswered = after.filter((r: any) => r.carrier_confirmed === null);
  if (unanswered.length) {
    await recordSync(ctx, m.id, { status: 'failed', error: `承运商未回复 / the carrier did not answer for ${unanswered.length} parcel(s): ${unanswered.map((r: any) => r.waybill_no).join(', ')}` });
    return;
  }
  if (refused.length) {
    await recordSync(ctx, m.id, { status: 'partial', error: `承运商拒绝 / refused by the carrier: ${refused.map((r: any) => `${r.waybill_no} (${r.carrier_detail ?? '-'})`).join('; ')}` });
    return;
  }
  await recordSync(ctx, m.id, { status: 'done', error: null });
}

export const carrierHandoverJob: JobSpec<{ manifestId: number }> = {
  maxAttempts: 8,
  handler: (ctx, payload, info) => runCarrierHandover(ctx, payload, info),
};

/** The webhook a carrier pushes this carrier's tracking to, or null when the hub has no public address. */
export function trackingCallbackUrl(ctx: AppContext, carrierId: number): string | null {
  const base = ctx.config.publicUrl;
  return base ? `${base.replace(/\/+$/, '')}/api/v1/webhooks/carriers/${carrierId}` : null;
}

/** In the hand-over transaction: a subscription job for each parcel whose carrier pushes tracking on subscription. */
export async function queueTrackingSubscriptions(ctx: AppContext, trx: Trx, parcelIds: number[]): Promise<void> {
  if (!parcelIds.length || !ctx.config.publicUrl) return;
  const rows = await trx('parcels').join('carriers', 'carriers.id', 'parcels.carrier_id').whereIn('parcels.id', parcelIds).whereNull('parcels.tracking_subscribed_at').select('parcels.id', 'parcels.owner_id', 'carriers.adapter');
  for (const r of rows) {
    if (!adapterOf(r.adapter)?.subscribeTracking) continue;
    await ctx.queue.enqueue(trx, 'carriers.subscribe', { parcelId: Number(r.id) }, { dedupeKey: `tracking-subscribe:${r.id}`, ownerId: Number(r.owner_id) });
  }
}

export async function subscribeParcel(ctx: AppContext, payload: { parcelId: number }, info: JobInfo): Promise<void> {
  const p = await ctx.db('parcels').where({ id: payload.parcelId }).first('id', 'order_id', 'carrier_id', 'waybill_no', 'status', 'tracking_subscribed_at');
  if (!p || p.tracking_subscribed_at || !p.waybill_no || p.status === 'voided') return;
  const callbackUrl = trackingCallbackUrl(ctx, Number(p.carrier_id));
  if (!callbackUrl) return;
  const carrier = await ctx.db('carriers').where({ id: p.carrier_id }).first();
  const { adapter, conn } = connectionOf(ctx, carrier);
  if (!adapter.subscribeTracking) return;
  const order = await ctx.db('orders').where({ id: p.order_id }).first('receiver_phone_sealed');
  const phone = unsealNullable(ctx.config.dataKey, PII.phone, order?.receiver_phone_sealed) || undefined;
  try {
    await adapter.subscribeTracking(conn, String(p.waybill_no), { callbackUrl, phone });
  } catch (err) {
    const retryable = !(err instanceof CarrierError) || err.retryable;
    // the parcel is still polled; the failure is kept where the tracking view shows it
    await ctx.db('parcels').where({ id: p.id }).update({ tracking_error: `订阅失败 / subscription failed: ${carrierWords(err)}`.slice(0, 1000) });
    if (retryable && info.attempt < info.maxAttempts) throw err;
    return;
  }
  await ctx.db('parcels').where({ id: p.id }).update({ tracking_subscribed_at: nowDb(), tracking_error: null });
}

export const trackingSubscribeJob: JobSpec<{ parcelId: number }> = {
  maxAttempts: 6,
  handler: (ctx, payload, info) => subscribeParcel(ctx, payload, info),
};

/** The hand-over call's state as the manifest shows it. */
export function carrierSyncView(row: any) {
  return {
    status: (row.carrier_sync_status as CarrierSyncStatus | null) ?? null,
    error: (row.carrier_sync_error as string | null) ?? null,
    syncedAt: toIso(row.carrier_synced_at),
  };
}

