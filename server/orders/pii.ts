import type { AppContext } from '../context';
import { addMs, nowDb } from '../db/time';

const DAY = 24 * 3600 * 1000;

/**
 * Erases receivers' personal data (name, phone, street address and their masked copies) of
 * orders shipped or cancelled more than the retention period ago. Province, city and district
 * stay for statistics; the order itself and its history stay. Returns how many were erased.
 */
export async function purgePersonalData(ctx: AppContext, now = new Date()): Promise<number> {
  const before = addMs(-ctx.config.piiRetentionDays * DAY, now);
  let total = 0;
  for (;;) {
    const ids = (
      await ctx.db('orders')
        .whereNull('pii_purged_at')
        .where((q) => q.where((s) => s.where('status', 'shipped').where('shipped_at', '<', before)).orWhere((s) => s.where('status', 'cancelled').where('cancelled_at', '<', before)))
        .limit(500)
        .select('id')
    ).map((r: any) => Number(r.id));
    if (!ids.length) return total;
    total += await ctx.db('orders').whereIn('id', ids).update({
      receiver_name_sealed: null,
      receiver_phone_sealed: null,
      receiver_address_sealed: null,
      receiver_name_masked: null,
      receiver_phone_masked: null,
      receiver_address_masked: null,
      pii_purged_at: nowDb(),
    });
  }
}
