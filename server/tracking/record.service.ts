import type { AppContext } from '../context';
import type { Trx } from '../db/transaction';
import type { TrackingEvent } from '../../integrations/carriers/types';
import { inTransaction } from '../db/transaction';
import { nowDb } from '../db/time';
import { eventRows, type TrackingSource } from './events';

export interface RecordResult {
  /** events stored now (events seen before are not counted) */
  added: number;
  trackingStatus: string | null;
  trackingAt: string | null;
  /** false when the parcel's waybill changed while the carrier was asked: nothing stored */
  stored: boolean;
}

const IN_CHUNK = 400;

async function knownKeys(trx: Trx, keys: string[]): Promise<Set<string>> {
  const known = new Set<string>();
  for (let i = 0; i < keys.length; i += IN_CHUNK) {
    const rows = await trx('tracking_events').whereIn('dedupe_key', keys.slice(i, i + IN_CHUNK)).select('dedupe_key');
    for (const r of rows) known.add(r.dedupe_key);
  }
  return known;
}

/**
 * Stores what a carrier said about one parcel's waybill, in one short transaction after the call:
 * new events (an event seen before, by poll or push, is not stored twice) and the newest event's
 * status and time on the parcel. `parcelPatch` is the poll's own bookkeeping, written with it.
 * The parcel row is locked first, so a poll and a push of the same parcel queue up instead of
 * both computing the latest status from half the events.
 */
export async function recordTracking(
  ctx: AppContext,
  parcel: { id: number; carrierId: number; waybillNo: string },
  events: TrackingEvent[],
  source: TrackingSource,
  parcelPatch: Record<string, unknown> = {},
): Promise<RecordResult> {
  return inTransaction(ctx.db, async (trx) => {
    const now = nowDb();
    const row = await trx('parcels').where({ id: parcel.id }).forUpdate().first('id', 'carrier_id', 'waybill_no', 'tracking_status', 'tracking_at');
    if (!row || Number(row.carrier_id) !== parcel.carrierId || row.waybill_no !== parcel.waybillNo) {
      return { added: 0, trackingStatus: row?.tracking_status ?? null, trackingAt: row?.tracking_at ?? null, stored: false };
    }
    const rows = eventRows(parcel, events, source, now);
    const known = await knownKeys(trx, rows.map((r) => r.dedupe_key));
    const fresh = rows.filter((r) => !known.has(r.dedupe_key));
    // a push and a poll racing past the check above: the unique key keeps one, the other is ignored
    for (let i = 0; i < fresh.length; i += 100) await trx('tracking_events').insert(fresh.slice(i, i + 100)).onConflict('dedupe_key').ignore();
    const latest = await trx('tracking_events')
      .where({ parcel_id: parcel.id, waybill_no: parcel.waybillNo })
      .orderBy([
        { column: 'occurred_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .first('status', 'occurred_at');
    const patch: Record<string, unknown> = { ...parcelPatch };
    if (latest && (latest.status !== row.tracking_status || String(latest.occurred_at) !== String(row.tracking_at))) {
      patch.tracking_status = latest.status;
      patch.tracking_at = latest.occurred_at;
    }
    if (Object.keys(patch).length) await trx('parcels').where({ id: parcel.id }).update(patch);
    return { added: fresh.length, trackingStatus: latest?.status ?? row.tracking_status ?? null, trackingAt: latest?.occurred_at ?? row.tracking_at ?? null, stored: true };
  });
}
