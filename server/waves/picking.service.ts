import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Trx } from '../db/transaction';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb } from '../db/time';
import { BusinessRule, Conflict, NotFound } from '../http/errors';
import { findLocation } from '../inventory/lookup';
import { findByBarcode } from '../catalog';
import { moveReserved, moveStock, takeStock, unreserve } from '../inventory/stock';
import { reserveMore } from '../allocation/allocate';
import { actorOf } from '../orders/orders.model';
import { presentTask, presentTasks } from './waves.service';

/**
 * Picking by scan: the picker confirms a task by scanning its location and its item (and lot);
 * the units move, still reserved for their orders, from the pick face to the batch's tote.
 * A picker's first confirmation claims the batch; another picker's scans on it are refused.
 * Skip moves a task to the end of the batch; short pick gives back what was not there, tries
 * other stock for the orders, and holds an order that cannot be completed.
 */

const OPEN = ['open', 'skipped'];

async function loadTask(trx: Tx, id: number) {
  const t = await trx('pick_tasks').where({ id }).forUpdate().first();
  if (!t) throw new NotFound('pick task');
  const wave = await trx('waves').where({ id: t.wave_id }).first();
  const batch = await trx('wave_batches').where({ id: t.batch_id }).forUpdate().first();
  return { t, wave, batch };
}

function assertWorkable(wave: any, batch: any, t: any, picker: string) {
  if (!['released', 'picking'].includes(wave.status)) throw new Conflict('WAVE_CLOSED', `Wave ${wave.id} is ${wave.status}`);
  if (batch.picker && batch.picker !== picker) throw new Conflict('TASK_OF_ANOTHER_PICKER', `This batch is being picked by ${batch.picker}`);
  if (!OPEN.includes(t.status)) throw new Conflict('TASK_DONE', `Task ${t.id} is already ${t.status}`);
}

/** What a scan at a pick face names: a product (unit or case) barcode, the SKU code, or a lot label LOT<id>. */
async function scanned(trx: Tx, ownerId: number, barcode: string): Promise<{ skuId: number; perScan: number; lotId: number | null }> {
  const code = barcode.trim();
  const lot = /^LOT(\d{1,12})$/i.exec(code);
  if (lot) {
    const row = await trx('lots').where({ id: Number(lot[1]), owner_id: ownerId }).first('id', 'sku_id');
    if (row) return { skuId: Number(row.sku_id), perScan: 1, lotId: Number(row.id) };
  }
  const hit = await findByBarcode(trx, ownerId, code);
  if (hit) return { skuId: hit.skuId, perScan: hit.qty, lotId: null };
  const sku = await trx('skus').where({ owner_id: ownerId, sku_code: code }).first('id');
  if (sku) return { skuId: Number(sku.id), perScan: 1, lotId: null };
  return { skuId: -1, perScan: 1, lotId: null };
}

async function taskView(trx: Tx, id: number) {
  const [t] = await presentTasks(trx, (q) => q.where('pick_tasks.id', id));
  return presentTask(t);
}

/** Totals of pick tasks: two aggregate reads, not every task row of the wave. */
async function taskTotals(db: Tx, where: Record<string, number>) {
  const [row] = await db('pick_tasks')
    .where({ ...where, kind: 'pick' })
    .select(
      db.raw('count(*) as tasks'),
      db.raw(`sum(case when status in ('open', 'skipped') then 0 else 1 end) as done`),
      db.raw('sum(qty) as units'),
      db.raw('sum(done_qty) as picked'),
    );
  return { tasks: Number(row?.tasks ?? 0), done: Number(row?.done ?? 0), units: Number(row?.units ?? 0), picked: Number(row?.picked ?? 0) };
}

async function progress(db: Tx, batchId: number, waveId: number) {
  const [batch, wave, next] = [
    await taskTotals(db, { batch_id: batchId }),
    await taskTotals(db, { wave_id: waveId }),
    await presentTasks(db, (q) => q.where('pick_tasks.batch_id', batchId).whereIn('pick_tasks.status', OPEN).orderBy([{ column: 'pick_tasks.status' }, { column: 'pick_tasks.seq' }]).limit(1)),
  ];
  return { batch, wave, next: next[0] ? presentTask(next[0]) : null };
}

