import type { AppContext } from '../context';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { stockArrived } from '../allocation/triggers';
import { nowDb } from '../db/time';
import { NotFound } from '../http/errors';
import { paginate, PageParams } from '../db/cursor';
import { whereOwner } from '../auth/scope';
import { audit } from '../audit';
import { renderLabels, LabelFormat } from '../../printers/render';
import { lotLabel } from '../../printers/labels/lot-label';
import { presentLot } from './lots';

async function loadLot(db: any, caller: Caller, id: number) {
  const q = db('lots').join('skus', 'skus.id', 'lots.sku_id').where('lots.id', id).select('lots.*', 'skus.sku_code', 'skus.name as sku_name', 'skus.spec');
  whereOwner(q, caller.principal, 'lots.owner_id');
  const row = await q.first();
  if (!row) throw new NotFound('lot');
  return row;
}

export async function listLots(ctx: AppContext, caller: Caller, f: PageParams & { ownerId?: number; skuCode?: string; lotNo?: string; status?: string }) {
  const q = ctx.db('lots').join('skus', 'skus.id', 'lots.sku_id').select('lots.*', 'skus.sku_code');
  whereOwner(q, caller.principal, 'lots.owner_id');
  if (f.ownerId) q.where('lots.owner_id', f.ownerId);
  if (f.skuCode) q.where('skus.sku_code', f.skuCode);
  if (f.status) q.where('lots.status', f.status);
  if (f.lotNo !== undefined) q.where('lots.lot_no', f.lotNo);
  const page = await paginate<any>(q, f, 'lots.id');
  return { items: page.items.map((r) => ({ ...presentLot(r), skuCode: r.sku_code })), nextCursor: page.nextCursor };
}

/** Quality hold: a held lot stays where it is but cannot be allocated until released. */
export async function setLotHold(ctx: AppContext, caller: Caller, id: number, hold: boolean, reason?: string) {
  return inTransaction(ctx.db, async (trx) => {
    const lot = await loadLot(trx, caller, id);
    await trx('lots').where({ id }).update({ status: hold ? 'hold' : 'released', hold_reason: hold ? (reason ?? null) : null, updated_at: nowDb() });
    if (!hold && lot.status !== 'released') {
      // its stock becomes allocatable: backorders waiting for this SKU get another try
      await trx('inventory').where({ lot_id: id }).update({ updated_at: nowDb(), restocked_at: nowDb() });
      await stockArrived(ctx, trx);
    }
    await audit(trx, caller, { action: hold ? 'hold' : 'release', entity: 'lot', entityId: id, ownerId: lot.owner_id, details: { lotNo: lot.lot_no, reason } });
    return { ...presentLot(await trx('lots').where({ id }).first()), skuCode: lot.sku_code };
  });
}

/** The lot label: SKU, lot, expiry and a barcode that identifies the lot. */
export async function renderLotLabel(ctx: AppContext, caller: Caller, id: number, opts: { format: LabelFormat; copies: number; dpi: 203 | 300 }) {
  const lot = await loadLot(ctx.db, caller, id);
  const label = lotLabel({ skuCode: lot.sku_code, name: lot.sku_name, spec: lot.spec, lotNo: lot.lot_no, producedAt: lot.produced_at, expiresAt: lot.expires_at, lotId: Number(lot.id) });
  const r = await renderLabels([label], opts.format, { copies: opts.copies, dpi: opts.dpi, title: `${lot.sku_code} ${lot.lot_no}` });
  return { ...r, filename: `lot-${lot.id}.${r.extension}` };
}
