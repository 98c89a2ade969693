import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { isUniqueViolation } from '../db/errors';
import { BusinessRule, Conflict, NotFound, ValidationFailed } from '../http/errors';
import { paginate, PageParams } from '../db/cursor';
import { audit } from '../audit';
import type { Caller } from '../auth/principal';
import { whereOwner } from '../auth/scope';
import { checkBarcode } from './barcodes';
import { SkuFields, SkuRow, differs, toColumns } from './catalog.model';

export interface SkuInput extends SkuFields {
  ownerId: number;
  barcode?: string | null;
  barcodes?: string[];
  cases?: Array<{ barcode: string; qty: number }>;
  components?: Array<{ skuCode: string; qty: number }>;
  status?: 'active' | 'inactive';
}

export type SkuPatch = Partial<Omit<SkuInput, 'ownerId' | 'skuCode'>>;

interface BarcodeRow {
  sku_id: number;
  barcode: string;
  qty: number;
  kind: string;
  position: number;
}

export function presentSku(r: SkuRow, barcodes: BarcodeRow[], components: Array<{ skuId: number; skuCode: string; qty: number }>) {
  const units = barcodes.filter((b) => b.qty === 1).sort((a, b) => a.position - b.position);
  return {
    id: Number(r.id),
    ownerId: Number(r.owner_id),
    skuCode: r.sku_code,
    name: r.name,
    barcode: units[0]?.barcode ?? null,
    barcodes: units.map((b) => b.barcode),
    cases: barcodes.filter((b) => b.qty > 1).map((b) => ({ barcode: b.barcode, qty: b.qty })),
    spec: r.spec ?? null,
    unit: r.unit ?? null,
    weightG: r.weight_g,
    lengthMm: r.length_mm ?? null,
    widthMm: r.width_mm ?? null,
    heightMm: r.height_mm ?? null,
    temperature: r.temperature,
    shelfLifeDays: r.shelf_life_days ?? null,
    lotTracked: !!r.lot_tracked,
    origin: r.origin ?? null,
    kit: !!r.is_kit,
    components,
    status: r.status,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  };
}
export type SkuView = ReturnType<typeof presentSku>;

/** Loads barcodes and kit components for a page of SKUs in two queries. */
export async function presentMany(db: Tx, rows: SkuRow[]): Promise<SkuView[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const barcodes: BarcodeRow[] = await db('sku_barcodes').whereIn('sku_id', ids).select('sku_id', 'barcode', 'qty', 'kind', 'position');
  const kitIds = rows.filter((r) => r.is_kit).map((r) => r.id);
  const comps = kitIds.length
    ? await db('kit_components').join('skus', 'skus.id', 'kit_components.component_sku_id').whereIn('kit_sku_id', kitIds).select('kit_sku_id', 'component_sku_id', 'skus.sku_code', 'kit_components.qty')
    : [];
  return rows.map((r) =>
    presentSku(
      r,
      barcodes.filter((b) => Number(b.sku_id) === Number(r.id)),
      comps.filter((c: any) => Number(c.kit_sku_id) === Number(r.id)).map((c: any) => ({ skuId: Number(c.component_sku_id), skuCode: c.sku_code, qty: c.qty })),
    ),
  );
}

/** The unit barcodes and case units a request asks for, checked and de-duplicated. */
function collectBarcodes(input: { barcode?: string | null; barcodes?: string[]; cases?: Array<{ barcode: string; qty: number }> }) {
  const errors: Array<{ field: string; code: string; message: string }> = [];
  const wanted: Array<{ barcode: string; qty: number; kind: string; field: string }> = [];
  const seen = new Set<string>();
  const add = (raw: string, qty: number, field: string) => {
    const c = checkBarcode(raw);
    if (!c.ok) return errors.push({ field, code: 'invalid_barcode', message: c.reason });
    if (seen.has(c.code)) return errors.push({ field, code: 'duplicate_barcode', message: `barcode ${c.code} is given twice` });
    seen.add(c.code);
    wanted.push({ barcode: c.code, qty, kind: c.kind, field });
  };
  if (input.barcode) add(input.barcode, 1, 'barcode');
  (input.barcodes ?? []).forEach((b, i) => {
    if (b.trim() === input.barcode?.trim()) return;
    add(b, 1, `barcodes.${i}`);
  });
  (input.cases ?? []).forEach((c, i) => add(c.barcode, c.qty, `cases.${i}.barcode`));
  if (errors.length) throw new ValidationFailed(errors);
  return wanted;
}

