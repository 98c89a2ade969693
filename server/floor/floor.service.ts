import type { AppContext } from '../context';
import { toDbTime, toIso } from '../db/time';
import { hubClock } from '../waves/wave-rules';
import * as q from './floor.queries';

/**
 * The supervisor's floor at a glance, for the hub's day (China time, as wave rules keep it):
 * open orders by status, each carrier against its cut-off, waves in progress, orders stuck
 * waiting for stock or a fix, today's units per person, and what failed and needs a retry.
 */

export const BACKORDER_CAP = 200;
export const FAILED_CAP = 20;
/** an hour before its cut-off, a carrier with work waiting is shown at risk */
export const AT_RISK_MS = 60 * 60 * 1000;
/** a short burst of work is rated as if it took at least a quarter hour, so two quick scans do not read as 1000 units/h */
export const MIN_RATE_HOURS = 0.25;

/** A hub-time 'HH:MM' of the hub day `day` as an instant (the hub is UTC+8, no daylight saving). */
export function hubInstant(day: string, hhmm: string): number {
  return Date.parse(`${day}T${hhmm}:00+08:00`);
}

/**
 * The cut-off that matters now among a carrier's: the next one still ahead today, or once all have
 * passed, the last of the day (its minutes then negative). With one cut-off a day, that one.
 */
export function relevantCutoff(cutoffs: string[], hhmm: string): string | null {
  const sorted = [...new Set(cutoffs)].sort();
  return sorted.find((c) => c >= hhmm) ?? sorted[sorted.length - 1] ?? null;
}

/**
 * Units per hour of one person today: units / hours between their first and last action, the
 * hours taken as at least MIN_RATE_HOURS (one pick alone has no duration), rounded to a whole unit.
 */
export function unitsPerHour(units: number, firstAt: string | null, lastAt: string | null): number {
  const ms = firstAt && lastAt ? Date.parse(lastAt) - Date.parse(firstAt) : 0;
  return Math.round(units / Math.max(ms / 3_600_000, MIN_RATE_HOURS));
}

/** 'user:alice' (how parcels name their packer) → 'alice'; API keys keep their prefix. */
const personOf = (actor: string) => (actor.startsWith('user:') ? actor.slice(5) : actor);
const num = (v: unknown) => Number(v ?? 0);

export async function floorSnapshot(ctx: AppContext, now = new Date()) {
  const { day, hhmm } = hubClock(now);
  const dayStart = toDbTime(new Date(hubInstant(day, '00:00')));
  const db = ctx.db;
  const [byStatus, toPack, toShip, carrierRows, rules, stuck, picks, packs, prints, jobs] = await Promise.all([
    q.ordersByStatus(db),
    q.ordersToPack(db),
    q.parcelsToShip(db),
    q.carriers(db),
    q.cutoffRules(db),
    q.stuckOrders(db, BACKORDER_CAP),
    q.picksSince(db, dayStart),
    q.packsSince(db, dayStart),
    q.failedPrints(db, FAILED_CAP),
    q.failedJobs(db, FAILED_CAP),
  ]);
  const waveIdsWithWork = [...new Set(toPack.filter((r) => r.waveId !== null && r.status !== 'allocated').map((r) => r.waveId as number))];
  const waves = await q.wavesInProgress(db, waveIdsWithWork);

  return {
    at: now.toISOString(),
    day,
    hubTime: hhmm,
    ordersByStatus: q.OPEN_STATUSES.map((status) => ({ status, count: byStatus.get(status) ?? 0 })),
    carriers: carrierBoard({ now, day, hhmm, toPack, toShip, carrierRows, rules, packs }),
    waves: presentWaves(waves),
    backorders: {
      total: (byStatus.get('backorder') ?? 0) + (byStatus.get('held') ?? 0),
      items: stuck.rows
        .map((r: any) => ({
          orderId: num(r.id),
          externalId: r.external_id as string,
          ownerName: r.owner_name as string,
          status: r.status as 'backorder' | 'held',
          holdReason: (r.hold_reason ?? null) as string | null,
          reason: (r.hold_detail ?? r.hold_reason ?? null) as string | null,
          since: toIso(stuck.entered.get(num(r.id)) ?? r.backorder_at ?? r.updated_at),
        }))
        .sort((a, b) => (a.since ?? '').localeCompare(b.since ?? '') || a.orderId - b.orderId),
    },
    people: people(picks, packs),
    failedPrints: {
      total: prints.total,
      items: prints.rows.map((r: any) => ({
        id: num(r.id),
        kind: r.kind as string,
        printerName: r.printer_name as string,
        parcelId: r.parcel_id ? num(r.parcel_id) : null,
        waybillNo: (r.waybill_no ?? null) as string | null,
        problem: (r.problem ?? null) as string | null,
        error: (r.last_error ?? null) as string | null,
        attempts: num(r.attempts),
        updatedAt: toIso(r.updated_at),
      })),
    },
    failedJobs: {
      total: jobs.total,
      items: jobs.rows.map((r: any) => ({
        id: num(r.id),
        type: r.type as string,
        attempts: num(r.attempts),
        maxAttempts: num(r.max_attempts),
        lastError: (r.last_error ?? null) as string | null,
        createdAt: toIso(r.created_at),
        failedAt: toIso(r.finished_at ?? r.updated_at),
      })),
    },
  };
}

export type FloorSnapshot = Awaited<ReturnType<typeof floorSnapshot>>;

export interface BoardInput {
  now: Date;
  day: string;
  hhmm: string;
  toPack: Awaited<ReturnType<typeof q.ordersToPack>>;
  toShip: Map<number, number>;
  carrierRows: any[];
  rules: Array<{ carrierCode: string | null; cutoffAt: string }>;
  packs: any[];
}

