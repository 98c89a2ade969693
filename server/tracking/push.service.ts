import type { AppContext } from '../context';
import { AppError, BadRequest, NotFound } from '../http/errors';
import { connectionOf } from '../carriers';
import { carrierAdapter, CARRIER_ADAPTERS } from '../../integrations/carriers';
import { CarrierPushRefused, type CarrierPush } from '../../integrations/carriers/types';
import { recordTracking } from './record.service';

class InvalidPush extends AppError {
  constructor(code: string, message: string) {
    super(401, code, message);
  }
}

export interface PushOutcome {
  answer: unknown;
  added: number;
  waybills: number;
  unknown: number;
}

/**
 * A carrier's tracking push. The carrier is looked up by id, the push verified with that
 * carrier's secret (a forged or unsigned one is 401 and stores nothing), then each waybill's
 * events are stored like a poll's: de-duplicated, the parcel's latest status updated. A waybill
 * that is not one of ours is acknowledged and ignored, so the carrier does not push it forever.
 */
export async function receiveCarrierPush(ctx: AppContext, carrierId: number, req: { rawBody: Buffer; contentType: string }): Promise<PushOutcome> {
  const row = await ctx.db('carriers').where({ id: carrierId }).first();
  const adapter = row && CARRIER_ADAPTERS.includes(row.adapter) ? carrierAdapter(row.adapter) : null;
  if (!row || !adapter?.parsePush) throw new NotFound('carrier push endpoint');
  let push: CarrierPush;
  try {
    push = adapter.parsePush(connectionOf(ctx, row).conn, req);
  } catch (err) {
    if (err instanceof CarrierPushRefused) {
      ctx.log.warn({ carrierId, kind: err.kind }, 'carrier push refused');
      if (err.kind === 'malformed') throw new BadRequest('MALFORMED_PUSH', err.message);
      throw new InvalidPush(err.kind === 'forged' ? 'INVALID_SIGNATURE' : 'SIGNATURE_REQUIRED', err.message);
    }
    throw err;
  }
  const outcome: PushOutcome = { answer: push.answer, added: 0, waybills: push.waybills.length, unknown: 0 };
  for (const w of push.waybills) {
    const parcel = await ctx.db('parcels').where({ carrier_id: row.id, waybill_no: w.waybillNo }).whereNot('status', 'voided').orderBy('id', 'desc').first('id');
    if (!parcel) {
      outcome.unknown++;
      ctx.log.info({ carrierId, waybillNo: w.waybillNo }, 'tracking push for a waybill that is not ours; ignored');
      continue;
    }
    const r = await recordTracking(ctx, { id: Number(parcel.id), carrierId: Number(row.id), waybillNo: w.waybillNo }, w.events, 'push');
    outcome.added += r.added;
  }
  return outcome;
}
