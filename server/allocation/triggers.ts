import type { AppContext } from '../context';
import type { Trx } from '../db/transaction';

/** Orders just released to the warehouse: allocated by a job once this transaction commits. */
export async function allocateSoon(ctx: AppContext, trx: Trx, orderIds: number[]): Promise<void> {
  if (orderIds.length) await ctx.queue.enqueue(trx, 'orders.allocate', { orderIds });
}

/** Stock became allocatable (put away, moved to a pick face, found, released from hold): backorders get another try. */
export async function stockArrived(ctx: AppContext, trx: Trx): Promise<void> {
  if (!(await trx('orders').where({ status: 'backorder' }).first('id'))) return;
  // one waiting sweep is enough; no dedupe key, since concurrent stock moves would all queue on
  // that one unique key (a second sweep now and then costs less than serialised moves)
  if (await trx('outbox_jobs').where({ type: 'orders.allocate', status: 'pending', payload: '{}' }).first('id')) return;
  await ctx.queue.enqueue(trx, 'orders.allocate', {});
}