/**
 * One row per carrier, and one (carrierCode null) for orders whose carrier is not chosen yet: the
 * carrier is chosen at pack, so before that an order belongs to a carrier only when its wave was
 * released for one. `waiting` is what still has to happen before the pick-up: orders to pack
 * (allocated, in a wave, picked) plus labelled parcels not yet shipped. The row without a carrier
 * is held against the next cut-off of any rule, the first it could miss.
 */
export function carrierBoard({ now, day, hhmm, toPack, toShip, carrierRows, rules, packs }: BoardInput) {
  const packedBy = new Map<number, number>();
  for (const p of packs) packedBy.set(num(p.carrier_id), (packedBy.get(num(p.carrier_id)) ?? 0) + num(p.parcels));
  const packCount = new Map<string | null, number>();
  for (const r of toPack) {
    // an allocated order is in no wave yet, so it has no carrier either
    const code = r.status === 'allocated' ? null : r.carrierCode;
    packCount.set(code, (packCount.get(code) ?? 0) + r.count);
  }
  const row = (carrierCode: string | null, carrierName: string | null, cutoffs: string[], packing: number, shipping: number, packedToday: number) => {
    const cutoffAt = relevantCutoff(cutoffs, hhmm);
    const leftMs = cutoffAt === null ? null : hubInstant(day, cutoffAt) - now.getTime();
    const waiting = packing + shipping;
    return {
      carrierCode,
      carrierName,
      cutoffAt,
      minutesToCutoff: leftMs === null ? null : Math.floor(leftMs / 60_000),
      toPack: packing,
      toShip: shipping,
      waiting,
      packedToday,
      // work waiting when the cut-off is near, or already past: what missed the pick-up stays at risk until it ships
      atRisk: leftMs !== null && leftMs <= AT_RISK_MS && waiting > 0,
      late: leftMs !== null && leftMs <= 0 && waiting > 0,
    };
  };
  const known = new Set<string>();
  const out = [];
  for (const c of carrierRows) {
    known.add(c.code);
    const packing = packCount.get(c.code) ?? 0;
    const shipping = toShip.get(num(c.id)) ?? 0;
    const packed = packedBy.get(num(c.id)) ?? 0;
    // a switched-off carrier is shown only while it still has work or did some today
    if (c.status !== 'active' && !packing && !shipping && !packed) continue;
    out.push(row(c.code, c.name, rules.filter((r) => r.carrierCode === c.code).map((r) => r.cutoffAt), packing, shipping, packed));
  }
  // a wave released for a carrier code the hub does not know: shown, so its orders are not lost from view
  for (const [code, count] of packCount) if (code !== null && !known.has(code)) out.push(row(code, null, [], count, 0, 0));
  out.push(row(null, null, rules.map((r) => r.cutoffAt), packCount.get(null) ?? 0, 0, 0));
  return out;
}

function presentWaves({ waves, orders, tasks, batches }: Awaited<ReturnType<typeof q.wavesInProgress>>) {
  return waves.map((w: any) => {
    const id = num(w.id);
    const mine = orders.filter((o: any) => num(o.wave_id) === id);
    const multi = mine.filter((o: any) => o.kind === 'multi');
    const myBatches = batches.filter((b: any) => num(b.wave_id) === id);
    return {
      id,
      status: w.status as 'released' | 'picking' | 'picked',
      temperature: w.temperature as string,
      carrierCode: (w.carrier_code ?? null) as string | null,
      orders: mine.reduce((s: number, o: any) => s + num(o.c), 0),
      units: mine.reduce((s: number, o: any) => s + num(o.units), 0),
      pickedUnits: num(tasks.find((t: any) => num(t.wave_id) === id)?.picked),
      /** units that go through the put-wall (multi-unit batches); single-unit batches are packed straight from the tote */
      sortUnits: multi.reduce((s: number, o: any) => s + num(o.units), 0),
      sortedUnits: multi.reduce((s: number, o: any) => s + num(o.sorted), 0),
      batches: myBatches.length,
      pickers: [...new Set(myBatches.map((b: any) => b.picker).filter(Boolean))].sort() as string[],
      createdAt: toIso(w.created_at),
    };
  });
}

function people(picks: any[], packs: any[]) {
  const packers = new Map<string, { units: number; tasks: number; first: string; last: string }>();
  for (const p of packs) {
    const who = personOf(String(p.packed_by));
    const cur = packers.get(who);
    const first = String(p.first);
    const last = String(p.last);
    if (!cur) packers.set(who, { units: num(p.units), tasks: num(p.parcels), first, last });
    else packers.set(who, { units: cur.units + num(p.units), tasks: cur.tasks + num(p.parcels), first: first < cur.first ? first : cur.first, last: last > cur.last ? last : cur.last });
  }
  const person = (username: string, activity: 'pick' | 'pack', units: number, tasks: number, first: string, last: string) => {
    const firstAt = toIso(first);
    const lastAt = toIso(last);
    return { username, activity, units, tasks, firstAt, lastAt, unitsPerHour: unitsPerHour(units, firstAt, lastAt) };
  };
  return [
    ...picks.map((p: any) => person(String(p.picker), 'pick', num(p.units), num(p.tasks), p.first, p.last)),
    ...[...packers].map(([who, p]) => person(who, 'pack', p.units, p.tasks, p.first, p.last)),
  ].sort((a, b) => Number(a.activity === 'pack') - Number(b.activity === 'pack') || b.units - a.units || a.username.localeCompare(b.username));
}
