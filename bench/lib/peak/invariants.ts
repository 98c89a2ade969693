import type { Db } from '../../../server/db/knex';
import type { FakePlatform } from '../../../tests/helpers/fakes/types';
import type { Coop, DayOrder } from './day';

/**
 * What must hold after a peak day, read from the database and the fakes' own records:
 *
 * - stock: for every SKU and lot, received + adjusted − shipped = on hand, no figure below zero,
 *   never more allocated than on hand (nothing oversold);
 * - every shipped order has exactly one non-void waybill, on exactly one manifest the carrier
 *   received, shipped exactly the units ordered, and was written back to its store once (the
 *   platform holds one shipment with that waybill);
 * - nothing lost: every order the stores sold is here, and is shipped, cancelled, or (cancelled
 *   after packing) intercepted with its parcel voided; nothing done twice: an order in at most one
 *   live wave, each label printed once.
 */

export interface Invariants {
  ok: boolean;
  checked: string[];
  failures: string[];
  stuck: number;
}

const n = (v: unknown) => Number(v ?? 0);

export async function checkInvariants(db: Db, ctx: { generated: DayOrder[]; stores: FakePlatform[]; coops: Coop[]; labelDuplicates?: number }): Promise<Invariants> {
  const failures: string[] = [];
  const checked: string[] = [];
  const note = (ok: boolean, what: string, detail: () => string) => {
    checked.push(what);
    if (!ok) failures.push(`${what}: ${detail()}`);
  };

  // --- stock, per SKU and lot ---
  const moves = await db('stock_movements').groupBy('sku_id', 'lot_id', 'kind').select('sku_id', 'lot_id', 'kind').sum({ q: 'qty_delta' });
  const stock = await db('inventory').groupBy('sku_id', 'lot_id').select('sku_id', 'lot_id').sum({ on_hand: 'on_hand' }).sum({ allocated: 'allocated' });
  const key = (r: any) => `${r.sku_id}/${r.lot_id}`;
  const byKey = new Map<string, { received: number; shipped: number; adjusted: number; onHand: number }>();
  const slot = (k: string) => byKey.get(k) ?? byKey.set(k, { received: 0, shipped: 0, adjusted: 0, onHand: 0 }).get(k)!;
  for (const m of moves as any[]) {
    const s = slot(key(m));
    if (m.kind === 'receipt') s.received += n(m.q);
    else if (m.kind === 'ship') s.shipped -= n(m.q);
    else if (m.kind === 'adjustment' || m.kind === 'count') s.adjusted += n(m.q);
  }
  for (const r of stock as any[]) slot(key(r)).onHand = n(r.on_hand);
  const off = [...byKey.entries()].filter(([, s]) => s.received + s.adjusted - s.shipped !== s.onHand);
  note(off.length === 0, 'received + adjusted − shipped = on hand, per SKU and lot', () => `${off.length} SKU/lots differ, e.g. ${off.slice(0, 3).map(([k, s]) => `${k}: ${JSON.stringify(s)}`).join('; ')}`);
  const [neg] = (await db('inventory').where('on_hand', '<', 0).orWhere('allocated', '<', 0).orWhereRaw('allocated > on_hand').count({ c: '*' })) as any[];
  note(n(neg?.c) === 0, 'no stock row below zero or allocated beyond on hand (nothing oversold)', () => `${n(neg?.c)} rows`);

  // --- shipped units = the ledger's ship rows, per SKU ---
  const shippedItems = await db('parcel_items as pi')
    .join('parcels as p', 'p.id', 'pi.parcel_id')
    .join('orders as o', 'o.id', 'p.order_id')
    .where('o.status', 'shipped')
    .where('p.status', 'labelled')
    .groupBy('pi.sku_id')
    .select('pi.sku_id')
    .sum({ q: 'pi.qty' });
  const ledgerShip = new Map<number, number>();
  for (const m of moves as any[]) if (m.kind === 'ship') ledgerShip.set(n(m.sku_id), (ledgerShip.get(n(m.sku_id)) ?? 0) - n(m.q));
  const itemShip = new Map((shippedItems as any[]).map((r) => [n(r.sku_id), n(r.q)]));
  const skuDiff = [...new Set([...ledgerShip.keys(), ...itemShip.keys()])].filter((s) => (ledgerShip.get(s) ?? 0) !== (itemShip.get(s) ?? 0));
  note(skuDiff.length === 0, "units taken off stock as shipped = units in shipped parcels, per SKU", () => `${skuDiff.length} SKUs differ`);

  // --- every shipped order: one waybill, one received manifest line, the units ordered, written back once ---
  const shipped = await db('orders as o')
    .leftJoin('stores as s', 's.id', 'o.store_id')
    .where('o.status', 'shipped')
    .select('o.id', 'o.external_id', 'o.writeback_status', 'o.writeback_error', 's.platform');
  // the buyer cancelled on the platform after the parcel had left: the platform refuses the
  // write-back, and the WMS must show that (failed, with the platform's words), not hide it
  const cancelledAfter = new Set((await db('order_events').whereIn('event', ['cancel_after_ship', 'intercept_at_carrier']).select('order_id')).map((r: any) => n(r.order_id)));
  let flagged = 0;
  const parcels = await db('parcels as p').join('orders as o', 'o.id', 'p.order_id').where('o.status', 'shipped').where('p.status', 'labelled').select('p.id', 'p.order_id', 'p.waybill_no');
  const parcelsOf = new Map<number, any[]>();
  for (const p of parcels) (parcelsOf.get(n(p.order_id)) ?? parcelsOf.set(n(p.order_id), []).get(n(p.order_id))!).push(p);
  const lines = await db('manifest_parcels as mp').join('manifests as m', 'm.id', 'mp.manifest_id').join('orders as o', 'o.id', 'mp.order_id').where('o.status', 'shipped').where('mp.received', true).select('mp.parcel_id', 'm.status');
  const onManifests = new Map<number, string[]>();
  for (const l of lines) (onManifests.get(n(l.parcel_id)) ?? onManifests.set(n(l.parcel_id), []).get(n(l.parcel_id))!).push(l.status);
  const units = await db('parcel_items as pi').join('parcels as p', 'p.id', 'pi.parcel_id').join('orders as o', 'o.id', 'p.order_id').where('o.status', 'shipped').where('p.status', 'labelled').groupBy('o.external_id').select('o.external_id').sum({ q: 'pi.qty' });
  const unitsOf = new Map((units as any[]).map((r) => [String(r.external_id), n(r.q)]));
  const byExt = new Map(ctx.generated.map((d) => [d.id, d]));
  const atPlatform = new Map<string, Array<{ trackingNo: string }>>();
  for (const f of ctx.stores) for (const s of f.shipments) (atPlatform.get(s.orderId) ?? atPlatform.set(s.orderId, []).get(s.orderId)!).push(s);
  const bad = { waybills: [] as string[], manifest: [] as string[], units: [] as string[], writeback: [] as string[], platform: [] as string[] };
  for (const o of shipped as any[]) {
    const ps = parcelsOf.get(n(o.id)) ?? [];
    if (ps.length !== 1) {
      bad.waybills.push(o.external_id);
      continue;
    }
    const on = onManifests.get(n(ps[0].id)) ?? [];
    if (on.length !== 1 || !['handed_over', 'disputed'].includes(on[0])) bad.manifest.push(o.external_id);
    const d = byExt.get(o.external_id);
    if (d && unitsOf.get(o.external_id) !== d.units.length) bad.units.push(o.external_id);
    if (o.platform && cancelledAfter.has(n(o.id)) && o.writeback_status !== 'done') {
      if (o.writeback_status === 'failed' && o.writeback_error) flagged++;
      else bad.writeback.push(`${o.external_id} (cancelled after shipping, write-back ${o.writeback_status} without a reason)`);
      continue;
    }
    if (o.platform && o.writeback_status !== 'done') bad.writeback.push(`${o.external_id} (${o.writeback_status}: ${String(o.writeback_error ?? '').slice(0, 120)})`);
    if (o.platform) {
      const got = (atPlatform.get(o.external_id) ?? []).filter((s) => s.trackingNo === ps[0].waybill_no);
      if (got.length !== 1) bad.platform.push(`${o.external_id} (${got.length})`);
    }
  }
  const ex = (xs: string[]) => `${xs.length}, e.g. ${xs.slice(0, 5).join(', ')}`;
  note(!bad.waybills.length, 'every shipped order has exactly one non-void waybill', () => ex(bad.waybills));
  note(!bad.manifest.length, '… on exactly one manifest the carrier received', () => ex(bad.manifest));
  note(!bad.units.length, '… holding exactly the units ordered', () => ex(bad.units));
  note(!bad.writeback.length, `… written back (writeback done), or, cancelled by the buyer after it left (${flagged} orders), its write-back failed with the platform's reason for a person to act on`, () => ex(bad.writeback));
  note(!bad.platform.length, '… and the store holds exactly one shipment with that waybill', () => ex(bad.platform));

  // --- nothing lost, nothing done twice ---
  const known = new Set((await db('orders').select('external_id')).map((r: any) => String(r.external_id)));
  const sold = ctx.generated.filter((d) => d.cancelAt === null);
  const lost = sold.filter((d) => !known.has(d.id)).map((d) => d.id);
  note(lost.length === 0, 'every order sold (and not cancelled) is in the WMS', () => ex(lost));
  const rows = await db('orders').select('id', 'external_id', 'status', 'intercept');
  const voided = new Set((await db('parcels').where({ status: 'voided' }).select('order_id')).map((r: any) => n(r.order_id)));
  const live = new Set((await db('parcels').where({ status: 'labelled' }).select('order_id')).map((r: any) => n(r.order_id)));
  const stuck = (rows as any[]).filter((r) => !(r.status === 'shipped' || r.status === 'cancelled' || (Number(r.intercept) && (!live.has(n(r.id)) || voided.has(n(r.id))))));
  note(stuck.length === 0, 'no order stuck (every one shipped, cancelled, or intercepted with its parcel voided)', () => `${stuck.length}: ${Object.entries(stuck.reduce((a: Record<string, number>, r: any) => ((a[r.status] = (a[r.status] ?? 0) + 1), a), {})).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  const twice = await db('wave_orders').whereNot('status', 'cancelled').groupBy('order_id').havingRaw('count(*) > 1').select('order_id');
  note(twice.length === 0, 'no order in two live waves', () => `${twice.length} orders`);
  if (ctx.labelDuplicates !== undefined) note(ctx.labelDuplicates === 0, 'no waybill label printed twice', () => `${ctx.labelDuplicates} waybills`);
  return { ok: failures.length === 0, checked, failures, stuck: stuck.length };
}
