import type { AppContext } from '../context';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { BusinessRule, NotFound } from '../http/errors';
import { paginate, PageParams } from '../db/cursor';
import { audit } from '../audit';
import { readTabular, ColumnSpec } from '../tabular';
import { actorOf } from '../orders/orders.model';
import { loadStore } from './stores.service';

/**
 * Listing mappings: a platform listing (its SKU code, or its variant id) → a warehouse SKU or
 * kit of the store's owner, times a factor ("5 kg" = 5 × the 1 kg SKU). Adding one releases the
 * held orders that were waiting for it (in a job, so that a large upload answers at once).
 */

export interface MappingInput {
  listingCode: string;
  skuCode: string;
  factor?: number;
}

const present = (r: any) => ({
  id: Number(r.id),
  storeId: Number(r.store_id),
  listingCode: r.listing_code,
  skuId: Number(r.sku_id),
  skuCode: r.sku_code,
  skuName: r.sku_name,
  factor: Number(r.factor),
  createdAt: toIso(r.created_at),
  updatedAt: toIso(r.updated_at),
});

function mappingQuery(db: any, storeId: number) {
  return db('listing_mappings').join('skus', 'skus.id', 'listing_mappings.sku_id').where('listing_mappings.store_id', storeId)
    .select('listing_mappings.*', 'skus.sku_code', 'skus.name as sku_name');
}

export async function listMappings(ctx: AppContext, caller: Caller, storeId: number, page: PageParams) {
  await loadStore(ctx.db, caller, storeId);
  const p = await paginate<any>(mappingQuery(ctx.db, storeId), page, 'listing_mappings.id');
  return { items: p.items.map(present), nextCursor: p.nextCursor };
}

type Applied = 'created' | 'updated' | 'unchanged';

async function upsertMapping(trx: any, store: any, m: MappingInput): Promise<{ applied: Applied; id: number } | { error: string; code: string }> {
  const sku = await trx('skus').where({ owner_id: store.owner_id, sku_code: m.skuCode }).first('id');
  if (!sku) return { code: 'unknown_sku', error: `"${m.skuCode}" is not a product of this store's owner` };
  const factor = m.factor ?? 1;
  const now = nowDb();
  const existing = await trx('listing_mappings').where({ store_id: store.id, listing_code: m.listingCode }).forUpdate().first();
  if (existing) {
    if (Number(existing.sku_id) === Number(sku.id) && Number(existing.factor) === factor) return { applied: 'unchanged', id: Number(existing.id) };
    await trx('listing_mappings').where({ id: existing.id }).update({ sku_id: sku.id, factor, updated_at: now });
    return { applied: 'updated', id: Number(existing.id) };
  }
  const [id] = await trx('listing_mappings').insert({ store_id: store.id, listing_code: m.listingCode, sku_id: sku.id, factor, created_at: now, updated_at: now });
  return { applied: 'created', id: Number(id) };
}

export async function putMapping(ctx: AppContext, caller: Caller, storeId: number, m: MappingInput) {
  return inTransaction(ctx.db, async (trx) => {
    const store = await loadStore(trx, caller, storeId);
    const r = await upsertMapping(trx, store, m);
    if ('error' in r) throw new BusinessRule('UNKNOWN_SKU', r.error, [{ field: 'skuCode', code: r.code, message: r.error }]);
    if (r.applied !== 'unchanged') {
      await audit(trx, caller, { action: 'map_listing', entity: 'store', entityId: storeId, ownerId: store.owner_id, details: { ...m } });
      await ctx.queue.enqueue(trx, 'orders.reprocess', { storeId, actor: actorOf(caller.principal) });
    }
    const row = await mappingQuery(trx, storeId).where('listing_mappings.id', r.id).first();
    return { applied: r.applied, mapping: present(row) };
  });
}

export async function deleteMapping(ctx: AppContext, caller: Caller, storeId: number, mappingId: number) {
  await inTransaction(ctx.db, async (trx) => {
    const store = await loadStore(trx, caller, storeId);
    const n = await trx('listing_mappings').where({ id: mappingId, store_id: storeId }).delete();
    if (!n) throw new NotFound('mapping');
    await audit(trx, caller, { action: 'unmap_listing', entity: 'store', entityId: storeId, ownerId: store.owner_id, details: { mappingId } });
  });
}

