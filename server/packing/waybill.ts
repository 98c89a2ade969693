import type { AppContext } from '../context';
import { inTransaction } from '../db/transaction';
import { nowDb } from '../db/time';
import { AppError, BusinessRule, Unavailable } from '../http/errors';
import { connectionOf } from '../carriers';
import { CarrierError, type Waybill, type WaybillRequest } from '../../integrations/carriers/types';

/**
 * Asks the parcel's carrier for a waybill, outside any transaction. A failure is written on the
 * parcel (kind and message in words) before it is thrown as the API error, so the parcel always
 * says what happened.
 */
export async function requestWaybill(ctx: AppContext, parcelId: number, carrierRow: any, req: WaybillRequest): Promise<Waybill> {
  const { adapter, conn, services } = connectionOf(ctx, carrierRow);
  try {
    const wb = await adapter.createWaybill(conn, req, services);
    if (!wb?.waybillNo || !/^[\x21-\x7e]{4,40}$/.test(wb.waybillNo)) throw new CarrierError('malformed', `${carrierRow.code} answered without a usable waybill number`);
    return wb;
  } catch (err: any) {
    const kind: string = err instanceof CarrierError ? err.kind : err instanceof AppError ? 'refused' : 'error';
    const message = `${carrierRow.code}: ${err?.message ?? err}`;
    await ctx.db('parcels').where({ id: parcelId, status: 'waybill_pending' }).update({ status: 'waybill_failed', last_error_kind: kind, last_error: message.slice(0, 2000), updated_at: nowDb() });
    const order = await ctx.db('parcels').where({ id: parcelId }).first('order_id');
    await inTransaction(ctx.db, (trx) =>
      trx('order_events').insert({ order_id: order.order_id, event: 'waybill_failed', from_status: null, to_status: null, actor: 'system', message: message.slice(0, 1000), created_at: nowDb() }),
    );
    if (err instanceof AppError) throw err; // e.g. the local number range is used up
    const details = [{ code: kind, message, parcelId }];
    if (err instanceof CarrierError && !err.retryable) {
      if (err.kind === 'auth') throw new Unavailable('CARRIER_AUTH', `${carrierRow.name} refused our credentials: a supervisor must correct them (parcel ${parcelId} kept)`, details);
      throw new BusinessRule('CARRIER_REFUSED', `${carrierRow.name} refused the waybill: ${err.message}`, details);
    }
    throw new Unavailable('CARRIER_UNAVAILABLE', `${carrierRow.name} did not give a waybill (${kind}): try again, or choose another carrier (parcel ${parcelId} kept)`, details);
  }
}