/** Orders whose every reservation is in the tote are picked; a batch and a wave finish when nothing is left open. */
async function settle(trx: Trx, waveId: number, batchId: number, orderIds: number[], actor: string) {
  const now = nowDb();
  for (const orderId of new Set(orderIds)) {
    const open = await trx('allocations').where({ order_id: orderId, status: 'open' }).first('id');
    const order = await trx('orders').where({ id: orderId }).first('status', 'version');
    if (!open && order?.status === 'in_wave') {
      await trx('orders').where({ id: orderId }).update({ status: 'picked', updated_at: now, version: Number(order.version) + 1 });
      await trx('order_events').insert({ order_id: orderId, event: 'picked', from_status: 'in_wave', to_status: 'picked', actor, message: null, created_at: now });
      const slot = await trx('wave_orders').join('wave_batches', 'wave_batches.id', 'wave_orders.batch_id').where({ 'wave_orders.wave_id': waveId, 'wave_orders.order_id': orderId }).first('wave_orders.id', 'wave_batches.kind');
      // a single-unit order needs no sorting: picked is ready to pack
      if (slot) await trx('wave_orders').where({ id: slot.id }).update({ status: slot.kind === 'single' ? 'ready' : 'picked' });
    }
  }
  if (!(await trx('pick_tasks').where({ batch_id: batchId, kind: 'pick' }).whereIn('status', OPEN).first('id'))) {
    await trx('wave_batches').where({ id: batchId }).update({ status: 'picked', updated_at: now });
  }
  if (!(await trx('pick_tasks').where({ wave_id: waveId, kind: 'pick' }).whereIn('status', OPEN).first('id'))) {
    await trx('waves').where({ id: waveId }).whereIn('status', ['released', 'picking']).update({ status: 'picked', completed_at: now, updated_at: now });
  }
}

export interface ConfirmInput {
  locationCode: string;
  barcode: string;
  qty: number;
  lotNo?: string | null;
}

export async function confirmTask(ctx: AppContext, caller: Caller, id: number, input: ConfirmInput) {
  const result = await inTransaction(ctx.db, async (trx) => {
    const picker = caller.principal.name;
    const { t, wave, batch } = await loadTask(trx, id);
    assertWorkable(wave, batch, t, picker);
    if (t.kind !== 'pick') throw new Conflict('NOT_A_PICK', 'This is a put-back task; confirm it with /putback');
    const expected = await trx('locations').where({ id: t.location_id }).first('code');
    const loc = await findLocation(trx, input.locationCode).catch(() => null);
    if (!loc || Number(loc.id) !== Number(t.location_id)) {
      throw new BusinessRule('WRONG_LOCATION', `Wrong location: expected ${expected.code}, scanned ${input.locationCode}`, [{ field: 'locationCode', code: 'wrong_location', message: `expected ${expected.code}`, expected: expected.code }]);
    }
    const sku = await trx('skus').where({ id: t.sku_id }).first('sku_code', 'name', 'lot_tracked');
    const lot = await trx('lots').where({ id: t.lot_id }).first('lot_no');
    const scan = await scanned(trx, Number(t.owner_id), input.barcode);
    if (scan.skuId !== Number(t.sku_id)) {
      throw new BusinessRule('WRONG_ITEM', `Wrong item: expected ${sku.sku_code} ${sku.name}, scanned ${input.barcode}`, [{ field: 'barcode', code: 'wrong_item', message: `expected ${sku.sku_code}`, expected: sku.sku_code }]);
    }
    if ((scan.lotId !== null && scan.lotId !== Number(t.lot_id)) || (input.lotNo != null && input.lotNo.trim() !== lot.lot_no)) {
      throw new BusinessRule('WRONG_LOT', `Wrong lot: expected lot ${lot.lot_no}`, [{ field: 'lotNo', code: 'wrong_lot', message: `expected ${lot.lot_no}`, expected: lot.lot_no }]);
    }
    const units = input.qty * scan.perScan;
    const remaining = t.qty - t.done_qty;
    if (units > remaining) {
      throw new BusinessRule('QTY_ABOVE_TASK', `Only ${remaining} left to pick on this task; ${units} confirmed`, [{ field: 'qty', code: 'above_task', message: `at most ${remaining}`, remaining }]);
    }
    const now = nowDb();
    if (!batch.picker) await trx('wave_batches').where({ id: batch.id }).update({ picker, status: 'picking', updated_at: now });
    if (wave.status === 'released') await trx('waves').where({ id: wave.id }).update({ status: 'picking', updated_at: now });
    const key = { ownerId: Number(t.owner_id), skuId: Number(t.sku_id), lotId: Number(t.lot_id), locationId: Number(t.location_id) };
    const toteInv = await moveReserved(trx, caller, key, Number(t.to_location_id), units, { kind: 'pick', refType: 'pick_task', refId: id });
    // the units picked now belong to the task's allocations in order; a part-picked one is split
    let left = units;
    const touched: number[] = [];
    for (const a of await trx('allocations').where({ pick_task_id: id, status: 'open' }).orderBy('id').forUpdate()) {
      if (left <= 0) break;
      const q = Math.min(left, a.qty);
      if (q === a.qty) {
        await trx('allocations').where({ id: a.id }).update({ status: 'picked', picked_qty: q, location_id: t.to_location_id, inventory_id: toteInv, updated_at: now });
      } else {
        await trx('allocations').where({ id: a.id }).update({ qty: a.qty - q, updated_at: now });
        const { id: _id, ...rest } = a;
        await trx('allocations').insert({ ...rest, qty: q, picked_qty: q, status: 'picked', location_id: t.to_location_id, inventory_id: toteInv, created_at: now, updated_at: now });
      }
      touched.push(Number(a.order_id));
      left -= q;
    }
    const done = t.done_qty + units === t.qty;
    await trx('pick_tasks').where({ id }).update({ done_qty: t.done_qty + units, status: done ? 'done' : t.status === 'skipped' ? 'open' : t.status, picker, done_at: done ? now : null, updated_at: now });
    await settle(trx, Number(wave.id), Number(batch.id), touched, actorOf(caller.principal));
    return { units, batchId: Number(batch.id), waveId: Number(wave.id) };
  });
  // the answer is read after commit, so the task and batch locks are held only for the change
  return { task: await taskView(ctx.db, id), units: result.units, progress: await progress(ctx.db, result.batchId, result.waveId) };
}

