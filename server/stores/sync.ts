import type { AppContext } from '../context';
import type { JobSpec } from '../queue/registry';
import { inTransaction } from '../db/transaction';
import { isUniqueViolation } from '../db/errors';
import { addMs, nowDb, toDbTime } from '../db/time';
import { ingestOrders, IngestOutcome } from '../orders/ingest';
import type { IncomingOrder } from '../orders/orders.model';
import { adapterFor, MalformedOrder, PlatformAdapter, PlatformConnection, PlatformError, PlatformOrder, PullWindow } from '../../integrations/platforms';
import { connectionOf } from './stores.service';
import { allocateSoon } from '../allocation/triggers';

/**
 * Pulling a store's orders. Each run reads the windows from the store's cursor (minus an overlap,
 * so that an order changed at a window's edge, or written late on the platform's side, is not
 * missed) up to now, in the platform's longest window, page by page. Each page is stored in one
 * transaction; the cursor moves to a window's end only after all its pages are stored. Rate
 * limits are waited out, short outages retried; anything else fails the run with the reason in
 * words on the store, and the job retries with backoff.
 */

/** windows reach back this far before the cursor */
export const OVERLAP_MS = 5 * 60 * 1000;
/** a run stops after this long and continues in a fresh job, so that no job runs for ever */
const RUN_BUDGET_MS = 90 * 1000;
const LEASE_MS = 3 * 60 * 1000;
const MAX_RATE_LIMIT_WAITS = 6;
const MAX_OUTAGE_RETRIES = 3;

export interface SyncPayload {
  storeId: number;
  /** a chosen period to read again (drift repair); the cursor is not moved by it */
  from?: string;
  to?: string;
  /** asked for by a person: runs even while the store's automatic syncing is paused */
  manual?: boolean;
}

export interface SyncReport {
  windows: number;
  pages: number;
  orders: number;
  created: number;
  updated: number;
  unchanged: number;
  malformed: number;
  caughtUp: boolean;
}

/** A platform's order as the warehouse takes it in. */
export function toIncoming(o: PlatformOrder): IncomingOrder {
  return {
    externalId: o.externalId,
    paid: o.paid,
    cancelled: o.cancelled,
    platformStatus: o.platformStatus,
    updatedAt: new Date(o.updatedAt),
    placedAt: o.createdAt ? new Date(o.createdAt) : null,
    receiver: {
      name: o.receiver.name ?? '',
      phone: o.receiver.phone ?? '',
      province: o.receiver.province,
      city: o.receiver.city,
      district: o.receiver.district,
      address: o.receiver.address ?? '',
    },
    lines: o.lines.map((l) => ({ externalLineId: l.externalLineId, listingCode: l.listingCode, variantId: l.variantId, title: l.title, qty: l.qty, priceFen: l.priceFen })),
    totalFen: o.totalFen,
    currency: o.currency,
    buyerNote: o.buyerNote,
    coldChain: false,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One adapter call, with the platform's rate limits waited out and short outages retried. */
export async function withPlatformRetry<T>(call: () => Promise<T>, opts: { maxWaitMs?: number } = {}): Promise<T> {
  let limited = 0;
  let outages = 0;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!(err instanceof PlatformError) || !err.retryable) throw err;
      if (err.kind === 'rate_limited' && limited < MAX_RATE_LIMIT_WAITS) {
        limited++;
        await sleep(Math.min(err.opts.retryAfterMs ?? 1000 * limited, opts.maxWaitMs ?? 30_000));
        continue;
      }
      if (err.kind !== 'rate_limited' && outages < MAX_OUTAGE_RETRIES) {
        outages++;
        await sleep(500 * 2 ** (outages - 1));
        continue;
      }
      throw err;
    }
  }
}

/** Stores one page (or a webhook's orders) of a store, with its unreadable records kept as rejects. */
export async function storePlatformOrders(ctx: AppContext, store: any, orders: PlatformOrder[], malformed: MalformedOrder[], via: string): Promise<IngestOutcome[]> {
  return retryOnRace(() => inTransaction(ctx.db, (trx) => storeInTrx(ctx, trx, store, orders, malformed, via)));
}

