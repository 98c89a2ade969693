import crypto from 'node:crypto';
import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb } from '../db/time';
import { insertReturningIds } from '../db/insert';
import { collectGarbage } from '../util/gc';
import { audit } from '../audit';
import { BadRequest, NotFound } from '../http/errors';
import { readTabular } from '../tabular';
import { differs, toColumns } from './catalog.model';
import { ParsedSkuRow, RowError, SKU_COLUMNS, parseSkuRow } from './sku-import.columns';

const BATCH = 500;
const MAX_ERRORS_RETURNED = 10_000;
const GC_EVERY_BATCHES = 100; // 50,000 rows

interface Pending {
  row: number;
  ownerId: number;
  parsed: ParsedSkuRow;
}

export interface SkuImportResult {
  created: number;
  updated: number;
  unchanged: number;
  errors: RowError[];
  errorCount: number;
  errorsTruncated: boolean;
  encoding: string;
  ignoredColumns: string[];
  dryRun: boolean;
  reportId: string;
}

class DryRunRollback extends Error {}

/**
 * Imports SKUs from a CSV or XLSX file. Rows are streamed and written in batches inside one
 * transaction: either everything the response reports was written, or (on a failure or a dry
 * run) nothing was. Re-importing the same file finds every row unchanged.
 */
