import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { isUniqueViolation } from '../db/errors';
import { Conflict, NotFound, ValidationFailed } from '../http/errors';
import { visibleCarrierId } from '../auth/scope';
import { audit } from '../audit';
import { seal, unseal } from '../util/seal';
import { carrierAdapter, CARRIER_ADAPTERS } from '../../integrations/carriers';
import type { CarrierAdapter, CarrierConnection, CarrierServices } from '../../integrations/carriers/types';
import { nextLocalNumber } from './numbers';

const CREDENTIALS = 'carriers.credentials';

export interface CarrierInput {
  code: string;
  name: string;
  adapter: string;
  baseUrl?: string | null;
  credentials?: Record<string, string>;
  settings?: Record<string, unknown>;
  coldChain?: boolean;
  active?: boolean;
}

function adapterOrFail(name: string): CarrierAdapter {
  if (!CARRIER_ADAPTERS.includes(name)) {
    throw new ValidationFailed([{ field: 'adapter', code: 'unknown_adapter', message: `adapter is one of ${CARRIER_ADAPTERS.join(', ')}` }]);
  }
  return carrierAdapter(name);
}

/** The adapter's own schemas decide what a connection needs; every problem is listed. */
function checkConfig(adapter: CarrierAdapter, credentials: Record<string, string>, settings: Record<string, unknown>, baseUrl: string | null) {
  const problems: Array<{ field: string; code: string; message: string }> = [];
  const c = adapter.credentialsSchema.safeParse(credentials);
  if (!c.success) for (const i of c.error.issues) problems.push({ field: ['credentials', ...i.path].join('.'), code: i.code, message: i.message });
  const s = adapter.settingsSchema.safeParse(settings);
  if (!s.success) for (const i of s.error.issues) problems.push({ field: ['settings', ...i.path].join('.'), code: i.code, message: i.message });
  if (!baseUrl && adapter.defaultBaseUrl === null && adapter.name !== 'local') problems.push({ field: 'baseUrl', code: 'required', message: `${adapter.name} needs a baseUrl` });
  if (problems.length) throw new ValidationFailed(problems, `The ${adapter.name} connection is not complete`);
  return { credentials: c.success ? c.data : credentials, settings: s.success ? s.data : settings };
}

export function presentCarrier(r: any, range?: any) {
  const adapter = CARRIER_ADAPTERS.includes(r.adapter) ? carrierAdapter(r.adapter) : null;
  return {
    id: Number(r.id),
    code: r.code,
    name: r.name,
    adapter: r.adapter,
    baseUrl: r.base_url ?? adapter?.defaultBaseUrl ?? null,
    coldChain: !!r.cold_chain,
    active: r.status === 'active',
    settings: r.settings ? JSON.parse(r.settings) : {},
    hasCredentials: !!r.credentials_enc,
    numberRange: range
      ? {
          prefix: range.prefix,
          rangeStart: Number(range.range_start),
          rangeEnd: Number(range.range_end),
          next: Number(range.next_value),
          remaining: Math.max(0, Number(range.range_end) - Number(range.next_value) + 1),
        }
      : null,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  };
}

async function rangeOf(db: Tx, carrierId: number) {
  return db('carrier_number_ranges').where({ carrier_id: carrierId }).first();
}

/** The local carrier's range lives in its own row so numbers are taken by a locking update. */
async function syncRange(trx: Tx, carrierId: number, settings: Record<string, unknown>) {
  const prefix = String(settings.prefix);
  const start = Number(settings.rangeStart);
  const end = Number(settings.rangeEnd);
  if (!(end >= start)) throw new ValidationFailed([{ field: 'settings.rangeEnd', code: 'invalid', message: 'rangeEnd must not be below rangeStart' }]);
  const now = nowDb();
  const existing = await trx('carrier_number_ranges').where({ carrier_id: carrierId }).forUpdate().first();
  if (!existing) {
    await trx('carrier_number_ranges').insert({ carrier_id: carrierId, prefix, range_start: start, range_end: end, next_value: start, created_at: now, updated_at: now });
    return;
  }
  // numbers already issued are never issued again: a new range may only extend or move forward
  const next = Math.max(Number(existing.next_value), start);
  if (prefix === existing.prefix && next > end) throw new ValidationFailed([{ field: 'settings.rangeEnd', code: 'invalid', message: `numbers up to ${Number(existing.next_value) - 1} are already issued` }]);
  await trx('carrier_number_ranges').where({ id: existing.id }).update({ prefix, range_start: start, range_end: end, next_value: prefix === existing.prefix ? next : start, updated_at: now });
}

