import type { AppContext } from '../context';
import type { JobSpec } from '../queue/registry';
import { addMs, nowDb } from '../db/time';
import { connectionOf } from '../carriers';
import { PII } from '../orders/orders.model';
import { unsealNullable } from '../util/seal';
import { CarrierError } from '../../integrations/carriers/types';
import { recordTracking, type RecordResult } from './record.service';

/**
 * Polling the carriers for parcels that left with them: each handed-over parcel not yet delivered
 * is asked about at most once per TRACK_MIN_INTERVAL_MS (carriers bill and throttle the query per
 * waybill), by a sweep that runs every TRACK_SWEEP_EVERY_MS. The carrier is called with no
 * transaction open; what it answers is then stored in one short transaction. A carrier that fails
 * leaves events and status as they were, and the parcel becomes due again after TRACK_RETRY_MS.
 */
export const TRACK_SWEEP_EVERY_MS = 5 * 60 * 1000;
export const TRACK_MIN_INTERVAL_MS = 60 * 60 * 1000;
export const TRACK_RETRY_MS = 15 * 60 * 1000;
/** a claimed parcel whose poll never finished (a crashed worker) is due again after this */
const CLAIM_MS = 10 * 60 * 1000;
/** parcels are followed this long after the hand-over, then left alone */
const FOLLOW_DAYS = 45;
const SWEEP_BATCH = 200;
const SWEEP_BUDGET_MS = 4 * 60 * 1000;
const SKIP_CARRIER_AFTER = 3;

export interface PollResult extends RecordResult {
  parcelId: number;
  waybillNo: string;
}

/** The parcel with what polling it needs: its carrier's row and the receiver's phone (SF asks for it). */
async function loadForPoll(ctx: AppContext, parcelId: number) {
  const p = await ctx.db('parcels').where({ id: parcelId }).first('id', 'order_id', 'carrier_id', 'waybill_no', 'status');
  if (!p) return null;
  const carrier = await ctx.db('carriers').where({ id: p.carrier_id }).first();
  const order = await ctx.db('orders').where({ id: p.order_id }).first('receiver_phone_sealed');
  const phone = unsealNullable(ctx.config.dataKey, PII.phone, order?.receiver_phone_sealed) ?? undefined;
  return { parcel: p, carrier, phone: phone || undefined };
}

/**
 * Asks the carrier about one parcel and stores the answer. `claim` (the sweep) first takes the
 * parcel by moving its due time forward, atomically, so two workers never poll it twice; a manual
 * poll skips the claim and the interval. Throws the carrier's error after recording nothing but the
 * due time of the retry (sweep) or nothing at all (manual).
 */
export async function pollParcel(ctx: AppContext, parcelId: number, opts: { claim: boolean }): Promise<PollResult | null> {
  const loaded = await loadForPoll(ctx, parcelId);
  if (!loaded || !loaded.carrier || !loaded.parcel.waybill_no || loaded.parcel.status === 'voided') return null;
  const { parcel, carrier, phone } = loaded;
  if (opts.claim) {
    const now = nowDb();
    const took = await ctx.db('parcels')
      .where({ id: parcel.id })
      .where((q) => q.whereNull('tracking_poll_after').orWhere('tracking_poll_after', '<=', now))
      .update({ tracking_poll_after: addMs(CLAIM_MS) });
    if (!took) return null;
  }
  const ref = { id: Number(parcel.id), carrierId: Number(carrier.id), waybillNo: String(parcel.waybill_no) };
  let events;
  try {
    const { adapter, conn } = connectionOf(ctx, carrier);
    events = await adapter.track(conn, ref.waybillNo, { phone });
  } catch (err) {
    if (opts.claim) {
      await ctx.db('parcels')
        .where({ id: parcel.id })
        .update({ tracking_poll_after: addMs(TRACK_RETRY_MS), tracking_error: `${err instanceof CarrierError ? err.kind : 'error'}: ${(err as Error).message}`.slice(0, 1000) });
    }
    throw err;
  }
  const now = nowDb();
  const result = await recordTracking(ctx, ref, events, 'poll', { tracking_checked_at: now, tracking_poll_after: addMs(TRACK_MIN_INTERVAL_MS), tracking_error: null });
  return { ...result, parcelId: ref.id, waybillNo: ref.waybillNo };
}

/** Handed-over parcels, not delivered, due for a poll: the received rows of manifests handed over lately. */
export async function dueParcels(ctx: AppContext, limit = SWEEP_BATCH): Promise<Array<{ id: number; carrierId: number }>> {
  const now = nowDb();
  // manifests are the manifests module's; their hand-over is read here, never written
  const rows = await ctx
    .db('manifest_parcels as mp')
    .join('manifests as m', 'm.id', 'mp.manifest_id')
    .join('parcels as p', 'p.id', 'mp.parcel_id')
    .where('mp.received', true)
    .where('m.handed_over_at', '>=', addMs(-FOLLOW_DAYS * 24 * 3600_000))
    .whereNot('p.status', 'voided')
    .whereNotNull('p.waybill_no')
    .where((q) => q.whereNull('p.tracking_status').orWhereNot('p.tracking_status', 'delivered'))
    .where((q) => q.whereNull('p.tracking_poll_after').orWhere('p.tracking_poll_after', '<=', now))
    .distinct('p.id', 'p.carrier_id')
    .orderBy('p.id')
    .limit(limit);
  return rows.map((r: any) => ({ id: Number(r.id), carrierId: Number(r.carrier_id) }));
}

export interface SweepReport {
  polled: number;
  added: number;
  failed: number;
}

/**
 * One sweep: every due parcel, one at a time (the carriers rate-limit, and the machine is small).
 * A carrier that fails SKIP_CARRIER_AFTER times in a row (down, timing out) is left alone for the
 * rest of this sweep: its other parcels stay due for the next one instead of each waiting out a
 * timeout now. The sweep also stops at its time budget; what is left is due next time.
 */
export async function trackDue(ctx: AppContext): Promise<SweepReport> {
  const report: SweepReport = { polled: 0, added: 0, failed: 0 };
  const started = Date.now();
  const failing = new Map<number, number>();
  for (const { id, carrierId } of await dueParcels(ctx)) {
    if (Date.now() - started > SWEEP_BUDGET_MS) break;
    if ((failing.get(carrierId) ?? 0) >= SKIP_CARRIER_AFTER) continue;
    try {
      const r = await pollParcel(ctx, id, { claim: true });
      failing.delete(carrierId);
      if (!r) continue;
      report.polled++;
      report.added += r.added;
    } catch (err) {
      report.failed++;
      if (!(err instanceof CarrierError) || err.retryable) failing.set(carrierId, (failing.get(carrierId) ?? 0) + 1);
      ctx.log.warn({ parcelId: id, carrierId, err: (err as Error).message }, 'tracking poll failed; retried later');
    }
  }
  if (report.polled || report.failed) ctx.log.info(report, 'tracking sweep');
  return report;
}

/** `carriers.track`: one parcel when named (due or not), else a sweep of every due parcel. */
export const trackJob: JobSpec<{ parcelId?: number }> = {
  maxAttempts: 3,
  timeoutMs: 10 * 60 * 1000,
  async handler(ctx, payload) {
    if (payload?.parcelId) {
      await pollParcel(ctx, Number(payload.parcelId), { claim: false });
      return;
    }
    await trackDue(ctx);
  },
};