export async function importSkus(
  ctx: AppContext,
  caller: Caller,
  file: string,
  opts: { ownerId?: number; dryRun: boolean; filename?: string | null },
): Promise<SkuImportResult> {
  const sheet = await readTabular(file, SKU_COLUMNS);
  const p = caller.principal;
  if (p.role !== 'seller' && !opts.ownerId && !sheet.columns.includes('owner_code')) {
    throw new BadRequest('OWNER_REQUIRED', 'Name the owner: add an owner_code (货主编码) column, or pass ?ownerId=');
  }
  const result: SkuImportResult = {
    created: 0,
    updated: 0,
    unchanged: 0,
    errors: [],
    errorCount: 0,
    errorsTruncated: false,
    encoding: sheet.encoding,
    ignoredColumns: sheet.ignoredColumns,
    dryRun: opts.dryRun,
    reportId: crypto.randomUUID(),
  };
  const errors: RowError[] = [];

  try {
    await inTransaction(ctx.db, async (trx) => {
      const owners = new Map<string, number | null>();
      const ownerFor = async (code: string): Promise<number | null> => {
        if (!owners.has(code)) owners.set(code, (await trx('owners').where({ code }).first('id'))?.id ?? null);
        return owners.get(code)!;
      };
      if (opts.ownerId && !(await trx('owners').where({ id: opts.ownerId }).first('id'))) throw new NotFound('owner');

      // Owners with no SKU when the import starts: nothing in the database can clash with their
      // rows (duplicates inside the file are caught in memory), so their batches skip the look-ups.
      const emptyOwners = new Set<number>();
      const knownOwners = new Set<number>();
      const noteOwner = async (id: number) => {
        if (knownOwners.has(id)) return;
        knownOwners.add(id);
        if (!(await trx('skus').where({ owner_id: id }).first('id'))) emptyOwners.add(id);
      };
      // In-file duplicates, per owner: code → row and barcode → row (row numbers only, to keep a
      // 100,000-row file's bookkeeping small).
      const seenCodes = new Map<number, Map<string, number>>();
      const seenBarcodes = new Map<number, Map<string, number>>();
      const seenFor = (m: Map<number, Map<string, number>>, owner: number) => m.get(owner) ?? m.set(owner, new Map()).get(owner)!;
      let batch: Pending[] = [];
      let batches = 0;

      for await (const { row, values } of sheet.rows) {
        const { parsed, errors: rowErrors } = parseSkuRow(row, values);
        if (!parsed) {
          errors.push(...rowErrors);
          continue;
        }
        let ownerId = p.role === 'seller' ? p.ownerId! : opts.ownerId ?? null;
        if (parsed.ownerCode) {
          const found = await ownerFor(parsed.ownerCode);
          if (!found || (p.role === 'seller' && found !== p.ownerId)) {
            errors.push({ row, column: 'owner_code', code: 'unknown_owner', message: `owner "${parsed.ownerCode}" not found`, messageZh: `货主编码"${parsed.ownerCode}"不存在` });
            continue;
          }
          ownerId = found;
        }
        if (!ownerId) {
          errors.push({ row, column: 'owner_code', code: 'required', message: 'owner_code is empty', messageZh: '货主编码不能为空' });
          continue;
        }
        await noteOwner(ownerId);
        const codes = seenFor(seenCodes, ownerId);
        const barcodes = seenFor(seenBarcodes, ownerId);
        const firstRow = codes.get(parsed.fields.skuCode);
        if (firstRow) {
          errors.push({ row, column: 'sku_code', code: 'duplicate_in_file', message: `SKU ${parsed.fields.skuCode} appears already in row ${firstRow}`, messageZh: `商品编码${parsed.fields.skuCode}与第${firstRow}行重复` });
          continue;
        }
        const clash = [parsed.barcode?.code, parsed.caseUnit?.code].find((b) => b && barcodes.has(b));
        if (clash) {
          const prior = barcodes.get(clash);
          errors.push({ row, column: 'barcode', code: 'duplicate_in_file', message: `barcode ${clash} is already used in row ${prior}`, messageZh: `条码${clash}已在第${prior}行使用` });
          continue;
        }
        codes.set(parsed.fields.skuCode, row);
        for (const b of [parsed.barcode?.code, parsed.caseUnit?.code]) if (b) barcodes.set(b, row);
        batch.push({ row, ownerId, parsed });
        if (batch.length >= BATCH) {
          await applyBatch(trx, batch, result, errors, emptyOwners);
          batch = [];
          if (++batches % GC_EVERY_BATCHES === 0) collectGarbage();
        }
      }
      if (batch.length) await applyBatch(trx, batch, result, errors, emptyOwners);

      await audit(trx, caller, {
        action: 'import',
        entity: 'sku',
        ownerId: p.role === 'seller' ? p.ownerId : opts.ownerId ?? null,
        details: { created: result.created, updated: result.updated, unchanged: result.unchanged, errors: errors.length, dryRun: opts.dryRun, filename: opts.filename ?? null },
      });
      if (opts.dryRun) throw new DryRunRollback();
    });
  } catch (e) {
    if (!(e instanceof DryRunRollback)) throw e;
  }

  errors.sort((a, b) => a.row - b.row);
  result.errorCount = errors.length;
  result.errorsTruncated = errors.length > MAX_ERRORS_RETURNED;
  result.errors = errors.slice(0, MAX_ERRORS_RETURNED);
  await ctx.db('import_reports').insert({
    id: result.reportId,
    kind: 'sku',
    owner_id: p.role === 'seller' ? p.ownerId : opts.ownerId ?? null,
    user_id: p.userId,
    api_key_id: p.apiKeyId,
    filename: opts.filename ?? null,
    summary: JSON.stringify({ created: result.created, updated: result.updated, unchanged: result.unchanged, errorCount: result.errorCount, dryRun: result.dryRun, encoding: result.encoding }),
    errors: JSON.stringify(result.errors),
    created_at: nowDb(),
  });
  return result;
}

