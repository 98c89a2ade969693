import type { JobSpec } from '../queue/registry';
import { reprocessUnmapped } from './orders.service';

/** After mappings change: the store's held orders with unmapped lines are judged again. */
export const reprocessJob: JobSpec<{ storeId?: number; ownerId?: number; actor: string }> = {
  maxAttempts: 5,
  async handler(ctx, payload) {
    const released = await reprocessUnmapped(ctx, { storeId: payload.storeId, ownerId: payload.ownerId }, payload.actor);
    ctx.log.info({ ...payload, released }, 'orders judged again after a mapping change');
  },
};
