import crypto from 'node:crypto';
import type { TrackingEvent, TrackingStatus } from '../../integrations/carriers/types';
import { toDbTime } from '../db/time';

/** The statuses the hub shows, whatever the carrier: the adapters' `info` is `other` here. */
export const TRACKING_STATUSES = ['picked_up', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'other'] as const;
export type HubTrackingStatus = (typeof TRACKING_STATUSES)[number];

export type TrackingSource = 'poll' | 'push';

export function normaliseStatus(s: TrackingStatus | string): HubTrackingStatus {
  return (TRACKING_STATUSES as readonly string[]).includes(s) ? (s as HubTrackingStatus) : 'other';
}

/**
 * One event's identity: carrier, waybill, the moment and the carrier's text. The carrier's code and
 * the location are left out on purpose: a poll with resultv2 carries codes and area names that a
 * push of the same event may not, and the two must still be one row.
 */
export function dedupeKey(carrierId: number, waybillNo: string, occurredAt: string, description: string): string {
  return crypto.createHash('sha256').update(`${carrierId}\u0000${waybillNo}\u0000${occurredAt}\u0000${description.trim()}`, 'utf8').digest('hex');
}

export interface EventRow {
  parcel_id: number;
  carrier_id: number;
  waybill_no: string;
  status: HubTrackingStatus;
  carrier_status_code: string | null;
  description: string;
  location: string | null;
  occurred_at: string;
  source: TrackingSource;
  dedupe_key: string;
  created_at: string;
}

/** The adapter's events as rows, repeats within the batch dropped; events without a valid time are skipped. */
export function eventRows(parcel: { id: number; carrierId: number; waybillNo: string }, events: TrackingEvent[], source: TrackingSource, now: string): EventRow[] {
  const rows = new Map<string, EventRow>();
  for (const e of events) {
    const ms = Date.parse(e.at);
    if (!Number.isFinite(ms)) continue;
    // whole seconds: carriers print seconds, and a poll and a push must agree on the key
    const occurred = toDbTime(new Date(Math.floor(ms / 1000) * 1000));
    const description = String(e.description ?? '').slice(0, 2000);
    const key = dedupeKey(parcel.carrierId, parcel.waybillNo, occurred, description);
    if (rows.has(key)) continue;
    rows.set(key, {
      parcel_id: parcel.id,
      carrier_id: parcel.carrierId,
      waybill_no: parcel.waybillNo,
      status: normaliseStatus(e.status),
      carrier_status_code: e.code ? String(e.code).slice(0, 32) : null,
      description,
      location: e.location ? String(e.location).slice(0, 200) : null,
      occurred_at: occurred,
      source,
      dedupe_key: key,
      created_at: now,
    });
  }
  return [...rows.values()];
}

/** A stored time as Beijing time, the way sellers read it in a spreadsheet: "2026-12-06 15:04:05". */
export function beijingText(v: string | null | undefined): string {
  if (!v) return '';
  const ms = Date.parse(String(v).includes('T') ? String(v) : String(v).replace(' ', 'T') + 'Z');
  if (!Number.isFinite(ms)) return '';
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** The UTC bounds of one Asia/Shanghai calendar day (no daylight saving there: always +08:00). */
export function shanghaiDay(date: string): { from: string; to: string } {
  const start = Date.parse(`${date}T00:00:00+08:00`);
  return { from: toDbTime(new Date(start)), to: toDbTime(new Date(start + 24 * 3600_000)) };
}

export function shanghaiToday(now = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}
