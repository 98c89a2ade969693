import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { isUniqueViolation } from '../db/errors';
import { BusinessRule, Conflict, NotFound } from '../http/errors';
import { paginate, PageParams } from '../db/cursor';
import { whereOwner } from '../auth/scope';
import { audit } from '../audit';

export type AsnStatus = 'announced' | 'receiving' | 'received' | 'closed';

/** ASNs with their lines, loaded for the whole page in one query. */
export async function presentAsns(db: Tx, rows: any[]) {
  if (!rows.length) return [];
  const lines = await db('asn_lines').join('skus', 'skus.id', 'asn_lines.sku_id').whereIn('asn_lines.asn_id', rows.map((r) => r.id)).orderBy('asn_lines.id')
    .select('asn_lines.*', 'skus.sku_code', 'skus.name as sku_name', 'skus.lot_tracked');
  return rows.map((r) => toView(r, lines.filter((l: any) => Number(l.asn_id) === Number(r.id))));
}

export async function presentAsn(db: Tx, r: any) {
  return (await presentAsns(db, [r]))[0];
}

function toView(r: any, lines: any[]) {
  return {
    id: Number(r.id),
    ownerId: Number(r.owner_id),
    reference: r.reference,
    expectedAt: toIso(r.expected_at),
    status: r.status as AsnStatus,
    lines: lines.map((l: any) => ({
      id: Number(l.id),
      skuId: Number(l.sku_id),
      skuCode: l.sku_code,
      skuName: l.sku_name,
      lotTracked: !!l.lot_tracked,
      lotNo: l.lot_no ?? null,
      expectedQty: l.expected_qty,
      receivedQty: l.received_qty,
      // over (+) or short (−) against the announcement
      diff: l.received_qty - l.expected_qty,
    })),
    createdAt: toIso(r.created_at),
    receivedAt: toIso(r.received_at),
    closedAt: toIso(r.closed_at),
  };
}

export interface AsnInput {
  ownerId: number;
  reference: string;
  expectedAt?: string | null;
  lines: Array<{ skuCode: string; qty: number; lotNo?: string | null }>;
}

export async function createAsn(ctx: AppContext, caller: Caller, input: AsnInput) {
  try {
    return await inTransaction(ctx.db, async (trx) => {
      if (!(await trx('owners').where({ id: input.ownerId }).first('id'))) throw new NotFound('owner');
      const codes = [...new Set(input.lines.map((l) => l.skuCode))];
      const skus = await trx('skus').where({ owner_id: input.ownerId }).whereIn('sku_code', codes);
      const missing = codes.filter((c) => !skus.some((s: any) => s.sku_code === c));
      if (missing.length) {
        throw new BusinessRule('UNKNOWN_SKU', `Not products of this owner: ${missing.join(', ')}`, missing.map((c) => ({ field: 'lines', code: 'unknown_sku', message: c })));
      }
      const now = nowDb();
      const [id] = await trx('asns').insert({
        owner_id: input.ownerId,
        reference: input.reference,
        expected_at: input.expectedAt ? new Date(input.expectedAt).toISOString().replace('T', ' ').replace('Z', '') : null,
        status: 'announced',
        created_at: now,
        updated_at: now,
      });
      await trx('asn_lines').insert(
        input.lines.map((l) => ({ asn_id: id, sku_id: skus.find((s: any) => s.sku_code === l.skuCode).id, lot_no: l.lotNo?.trim() || null, expected_qty: l.qty, received_qty: 0 })),
      );
      await audit(trx, caller, { action: 'create', entity: 'asn', entityId: id, ownerId: input.ownerId, details: { reference: input.reference, lines: input.lines.length } });
      return presentAsn(trx, await trx('asns').where({ id }).first());
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('DUPLICATE', `An ASN "${input.reference}" already exists for this owner`);
    throw err;
  }
}

export async function loadAsn(trx: Tx, caller: Caller, id: number, forUpdate = false) {
  const q = trx('asns').where({ id });
  whereOwner(q, caller.principal);
  if (forUpdate) q.forUpdate();
  const row = await q.first();
  if (!row) throw new NotFound('ASN');
  return row;
}

export async function getAsn(ctx: AppContext, caller: Caller, id: number) {
  return presentAsn(ctx.db, await loadAsn(ctx.db, caller, id));
}

export async function listAsns(ctx: AppContext, caller: Caller, filter: PageParams & { ownerId?: number; status?: string; q?: string }) {
  const q = ctx.db('asns').select('*');
  whereOwner(q, caller.principal);
  if (filter.ownerId) q.where({ owner_id: filter.ownerId });
  if (filter.status) q.whereIn('status', filter.status.split(','));
  if (filter.q) q.where('reference', filter.q.trim());
  const page = await paginate<any>(q, filter);
  return { items: await presentAsns(ctx.db, page.items), nextCursor: page.nextCursor };
}

/** The receiver says the delivery is all in: the ASN is received, with over/short per line. */
export async function completeAsn(ctx: AppContext, caller: Caller, id: number) {
  return inTransaction(ctx.db, async (trx) => {
    const asn = await loadAsn(trx, caller, id, true);
    if (asn.status === 'closed') throw new Conflict('ASN_CLOSED', `ASN ${asn.reference} is closed`);
    if (asn.status !== 'received') {
      await trx('asns').where({ id }).update({ status: 'received', received_at: nowDb(), updated_at: nowDb() });
      await audit(trx, caller, { action: 'complete', entity: 'asn', entityId: id, ownerId: asn.owner_id });
    }
    return presentAsn(trx, await trx('asns').where({ id }).first());
  });
}

/** Closing freezes the ASN: no more receipts against it. */
export async function closeAsn(ctx: AppContext, caller: Caller, id: number) {
  return inTransaction(ctx.db, async (trx) => {
    const asn = await loadAsn(trx, caller, id, true);
    if (asn.status !== 'closed') {
      await trx('asns').where({ id }).update({ status: 'closed', closed_at: nowDb(), received_at: asn.received_at ?? nowDb(), updated_at: nowDb() });
      await audit(trx, caller, { action: 'close', entity: 'asn', entityId: id, ownerId: asn.owner_id });
    }
    return presentAsn(trx, await trx('asns').where({ id }).first());
  });
}