/** Listings that held orders of this store are waiting for, most-waited first: the work list of the mapping page. */
export async function unmappedListings(ctx: AppContext, caller: Caller, storeId: number) {
  await loadStore(ctx.db, caller, storeId);
  const rows = await ctx.db('order_lines')
    .join('orders', 'orders.id', 'order_lines.order_id')
    .where('orders.store_id', storeId)
    .where('orders.status', 'held')
    .whereNull('order_lines.sku_id')
    .groupBy('order_lines.listing_code', 'order_lines.variant_id')
    .select('order_lines.listing_code', 'order_lines.variant_id')
    .min({ title: 'order_lines.title' })
    .countDistinct({ orders: 'orders.id' })
    .orderBy('orders', 'desc')
    .limit(500);
  return { items: rows.map((r: any) => ({ listingCode: r.listing_code ?? null, variantId: r.variant_id ?? null, title: r.title ?? null, orders: Number(r.orders) })) };
}

export const MAPPING_COLUMNS: ColumnSpec[] = [
  { name: 'listing_code', aliases: ['listing', 'platform_sku', 'variant_id', '平台编码', '平台商品编码', '商家编码', '规格编码'], required: true },
  { name: 'sku_code', aliases: ['sku', '商品编码', '仓库商品编码', '货品编码'], required: true },
  { name: 'factor', aliases: ['qty', 'quantity', '数量', '倍数', '换算'] },
];

export interface RowError {
  row: number;
  column: string | null;
  code: string;
  message: string;
}

/** A mapping spreadsheet (CSV UTF-8/GBK or XLSX): valid rows applied, each bad row reported. */
export async function importMappings(ctx: AppContext, caller: Caller, storeId: number, file: string, dryRun: boolean) {
  const sheet = await readTabular(file, MAPPING_COLUMNS);
  const result = { created: 0, updated: 0, unchanged: 0, errors: [] as RowError[], encoding: sheet.encoding, dryRun };
  const rows: Array<{ row: number; m: MappingInput }> = [];
  const seen = new Map<string, number>();
  for await (const r of sheet.rows) {
    const listing = (r.values.listing_code ?? '').trim();
    const sku = (r.values.sku_code ?? '').trim();
    const factorText = (r.values.factor ?? '').trim();
    if (!listing) result.errors.push({ row: r.row, column: 'listing_code', code: 'required', message: 'listing_code is empty' });
    else if (listing.length > 100) result.errors.push({ row: r.row, column: 'listing_code', code: 'too_long', message: 'listing_code is longer than 100 characters' });
    else if (!sku) result.errors.push({ row: r.row, column: 'sku_code', code: 'required', message: 'sku_code is empty' });
    else if (factorText && !/^\d{1,5}$/.test(factorText)) result.errors.push({ row: r.row, column: 'factor', code: 'invalid', message: `factor "${factorText}" is not a whole number` });
    else if (factorText && Number(factorText) < 1) result.errors.push({ row: r.row, column: 'factor', code: 'invalid', message: 'factor must be at least 1' });
    else if (seen.has(listing)) result.errors.push({ row: r.row, column: 'listing_code', code: 'duplicate', message: `"${listing}" is already mapped on row ${seen.get(listing)}` });
    else {
      seen.set(listing, r.row);
      rows.push({ row: r.row, m: { listingCode: listing, skuCode: sku, factor: factorText ? Number(factorText) : 1 } });
    }
    if (rows.length > 50_000) throw new BusinessRule('TOO_MANY_ROWS', 'A mapping file may have at most 50,000 rows');
  }
  class DryRun extends Error {}
  try {
    await inTransaction(ctx.db, async (trx) => {
      const store = await loadStore(trx, caller, storeId);
      for (const { row, m } of rows) {
        const r = await upsertMapping(trx, store, m);
        if ('error' in r) result.errors.push({ row, column: 'sku_code', code: r.code, message: r.error });
        else result[r.applied]++;
      }
      if (dryRun) throw new DryRun();
      if (result.created + result.updated) {
        await audit(trx, caller, { action: 'import_mappings', entity: 'store', entityId: storeId, ownerId: store.owner_id, details: { created: result.created, updated: result.updated } });
        await ctx.queue.enqueue(trx, 'orders.reprocess', { storeId, actor: actorOf(caller.principal) });
      }
    });
  } catch (err) {
    if (!(err instanceof DryRun)) throw err;
  }
  result.errors.sort((a, b) => a.row - b.row);
  return result;
}