/** Replaces a SKU's barcodes; a barcode already on another SKU of the owner is a 409. */
async function setBarcodes(trx: Tx, ownerId: number, skuId: number, wanted: Array<{ barcode: string; qty: number; kind: string; field: string }>) {
  if (wanted.length) {
    const taken = await trx('sku_barcodes')
      .join('skus', 'skus.id', 'sku_barcodes.sku_id')
      .where('sku_barcodes.owner_id', ownerId)
      .whereIn('sku_barcodes.barcode', wanted.map((w) => w.barcode))
      .whereNot('sku_barcodes.sku_id', skuId)
      .select('sku_barcodes.barcode', 'skus.sku_code');
    if (taken.length) {
      throw new Conflict(
        'DUPLICATE_BARCODE',
        `Barcode ${taken[0].barcode} already belongs to SKU ${taken[0].sku_code}`,
        taken.map((t: any) => ({
          field: wanted.find((w) => w.barcode === t.barcode)!.field,
          code: 'duplicate_barcode',
          message: `${t.barcode} belongs to ${t.sku_code}`,
          barcode: t.barcode,
          skuCode: t.sku_code,
        })),
      );
    }
  }
  await trx('sku_barcodes').where({ sku_id: skuId }).delete();
  if (wanted.length) {
    await trx('sku_barcodes').insert(wanted.map((w, position) => ({ owner_id: ownerId, sku_id: skuId, barcode: w.barcode, qty: w.qty, kind: w.kind, position })));
  }
}

/** A kit is made of other SKUs of the same owner; kits do not nest. */
async function setComponents(trx: Tx, ownerId: number, kitId: number, kitCode: string, components: Array<{ skuCode: string; qty: number }>) {
  const codes = components.map((c) => c.skuCode);
  if (new Set(codes).size !== codes.length) throw new ValidationFailed([{ field: 'components', code: 'duplicate', message: 'a component is listed twice' }]);
  if (codes.includes(kitCode)) throw new ValidationFailed([{ field: 'components', code: 'self', message: 'a kit cannot contain itself' }]);
  const found: SkuRow[] = codes.length ? await trx('skus').where({ owner_id: ownerId }).whereIn('sku_code', codes) : [];
  const missing = codes.filter((c) => !found.some((f) => f.sku_code === c));
  if (missing.length) throw new BusinessRule('UNKNOWN_SKU', `Component SKU(s) not found for this owner: ${missing.join(', ')}`);
  const nested = found.filter((f) => f.is_kit);
  if (nested.length) throw new BusinessRule('NESTED_KIT', `A kit cannot contain another kit: ${nested.map((n) => n.sku_code).join(', ')}`);
  await trx('kit_components').where({ kit_sku_id: kitId }).delete();
  if (components.length) {
    await trx('kit_components').insert(components.map((c) => ({ kit_sku_id: kitId, component_sku_id: found.find((f) => f.sku_code === c.skuCode)!.id, qty: c.qty })));
  }
  await trx('skus').where({ id: kitId }).update({ is_kit: components.length > 0 });
}

export async function getSkuRow(db: Tx, caller: Caller, id: number): Promise<SkuRow> {
  const q = db('skus').where({ id });
  whereOwner(q, caller.principal);
  const row = await q.first();
  if (!row) throw new NotFound('SKU');
  return row;
}

export async function getSku(ctx: AppContext, caller: Caller, id: number) {
  return (await presentMany(ctx.db, [await getSkuRow(ctx.db, caller, id)]))[0];
}

