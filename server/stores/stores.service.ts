import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb, toDbTime, toIso } from '../db/time';
import { isUniqueViolation } from '../db/errors';
import { Conflict, NotFound, ValidationFailed } from '../http/errors';
import { paginate, PageParams } from '../db/cursor';
import { assertOwnerVisible, whereOwner } from '../auth/scope';
import { audit } from '../audit';
import { seal, unseal } from '../util/seal';
import { adapterFor, PlatformConnection } from '../../integrations/platforms';

const CREDENTIALS = 'stores.credentials';
/** a new store pulls the orders changed in these days before it was connected */
const DEFAULT_LOOKBACK_MS = 3 * 24 * 3600 * 1000;

export interface StoreInput {
  ownerId: number;
  platform: string;
  name: string;
  baseUrl: string;
  credentials: Record<string, string>;
  syncFrom?: string | null;
  syncEverySeconds?: number;
  active?: boolean;
}

/** The credentials must be exactly the names the platform uses, none missing, none blank. */
function checkCredentials(platform: string, credentials: Record<string, string>) {
  const adapter = adapterFor(platform);
  if (!adapter) throw new ValidationFailed([{ field: 'platform', code: 'unknown_platform', message: `unknown platform "${platform}"` }]);
  const problems = adapter.credentialNames
    .filter((n) => typeof credentials[n] !== 'string' || !credentials[n].trim())
    .map((n) => ({ field: `credentials.${n}`, code: 'required', message: `${platform} needs ${n}` }));
  for (const k of Object.keys(credentials)) {
    if (!adapter.credentialNames.includes(k)) problems.push({ field: `credentials.${k}`, code: 'unknown', message: `${platform} credentials are ${adapter.credentialNames.join(', ')}` });
  }
  if (problems.length) throw new ValidationFailed(problems, 'The credentials do not match the platform');
}

export async function storeHealth(db: Tx, ids: number[]) {
  const held = new Map<number, number>();
  const total = new Map<number, number>();
  const rejects = new Map<number, any[]>();
  if (ids.length) {
    const counts: any[] = await db('orders').whereIn('store_id', ids).groupBy('store_id', 'status').select('store_id', 'status').count({ n: '*' });
    for (const r of counts) {
      const id = Number(r.store_id);
      total.set(id, (total.get(id) ?? 0) + Number(r.n));
      if (r.status === 'held') held.set(id, Number(r.n));
    }
    const rows = await db('store_rejects').whereIn('store_id', ids).orderBy('id', 'desc').limit(20 * ids.length);
    for (const r of rows) {
      const list = rejects.get(Number(r.store_id)) ?? [];
      if (list.length < 20) list.push({ externalId: r.external_id, reason: r.reason, seenAt: toIso(r.seen_at) });
      rejects.set(Number(r.store_id), list);
    }
  }
  return { held, total, rejects };
}

export function presentStore(r: any, health?: Awaited<ReturnType<typeof storeHealth>>) {
  const cursor = toIso(r.sync_cursor);
  const id = Number(r.id);
  return {
    id,
    ownerId: Number(r.owner_id),
    platform: r.platform,
    name: r.name,
    baseUrl: r.base_url,
    active: !!r.active,
    syncEverySeconds: Number(r.sync_every_s),
    credentialNames: adapterFor(r.platform)?.credentialNames ?? [],
    cursor,
    lastSyncAt: toIso(r.last_sync_at),
    lastSuccessAt: toIso(r.last_success_at),
    /** how far behind the platform the stored orders may be */
    lagSeconds: cursor ? Math.max(0, Math.round((Date.now() - Date.parse(cursor)) / 1000)) : null,
    lastError: r.last_error ?? null,
    lastErrorAt: toIso(r.last_error_at),
    failures: Number(r.failures),
    ordersSeen: health?.total.get(id) ?? 0,
    heldOrders: health?.held.get(id) ?? 0,
    rejects: health?.rejects.get(id) ?? [],
    webhookPath: `/api/v1/webhooks/${r.platform}/${id}`,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  };
}

async function present(db: Tx, row: any) {
  return presentStore(row, await storeHealth(db, [Number(row.id)]));
}

