import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Caller } from '../auth/principal';
import { AppError, Conflict, NotFound } from '../http/errors';
import { whereOwner } from '../auth/scope';
import { presentParcels } from './parcels.service';
import { verifyPackScans, type ExpectedItem, type ResolvedScan } from './scans';
import { suggestCarton } from './cartonize';
import { itemsToPack } from './pack.service';
import { stationCartons } from './stations.service';

/**
 * What the pack station and the put-wall terminal look up by scan: a tote (a picked batch), an
 * order by number, and the check of each pack scan. Reads only: packing itself is pack.service.
 */

/** Codes arrive as scanned or typed: trimmed, upper case, full-width forms folded. */
const normalize = (code: string) => code.normalize('NFKC').trim().toUpperCase();

async function toteBatch(db: Tx, code: string) {
  return db('wave_batches')
    .join('locations', 'locations.id', 'wave_batches.tote_location_id')
    .join('waves', 'waves.id', 'wave_batches.wave_id')
    .where('locations.code', normalize(code))
    .where('locations.type', 'tote')
    .first('wave_batches.*', 'locations.code as tote_code', 'waves.temperature', 'waves.status as wave_status');
}

async function presentTote(db: Tx, caller: Caller, b: any) {
  const q = db('wave_orders')
    .join('orders', 'orders.id', 'wave_orders.order_id')
    .where('wave_orders.batch_id', b.id)
    .whereNot('wave_orders.status', 'cancelled')
    .orderBy([{ column: 'wave_orders.slot_no' }, { column: 'wave_orders.id' }])
    .select('wave_orders.*', 'orders.external_id', 'orders.status as order_status', 'orders.owner_id');
  whereOwner(q, caller.principal, 'orders.owner_id');
  const rows = await q;
  const multi = b.kind === 'multi';
  return {
    toteCode: b.tote_code as string,
    waveId: Number(b.wave_id),
    batchNo: Number(b.batch_no),
    kind: b.kind as 'single' | 'multi',
    status: b.status as string,
    picker: (b.picker as string | null) ?? null,
    temperature: b.temperature as string,
    orders: rows.map((r: any) => {
      const packed = ['packed', 'shipped'].includes(r.order_status);
      return {
        orderId: Number(r.order_id),
        externalId: r.external_id as string,
        status: r.order_status as string,
        slotNo: r.slot_no === null || r.slot_no === undefined ? null : Number(r.slot_no),
        units: Number(r.units),
        sortedUnits: Number(r.sorted_units),
        readyToPack: !packed && r.order_status === 'picked' && (!multi || r.status === 'ready'),
        packed,
      };
    }),
  };
}

export async function getTote(ctx: AppContext, caller: Caller, code: string) {
  const b = await toteBatch(ctx.db, code);
  if (!b) throw new AppError(404, 'NOT_FOUND', `No tote ${code.trim()}: scan the tote label of a picked batch`);
  return presentTote(ctx.db, caller, b);
}

/** Units of the order that are in hand for packing (picked), or packed already, by SKU. */
async function orderItems(db: Tx, orderId: number, statuses: string[]): Promise<ExpectedItem[]> {
  const rows = await db('allocations')
    .join('skus', 'skus.id', 'allocations.sku_id')
    .where('allocations.order_id', orderId)
    .whereIn('allocations.status', statuses)
    .groupBy('allocations.sku_id', 'skus.sku_code', 'skus.name')
    .select('allocations.sku_id', 'skus.sku_code', 'skus.name')
    .sum({ qty: 'allocations.picked_qty' });
  return rows.map((r: any) => ({ skuId: Number(r.sku_id), skuCode: r.sku_code, name: r.name, qty: Number(r.qty) }));
}

async function leftToPack(db: Tx, orderId: number): Promise<ExpectedItem[]> {
  const bySku = new Map<number, ExpectedItem>();
  for (const it of await itemsToPack(db, orderId)) {
    const e = bySku.get(it.sku_id) ?? { skuId: it.sku_id, skuCode: it.sku_code, name: it.name, qty: 0 };
    e.qty += it.picked_qty;
    bySku.set(it.sku_id, e);
  }
  return [...bySku.values()];
}