export async function createSku(ctx: AppContext, caller: Caller, input: SkuInput) {
  const wanted = collectBarcodes(input);
  try {
    return await inTransaction(ctx.db, async (trx) => {
      if (!(await trx('owners').where({ id: input.ownerId }).first('id'))) throw new NotFound('owner');
      const now = nowDb();
      const [id] = await trx('skus').insert({
        owner_id: input.ownerId,
        sku_code: input.skuCode,
        lot_tracked: false,
        ...toColumns(input),
        is_kit: false,
        status: input.status ?? 'active',
        created_at: now,
        updated_at: now,
      });
      await setBarcodes(trx, input.ownerId, Number(id), wanted);
      if (input.components?.length) await setComponents(trx, input.ownerId, Number(id), input.skuCode, input.components);
      await audit(trx, caller, { action: 'create', entity: 'sku', entityId: id, ownerId: input.ownerId, details: { skuCode: input.skuCode } });
      return (await presentMany(trx, [await trx('skus').where({ id }).first()]))[0];
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('DUPLICATE', `SKU ${input.skuCode} already exists for this owner`);
    throw err;
  }
}

export async function updateSku(ctx: AppContext, caller: Caller, id: number, patch: SkuPatch) {
  const barcodesGiven = patch.barcode !== undefined || patch.barcodes !== undefined || patch.cases !== undefined;
  return inTransaction(ctx.db, async (trx) => {
    const row = await getSkuRow(trx, caller, id);
    const cols = toColumns(patch);
    if (patch.status) cols.status = patch.status;
    const changed = differs(row, cols);
    if (changed) await trx('skus').where({ id }).update({ ...cols, updated_at: nowDb() });
    if (barcodesGiven) {
      const current = (await presentMany(trx, [row]))[0];
      const wanted = collectBarcodes({
        barcode: patch.barcode !== undefined ? patch.barcode : undefined,
        barcodes: patch.barcodes ?? (patch.barcode !== undefined ? [] : current.barcodes),
        cases: patch.cases ?? current.cases,
      });
      await setBarcodes(trx, row.owner_id, id, wanted);
    }
    if (patch.components !== undefined) await setComponents(trx, row.owner_id, id, row.sku_code, patch.components);
    await audit(trx, caller, { action: 'update', entity: 'sku', entityId: id, ownerId: row.owner_id, details: { ...patch } });
    return (await presentMany(trx, [await trx('skus').where({ id }).first()]))[0];
  });
}

export async function listSkus(ctx: AppContext, caller: Caller, filter: PageParams & { ownerId?: number; q?: string; status?: string; temperature?: string }) {
  const q = ctx.db('skus').select('skus.*');
  whereOwner(q, caller.principal, 'skus.owner_id');
  if (filter.ownerId) q.where('skus.owner_id', filter.ownerId);
  if (filter.status) q.where('skus.status', filter.status);
  if (filter.temperature) q.where('skus.temperature', filter.temperature);
  if (filter.q) {
    const term = filter.q.trim();
    const like = `%${term.replace(/[%_\\]/g, '')}%`;
    q.where((w) =>
      w
        .where('skus.sku_code', 'like', like)
        .orWhere('skus.name', 'like', like)
        .orWhereIn('skus.id', ctx.db('sku_barcodes').select('sku_id').where('barcode', term)),
    );
  }
  const page = await paginate<any>(q, filter, 'skus.id');
  return { items: await presentMany(ctx.db, page.items), nextCursor: page.nextCursor };
}

/** Resolves a scanned barcode to the owner's SKU and how many units one scan counts. */
export async function findByBarcode(db: Tx, ownerId: number, barcode: string) {
  const hit = await db('sku_barcodes').where({ owner_id: ownerId, barcode: barcode.trim() }).first();
  if (!hit) return null;
  return { skuId: Number(hit.sku_id), qty: hit.qty as number };
}
