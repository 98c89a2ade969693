import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Trx } from '../db/transaction';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { BusinessRule, Conflict, NotFound } from '../http/errors';
import { paginate, PageParams } from '../db/cursor';
import { visibleOwnerId } from '../auth/scope';
import { audit } from '../audit';
import { actorOf } from '../orders/orders.model';
import { deriveLayout, planWave, pickAt, Layout, Point, RoutePick } from './routing';
import { replenishAfterWave } from '../allocation/replenish';
import { candidatesFor } from '../carriers/select.service';
import { chooseCarrier, type CarrierCandidate, type Temperature } from '../carriers/selection';

/**
 * Waves: allocated orders of one temperature class released to the floor together. Single-unit
 * orders go into bulk batches (no sorting: each picked unit is a finished order); multi-unit
 * orders into batches of at most as many orders as the put-wall has slots, each order a slot.
 * Orders are batched so that picks close together go together, and each batch's tasks are in
 * the router's walking order (Ratliff–Rosenthal: the shortest route over aisles and cross-aisles).
 */

const COLD_ORDER = ['ambient', 'chilled', 'frozen'];
const DEFAULT_MAX_ORDERS = 200;
const DEFAULT_MAX_UNITS = 2000;
const SINGLE_BATCH = { maxOrders: 100, maxUnits: 100 };
const MULTI_BATCH_UNITS = 200;

export interface WaveInput {
  orderIds?: number[];
  maxOrders?: number;
  maxUnits?: number;
  temperature?: string;
  carrierCode?: string;
}

/** The warehouse layout for routing, from the locations' coordinates; the depot is the put-wall (else the dock). */
async function layoutOf(trx: Tx): Promise<{ layout: Layout; depot: Point; slots: number; zoneId: number | null }> {
  const rows = await trx('locations').whereIn('type', ['pick', 'bulk', 'putwall', 'dock']).where('status', 'active').select('id', 'code', 'x_cm', 'y_cm', 'pick_seq', 'type', 'zone_id');
  const putwall = rows.filter((r: any) => r.type === 'putwall');
  const anchor = putwall.find((r: any) => r.x_cm != null) ?? rows.find((r: any) => r.type === 'dock' && r.x_cm != null);
  const depot = anchor ? { x: Number(anchor.x_cm), y: Number(anchor.y_cm ?? 0) } : { x: 0, y: 0 };
  const layout = deriveLayout(
    rows.map((r: any) => ({ id: Number(r.id), code: r.code, xCm: r.x_cm == null ? null : Number(r.x_cm), yCm: r.y_cm == null ? null : Number(r.y_cm), pickSeq: r.pick_seq, type: r.type })),
    depot,
  );
  return { layout, depot, slots: Math.max(putwall.length, 1) > 1 ? putwall.length : 24, zoneId: (putwall[0] ?? rows[0])?.zone_id ?? null };
}

/** A tote is a location of the ledger: picked units sit in it between the pick face and packing. */
async function makeTote(trx: Trx, waveId: number, batchNo: number, zoneId: number, at: Point): Promise<number> {
  const zone = await trx('zones').where({ id: zoneId }).first('warehouse_id');
  const now = nowDb();
  const [id] = await trx('locations').insert({ warehouse_id: zone.warehouse_id, zone_id: zoneId, code: `TOTE-W${waveId}-${batchNo}`, type: 'tote', x_cm: at.x, y_cm: at.y, pick_seq: null, status: 'active', created_at: now, updated_at: now });
  return Number(id);
}