/** Skip and come back: the task goes to the end of its batch. */
export async function skipTask(ctx: AppContext, caller: Caller, id: number) {
  return inTransaction(ctx.db, async (trx) => {
    const { t, wave, batch } = await loadTask(trx, id);
    assertWorkable(wave, batch, t, caller.principal.name);
    const [{ m }] = await trx('pick_tasks').where({ batch_id: batch.id }).max({ m: 'seq' });
    await trx('pick_tasks').where({ id }).update({ status: 'skipped', seq: Number(m) + 1, updated_at: nowDb() });
    if (!batch.picker) await trx('wave_batches').where({ id: batch.id }).update({ picker: caller.principal.name, status: 'picking', updated_at: nowDb() });
    return { task: await taskView(trx, id), progress: await progress(trx, Number(batch.id), Number(wave.id)) };
  });
}

/**
 * Short pick: the picker found fewer units than the task asks. What was not there is written off
 * the pick face (an adjustment in the ledger, reason "short pick", so it is not offered again);
 * each order that lost units gets them from other stock when there is some (a new task at the end
 * of the batch), otherwise it is held with the shortage in words.
 */
export async function shortTask(ctx: AppContext, caller: Caller, id: number, reason?: string | null) {
  return inTransaction(ctx.db, async (trx) => {
    const { t, wave, batch } = await loadTask(trx, id);
    assertWorkable(wave, batch, t, caller.principal.name);
    const missing = t.qty - t.done_qty;
    const now = nowDb();
    const actor = actorOf(caller.principal);
    const open = await trx('allocations').where({ pick_task_id: id, status: 'open' }).orderBy('id').forUpdate();
    // give the reservations back, then write the missing units off this face
    for (const a of open) {
      await unreserve(trx, Number(a.inventory_id), a.qty);
      await trx('allocations').where({ id: a.id }).update({ status: 'released', updated_at: now });
    }
    const key = { ownerId: Number(t.owner_id), skuId: Number(t.sku_id), lotId: Number(t.lot_id), locationId: Number(t.location_id) };
    const inv = await trx('inventory').where({ location_id: t.location_id, sku_id: t.sku_id, lot_id: t.lot_id }).forUpdate().first('on_hand', 'allocated');
    const writeOff = Math.min(missing, inv ? inv.on_hand - inv.allocated : 0);
    if (writeOff > 0) await takeStock(trx, caller, key, writeOff, { kind: 'adjustment', reason: `short pick${reason ? `: ${reason}` : ''}`, refType: 'pick_task', refId: id });
    await trx('pick_tasks').where({ id }).update({ status: 'short', picker: caller.principal.name, done_at: now, updated_at: now });
    const held: number[] = [];
    const reallocated: number[] = [];
    for (const a of open) {
      const more = await reserveMore(trx, a, Number(t.location_id));
      if (more.length) {
        const [{ m }] = await trx('pick_tasks').where({ batch_id: batch.id }).max({ m: 'seq' });
        let seq = Number(m);
        for (const r of more) {
          const [taskId] = await trx('pick_tasks').insert({ kind: 'pick', wave_id: wave.id, batch_id: batch.id, seq: ++seq, owner_id: r.owner_id, sku_id: r.sku_id, lot_id: r.lot_id, location_id: r.location_id, to_location_id: t.to_location_id, qty: r.qty, done_qty: 0, status: 'open', picker: null, created_at: now, updated_at: now });
          await trx('allocations').insert({ ...r, pick_task_id: taskId });
        }
        reallocated.push(Number(a.order_id));
      } else {
        held.push(Number(a.order_id));
      }
    }
    for (const orderId of new Set(held)) {
      const order = await trx('orders').where({ id: orderId }).first('status', 'version');
      await trx('orders').where({ id: orderId }).update({ status: 'held', hold_reason: 'short_pick', hold_detail: `拣货缺货 / short pick: ${missing} missing at the pick face; no other stock`, updated_at: now, version: Number(order.version) + 1 });
      await trx('order_events').insert({ order_id: orderId, event: 'held', from_status: order.status, to_status: 'held', actor, message: 'short pick, no other stock', created_at: now });
    }
    await settle(trx, Number(wave.id), Number(batch.id), reallocated, actor);
    return { task: await taskView(trx, id), missing, reallocatedOrders: [...new Set(reallocated)], heldOrders: [...new Set(held)], progress: await progress(trx, Number(batch.id), Number(wave.id)) };
  });
}

