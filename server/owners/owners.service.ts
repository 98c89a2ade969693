import type { AppContext } from '../context';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { isUniqueViolation } from '../db/errors';
import { Conflict, NotFound } from '../http/errors';
import { paginate, PageParams } from '../db/cursor';
import { audit } from '../audit';
import type { Caller } from '../auth/principal';
import { whereOwner } from '../auth/scope';

export interface OwnerInput {
  code: string;
  name: string;
  contactName?: string | null;
  phone?: string | null;
  minShelfLifeDays?: number;
}

export function presentOwner(r: any) {
  return {
    id: Number(r.id),
    code: r.code,
    name: r.name,
    contactName: r.contact_name ?? null,
    minShelfLifeDays: Number(r.min_shelf_life_days ?? 0),
    phone: r.phone ?? null,
    status: r.status,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  };
}

export async function createOwner(ctx: AppContext, caller: Caller, input: OwnerInput) {
  try {
    return await inTransaction(ctx.db, async (trx) => {
      const now = nowDb();
      const [id] = await trx('owners').insert({
        code: input.code,
        name: input.name,
        contact_name: input.contactName ?? null,
        min_shelf_life_days: input.minShelfLifeDays ?? 0,
        phone: input.phone ?? null,
        status: 'active',
        created_at: now,
        updated_at: now,
      });
      await audit(trx, caller, { action: 'create', entity: 'owner', entityId: id, ownerId: Number(id), details: { code: input.code, name: input.name } });
      return presentOwner(await trx('owners').where({ id }).first());
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('DUPLICATE', `An owner with code "${input.code}" already exists`);
    throw err;
  }
}

export async function listOwners(ctx: AppContext, caller: Caller, filter: PageParams & { q?: string }) {
  const q = ctx.db('owners').select('*');
  whereOwner(q, caller.principal, 'id');
  if (filter.q) q.where((w) => w.where('code', 'like', `%${filter.q}%`).orWhere('name', 'like', `%${filter.q}%`));
  const page = await paginate<any>(q, filter);
  return { items: page.items.map(presentOwner), nextCursor: page.nextCursor };
}

export async function getOwner(ctx: AppContext, caller: Caller, id: number) {
  const q = ctx.db('owners').where({ id });
  whereOwner(q, caller.principal, 'id');
  const row = await q.first();
  if (!row) throw new NotFound('owner');
  return presentOwner(row);
}

export async function updateOwner(ctx: AppContext, caller: Caller, id: number, patch: Partial<OwnerInput> & { status?: string }) {
  return inTransaction(ctx.db, async (trx) => {
    const row = await trx('owners').where({ id }).first();
    if (!row) throw new NotFound('owner');
    const changes: Record<string, unknown> = {};
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.contactName !== undefined) changes.contact_name = patch.contactName;
    if (patch.minShelfLifeDays !== undefined) changes.min_shelf_life_days = patch.minShelfLifeDays;
    if (patch.phone !== undefined) changes.phone = patch.phone;
    if (patch.status !== undefined) changes.status = patch.status;
    if (Object.keys(changes).length) {
      await trx('owners').where({ id }).update({ ...changes, updated_at: nowDb() });
      await audit(trx, caller, { action: 'update', entity: 'owner', entityId: id, ownerId: id, details: patch });
    }
    return presentOwner(await trx('owners').where({ id }).first());
  });
}
