import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { isUniqueViolation } from '../db/errors';
import { BusinessRule, Conflict, NotFound } from '../http/errors';
import { paginate, PageParams } from '../db/cursor';
import { audit } from '../audit';
import type { Caller } from '../auth/principal';
import type { Temperature } from '../http/zod';
import { LocationInput, metresToCm, presentLocation } from './layout.model';

export function presentWarehouse(r: any) {
  return {
    id: Number(r.id),
    code: r.code,
    name: r.name,
    address: r.address ?? null,
    province: r.province ?? null,
    city: r.city ?? null,
    district: r.district ?? null,
    contactName: r.contact_name ?? null,
    phone: r.phone ?? null,
    createdAt: toIso(r.created_at),
  };
}

export interface WarehouseSender {
  address?: string | null;
  province?: string | null;
  city?: string | null;
  district?: string | null;
  contactName?: string | null;
  phone?: string | null;
}

const SENDER_COLUMNS = { address: 'address', province: 'province', city: 'city', district: 'district', contactName: 'contact_name', phone: 'phone' } as const;

function senderColumns(input: WarehouseSender) {
  const out: Record<string, string | null> = {};
  for (const [k, col] of Object.entries(SENDER_COLUMNS)) {
    const v = input[k as keyof WarehouseSender];
    if (v !== undefined) out[col] = v;
  }
  return out;
}

/** The dispatch address and phone carriers print as the sender of every parcel. */
export async function updateWarehouse(ctx: AppContext, caller: Caller, id: number, patch: WarehouseSender & { name?: string }) {
  return inTransaction(ctx.db, async (trx) => {
    const row = await trx('warehouses').where({ id }).forUpdate().first();
    if (!row) throw new NotFound('warehouse');
    await trx('warehouses').where({ id }).update({ ...senderColumns(patch), ...(patch.name ? { name: patch.name } : {}), updated_at: nowDb() });
    await audit(trx, caller, { action: 'update', entity: 'warehouse', entityId: id, details: patch as Record<string, unknown> });
    return presentWarehouse(await trx('warehouses').where({ id }).first());
  });
}

export function presentZone(r: any) {
  return { id: Number(r.id), warehouseId: Number(r.warehouse_id), code: r.code, name: r.name, temperature: r.temperature };
}