/** The carrier the rules would choose for each order now (memoised; candidates loaded once per owner). */
async function carrierPlanner(trx: Tx, orders: any[], classOf: Map<number, string>, gramsOf: Map<number, number>) {
  const byId = new Map(orders.map((o: any) => [Number(o.id), o]));
  const candidates = new Map<number, CarrierCandidate[]>();
  const memo = new Map<number, string | null>();
  return async (id: number): Promise<string | null> => {
    if (memo.has(id)) return memo.get(id)!;
    const o = byId.get(id);
    const owner = Number(o.owner_id);
    if (!candidates.has(owner)) candidates.set(owner, await candidatesFor(trx, owner));
    const coldest = classOf.get(id) ?? 'ambient';
    const temperature = (coldest === 'ambient' && Number(o.cold_chain) ? 'chilled' : coldest) as Temperature;
    const choice = chooseCarrier(candidates.get(owner)!, { province: o.province ?? null, city: o.city ?? null, weightG: Math.max(gramsOf.get(id) ?? 0, 1), temperature });
    const code = choice.carrier?.code ?? null;
    memo.set(id, code);
    return code;
  };
}

export async function createWave(ctx: AppContext, caller: Caller, input: WaveInput) {
  return inTransaction(ctx.db, async (trx) => {
    const owner = visibleOwnerId(caller.principal);
    // named orders are loaded whatever their status, so that each one not ready is named in the refusal
    const q = trx('orders').orderBy('id').forUpdate();
    if (owner !== null) q.where('owner_id', owner);
    if (input.orderIds) q.whereIn('id', input.orderIds);
    else q.where('status', 'allocated').whereNull('wave_id').limit(5000);
    const found = await q.select('id', 'external_id', 'status', 'owner_id', 'wave_id', 'version', 'province', 'city', 'cold_chain');
    if (input.orderIds) {
      const missing = input.orderIds.filter((id) => !found.some((o: any) => Number(o.id) === id));
      if (missing.length) throw new NotFound(`order ${missing.join(', ')}`);
      const inWave = found.filter((o: any) => o.wave_id || ['in_wave', 'picked', 'packed', 'shipped'].includes(o.status));
      if (inWave.length) throw new Conflict('ORDER_IN_WAVE', `Already in a wave: ${inWave.map((o: any) => o.external_id).join(', ')}`, inWave.map((o: any) => ({ field: 'orderIds', code: 'in_wave', message: `order ${o.id} is ${o.status}` })));
      const notReady = found.filter((o: any) => o.status !== 'allocated');
      if (notReady.length) throw new Conflict('ORDER_NOT_ALLOCATED', `Not allocated: ${notReady.map((o: any) => `${o.external_id} (${o.status})`).join(', ')}`, notReady.map((o: any) => ({ field: 'orderIds', code: 'not_allocated', message: `order ${o.id} is ${o.status}` })));
    }
    if (!found.length) throw new BusinessRule('NO_ORDERS', 'No allocated orders are waiting for a wave');
    const ids = found.map((o: any) => Number(o.id));
    const allocs: any[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      allocs.push(
        ...(await trx('allocations').join('skus', 'skus.id', 'allocations.sku_id').whereIn('allocations.order_id', ids.slice(i, i + 500)).where('allocations.status', 'open')
          .select('allocations.*', 'skus.temperature', 'skus.weight_g')),
      );
    }
    // an order's class is its coldest SKU's: a frozen line makes a frozen pick
    const classOf = new Map<number, string>();
    const unitsOf = new Map<number, number>();
    const gramsOf = new Map<number, number>();
    for (const a of allocs) {
      const id = Number(a.order_id);
      const cur = classOf.get(id) ?? 'ambient';
      classOf.set(id, COLD_ORDER.indexOf(a.temperature) > COLD_ORDER.indexOf(cur) ? a.temperature : cur);
      unitsOf.set(id, (unitsOf.get(id) ?? 0) + a.qty);
      gramsOf.set(id, (gramsOf.get(id) ?? 0) + a.qty * Number(a.weight_g ?? 0));
    }
    const carrierOf = await carrierPlanner(trx, found, classOf, gramsOf);
    const temperature = input.temperature ?? classOf.get(ids[0]) ?? 'ambient';
    if (input.orderIds) {
      const other = ids.filter((id) => (classOf.get(id) ?? 'ambient') !== temperature);
      if (other.length) throw new BusinessRule('MIXED_TEMPERATURE', `A wave is one temperature class (${temperature}); orders ${other.join(', ')} are not`);
    }
    // A wave is one carrier's too: named, or the carrier the rules would choose for its first
    // order. Orders are grouped by the carrier the rules choose for them now (destination,
    // estimated weight, temperature, owner preference); the carrier is chosen again at pack with
    // the weighed parcel.
    const eligible = ids.filter((id) => (classOf.get(id) ?? 'ambient') === temperature && unitsOf.get(id));
    const carrierCode = input.carrierCode ?? (input.orderIds ? null : eligible.length ? await carrierOf(eligible[0]) : null);
    if (input.orderIds && input.carrierCode) {
      const other: Array<{ id: number; code: string | null }> = [];
      for (const id of ids) {
        const code = await carrierOf(id);
        if (code !== input.carrierCode) other.push({ id, code });
      }
      if (other.length) {
        throw new BusinessRule(
          'MIXED_CARRIER',
          `A wave for ${input.carrierCode} takes only orders the rules give to ${input.carrierCode}; not: ${other.map((o) => `${o.id} (${o.code ?? 'no carrier'})`).join(', ')}`,
          other.map((o) => ({ field: 'orderIds', code: 'other_carrier', message: `order ${o.id} goes to ${o.code ?? 'no carrier'}` })),
        );
      }
    }
    const maxOrders = input.maxOrders ?? (input.orderIds ? input.orderIds.length : DEFAULT_MAX_ORDERS);
    const maxUnits = input.maxUnits ?? DEFAULT_MAX_UNITS;
    const chosen: number[] = [];
    let units = 0;
    for (const id of eligible) {
      if (!input.orderIds && (await carrierOf(id)) !== carrierCode) continue;
      if (chosen.length >= maxOrders || units + unitsOf.get(id)! > maxUnits) break;
      chosen.push(id);
      units += unitsOf.get(id)!;
    }
    if (!chosen.length) throw new BusinessRule('NO_ORDERS', `No allocated ${temperature} orders${input.carrierCode ? ` for ${input.carrierCode}` : ''} are waiting for a wave`);

    const { layout, depot, slots, zoneId } = await layoutOf(trx);
    const now = nowDb();
    const actor = actorOf(caller.principal);
    const [waveId] = await trx('waves').insert({ status: 'released', temperature, carrier_code: input.carrierCode ?? carrierCode, order_count: chosen.length, unit_count: units, route_cm: 0, created_by: actor, created_at: now, updated_at: now });
    const chosenSet = new Set(chosen);
    const byOrder = new Map<number, any[]>();
    for (const a of allocs) if (chosenSet.has(Number(a.order_id))) byOrder.set(Number(a.order_id), [...(byOrder.get(Number(a.order_id)) ?? []), a]);
    type Pick = RoutePick & { alloc: any };
    const orderOf = (id: number) => ({ id, units: unitsOf.get(id)!, picks: byOrder.get(id)!.map((a) => Object.assign(pickAt(layout, Number(a.location_id), `a${a.id}`), { alloc: a }) as Pick) });
    const singles = chosen.filter((id) => unitsOf.get(id) === 1).map(orderOf);
    const multis = chosen.filter((id) => unitsOf.get(id)! > 1).map(orderOf);
    const plans = [
      ...planWave(layout, singles, SINGLE_BATCH, depot).map((b) => ({ ...b, kind: 'single' as const })),
      ...planWave(layout, multis, { maxOrders: slots, maxUnits: MULTI_BATCH_UNITS }, depot).map((b) => ({ ...b, kind: 'multi' as const })),
    ];
    let routeCm = 0;
    for (const [i, plan] of plans.entries()) {
      const batchNo = i + 1;
      const tote = await makeTote(trx, Number(waveId), batchNo, zoneId ?? (await trx('locations').where({ id: plan.route[0].alloc.location_id }).first('zone_id')).zone_id, depot);
      const [batchId] = await trx('wave_batches').insert({ wave_id: waveId, batch_no: batchNo, kind: plan.kind, tote_location_id: tote, picker: null, status: 'open', route_cm: Math.round(plan.length), created_at: now, updated_at: now });
      routeCm += Math.round(plan.length);
      // one task per location × SKU × lot, in walking order; the allocations it serves point at it
      const tasks = new Map<string, { seq: number; a: any; qty: number; allocIds: number[] }>();
      for (const p of plan.route as Pick[]) {
        const a = p.alloc;
        const key = `${a.location_id}/${a.sku_id}/${a.lot_id}`;
        const t = tasks.get(key) ?? { seq: tasks.size + 1, a, qty: 0, allocIds: [] };
        t.qty += a.qty;
        t.allocIds.push(Number(a.id));
        tasks.set(key, t);
      }
      for (const t of tasks.values()) {
        const [taskId] = await trx('pick_tasks').insert({ kind: 'pick', wave_id: waveId, batch_id: batchId, seq: t.seq, owner_id: t.a.owner_id, sku_id: t.a.sku_id, lot_id: t.a.lot_id, location_id: t.a.location_id, to_location_id: tote, qty: t.qty, done_qty: 0, status: 'open', picker: null, created_at: now, updated_at: now });
        await trx('allocations').whereIn('id', t.allocIds).update({ pick_task_id: taskId, updated_at: now });
      }
      await trx('wave_orders').insert(plan.orderIds.map((orderId, k) => ({ wave_id: waveId, batch_id: batchId, order_id: orderId, slot_no: plan.kind === 'multi' ? k + 1 : null, units: unitsOf.get(orderId)!, sorted_units: 0, status: 'open' })));
    }
    await trx('waves').where({ id: waveId }).update({ route_cm: routeCm });
    for (let i = 0; i < chosen.length; i += 500) {
      const chunk = chosen.slice(i, i + 500);
      await trx('orders').whereIn('id', chunk).update({ status: 'in_wave', wave_id: waveId, updated_at: now, version: trx.raw('version + 1') });
      await trx('order_events').insert(chunk.map((id) => ({ order_id: id, event: 'in_wave', from_status: 'allocated', to_status: 'in_wave', actor, message: `wave ${waveId}`, created_at: now })));
    }
    const replenishments = await replenishAfterWave(trx, Number(waveId));
    await audit(trx, caller, { action: 'release', entity: 'wave', entityId: waveId, details: { orders: chosen.length, units, temperature, batches: plans.length, replenishments } });
    return presentWave(trx, Number(waveId), true);
  });
}

