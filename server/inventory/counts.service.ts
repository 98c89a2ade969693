import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { BusinessRule, Conflict, NotFound } from '../http/errors';
import { audit } from '../audit';
import { addStock, takeStock } from './stock';
import { findLocation } from './lookup';
import { resolveStockAt } from './inventory.service';

type CountStatus = 'open' | 'submitted' | 'approved' | 'rejected';

async function loadTask(trx: Tx, id: number, forUpdate = false) {
  const q = trx('count_tasks').join('locations', 'locations.id', 'count_tasks.location_id').where('count_tasks.id', id).select('count_tasks.*', 'locations.code as location_code');
  if (forUpdate) q.forUpdate();
  const row = await q.first();
  if (!row) throw new NotFound('count task');
  return row;
}

/** The counter sees where to count, never how much is expected; a supervisor sees the variance. */
async function presentTask(trx: Tx, caller: Caller, t: any) {
  const base = { id: Number(t.id), locationCode: t.location_code, status: t.status as CountStatus, createdAt: toIso(t.created_at), submittedAt: toIso(t.submitted_at), submittedBy: t.submitted_by ?? null, decidedAt: toIso(t.decided_at), decidedBy: t.decided_by ?? null };
  const blind = caller.principal.role === 'operator';
  if (blind || t.status === 'open') return { ...base, lines: null };
  const lines = await trx('count_lines').join('skus', 'skus.id', 'count_lines.sku_id').join('lots', 'lots.id', 'count_lines.lot_id').where('count_lines.task_id', t.id)
    .select('count_lines.*', 'skus.sku_code', 'skus.name as sku_name', 'lots.lot_no');
  return {
    ...base,
    lines: lines.map((l: any) => ({ ownerId: Number(l.owner_id), skuCode: l.sku_code, skuName: l.sku_name, lotNo: l.lot_no, expectedQty: l.expected_qty, countedQty: l.counted_qty, variance: l.counted_qty - l.expected_qty })),
  };
}

export async function createCount(ctx: AppContext, caller: Caller, locationCode: string) {
  return inTransaction(ctx.db, async (trx) => {
    const location = await findLocation(trx, locationCode);
    const open = await trx('count_tasks').where({ location_id: location.id }).whereIn('status', ['open', 'submitted']).first('id');
    if (open) throw new Conflict('COUNT_IN_PROGRESS', `Location ${location.code} already has count task ${open.id} in progress`);
    const now = nowDb();
    const [id] = await trx('count_tasks').insert({ location_id: location.id, status: 'open', created_by: caller.principal.name, created_at: now, updated_at: now });
    await audit(trx, caller, { action: 'create', entity: 'count', entityId: id, details: { location: location.code } });
    return presentTask(trx, caller, await loadTask(trx, Number(id)));
  });
}

export async function getCount(ctx: AppContext, caller: Caller, id: number) {
  return presentTask(ctx.db, caller, await loadTask(ctx.db, id));
}

export async function listCounts(ctx: AppContext, caller: Caller, status?: string) {
  const q = ctx.db('count_tasks').join('locations', 'locations.id', 'count_tasks.location_id').select('count_tasks.*', 'locations.code as location_code').orderBy('count_tasks.id', 'desc').limit(200);
  if (status) q.where('count_tasks.status', status);
  const rows = await q;
  return { items: await Promise.all(rows.map((r: any) => presentTask(ctx.db, caller, r))), nextCursor: null };
}

/**
 * The counter's result: what was found at the location. Everything the system holds there and
 * was not counted counts as 0. Submitted once; the expected figures are taken at this moment.
 */
export async function submitCount(
  ctx: AppContext,
  caller: Caller,
  id: number,
  lines: Array<{ ownerId?: number; barcode?: string; skuCode?: string; lotNo?: string | null; qty: number }>,
) {
  return inTransaction(ctx.db, async (trx) => {
    const task = await loadTask(trx, id, true);
    if (task.status !== 'open') throw new Conflict('COUNT_ALREADY_SUBMITTED', `Count ${id} was already submitted (${task.status})`);
    const location = await findLocation(trx, task.location_code);
    const counted = new Map<string, { ownerId: number; skuId: number; lotId: number; qty: number }>();
    for (const line of lines) {
      const { ownerId, sku, lot } = await resolveStockAt(trx, caller, line, location).catch((e) => {
        if (e instanceof BusinessRule && e.code === 'NOT_AT_LOCATION') {
          throw new BusinessRule('UNEXPECTED_ITEM', `${line.barcode ?? line.skuCode} is not recorded at ${location.code}: report it to a supervisor (found goods are booked with an adjustment)`);
        }
        throw e;
      });
      const key = `${sku.id}/${lot.id}`;
      const prev = counted.get(key);
      counted.set(key, { ownerId, skuId: Number(sku.id), lotId: Number(lot.id), qty: (prev?.qty ?? 0) + line.qty });
    }
    const rows = await trx('inventory').where({ location_id: location.id }).select('owner_id', 'sku_id', 'lot_id', 'on_hand');
    const expected = new Map<string, any>(rows.map((r: any) => [`${r.sku_id}/${r.lot_id}`, r]));
    const keys = new Set([...expected.keys(), ...counted.keys()]);
    const out = [];
    for (const key of keys) {
      const e = expected.get(key);
      const c = counted.get(key);
      if ((e?.on_hand ?? 0) === 0 && !c) continue;
      out.push({ task_id: id, owner_id: c?.ownerId ?? e.owner_id, sku_id: c?.skuId ?? e.sku_id, lot_id: c?.lotId ?? e.lot_id, expected_qty: e?.on_hand ?? 0, counted_qty: c?.qty ?? 0 });
    }
    if (out.length) await trx('count_lines').insert(out);
    await trx('count_tasks').where({ id }).update({ status: 'submitted', submitted_by: caller.principal.name, submitted_at: nowDb(), updated_at: nowDb() });
    return presentTask(trx, caller, await loadTask(trx, id));
  });
}

/** Approval posts each variance through the ledger (kind "count"); rejection asks for a recount. */
export async function decideCount(ctx: AppContext, caller: Caller, id: number, approve: boolean, note?: string) {
  return inTransaction(ctx.db, async (trx) => {
    const task = await loadTask(trx, id, true);
    if (task.status !== 'submitted') throw new Conflict('COUNT_NOT_SUBMITTED', `Count ${id} is ${task.status}; only a submitted count can be ${approve ? 'approved' : 'rejected'}`);
    if (approve) {
      for (const l of await trx('count_lines').where({ task_id: id })) {
        const variance = l.counted_qty - l.expected_qty;
        if (variance === 0) continue;
        const key = { ownerId: l.owner_id, skuId: l.sku_id, lotId: l.lot_id, locationId: task.location_id };
        const meta = { kind: 'count' as const, reason: `count ${id}${note ? `: ${note}` : ''}`, refType: 'count', refId: id };
        if (variance > 0) await addStock(trx, caller, key, variance, meta);
        else await takeStock(trx, caller, key, -variance, meta);
      }
    }
    await trx('count_tasks').where({ id }).update({ status: approve ? 'approved' : 'rejected', decided_by: caller.principal.name, decided_at: nowDb(), note: note ?? null, updated_at: nowDb() });
    await audit(trx, caller, { action: approve ? 'approve' : 'reject', entity: 'count', entityId: id, details: { note } });
    return presentTask(trx, caller, await loadTask(trx, id));
  });
}