async function findOrder(db: Tx, caller: Caller, code: string) {
  const c = code.trim().replace(/^#/, '');
  const q = db('orders').orderBy('id', 'desc').limit(5);
  whereOwner(q, caller.principal);
  if (/^\d{1,9}$/.test(c)) q.where((w) => w.where('id', Number(c)).orWhere('external_id', c));
  else q.where('external_id', c);
  const rows = await q;
  // a number that is both an id and an external number: the external number is what is printed on slips
  return rows.find((r: any) => r.external_id === c) ?? rows[0] ?? null;
}

async function packOrderView(db: Tx, caller: Caller, order: any, stationId: number | undefined) {
  if (order.status === 'cancelled') throw new Conflict('ORDER_CANCELLED', `Order ${order.external_id} was cancelled: put its items back`);
  if (order.intercept) throw new Conflict('ORDER_INTERCEPTED', `Order ${order.external_id} is intercepted: do not ship it`);
  const packed = ['packed', 'shipped'].includes(order.status);
  if (!packed && order.status !== 'picked') throw new Conflict('ORDER_NOT_PICKED', `Order ${order.external_id} is ${order.status}: it is not picked yet`);
  const slot = await db('wave_orders')
    .join('wave_batches', 'wave_batches.id', 'wave_orders.batch_id')
    .where('wave_orders.order_id', order.id)
    .whereNot('wave_orders.status', 'cancelled')
    .orderBy('wave_orders.id', 'desc')
    .first('wave_orders.*', 'wave_batches.batch_no', 'wave_batches.kind');
  if (!packed && slot && slot.kind === 'multi' && slot.status !== 'ready') {
    throw new Conflict('ORDER_NOT_SORTED', `Order ${order.external_id} is not complete in put-wall slot ${slot.slot_no}: ${slot.sorted_units} of ${slot.units} units sorted`);
  }
  // a split order part packed shows what is left for its next carton
  const expected = packed ? await orderItems(db, Number(order.id), ['packed', 'shipped']) : await leftToPack(db, Number(order.id));
  const skuIds = expected.map((e) => e.skuId);
  const [skus, barcodes, owner, parcelRows, cartons] = await Promise.all([
    db('skus').whereIn('id', skuIds).select('id', 'spec', 'weight_g', 'length_mm', 'width_mm', 'height_mm', 'temperature'),
    db('sku_barcodes').whereIn('sku_id', skuIds).orderBy(['sku_id', 'position']).select('sku_id', 'barcode', 'qty'),
    db('owners').where({ id: order.owner_id }).first('name'),
    db('parcels').where({ order_id: order.id }).orderBy('id'),
    stationCartons(db, stationId),
  ]);
  const skuOf = new Map(skus.map((s: any) => [Number(s.id), s]));
  const dim = (v: any) => (v === null || v === undefined ? null : Number(v));
  const items = expected.map((e) => {
    const s: any = skuOf.get(e.skuId) ?? {};
    return {
      skuId: e.skuId,
      skuCode: e.skuCode,
      name: e.name,
      spec: s.spec ?? null,
      imageUrl: null as string | null,
      qty: e.qty,
      weightG: Number(s.weight_g ?? 0),
      lengthMm: dim(s.length_mm),
      widthMm: dim(s.width_mm),
      heightMm: dim(s.height_mm),
      barcodes: barcodes.filter((b: any) => Number(b.sku_id) === e.skuId).map((b: any) => ({ barcode: b.barcode as string, units: Number(b.qty) })),
    };
  });
  const COLDER: Record<string, number> = { ambient: 0, chilled: 1, frozen: 2 };
  const temperature = skus.reduce((a: string, s: any) => (COLDER[s.temperature] > COLDER[a] ? s.temperature : a), 'ambient');
  const suggestion = suggestCarton(
    items.map((i) => ({ skuCode: i.skuCode, qty: i.qty, weightG: i.weightG, lengthMm: i.lengthMm, widthMm: i.widthMm, heightMm: i.heightMm })),
    cartons,
  );
  return {
    orderId: Number(order.id),
    externalId: order.external_id as string,
    ownerId: Number(order.owner_id),
    ownerName: (owner?.name as string) ?? '',
    status: order.status as string,
    waveId: slot ? Number(slot.wave_id) : null,
    batchNo: slot ? Number(slot.batch_no) : null,
    slotNo: slot?.slot_no === null || slot?.slot_no === undefined ? null : Number(slot.slot_no),
    temperature,
    units: items.reduce((n, i) => n + i.qty, 0),
    itemsWeightG: items.reduce((n, i) => n + i.qty * i.weightG, 0),
    items,
    cartons: {
      suggested: suggestion.suggested,
      reason: suggestion.reason,
      options: suggestion.options.map((o) => ({ code: o.code, name: o.name, lengthMm: o.lengthMm, widthMm: o.widthMm, heightMm: o.heightMm, maxWeightG: o.maxWeightG, tareG: o.tareG, fits: o.fits, why: o.why })),
    },
    parcels: await presentParcels(db, parcelRows),
  };
}

export interface LookupInput {
  code: string;
  barcode?: string;
  slot?: number;
  stationId?: number;
}

/**
 * A pack station's scan: an order number opens the order; a tote code answers the tote, and with
 * a slot (multi-unit batch) or an item barcode (single-unit batch) the order to pack from it.
 */
export async function packLookup(ctx: AppContext, caller: Caller, input: LookupInput) {
  const db = ctx.db;
  const batch = await toteBatch(db, input.code);
  if (batch) {
    const tote = await presentTote(db, caller, batch);
    if (input.slot !== undefined) {
      const o = tote.orders.find((x) => x.slotNo === input.slot);
      if (!o) throw new AppError(404, 'NOT_FOUND', `Tote ${tote.toteCode} has no slot ${input.slot}`);
      return { kind: 'order' as const, order: await packOrderView(db, caller, await db('orders').where({ id: o.orderId }).first(), input.stationId) };
    }
    if (input.barcode) {
      const waiting = tote.orders.filter((o) => o.readyToPack).map((o) => o.orderId);
      const hit = waiting.length
        ? await db('allocations')
            .join('sku_barcodes', 'sku_barcodes.sku_id', 'allocations.sku_id')
            .whereIn('allocations.order_id', waiting)
            .where('allocations.status', 'picked')
            .where('sku_barcodes.barcode', input.barcode.trim())
            .orderBy('allocations.order_id')
            .first('allocations.order_id')
        : null;
      if (!hit) throw new Conflict('NOTHING_TO_PACK', `No order of tote ${tote.toteCode} waiting to be packed has ${input.barcode.trim()}`);
      const order = await db('orders').where({ id: hit.order_id }).first();
      return { kind: 'order' as const, order: await packOrderView(db, caller, order, input.stationId) };
    }
    return { kind: 'tote' as const, tote };
  }
  const order = await findOrder(db, caller, input.code);
  if (!order) throw new AppError(404, 'NOT_FOUND', `Nothing has the number ${input.code.trim()}: scan a tote label or an order number`);
  return { kind: 'order' as const, order: await packOrderView(db, caller, order, input.stationId) };
}

/**
 * The pack scan check, stateless: the station sends every scan so far, the newest last; the answer
 * says whether the newest one belongs (it is dropped if not) and how far each line is.
 */
export async function verifyScans(ctx: AppContext, caller: Caller, orderId: number, scans: string[]) {
  const db = ctx.db;
  const q = db('orders').where({ id: orderId });
  whereOwner(q, caller.principal);
  const order = await q.first('id', 'owner_id', 'status', 'external_id');
  if (!order) throw new NotFound('order');
  const packed = ['packed', 'shipped'].includes(order.status);
  const expected = packed ? await orderItems(db, orderId, ['packed', 'shipped']) : await leftToPack(db, orderId);
  const codes = [...new Set(scans.map((s) => s.trim()))];
  const [hits, bySkuCode] = await Promise.all([
    codes.length ? db('sku_barcodes').where({ owner_id: order.owner_id }).whereIn('barcode', codes).select('barcode', 'sku_id', 'qty') : [],
    codes.length ? db('skus').where({ owner_id: order.owner_id }).whereIn('sku_code', codes).select('sku_code', 'id') : [],
  ]);
  const resolve = (barcode: string): ResolvedScan => {
    const c = barcode.trim();
    const h: any = hits.find((x: any) => x.barcode === c);
    if (h) return { barcode, skuId: Number(h.sku_id), perScan: Number(h.qty) };
    const s: any = bySkuCode.find((x: any) => x.sku_code === c);
    return { barcode, skuId: s ? Number(s.id) : null, perScan: 1 };
  };
  const resolved = scans.map(resolve);
  const problems = verifyPackScans(expected, resolved);
  const counted = new Map<number, number>();
  for (const r of resolved) if (r.skuId !== null && expected.some((e) => e.skuId === r.skuId)) counted.set(r.skuId, (counted.get(r.skuId) ?? 0) + r.perScan);
  let last = null;
  if (resolved.length) {
    const r = resolved[resolved.length - 1];
    const line = expected.find((e) => e.skuId === r.skuId);
    const sku = r.skuId === null ? null : line ? line.skuCode : ((await db('skus').where({ id: r.skuId }).first('sku_code'))?.sku_code ?? null);
    let message: string | null = null;
    if (r.skuId === null) message = `${r.barcode.trim()} is not a product of this order's owner`;
    else if (!line) message = `${sku} is not in order ${order.external_id}`;
    else if ((counted.get(r.skuId) ?? 0) > line.qty) message = `${line.skuCode} ${line.name}: the order has ${line.qty}, this one is extra`;
    last = { barcode: r.barcode, accepted: message === null, skuCode: sku, units: r.perScan, message };
  }
  return {
    lines: expected.map((e) => ({ skuId: e.skuId, skuCode: e.skuCode, name: e.name, qty: e.qty, scanned: counted.get(e.skuId) ?? 0 })),
    complete: problems.length === 0,
    last,
    problems,
  };
}