export async function presentTasks(db: Tx, where: (q: any) => void) {
  const q = db('pick_tasks')
    .join('wave_batches', 'wave_batches.id', 'pick_tasks.batch_id')
    .join('skus', 'skus.id', 'pick_tasks.sku_id')
    .join('lots', 'lots.id', 'pick_tasks.lot_id')
    .join('locations', 'locations.id', 'pick_tasks.location_id')
    .join('locations as dest', 'dest.id', 'pick_tasks.to_location_id')
    .select('pick_tasks.*', 'wave_batches.batch_no', 'wave_batches.kind as batch_kind', 'skus.sku_code', 'skus.name as sku_name', 'skus.spec', 'skus.lot_tracked', 'lots.lot_no', 'lots.expires_at', 'locations.code as location_code', 'dest.code as to_location_code');
  where(q);
  return q;
}

export function presentTask(t: any) {
  return {
    id: Number(t.id),
    kind: t.kind as 'pick' | 'putback',
    waveId: Number(t.wave_id),
    batchNo: t.batch_no,
    batchKind: t.batch_kind,
    seq: t.seq,
    locationCode: t.location_code,
    toLocationCode: t.to_location_code,
    skuCode: t.sku_code,
    skuName: t.sku_name,
    spec: t.spec ?? null,
    lotNo: t.lot_no,
    lotTracked: !!t.lot_tracked,
    expiresAt: t.expires_at ?? null,
    qty: t.qty,
    pickedQty: t.done_qty,
    status: t.status,
    picker: t.picker ?? null,
  };
}