/**
 * A sync and a webhook may bring the same new order at the same instant: one insert wins, the
 * other hits the unique key. Run again, the loser finds the order and updates it.
 */
export async function retryOnRace<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!isUniqueViolation(err) || attempt >= attempts) throw err;
      await sleep(5 + Math.random() * 20 * attempt);
    }
  }
}

export async function storeInTrx(ctx: AppContext, trx: any, store: any, orders: PlatformOrder[], malformed: MalformedOrder[], via: string): Promise<IngestOutcome[]> {
  const source = { ownerId: Number(store.owner_id), storeId: Number(store.id), channel: store.platform, actor: `store:${store.id} (${store.platform} ${via})` };
  const outcomes = await ingestOrders(trx, ctx.config.dataKey, source, orders.map(toIncoming));
  await allocateSoon(ctx, trx, outcomes.filter((o) => o.released).map((o) => o.id));
  if (malformed.length) {
    const now = nowDb();
    await trx('store_rejects').insert(malformed.map((m) => ({ store_id: store.id, external_id: m.externalId?.slice(0, 64) ?? null, reason: m.reason.slice(0, 500), seen_at: now })));
  }
  // (no counter on the store row here: each order's foreign key holds a shared lock on that row,
  // and concurrent deliveries upgrading it to write the counter would deadlock)
  return outcomes;
}

/** The windows from `from` to `to`, each no longer than the platform allows. */
export function windows(from: Date, to: Date, maxMs: number): PullWindow[] {
  const out: PullWindow[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += maxMs) out.push({ from: new Date(t), to: new Date(Math.min(t + maxMs, to.getTime())) });
  return out;
}

async function pullWindow(ctx: AppContext, adapter: PlatformAdapter, conn: PlatformConnection, store: any, w: PullWindow, report: SyncReport) {
  let token: string | null = null;
  do {
    const page = await withPlatformRetry(() => adapter.pullOrders(conn, w, token));
    const outcomes = await storePlatformOrders(ctx, store, page.orders, page.malformed, 'sync');
    report.pages++;
    report.orders += page.orders.length;
    report.malformed += page.malformed.length;
    for (const o of outcomes) {
      if (o.result === 'created') report.created++;
      else if (o.result === 'updated') report.updated++;
      else report.unchanged++;
    }
    token = page.next;
  } while (token);
}

/** Takes the store's sync lease; false when another process is syncing it. */
async function lease(ctx: AppContext, storeId: number): Promise<boolean> {
  const now = nowDb();
  const n = await ctx.db('stores')
    .where({ id: storeId })
    .andWhere((q) => q.whereNull('sync_lease_until').orWhere('sync_lease_until', '<', now))
    .update({ sync_lease_until: addMs(LEASE_MS), last_sync_at: now });
  return n === 1;
}

function describe(err: unknown): string {
  if (err instanceof PlatformError) {
    const what: Record<string, string> = {
      rate_limited: '平台限流 / rate limited',
      auth: '凭证被拒 / credentials refused',
      unavailable: '平台不可用 / platform unavailable',
      timeout: '平台超时 / platform timed out',
      bad_response: '无法识别的应答 / unreadable answer',
      rejected: '平台拒绝 / refused by the platform',
    };
    return `${what[err.kind] ?? err.kind}: ${err.message}`;
  }
  return `同步出错 / sync failed: ${(err as Error)?.message ?? String(err)}`;
}