export async function createStore(ctx: AppContext, caller: Caller, input: StoreInput) {
  checkCredentials(input.platform, input.credentials);
  const from = input.syncFrom ? new Date(input.syncFrom) : new Date(Date.now() - DEFAULT_LOOKBACK_MS);
  try {
    return await inTransaction(ctx.db, async (trx) => {
      if (!(await trx('owners').where({ id: input.ownerId }).first('id'))) throw new NotFound('owner');
      const now = nowDb();
      const [id] = await trx('stores').insert({
        owner_id: input.ownerId,
        platform: input.platform,
        name: input.name,
        base_url: input.baseUrl.replace(/\/+$/, ''),
        credentials_sealed: seal(ctx.config.dataKey, CREDENTIALS, JSON.stringify(input.credentials)),
        active: input.active ?? true,
        sync_every_s: input.syncEverySeconds ?? 60,
        sync_cursor: toDbTime(from),
        failures: 0,
        created_at: now,
        updated_at: now,
      });
      await audit(trx, caller, { action: 'create', entity: 'store', entityId: id, ownerId: input.ownerId, details: { platform: input.platform, name: input.name, baseUrl: input.baseUrl } });
      if (input.active ?? true) await ctx.queue.enqueue(trx, 'stores.sync', { storeId: Number(id) }, { dedupeKey: `store-sync:${id}:first` });
      return present(trx, await trx('stores').where({ id }).first());
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('DUPLICATE', `This owner already has a store named "${input.name}"`);
    throw err;
  }
}

export async function loadStore(db: Tx, caller: Caller, id: number, forUpdate = false) {
  const q = db('stores').where({ id });
  whereOwner(q, caller.principal);
  if (forUpdate) q.forUpdate();
  const row = await q.first();
  if (!row) throw new NotFound('store');
  return row;
}

export async function getStore(ctx: AppContext, caller: Caller, id: number) {
  return present(ctx.db, await loadStore(ctx.db, caller, id));
}

export async function listStores(ctx: AppContext, caller: Caller, filter: PageParams & { ownerId?: number; platform?: string }) {
  const q = ctx.db('stores').select('*');
  whereOwner(q, caller.principal);
  if (filter.ownerId) q.where({ owner_id: filter.ownerId });
  if (filter.platform) q.where({ platform: filter.platform });
  const page = await paginate<any>(q, filter);
  const health = await storeHealth(ctx.db, page.items.map((r) => Number(r.id)));
  return { items: page.items.map((r) => presentStore(r, health)), nextCursor: page.nextCursor };
}

export interface StorePatch {
  name?: string;
  baseUrl?: string;
  credentials?: Record<string, string>;
  active?: boolean;
  syncEverySeconds?: number;
}

export async function updateStore(ctx: AppContext, caller: Caller, id: number, patch: StorePatch) {
  try {
    return await inTransaction(ctx.db, async (trx) => {
      const row = await loadStore(trx, caller, id, true);
      assertOwnerVisible(caller.principal, row.owner_id, 'store');
      const changes: Record<string, unknown> = {};
      if (patch.name !== undefined) changes.name = patch.name;
      if (patch.baseUrl !== undefined) changes.base_url = patch.baseUrl.replace(/\/+$/, '');
      if (patch.active !== undefined) changes.active = patch.active;
      if (patch.syncEverySeconds !== undefined) changes.sync_every_s = patch.syncEverySeconds;
      if (patch.credentials !== undefined) {
        checkCredentials(row.platform, patch.credentials);
        changes.credentials_sealed = seal(ctx.config.dataKey, CREDENTIALS, JSON.stringify(patch.credentials));
        // new credentials deserve a fresh start: the next failure count is theirs
        changes.failures = 0;
      }
      if (Object.keys(changes).length) {
        await trx('stores').where({ id }).update({ ...changes, updated_at: nowDb() });
        const { credentials, ...shown } = patch;
        await audit(trx, caller, { action: 'update', entity: 'store', entityId: id, ownerId: row.owner_id, details: { ...shown, credentials: credentials ? 'replaced' : undefined } });
      }
      return present(trx, await trx('stores').where({ id }).first());
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('DUPLICATE', `This owner already has a store named "${patch.name}"`);
    throw err;
  }
}

/** The connection an adapter calls with: the store's address and its opened credentials. */
export function connectionOf(ctx: AppContext, row: any): PlatformConnection {
  return {
    storeId: Number(row.id),
    baseUrl: row.base_url,
    credentials: JSON.parse(unseal(ctx.config.dataKey, CREDENTIALS, row.credentials_sealed)),
  };
}