export async function listTasks(ctx: AppContext, filter: { waveId?: number; batchNo?: number; status?: string; kind?: string; limit?: number }) {
  const rows = await presentTasks(ctx.db, (q) => {
    if (filter.waveId) q.where('pick_tasks.wave_id', filter.waveId);
    if (filter.batchNo) q.where('wave_batches.batch_no', filter.batchNo);
    if (filter.status) q.whereIn('pick_tasks.status', filter.status.split(','));
    if (filter.kind) q.where('pick_tasks.kind', filter.kind);
    q.orderBy([{ column: 'pick_tasks.wave_id' }, { column: 'wave_batches.batch_no' }, { column: 'pick_tasks.seq' }, { column: 'pick_tasks.id' }]).limit(Math.min(filter.limit ?? 500, 2000));
  });
  return { items: rows.map(presentTask), nextCursor: null };
}

/** Confirms a put-back (after a cancellation): the units go from the tote back to the pick face. */
export async function confirmPutback(ctx: AppContext, caller: Caller, id: number, input: { locationCode: string }) {
  return inTransaction(ctx.db, async (trx) => {
    const t = await trx('pick_tasks').where({ id, kind: 'putback' }).forUpdate().first();
    if (!t) throw new NotFound('put-back task');
    if (t.status !== 'open') throw new Conflict('TASK_DONE', `Task ${id} is already ${t.status}`);
    const expected = await trx('locations').where({ id: t.to_location_id }).first('code');
    const loc = await findLocation(trx, input.locationCode).catch(() => null);
    if (!loc || Number(loc.id) !== Number(t.to_location_id)) {
      throw new BusinessRule('WRONG_LOCATION', `Wrong location: put back at ${expected.code}`, [{ field: 'locationCode', code: 'wrong_location', message: `expected ${expected.code}`, expected: expected.code }]);
    }
    const key = { ownerId: Number(t.owner_id), skuId: Number(t.sku_id), lotId: Number(t.lot_id), locationId: Number(t.location_id) };
    await moveStock(trx, caller, key, Number(t.to_location_id), t.qty, { kind: 'putback', refType: 'pick_task', refId: id });
    await trx('pick_tasks').where({ id }).update({ status: 'done', done_qty: t.qty, picker: caller.principal.name, done_at: nowDb(), updated_at: nowDb() });
    return { task: await taskView(trx, id) };
  });
}