export async function syncStore(ctx: AppContext, payload: SyncPayload): Promise<SyncReport | null> {
  const store = await ctx.db('stores').where({ id: payload.storeId }).first();
  if (!store) return null;
  const adapter = adapterFor(store.platform);
  if (!adapter) throw new Error(`no adapter for platform ${store.platform}`);
  const repair = !!(payload.from || payload.to);
  if (!store.active && !repair && !payload.manual) return null;
  if (!(await lease(ctx, store.id))) throw new Error('another sync of this store is running; retrying');
  const report: SyncReport = { windows: 0, pages: 0, orders: 0, created: 0, updated: 0, unchanged: 0, malformed: 0, caughtUp: false };
  const started = Date.now();
  try {
    const conn = connectionOf(ctx, store);
    const end = payload.to ? new Date(payload.to) : new Date();
    const start = payload.from ? new Date(payload.from) : new Date(new Date(String(store.sync_cursor).replace(' ', 'T') + 'Z').getTime() - OVERLAP_MS);
    const list = windows(start, end, adapter.maxWindowMs);
    report.caughtUp = true;
    for (const w of list) {
      if (Date.now() - started > RUN_BUDGET_MS) {
        report.caughtUp = false;
        break;
      }
      await pullWindow(ctx, adapter, conn, store, w, report);
      report.windows++;
      // the cursor only moves forward, and only over windows fully stored
      if (!repair) await ctx.db('stores').where({ id: store.id }).where('sync_cursor', '<', toDbTime(w.to)).update({ sync_cursor: toDbTime(w.to) });
    }
    await ctx.db('stores')
      .where({ id: store.id })
      .update({ last_success_at: report.caughtUp ? nowDb() : store.last_success_at, failures: 0, last_error: null, sync_lease_until: null, updated_at: nowDb() });
    if (!report.caughtUp) {
      // a backlog: continue at once in a fresh job rather than wait for the next slot
      await inTransaction(ctx.db, (trx) => ctx.queue.enqueue(trx, 'stores.sync', payload, { dedupeKey: `store-sync:${store.id}:cont:${payload.from ?? ''}:${Date.now()}` }));
    }
    ctx.log.info({ storeId: store.id, ...report, ms: Date.now() - started }, 'store synced');
    return report;
  } catch (err) {
    await ctx.db('stores')
      .where({ id: store.id })
      .update({ last_error: describe(err).slice(0, 1000), last_error_at: nowDb(), failures: Number(store.failures) + 1, sync_lease_until: null, updated_at: nowDb() });
    throw err;
  }
}

export const storeSyncJob: JobSpec<SyncPayload> = {
  maxAttempts: 5,
  timeoutMs: 3 * 60 * 1000,
  async handler(ctx, payload) {
    await syncStore(ctx, payload);
  },
};

/** Orders a webhook only named (a Taobao message): fetched and stored like a page. */
export const storeFetchJob: JobSpec<{ storeId: number; externalIds: string[] }> = {
  maxAttempts: 6,
  async handler(ctx, payload) {
    const store = await ctx.db('stores').where({ id: payload.storeId }).first();
    if (!store) return;
    const adapter = adapterFor(store.platform)!;
    const got = await withPlatformRetry(() => adapter.fetchOrders(connectionOf(ctx, store), payload.externalIds));
    await storePlatformOrders(ctx, store, got.orders, got.malformed, 'webhook');
  },
};

/** Every few seconds: a sync job for each active store whose interval has passed (once per slot across processes). */
export const storeDispatchJob: JobSpec = {
  maxAttempts: 1,
  async handler(ctx) {
    const now = Date.now();
    const stores = await ctx.db('stores').where({ active: true }).select('id', 'sync_every_s', 'last_sync_at');
    for (const s of stores) {
      const every = Number(s.sync_every_s) * 1000;
      const last = s.last_sync_at ? Date.parse(String(s.last_sync_at).replace(' ', 'T') + 'Z') : 0;
      if (now - last < every) continue;
      const slot = Math.floor(now / every);
      await inTransaction(ctx.db, (trx) => ctx.queue.enqueue(trx, 'stores.sync', { storeId: Number(s.id) }, { dedupeKey: `store-sync:${s.id}:${slot}` }));
    }
  },
};

export const STORE_DISPATCH_EVERY_MS = 10 * 1000;
