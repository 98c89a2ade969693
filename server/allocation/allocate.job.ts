import type { AppContext } from '../context';
import type { Trx } from '../db/transaction';
import type { JobSpec } from '../queue/registry';
import { allocateDue, allocateOrder } from './allocate';

/** Allocates the named orders, or (without names) sweeps every order waiting for stock. */
export const allocateJob: JobSpec<{ orderIds?: number[] }> = {
  maxAttempts: 5,
  timeoutMs: 5 * 60 * 1000,
  async handler(ctx, payload) {
    if (payload.orderIds?.length) {
      for (const id of payload.orderIds) await allocateOrder(ctx, id);
      return;
    }
    const r = await allocateDue(ctx);
    if (r.allocated || r.backorder) ctx.log.info(r, 'allocation sweep');
  },
};

/** the safety net: a sweep on this interval even when no trigger fired */
export const ALLOCATE_SWEEP_EVERY_MS = 15 * 1000;

/** Orders just released to the warehouse: allocated by a job once this transaction commits. */
export async function allocateSoon(ctx: AppContext, trx: Trx, orderIds: number[]): Promise<void> {
  if (orderIds.length) await ctx.queue.enqueue(trx, 'orders.allocate', { orderIds });
}

/** Stock became allocatable (put away, moved to a pick face, found, released from hold): backorders get another try. */
export async function stockArrived(ctx: AppContext, trx: Trx): Promise<void> {
  if (!(await trx('orders').where({ status: 'backorder' }).first('id'))) return;
  await ctx.queue.enqueue(trx, 'orders.allocate', {}, { dedupeKey: `allocate-sweep:${Math.floor(Date.now() / 2000)}` });
}
