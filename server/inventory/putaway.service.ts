import type { AppContext } from '../context';
import type { Caller } from '../auth/principal';
import { findLocation, LocationRow } from './lookup';
import { resolveStockAt, StockRef } from './inventory.service';
import { presentLot } from './lots';

const STORAGE = ['pick', 'bulk'];

function distance(a: LocationRow, b: { x_cm: number | null; y_cm: number | null }): number {
  if (a.x_cm == null || a.y_cm == null || b.x_cm == null || b.y_cm == null) return Number.MAX_SAFE_INTEGER;
  return Math.hypot(a.x_cm - b.x_cm, a.y_cm - b.y_cm);
}

/**
 * Where to put a received lot: a storage location of the SKU's temperature class, preferring
 * one that already holds the SKU (pickers find it in one place), then the closest empty one.
 */
export async function suggestPutaway(ctx: AppContext, caller: Caller, ref: StockRef & { fromLocationCode: string }) {
  const from = await findLocation(ctx.db, ref.fromLocationCode, 'fromLocationCode');
  const { sku, lot, available } = await resolveStockAt(ctx.db, caller, ref, from);
  const candidates: Array<LocationRow & { id: number }> = await ctx.db('locations')
    .join('zones', 'zones.id', 'locations.zone_id')
    .where('zones.temperature', sku.temperature)
    .whereIn('locations.type', STORAGE)
    .andWhere('locations.status', 'active')
    .select('locations.id', 'locations.code', 'locations.type', 'locations.x_cm', 'locations.y_cm', 'zones.temperature', 'zones.code as zone_code');
  const occupancy = new Map<number, { total: number; hasSku: boolean }>();
  for (const r of await ctx.db('inventory').where('on_hand', '>', 0).select('location_id', 'sku_id', 'on_hand')) {
    const o = occupancy.get(Number(r.location_id)) ?? { total: 0, hasSku: false };
    o.total += r.on_hand;
    o.hasSku ||= Number(r.sku_id) === Number(sku.id);
    occupancy.set(Number(r.location_id), o);
  }
  const ranked = candidates
    .filter((c) => c.id !== from.id)
    .map((c) => {
      const o = occupancy.get(c.id);
      // same SKU, empty, or (2) holding other SKUs: not offered, to keep one SKU per location
      const rank = o?.hasSku ? 0 : !o ? 1 : 2;
      return { c, rank, reason: rank === 0 ? 'same_sku' : 'empty', d: distance(from, c) };
    })
    .filter((x) => x.rank < 2)
    .sort((a, b) => a.rank - b.rank || a.d - b.d || (a.c.type === 'pick' ? -1 : 1));
  if (!ranked.length) return { sku: { id: Number(sku.id), skuCode: sku.sku_code, name: sku.name, temperature: sku.temperature }, lot: presentLot(lot), qty: available, locationCode: null, reason: 'no_free_location', alternatives: [] };
  const [best, ...rest] = ranked;
  return {
    sku: { id: Number(sku.id), skuCode: sku.sku_code, name: sku.name, temperature: sku.temperature },
    lot: presentLot(lot),
    qty: available,
    locationCode: best.c.code,
    reason: best.reason,
    alternatives: rest.slice(0, 3).map((x) => ({ locationCode: x.c.code, reason: x.reason })),
  };
}
