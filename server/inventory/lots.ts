import type { Tx } from '../db/knex';
import { isUniqueViolation } from '../db/errors';
import { nowDb } from '../db/time';
import { BadRequest, Conflict, ValidationFailed } from '../http/errors';

export interface LotInput {
  lotNo?: string | null;
  producedAt?: string | null;
  expiresAt?: string | null;
}

export function presentLot(r: any) {
  return {
    id: Number(r.id),
    ownerId: Number(r.owner_id),
    skuId: Number(r.sku_id),
    lotNo: r.lot_no,
    producedAt: r.produced_at ?? null,
    expiresAt: r.expires_at ?? null,
    status: r.status as 'released' | 'hold',
    holdReason: r.hold_reason ?? null,
  };
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The lot a receipt goes into. Lot-tracked SKUs need a lot number; the expiry is given, or
 * derived from the production (harvest) date and the SKU's shelf life. A lot received again
 * must carry the same dates. SKUs without lot tracking use one lot with an empty number.
 */
export async function ensureLot(trx: Tx, sku: any, input: LotInput) {
  const lotNo = (input.lotNo ?? '').trim();
  if (sku.lot_tracked && !lotNo) throw new BadRequest('LOT_REQUIRED', `${sku.sku_code} is lot-tracked: give the lot number`);
  if (input.producedAt && input.expiresAt && input.expiresAt < input.producedAt) {
    throw new ValidationFailed([{ field: 'expiresAt', code: 'before_production', message: `expiry ${input.expiresAt} is before production ${input.producedAt}` }]);
  }
  const expiresAt = input.expiresAt ?? (input.producedAt && sku.shelf_life_days ? addDays(input.producedAt, sku.shelf_life_days) : null);
  const existing = await trx('lots').where({ sku_id: sku.id, lot_no: lotNo }).first();
  if (existing) {
    const clash =
      (input.producedAt && existing.produced_at && existing.produced_at !== input.producedAt) ||
      (expiresAt && existing.expires_at && existing.expires_at !== expiresAt);
    if (clash) {
      throw new Conflict('LOT_MISMATCH', `Lot ${lotNo} of ${sku.sku_code} was received with production ${existing.produced_at ?? '-'} and expiry ${existing.expires_at ?? '-'}`);
    }
    return existing;
  }
  const now = nowDb();
  try {
    const [id] = await (trx as any).transaction((sp: Tx) =>
      sp('lots').insert({ owner_id: sku.owner_id, sku_id: sku.id, lot_no: lotNo, produced_at: input.producedAt ?? null, expires_at: expiresAt, status: 'released', created_at: now, updated_at: now }),
    );
    return trx('lots').where({ id }).first();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // another receipt created the lot meanwhile: a locking read sees its committed row (a plain
    // one would read this transaction's snapshot, from before it, on MySQL)
    return trx('lots').where({ sku_id: sku.id, lot_no: lotNo }).forShare().first();
  }
}

/** An existing lot of a SKU by number ('' for SKUs without lot tracking). */
export async function findLot(trx: Tx, skuId: number, lotNo?: string | null) {
  return trx('lots').where({ sku_id: skuId, lot_no: (lotNo ?? '').trim() }).first();
}
