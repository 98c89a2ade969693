import type { JobSpec } from '../queue/registry';
import { allocateDue, allocateOrder } from './allocate';
import { replenishForBackorders } from './replenish';

/** Allocates the named orders, or (without names) sweeps every order waiting for stock. */
export const allocateJob: JobSpec<{ orderIds?: number[] }> = {
  maxAttempts: 5,
  timeoutMs: 5 * 60 * 1000,
  async handler(ctx, payload) {
    if (payload.orderIds?.length) {
      let short = 0;
      for (const id of payload.orderIds) if ((await allocateOrder(ctx, id)).status === 'backorder') short++;
      if (short) await replenishForBackorders(ctx);
      return;
    }
    const r = await allocateDue(ctx);
    // what still waits, and lies in bulk storage, is brought to a pick face
    const replenishments = r.backorder ? await replenishForBackorders(ctx) : 0;
    if (r.allocated || r.backorder) ctx.log.info({ ...r, replenishments }, 'allocation sweep');
  },
};

/** the safety net: a sweep on this interval even when no trigger fired */
export const ALLOCATE_SWEEP_EVERY_MS = 15 * 1000;

