import type { Db } from '../db/knex';

/**
 * The reads behind the supervisor's floor screen. It is polled every ~10 s by every supervisor's
 * screen, so each read is one grouped query that starts from an indexed, bounded set: open orders
 * by `orders(status, id)`, a wave's rows by their `wave_id` indexes, failures by `status`.
 *
 * This module only reads, across the tables of orders, waves, packing, printing and the outbox:
 * a read model for one screen, never a writer of anyone's data.
 */

/** Order statuses still on their way out of the door. */
export const OPEN_STATUSES = ['pending', 'held', 'backorder', 'allocated', 'in_wave', 'picked', 'packed'] as const;
/** orders the floor can work on before the carrier is known (it is chosen at pack) */
const TO_PACK = ['allocated', 'in_wave', 'picked'];
const WAVE_OPEN = ['released', 'picking'];

const n = (v: unknown) => Number(v ?? 0);

export async function ordersByStatus(db: Db): Promise<Map<string, number>> {
  const rows = await db('orders').whereIn('status', OPEN_STATUSES).groupBy('status').select('status').count({ c: '*' });
  return new Map(rows.map((r: any) => [String(r.status), n(r.c)]));
}

/**
 * Orders the floor still has to pack, by the carrier their wave was released for (null: none
 * yet) and by wave, so the same read also names the waves that still have work in them.
 */
export async function ordersToPack(db: Db): Promise<Array<{ waveId: number | null; carrierCode: string | null; status: string; count: number }>> {
  const rows = await db('orders')
    .leftJoin('waves', 'waves.id', 'orders.wave_id')
    .whereIn('orders.status', TO_PACK)
    .groupBy('orders.wave_id', 'waves.carrier_code', 'orders.status')
    .select('orders.wave_id', 'waves.carrier_code', 'orders.status')
    .count({ c: '*' });
  return rows.map((r: any) => ({ waveId: r.wave_id === null ? null : n(r.wave_id), carrierCode: r.carrier_code ?? null, status: String(r.status), count: n(r.c) }));
}

/** Labelled parcels of orders still `packed` (not shipped), by carrier: what waits for the pick-up. */
/**
 * Labelled parcels of packed orders that are not yet on a closed manifest: what still has to be
 * scanned at the dock and closed before the carrier's pick-up. A parcel on a closed manifest waits
 * only for the carrier; one the carrier reported missing counts again.
 */
export async function parcelsToShip(db: Db): Promise<Map<number, number>> {
  const rows = await db('orders')
    .join('parcels', 'parcels.order_id', 'orders.id')
    .where('orders.status', 'packed')
    .where('parcels.status', 'labelled')
    .whereNotExists((sub) =>
      sub
        .select(db.raw('1'))
        .from('manifest_parcels')
        .join('manifests', 'manifests.id', 'manifest_parcels.manifest_id')
        .whereRaw('manifest_parcels.parcel_id = parcels.id')
        .whereNot('manifests.status', 'open')
        .where((r) => r.whereNull('manifest_parcels.received').orWhere('manifest_parcels.received', true)),
    )
    .groupBy('parcels.carrier_id')
    .select('parcels.carrier_id')
    .count({ c: '*' });
  return new Map(rows.map((r: any) => [n(r.carrier_id), n(r.c)]));
}

export async function carriers(db: Db) {
  return db('carriers').orderBy('code').select('id', 'code', 'name', 'status');
}

export async function cutoffRules(db: Db): Promise<Array<{ carrierCode: string | null; cutoffAt: string }>> {
  const rows = await db('wave_rules').where({ active: true }).whereNotNull('cutoff_at').select('carrier_code', 'cutoff_at');
  return rows.map((r: any) => ({ carrierCode: r.carrier_code ?? null, cutoffAt: String(r.cutoff_at) }));
}

/** Waves still released or being picked, and picked waves whose orders still wait to be packed. */
export async function wavesInProgress(db: Db, withOpenOrders: number[]) {
  const waves = await db('waves')
    .whereIn('status', [...WAVE_OPEN, 'picked'])
    .where((q) => {
      q.whereIn('status', WAVE_OPEN);
      if (withOpenOrders.length) q.orWhereIn('id', withOpenOrders);
    })
    .orderBy('id')
    .select('id', 'status', 'temperature', 'carrier_code', 'created_at');
  const ids = waves.map((w: any) => n(w.id));
  if (!ids.length) return { waves, orders: [], tasks: [], batches: [] };
  const [orders, tasks, batches] = await Promise.all([
    db('wave_orders')
      .join('wave_batches', 'wave_batches.id', 'wave_orders.batch_id')
      .whereIn('wave_orders.wave_id', ids)
      .whereNot('wave_orders.status', 'cancelled')
      .groupBy('wave_orders.wave_id', 'wave_batches.kind')
      .select('wave_orders.wave_id', 'wave_batches.kind')
      .count({ c: '*' })
      .sum({ units: 'wave_orders.units' })
      .sum({ sorted: 'wave_orders.sorted_units' }),
    db('pick_tasks').whereIn('wave_id', ids).where('kind', 'pick').groupBy('wave_id').select('wave_id').sum({ picked: 'done_qty' }),
    db('wave_batches').whereIn('wave_id', ids).select('wave_id', 'picker'),
  ]);
  return { waves, orders, tasks, batches };
}