/** Applies one batch: two look-ups for the whole batch, one insert for the new SKUs. */
async function applyBatch(trx: Tx, batch: Pending[], result: SkuImportResult, errors: RowError[], emptyOwners: Set<number>): Promise<void> {
  const byOwner = new Map<number, Pending[]>();
  for (const b of batch) byOwner.set(b.ownerId, [...(byOwner.get(b.ownerId) ?? []), b]);
  for (const [ownerId, rows] of byOwner) {
    const fresh: Pending[] = [];
    const now = nowDb();
    if (emptyOwners.has(ownerId)) {
      fresh.push(...rows);
      await insertFresh(trx, ownerId, fresh, now);
      result.created += fresh.length;
      continue;
    }
    const existing = new Map<string, any>(
      (await trx('skus').where({ owner_id: ownerId }).whereIn('sku_code', rows.map((r) => r.parsed.fields.skuCode))).map((s: any) => [s.sku_code, s]),
    );
    const codes = rows.flatMap((r) => [r.parsed.barcode?.code, r.parsed.caseUnit?.code].filter((b): b is string => !!b));
    const owned = new Map<string, { skuId: number; qty: number }>();
    if (codes.length) {
      for (const b of await trx('sku_barcodes').where({ owner_id: ownerId }).whereIn('barcode', codes).select('barcode', 'sku_id', 'qty')) {
        owned.set(b.barcode, { skuId: Number(b.sku_id), qty: b.qty });
      }
    }
    for (const r of rows) {
      const sku = existing.get(r.parsed.fields.skuCode);
      const taken = [r.parsed.barcode?.code, r.parsed.caseUnit?.code].find((b) => b && owned.has(b) && owned.get(b)!.skuId !== Number(sku?.id));
      if (taken) {
        errors.push({ row: r.row, column: 'barcode', code: 'duplicate_barcode', message: `barcode ${taken} already belongs to another SKU of this owner`, messageZh: `条码${taken}已属于该货主的其他商品` });
        continue;
      }
      if (!sku) {
        fresh.push(r);
        continue;
      }
      const cols = toColumns(r.parsed.fields);
      const barcodeChanges = [
        r.parsed.barcode && !(owned.get(r.parsed.barcode.code)?.qty === 1) ? r.parsed.barcode : null,
        r.parsed.caseUnit && owned.get(r.parsed.caseUnit.code)?.qty !== r.parsed.caseUnit.qty ? r.parsed.caseUnit : null,
      ];
      const fieldsChanged = differs(sku, cols);
      if (!fieldsChanged && !barcodeChanges.some(Boolean)) {
        result.unchanged++;
        continue;
      }
      if (fieldsChanged) await trx('skus').where({ id: sku.id }).update({ ...cols, updated_at: now });
      // A new unit barcode in the file replaces the SKU's unit barcodes; a case row likewise.
      if (barcodeChanges[0]) {
        await trx('sku_barcodes').where({ sku_id: sku.id, qty: 1 }).delete();
        await trx('sku_barcodes').insert({ owner_id: ownerId, sku_id: sku.id, barcode: r.parsed.barcode!.code, qty: 1, kind: r.parsed.barcode!.kind, position: 0 });
      }
      if (barcodeChanges[1]) {
        await trx('sku_barcodes').where({ sku_id: sku.id }).andWhere('qty', '>', 1).delete();
        await trx('sku_barcodes').insert({ owner_id: ownerId, sku_id: sku.id, barcode: r.parsed.caseUnit!.code, qty: r.parsed.caseUnit!.qty, kind: r.parsed.caseUnit!.kind, position: 1 });
      }
      result.updated++;
    }
    if (!fresh.length) continue;
    await insertFresh(trx, ownerId, fresh, now);
    result.created += fresh.length;
  }
}

/** New SKUs of one owner: one insert for the SKUs, one look-up of their ids, one for barcodes. */
async function insertFresh(trx: Tx, ownerId: number, fresh: Pending[], now: string): Promise<void> {
  const ids = await insertReturningIds<string>(
    trx,
    'skus',
    fresh.map((r) => ({ owner_id: ownerId, sku_code: r.parsed.fields.skuCode, ...toColumns(r.parsed.fields), is_kit: false, status: 'active', created_at: now, updated_at: now })),
    { column: 'sku_code', scope: { owner_id: ownerId } },
  );
  const barcodeRows = fresh.flatMap((r) => {
    const skuId = ids.get(r.parsed.fields.skuCode)!;
    const out = [];
    if (r.parsed.barcode) out.push({ owner_id: ownerId, sku_id: skuId, barcode: r.parsed.barcode.code, qty: 1, kind: r.parsed.barcode.kind, position: 0 });
    if (r.parsed.caseUnit) out.push({ owner_id: ownerId, sku_id: skuId, barcode: r.parsed.caseUnit.code, qty: r.parsed.caseUnit.qty, kind: r.parsed.caseUnit.kind, position: 1 });
    return out;
  });
  if (barcodeRows.length) await trx('sku_barcodes').insert(barcodeRows);
}

/** A stored import's errors, for the downloadable report; visible only to the importing owner's side. */
export async function getImportReport(ctx: AppContext, caller: Caller, id: string) {
  const row = await ctx.db('import_reports').where({ id }).first();
  const p = caller.principal;
  if (!row || (p.role === 'seller' && Number(row.owner_id) !== p.ownerId)) throw new NotFound('import report');
  return { summary: JSON.parse(row.summary), errors: JSON.parse(row.errors) as RowError[], filename: row.filename as string | null };
}
