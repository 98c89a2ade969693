import type { AppContext } from '../context';
import { inTransaction } from '../db/transaction';
import { nowDb } from '../db/time';
import { AppError, BadRequest, NotFound } from '../http/errors';
import { adapterFor, WebhookRejected, WebhookRequest } from '../../integrations/platforms';
import { connectionOf } from './stores.service';
import { retryOnRace, storeInTrx } from './sync';

class InvalidWebhook extends AppError {
  constructor(code: string, message: string) {
    super(401, code, message);
  }
}

export interface WebhookAnswer {
  status: 'accepted' | 'duplicate' | 'ignored';
  topic: string;
  orders: number;
}

/**
 * A platform's push. The store is looked up by id and platform, the signature verified with
 * that store's secret (a forged or tampered delivery is 401 and changes nothing), and a
 * delivery id seen before is answered 200 without doing anything again. Orders in the body are
 * stored in the same transaction that records the delivery, so a failure leaves the platform
 * to deliver again; a notification naming orders becomes a fetch job.
 */
export async function receiveWebhook(ctx: AppContext, platform: string, storeId: number, req: WebhookRequest): Promise<WebhookAnswer> {
  const adapter = adapterFor(platform);
  const store = adapter ? await ctx.db('stores').where({ id: storeId, platform }).first() : undefined;
  if (!adapter || !store) throw new NotFound('store');
  let parsed;
  try {
    parsed = adapter.parseWebhook(connectionOf(ctx, store), req);
  } catch (err) {
    if (err instanceof WebhookRejected) {
      ctx.log.warn({ storeId, platform, code: err.code }, 'webhook refused');
      if (err.code === 'MALFORMED_WEBHOOK') throw new BadRequest(err.code, err.message);
      throw new InvalidWebhook(err.code, err.message);
    }
    throw err;
  }
  if (parsed.kind === 'ignore') return { status: 'ignored', topic: parsed.topic, orders: 0 };
  if (!store.active) return { status: 'ignored', topic: parsed.topic, orders: 0 };
  return retryOnRace(() =>
    inTransaction(ctx.db, async (trx): Promise<WebhookAnswer> => {
      if (parsed.deliveryId) {
        const id = parsed.deliveryId.slice(0, 128);
        if (await trx('webhook_deliveries').where({ store_id: storeId, delivery_id: id }).first('id')) return { status: 'duplicate', topic: parsed.topic, orders: 0 };
        await trx('webhook_deliveries').insert({ store_id: storeId, delivery_id: id, topic: parsed.topic.slice(0, 64), received_at: nowDb() });
      }
      if (parsed.kind === 'fetch') {
        await ctx.queue.enqueue(trx, 'stores.fetch', { storeId, externalIds: parsed.externalIds });
        return { status: 'accepted', topic: parsed.topic, orders: parsed.externalIds.length };
      }
      const outcomes = await storeInTrx(ctx, trx, store, parsed.orders, parsed.malformed, 'webhook');
      return { status: 'accepted', topic: parsed.topic, orders: outcomes.length };
    }),
  );
}
