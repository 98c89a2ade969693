import type { AppContext } from '../context';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb } from '../db/time';
import { BusinessRule, Conflict } from '../http/errors';
import { addStock } from '../inventory/stock';
import { checkPlacement, findLocation, resolveItem } from '../inventory/lookup';
import { ensureLot, presentLot } from '../inventory/lots';
import { loadAsn, presentAsn } from './asns.service';

export interface ReceiptInput {
  barcode?: string | null;
  skuCode?: string | null;
  /** scans of the barcode (a case barcode counts its case quantity), or units of skuCode */
  qty: number;
  lotNo?: string | null;
  producedAt?: string | null;
  expiresAt?: string | null;
  locationCode: string;
  override?: boolean;
}

const MAX_UNITS = 1_000_000;

function presentSkuBrief(s: any) {
  return { id: Number(s.id), skuCode: s.sku_code, name: s.name, spec: s.spec ?? null, lotTracked: !!s.lot_tracked, temperature: s.temperature };
}

async function receive(trx: any, caller: Caller, ownerId: number, input: ReceiptInput, ref: { asnId?: number }, item?: { sku: any; perScan: number }) {
  const { sku, perScan } = item ?? (await resolveItem(trx, ownerId, input));
  const units = input.qty * perScan;
  if (units > MAX_UNITS) throw new BusinessRule('QTY_TOO_LARGE', `${units} units in one receipt is beyond a sane bound (${MAX_UNITS})`);
  const location = await findLocation(trx, input.locationCode);
  checkPlacement(caller.principal, sku, location, input.override);
  const lot = await ensureLot(trx, sku, input);
  const movementId = await addStock(trx, caller, { ownerId, skuId: sku.id, lotId: lot.id, locationId: location.id }, units, {
    kind: 'receipt',
    refType: ref.asnId ? 'asn' : 'receipt',
    refId: ref.asnId ?? null,
  });
  return { movementId, units, sku: presentSkuBrief(sku), lot: presentLot(lot), locationCode: location.code };
}

/** One scan at the dock against an announced delivery. */
export async function receiveOnAsn(ctx: AppContext, caller: Caller, asnId: number, input: ReceiptInput) {
  return inTransaction(ctx.db, async (trx) => {
    const asn = await loadAsn(trx, caller, asnId, true);
    if (asn.status === 'closed') throw new Conflict('ASN_CLOSED', `ASN ${asn.reference} is closed`);
    if (asn.status === 'received') throw new Conflict('ASN_RECEIVED', `ASN ${asn.reference} is complete; reopen is not possible, receive without ASN instead`);
    const item = await resolveItem(trx, asn.owner_id, input);
    const { sku } = item;
    const lines = await trx('asn_lines').where({ asn_id: asnId, sku_id: sku.id });
    const lotNo = (input.lotNo ?? '').trim();
    const line = lines.find((l: any) => l.lot_no && l.lot_no === lotNo) ?? lines.find((l: any) => !l.lot_no) ?? lines[0];
    if (!line) throw new BusinessRule('NOT_ON_ASN', `${sku.sku_code} ${sku.name} is not on ASN ${asn.reference}`);
    const result = await receive(trx, caller, asn.owner_id, input, { asnId }, item);
    await trx('asn_lines').where({ id: line.id }).update({ received_qty: trx.raw('received_qty + ?', [result.units]) });
    if (asn.status === 'announced') await trx('asns').where({ id: asnId }).update({ status: 'receiving', updated_at: nowDb() });
    // the row is already loaded (and locked): only its status may have changed
    const fresh = await presentAsn(trx, { ...asn, status: 'receiving' });
    return { ...result, line: fresh.lines.find((l) => l.id === Number(line.id))!, asn: fresh };
  });
}

/** Receiving without an announcement (a supervisor's decision: unexpected goods at the dock). */
export async function receiveWithoutAsn(ctx: AppContext, caller: Caller, ownerId: number, input: ReceiptInput) {
  return inTransaction(ctx.db, async (trx) => {
    if (!(await trx('owners').where({ id: ownerId }).first('id'))) throw new BusinessRule('UNKNOWN_OWNER', `Owner ${ownerId} does not exist`);
    return receive(trx, caller, ownerId, input, {});
  });
}