/**
 * Cancellation inside a wave: reservations still at the pick face are given back (and their
 * tasks shrink); units already in the tote stay there unreserved and a put-back task returns
 * them to the face they came from. Runs in the cancelling transaction.
 */
export async function releaseWaveOrder(trx: Trx, orderId: number): Promise<void> {
  const now = nowDb();
  const open = await trx('allocations').where({ order_id: orderId, status: 'open' }).whereNotNull('pick_task_id').forUpdate();
  for (const a of open) {
    await trx('pick_tasks').where({ id: a.pick_task_id }).update({ qty: trx.raw('qty - ?', [a.qty]), updated_at: now });
    const task = await trx('pick_tasks').where({ id: a.pick_task_id }).first('qty', 'done_qty', 'status');
    if (task.qty <= task.done_qty) await trx('pick_tasks').where({ id: a.pick_task_id }).update({ status: task.qty === 0 && task.done_qty === 0 ? 'cancelled' : 'done', updated_at: now });
  }
  const picked = await trx('allocations').where({ order_id: orderId, status: 'picked' }).forUpdate();
  for (const a of picked) {
    await unreserve(trx, Number(a.inventory_id), a.qty);
    const source = await trx('pick_tasks').where({ id: a.pick_task_id }).first('wave_id', 'batch_id', 'location_id');
    const [{ m }] = await trx('pick_tasks').where({ batch_id: source.batch_id }).max({ m: 'seq' });
    await trx('pick_tasks').insert({ kind: 'putback', wave_id: source.wave_id, batch_id: source.batch_id, seq: Number(m) + 1, owner_id: a.owner_id, sku_id: a.sku_id, lot_id: a.lot_id, location_id: a.location_id, to_location_id: source.location_id, qty: a.qty, done_qty: 0, status: 'open', picker: null, created_at: now, updated_at: now });
    await trx('allocations').where({ id: a.id }).update({ status: 'released', updated_at: now });
  }
  await trx('wave_orders').where({ order_id: orderId }).update({ status: 'cancelled' });
}

/**
 * A picker asks for work: the batch already in their hands, else the oldest batch nobody has
 * taken (optionally of one wave). Returns the batch's open tasks in walking order.
 */
export async function claimBatch(ctx: AppContext, caller: Caller, waveId?: number) {
  return inTransaction(ctx.db, async (trx) => {
    const picker = caller.principal.name;
    const base = () => trx('wave_batches').join('waves', 'waves.id', 'wave_batches.wave_id').whereIn('waves.status', ['released', 'picking']).select('wave_batches.*');
    let batch = await base().where('wave_batches.picker', picker).where('wave_batches.status', 'picking').orderBy('wave_batches.id').first();
    if (!batch) {
      // No row locks on the read: many terminals ask at once, and locking the
      // joined waves row made them deadlock. A batch is claimed by a conditional
      // update instead; a terminal that loses the race tries the next candidate.
      const q = base().whereNull('wave_batches.picker').where('wave_batches.status', 'open').orderBy('wave_batches.id').limit(8);
      if (waveId) q.where('wave_batches.wave_id', waveId);
      const candidates = await q;
      batch = undefined;
      for (const candidate of candidates) {
        const claimed = await trx('wave_batches')
          .where({ id: candidate.id, status: 'open' })
          .whereNull('picker')
          .update({ picker, status: 'picking', updated_at: nowDb() });
        if (claimed === 1) {
          batch = candidate;
          break;
        }
      }
      if (!batch) throw new BusinessRule('NO_WORK', 'No batch is waiting to be picked');
      await trx('waves').where({ id: batch.wave_id, status: 'released' }).update({ status: 'picking', updated_at: nowDb() });
    }
    const tasks = await presentTasks(trx, (q) => q.where('pick_tasks.batch_id', batch.id).where('pick_tasks.kind', 'pick').orderBy([{ column: 'pick_tasks.seq' }, { column: 'pick_tasks.id' }]));
    return { waveId: Number(batch.wave_id), batchNo: batch.batch_no, kind: batch.kind, picker, tasks: tasks.map(presentTask), progress: await progress(trx, Number(batch.id), Number(batch.wave_id)) };
  });
}