export async function createCarrier(ctx: AppContext, caller: Caller, input: CarrierInput) {
  const adapter = adapterOrFail(input.adapter);
  const { credentials, settings } = checkConfig(adapter, input.credentials ?? {}, input.settings ?? {}, input.baseUrl ?? null);
  return inTransaction(ctx.db, async (trx) => {
    const now = nowDb();
    let id: number;
    try {
      [id] = await trx('carriers').insert({
        code: input.code,
        name: input.name,
        adapter: adapter.name,
        base_url: input.baseUrl ?? null,
        credentials_enc: Object.keys(credentials).length ? seal(ctx.config.dataKey, CREDENTIALS, JSON.stringify(credentials)) : null,
        settings: JSON.stringify(settings),
        cold_chain: !!input.coldChain,
        status: input.active === false ? 'inactive' : 'active',
        created_at: now,
        updated_at: now,
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict('DUPLICATE_CARRIER', `A carrier with code ${input.code} exists`);
      throw err;
    }
    if (!id) id = Number((await trx('carriers').where({ code: input.code }).first('id')).id);
    if (adapter.name === 'local') await syncRange(trx, id, settings);
    await audit(trx, caller, { action: 'carrier.create', entity: 'carrier', entityId: id, details: { code: input.code, adapter: adapter.name } });
    return presentCarrier(await trx('carriers').where({ id }).first(), await rangeOf(trx, id));
  });
}

export async function updateCarrier(ctx: AppContext, caller: Caller, id: number, patch: Partial<Omit<CarrierInput, 'code' | 'adapter'>>) {
  return inTransaction(ctx.db, async (trx) => {
    const row = await trx('carriers').where({ id }).forUpdate().first();
    if (!row) throw new NotFound('carrier');
    const adapter = adapterOrFail(row.adapter);
    const credentials = patch.credentials ?? (row.credentials_enc ? JSON.parse(unseal(ctx.config.dataKey, CREDENTIALS, row.credentials_enc)) : {});
    const settings = patch.settings ?? (row.settings ? JSON.parse(row.settings) : {});
    const baseUrl = patch.baseUrl === undefined ? row.base_url : patch.baseUrl;
    const checked = checkConfig(adapter, credentials, settings, baseUrl);
    await trx('carriers').where({ id }).update({
      name: patch.name ?? row.name,
      base_url: baseUrl,
      credentials_enc: patch.credentials ? seal(ctx.config.dataKey, CREDENTIALS, JSON.stringify(checked.credentials)) : row.credentials_enc,
      settings: JSON.stringify(checked.settings),
      cold_chain: patch.coldChain === undefined ? row.cold_chain : patch.coldChain,
      status: patch.active === undefined ? row.status : patch.active ? 'active' : 'inactive',
      updated_at: nowDb(),
    });
    if (adapter.name === 'local' && patch.settings) await syncRange(trx, id, checked.settings);
    await audit(trx, caller, { action: 'carrier.update', entity: 'carrier', entityId: id, details: { fields: Object.keys(patch) } });
    return presentCarrier(await trx('carriers').where({ id }).first(), await rangeOf(trx, id));
  });
}

export async function listCarriers(ctx: AppContext, caller: Caller) {
  const q = ctx.db('carriers').orderBy('id');
  const own = visibleCarrierId(caller.principal);
  if (own !== null) q.where('id', own);
  const rows = await q;
  const ranges = new Map((await ctx.db('carrier_number_ranges')).map((r: any) => [Number(r.carrier_id), r]));
  return { items: rows.map((r: any) => presentCarrier(r, ranges.get(Number(r.id)))), nextCursor: null };
}

export async function loadCarrier(db: Tx, caller: Caller, idOrCode: number | string) {
  const row = await db('carriers').where(typeof idOrCode === 'number' ? { id: idOrCode } : { code: idOrCode }).first();
  const own = visibleCarrierId(caller.principal);
  if (!row || (own !== null && Number(row.id) !== own)) throw new NotFound('carrier');
  return row;
}

export async function getCarrier(ctx: AppContext, caller: Caller, id: number) {
  const row = await loadCarrier(ctx.db, caller, id);
  return presentCarrier(row, await rangeOf(ctx.db, id));
}

/** What an adapter call needs: connection (credentials unsealed) and the server's services. */
export function connectionOf(ctx: AppContext, row: any, timeoutMs?: number): { adapter: CarrierAdapter; conn: CarrierConnection; services: CarrierServices } {
  const adapter = carrierAdapter(row.adapter);
  const conn: CarrierConnection = {
    baseUrl: row.base_url ?? adapter.defaultBaseUrl ?? '',
    credentials: row.credentials_enc ? JSON.parse(unseal(ctx.config.dataKey, CREDENTIALS, row.credentials_enc)) : {},
    settings: row.settings ? JSON.parse(row.settings) : {},
    timeoutMs: timeoutMs ?? ctx.config.carrierTimeoutMs,
  };
  return { adapter, conn, services: { nextNumber: () => nextLocalNumber(ctx.db, Number(row.id)) } };
}
