import type { Db } from '../db/knex';
import { inTransaction } from '../db/transaction';
import { nowDb } from '../db/time';
import { BusinessRule } from '../http/errors';

/**
 * The next number of the local carrier's range, in its own short transaction: a number once
 * taken is never issued again, even when the parcel it was taken for is never labelled.
 */
export async function nextLocalNumber(db: Db, carrierId: number): Promise<number> {
  return inTransaction(db, async (trx) => {
    const range = await trx('carrier_number_ranges').where({ carrier_id: carrierId }).forUpdate().first();
    if (!range) throw new BusinessRule('NO_NUMBER_RANGE', 'This carrier has no waybill number range');
    const n = Number(range.next_value);
    if (n > Number(range.range_end)) throw new BusinessRule('NUMBER_RANGE_EXHAUSTED', `The waybill number range ${range.prefix}${range.range_start}–${range.range_end} is used up: give the carrier a new range`);
    await trx('carrier_number_ranges').where({ id: range.id }).update({ next_value: n + 1, updated_at: nowDb() });
    return n;
  });
}