/** Waves with their batches, orders and tasks, loaded for the whole page at once (tasks counted unless `withTasks`). */
export async function presentWaves(db: Tx, rows: any[], withTasks = false) {
  if (!rows.length) return [];
  const ids = rows.map((w) => Number(w.id));
  const orders = await db('wave_orders').join('wave_batches', 'wave_batches.id', 'wave_orders.batch_id').join('orders', 'orders.id', 'wave_orders.order_id').whereIn('wave_orders.wave_id', ids)
    .orderBy(['wave_batches.batch_no', 'wave_orders.slot_no', 'wave_orders.id'])
    .select('wave_orders.*', 'wave_batches.batch_no', 'orders.external_id', 'orders.status as order_status');
  const batches = await db('wave_batches').join('locations', 'locations.id', 'wave_batches.tote_location_id').whereIn('wave_batches.wave_id', ids).orderBy('batch_no').select('wave_batches.*', 'locations.code as tote_code');
  const tasks: any[] = withTasks
    ? await presentTasks(db, (q) => q.whereIn('pick_tasks.wave_id', ids).orderBy(['wave_batches.batch_no', 'pick_tasks.seq', 'pick_tasks.id']))
    : await db('pick_tasks').whereIn('wave_id', ids).select('id', 'wave_id', 'batch_id', 'kind', 'done_qty');
  const of = <T extends { wave_id: unknown }>(list: T[], id: number) => list.filter((x) => Number(x.wave_id) === id);
  return rows.map((w) => {
    const id = Number(w.id);
    const mine = of(tasks, id);
    return {
      id,
      status: w.status,
      temperature: w.temperature,
      carrierCode: w.carrier_code ?? null,
      orderCount: w.order_count,
      unitCount: w.unit_count,
      pickedUnits: mine.filter((t) => t.kind === 'pick').reduce((sum: number, t) => sum + t.done_qty, 0),
      routeMetres: Math.round(w.route_cm / 100),
      createdBy: w.created_by,
      createdAt: toIso(w.created_at),
      completedAt: toIso(w.completed_at),
      batches: of(batches, id).map((b: any) => ({
        batchNo: b.batch_no,
        kind: b.kind,
        toteCode: b.tote_code,
        picker: b.picker ?? null,
        status: b.status,
        routeMetres: Math.round(b.route_cm / 100),
        tasks: mine.filter((t) => t.batch_id === b.id).length,
      })),
      orders: of(orders, id).map((o: any) => ({ orderId: Number(o.order_id), externalId: o.external_id, status: o.order_status, batchNo: o.batch_no, slotNo: o.slot_no ?? null, units: o.units, sortedUnits: o.sorted_units, slotStatus: o.status })),
      tasks: withTasks ? mine.map(presentTask) : mine.length,
    };
  });
}

export async function presentWave(db: Tx, id: number, withTasks = false) {
  const w = await db('waves').where({ id }).first();
  if (!w) throw new NotFound('wave');
  return (await presentWaves(db, [w], withTasks))[0];
}

export async function getWave(ctx: AppContext, caller: Caller, id: number) {
  await assertWaveVisible(ctx.db, caller, id);
  return presentWave(ctx.db, id, true);
}

/** A seller sees a wave only when it holds one of its orders. */
async function assertWaveVisible(db: Tx, caller: Caller, id: number) {
  const owner = visibleOwnerId(caller.principal);
  if (owner === null) return;
  const hit = await db('wave_orders').join('orders', 'orders.id', 'wave_orders.order_id').where('wave_orders.wave_id', id).where('orders.owner_id', owner).first('wave_orders.id');
  if (!hit) throw new NotFound('wave');
}

export async function listWaves(ctx: AppContext, filter: PageParams & { status?: string }) {
  const q = ctx.db('waves').select('*');
  if (filter.status) q.whereIn('status', filter.status.split(','));
  const page = await paginate<any>(q, filter);
  return { items: await presentWaves(ctx.db, page.items), nextCursor: page.nextCursor };
}