export async function createWarehouse(ctx: AppContext, caller: Caller, input: { code: string; name: string } & WarehouseSender) {
  try {
    return await inTransaction(ctx.db, async (trx) => {
      const now = nowDb();
      const [id] = await trx('warehouses').insert({ code: input.code, name: input.name, ...senderColumns(input), created_at: now, updated_at: now });
      await audit(trx, caller, { action: 'create', entity: 'warehouse', entityId: id, details: { ...input } });
      return presentWarehouse(await trx('warehouses').where({ id }).first());
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('DUPLICATE', `A warehouse with code "${input.code}" already exists`);
    throw err;
  }
}

export async function listWarehouses(ctx: AppContext) {
  const rows = await ctx.db('warehouses').orderBy('id');
  return { items: rows.map(presentWarehouse), nextCursor: null };
}

/**
 * The warehouse a request means when it names none: most hubs have exactly one. A fresh
 * database gets a "MAIN" warehouse on first use so that API clients need not create one.
 */
export async function resolveWarehouse(trx: Tx, warehouseId?: number): Promise<number> {
  if (warehouseId) {
    const w = await trx('warehouses').where({ id: warehouseId }).first();
    if (!w) throw new BusinessRule('UNKNOWN_WAREHOUSE', `Warehouse ${warehouseId} does not exist`);
    return Number(w.id);
  }
  const first = await trx('warehouses').orderBy('id').first();
  if (first) return Number(first.id);
  const now = nowDb();
  try {
    const [id] = await trx('warehouses').insert({ code: 'MAIN', name: 'Main warehouse', created_at: now, updated_at: now });
    return Number(id);
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // a locking read sees the winner's committed row (a plain one reads our snapshot on MySQL)
    return Number((await trx('warehouses').where({ code: 'MAIN' }).forShare().first()).id);
  }
}

/** Finds a zone by code, creating it with the given temperature; a zone keeps one temperature class. */
export async function ensureZone(trx: Tx, warehouseId: number, code: string, temperature: Temperature, name?: string) {
  let zone = await trx('zones').where({ warehouse_id: warehouseId, code }).first();
  if (!zone) {
    const now = nowDb();
    const [id] = await trx('zones').insert({ warehouse_id: warehouseId, code, name: name ?? code, temperature, created_at: now, updated_at: now });
    zone = await trx('zones').where({ id }).first();
    return { zone, created: true };
  }
  if (zone.temperature !== temperature) {
    throw new BusinessRule('TEMPERATURE_MISMATCH', `Zone ${code} is ${zone.temperature}; a ${temperature} location cannot be in it`, [
      { field: 'temperature', code: 'zone_mismatch', message: `zone ${code} is ${zone.temperature}` },
    ]);
  }
  return { zone, created: false };
}

export async function createZone(ctx: AppContext, caller: Caller, input: { code: string; name?: string; temperature: Temperature; warehouseId?: number }) {
  return inTransaction(ctx.db, async (trx) => {
    const warehouseId = await resolveWarehouse(trx, input.warehouseId);
    const existing = await trx('zones').where({ warehouse_id: warehouseId, code: input.code }).first();
    if (existing) throw new Conflict('DUPLICATE', `Zone "${input.code}" already exists`);
    const { zone } = await ensureZone(trx, warehouseId, input.code, input.temperature, input.name);
    await audit(trx, caller, { action: 'create', entity: 'zone', entityId: zone.id, details: input });
    return presentZone(zone);
  });
}

export async function listZones(ctx: AppContext, filter: { warehouseId?: number }) {
  const q = ctx.db('zones').orderBy('id');
  if (filter.warehouseId) q.where({ warehouse_id: filter.warehouseId });
  return { items: (await q).map(presentZone), nextCursor: null };
}

const LOCATION_COLUMNS = ['locations.*', 'zones.code as zone_code', 'zones.temperature as temperature'];

export async function getLocationRow(trx: Tx, id: number) {
  return trx('locations').join('zones', 'zones.id', 'locations.zone_id').where('locations.id', id).first(LOCATION_COLUMNS);
}

export type UpsertOutcome = 'created' | 'updated' | 'unchanged';

/**
 * Creates a location, or with `allowUpdate` brings an existing one in line with the input.
 * Shared by the single-create endpoint and the CSV import.
 */
export async function upsertLocation(trx: Tx, input: LocationInput, allowUpdate: boolean): Promise<{ id: number; outcome: UpsertOutcome }> {
  const warehouseId = await resolveWarehouse(trx, input.warehouseId);
  const { zone } = await ensureZone(trx, warehouseId, input.zone, input.temperature);
  const values = {
    zone_id: zone.id,
    type: input.type,
    x_cm: metresToCm(input.x),
    y_cm: metresToCm(input.y),
    pick_seq: input.pickSeq ?? null,
  };
  const existing = await trx('locations').where({ warehouse_id: warehouseId, code: input.code }).first();
  const now = nowDb();
  if (!existing) {
    const [id] = await trx('locations').insert({ warehouse_id: warehouseId, code: input.code, status: 'active', ...values, created_at: now, updated_at: now });
    return { id: Number(id), outcome: 'created' };
  }
  if (!allowUpdate) throw new Conflict('DUPLICATE', `Location "${input.code}" already exists`);
  const same = (Object.keys(values) as Array<keyof typeof values>).every((k) => (existing[k] ?? null) === (values[k] ?? null));
  if (same) return { id: Number(existing.id), outcome: 'unchanged' };
  await trx('locations').where({ id: existing.id }).update({ ...values, updated_at: now });
  return { id: Number(existing.id), outcome: 'updated' };
}

export async function createLocation(ctx: AppContext, caller: Caller, input: LocationInput) {
  try {
    return await inTransaction(ctx.db, async (trx) => {
      const { id } = await upsertLocation(trx, input, false);
      await audit(trx, caller, { action: 'create', entity: 'location', entityId: id, details: { ...input } });
      return presentLocation(await getLocationRow(trx, id));
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('DUPLICATE', `Location "${input.code}" already exists`);
    throw err;
  }
}

export async function getLocation(ctx: AppContext, id: number) {
  const row = await getLocationRow(ctx.db, id);
  if (!row) throw new NotFound('location');
  return presentLocation(row);
}

export async function listLocations(
  ctx: AppContext,
  filter: PageParams & { zone?: string; type?: string; temperature?: string; q?: string; warehouseId?: number },
) {
  const q = ctx.db('locations').join('zones', 'zones.id', 'locations.zone_id').select(LOCATION_COLUMNS);
  if (filter.warehouseId) q.where('locations.warehouse_id', filter.warehouseId);
  if (filter.zone) q.where('zones.code', filter.zone);
  // the totes of waves are locations of the ledger, not of the layout
  if (filter.type) q.where('locations.type', filter.type);
  else q.whereNot('locations.type', 'tote');
  if (filter.temperature) q.where('zones.temperature', filter.temperature);
  if (filter.q) q.where('locations.code', 'like', `${filter.q.replace(/[%_]/g, '')}%`);
  const page = await paginate<any>(q, filter, 'locations.id');
  return { items: page.items.map(presentLocation), nextCursor: page.nextCursor };
}