/** Orders waiting for stock or for a fix, oldest first, and when each entered that state. */
export async function stuckOrders(db: Db, limit: number) {
  const rows = await db('orders')
    .join('owners', 'owners.id', 'orders.owner_id')
    .whereIn('orders.status', ['backorder', 'held'])
    .orderBy('orders.id')
    .limit(limit)
    .select('orders.id', 'orders.external_id', 'owners.name as owner_name', 'orders.status', 'orders.hold_reason', 'orders.hold_detail', 'orders.backorder_at', 'orders.updated_at');
  if (!rows.length) return { rows, entered: new Map<number, string>() };
  // the last event that moved the order into its present state (re-tries of a backorder
  // that stays short write no event, or one from 'backorder' to 'backorder')
  const events = await db('order_events')
    .whereIn('order_id', rows.map((r: any) => r.id))
    .whereIn('to_status', ['backorder', 'held'])
    .orderBy('id')
    .select('order_id', 'from_status', 'to_status', 'created_at');
  const status = new Map(rows.map((r: any) => [n(r.id), r.status]));
  const entered = new Map<number, string>();
  for (const e of events) {
    const id = n(e.order_id);
    if (e.to_status === status.get(id) && e.from_status !== e.to_status) entered.set(id, e.created_at);
  }
  return { rows, entered };
}

/**
 * Pick tasks finished since `from`, by picker. A task done today belongs to a wave that is still
 * released or being picked, or that was completed (or otherwise changed) today: that small set of
 * waves leads to the tasks through the `(wave_id, status)` index instead of scanning every task.
 */
export async function picksSince(db: Db, from: string) {
  const waves = db('waves')
    .whereIn('status', WAVE_OPEN)
    .orWhere('completed_at', '>=', from)
    .orWhere('updated_at', '>=', from)
    .select('id');
  return db('pick_tasks')
    .whereIn('wave_id', waves)
    .whereIn('status', ['done', 'short'])
    .where('kind', 'pick')
    .where('done_at', '>=', from)
    .whereNotNull('picker')
    .groupBy('picker')
    .select('picker')
    .count({ tasks: '*' })
    .sum({ units: 'done_qty' })
    .min({ first: 'done_at' })
    .max({ last: 'done_at' });
}

/**
 * Parcels labelled since `from` (not voided), by packer and carrier, with their units.
 * A range read on the `parcels(labelled_at)` index (migration add_floor_indexes).
 */
export async function packsSince(db: Db, from: string) {
  return db('parcels')
    .leftJoin('parcel_items', 'parcel_items.parcel_id', 'parcels.id')
    .where('parcels.labelled_at', '>=', from)
    // a voided waybill is not work done; a parcel waiting for its new waybill is counted when it has one
    .whereNotIn('parcels.status', ['voided', 'waybill_pending', 'waybill_failed'])
    .groupBy('parcels.packed_by', 'parcels.carrier_id')
    .select('parcels.packed_by', 'parcels.carrier_id')
    .countDistinct({ parcels: 'parcels.id' })
    .sum({ units: 'parcel_items.qty' })
    .min({ first: 'parcels.labelled_at' })
    .max({ last: 'parcels.labelled_at' });
}

/** Print jobs that gave up: how many, and the latest few with their printer. */
export async function failedPrints(db: Db, limit: number) {
  const [count, rows] = await Promise.all([
    db('print_jobs').where('status', 'failed').count({ c: '*' }).first(),
    db('print_jobs')
      .join('printers', 'printers.id', 'print_jobs.printer_id')
      .where('print_jobs.status', 'failed')
      .orderBy('print_jobs.id', 'desc')
      .limit(limit)
      .select('print_jobs.id', 'print_jobs.kind', 'printers.name as printer_name', 'print_jobs.parcel_id', 'print_jobs.waybill_no', 'print_jobs.problem', 'print_jobs.last_error', 'print_jobs.attempts', 'print_jobs.updated_at'),
  ]);
  return { total: n((count as any)?.c), rows };
}

/**
 * Background jobs that gave up. A failed `print.send` is left out: its print job is listed (and
 * retried) as a failed print, and that retry queues a new send, leaving the old one failed.
 */
export async function failedJobs(db: Db, limit: number) {
  const base = () => db('outbox_jobs').where('status', 'failed').whereNot('type', 'print.send');
  const [count, rows] = await Promise.all([
    base().count({ c: '*' }).first(),
    base().orderBy('id', 'desc').limit(limit).select('id', 'type', 'attempts', 'max_attempts', 'last_error', 'created_at', 'finished_at', 'updated_at'),
  ]);
  return { total: n((count as any)?.c), rows };
}
