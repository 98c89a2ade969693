import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { isUniqueViolation } from '../db/errors';
import { BusinessRule, Conflict, Forbidden, NotFound, ValidationFailed } from '../http/errors';
import { paginate, PageParams } from '../db/cursor';
import { audit } from '../audit';
import { hashPassword } from './passwords';
import type { Caller, Principal, Role } from './principal';
import { presentUser } from './auth.service';
import { newApiKey, sha256 } from './tokens';
import { whereOwner } from './scope';

/** Who may hand out which role: nobody grants more than they hold. */
const GRANTABLE: Record<Role, readonly Role[]> = {
  admin: ['admin', 'supervisor', 'operator', 'seller', 'carrier'],
  supervisor: ['operator', 'seller', 'carrier'],
  seller: ['seller'],
  operator: [],
  carrier: [],
};

interface Binding {
  role: Role;
  ownerId?: number | null;
  carrierId?: number | null;
}

/** A seller is bound to exactly one owner, a carrier user to one carrier, staff to neither. */
async function checkBinding(trx: Tx, granter: Principal, b: Binding): Promise<void> {
  if (!GRANTABLE[granter.role].includes(b.role)) throw new Forbidden(`A ${granter.role} may not grant the role ${b.role}`);
  const errors = [];
  if (b.role === 'seller' && !b.ownerId) errors.push({ field: 'ownerId', code: 'required', message: 'a seller needs ownerId' });
  if (b.role === 'carrier' && !b.carrierId) errors.push({ field: 'carrierId', code: 'required', message: 'a carrier user needs carrierId' });
  if (b.role !== 'seller' && b.ownerId) errors.push({ field: 'ownerId', code: 'not_allowed', message: `role ${b.role} is not bound to an owner` });
  if (b.role !== 'carrier' && b.carrierId) errors.push({ field: 'carrierId', code: 'not_allowed', message: `role ${b.role} is not bound to a carrier` });
  if (errors.length) throw new ValidationFailed(errors);
  if (b.ownerId && !(await trx('owners').where({ id: b.ownerId }).first())) {
    throw new BusinessRule('UNKNOWN_OWNER', `Owner ${b.ownerId} does not exist`);
  }
  if (b.carrierId && !(await trx('carriers').where({ id: b.carrierId }).first())) {
    throw new BusinessRule('UNKNOWN_CARRIER', `Carrier ${b.carrierId} does not exist`);
  }
}

export interface CreateUserInput extends Binding {
  username: string;
  password: string;
  displayName?: string;
  badge?: string;
}

export async function createUser(ctx: AppContext, caller: Caller, input: CreateUserInput) {
  const passwordHash = await hashPassword(input.password);
  try {
    return await inTransaction(ctx.db, async (trx) => {
      await checkBinding(trx, caller.principal, input);
      const now = nowDb();
      const [id] = await trx('users').insert({
        username: input.username,
        password_hash: passwordHash,
        role: input.role,
        owner_id: input.ownerId ?? null,
        carrier_id: input.carrierId ?? null,
        display_name: input.displayName ?? null,
        badge: input.badge ?? null,
        active: true,
        created_at: now,
        updated_at: now,
      });
      await audit(trx, caller, {
        action: 'create',
        entity: 'user',
        entityId: id,
        ownerId: input.ownerId ?? null,
        details: { username: input.username, role: input.role },
      });
      return presentUser(await trx('users').where({ id }).first());
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('DUPLICATE', `A user named "${input.username}" or with that badge already exists`);
    throw err;
  }
}

export async function listUsers(ctx: AppContext, caller: Caller, page: PageParams) {
  const q = ctx.db('users').select('*');
  whereOwner(q, caller.principal);
  const res = await paginate<any>(q, page);
  return { items: res.items.map(presentUser), nextCursor: res.nextCursor };
}

export async function createApiKey(ctx: AppContext, caller: Caller, input: Binding & { name: string }) {
  const key = newApiKey();
  return inTransaction(ctx.db, async (trx) => {
    await checkBinding(trx, caller.principal, input);
    const now = nowDb();
    const [id] = await trx('api_keys').insert({
      name: input.name,
      key_hash: sha256(key),
      prefix: key.slice(0, 12),
      role: input.role,
      owner_id: input.ownerId ?? null,
      carrier_id: input.carrierId ?? null,
      created_by: caller.principal.userId,
      created_at: now,
      updated_at: now,
    });
    await audit(trx, caller, { action: 'create', entity: 'api_key', entityId: id, ownerId: input.ownerId ?? null, details: { name: input.name, role: input.role } });
    return { id: Number(id), key, name: input.name, role: input.role, ownerId: input.ownerId ?? null, carrierId: input.carrierId ?? null };
  });
}

function presentKey(r: any) {
  return {
    id: Number(r.id),
    name: r.name,
    prefix: r.prefix,
    role: r.role,
    ownerId: r.owner_id ?? null,
    carrierId: r.carrier_id ?? null,
    lastUsedAt: toIso(r.last_used_at),
    revokedAt: toIso(r.revoked_at),
    createdAt: toIso(r.created_at),
  };
}

export async function listApiKeys(ctx: AppContext, caller: Caller, page: PageParams) {
  const q = ctx.db('api_keys').select('*');
  whereOwner(q, caller.principal);
  const res = await paginate<any>(q, page);
  return { items: res.items.map(presentKey), nextCursor: res.nextCursor };
}

export async function revokeApiKey(ctx: AppContext, caller: Caller, id: number) {
  return inTransaction(ctx.db, async (trx) => {
    const q = trx('api_keys').where({ id });
    whereOwner(q, caller.principal);
    const row = await q.first();
    if (!row) throw new NotFound('API key');
    if (!row.revoked_at) {
      await trx('api_keys').where({ id }).update({ revoked_at: nowDb(), updated_at: nowDb() });
      await audit(trx, caller, { action: 'revoke', entity: 'api_key', entityId: id, ownerId: row.owner_id });
    }
    return presentKey(await trx('api_keys').where({ id }).first());
  });
}

export interface UserPatch {
  active?: boolean;
  password?: string;
  displayName?: string | null;
  badge?: string | null;
}

/**
 * Disable an account (its sessions end at once), reset a password, rename. A caller may only
 * change users of roles it could grant, and nobody disables themselves.
 */
export async function updateUser(ctx: AppContext, caller: Caller, id: number, patch: UserPatch) {
  const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
  try {
    return await inTransaction(ctx.db, async (trx) => {
      const user = await trx('users').where({ id }).first();
      if (!user) throw new NotFound('user');
      if (!GRANTABLE[caller.principal.role].includes(user.role)) throw new Forbidden(`A ${caller.principal.role} may not change a ${user.role}`);
      if (patch.active === false && caller.principal.userId === Number(id)) {
        throw new BusinessRule('CANNOT_DISABLE_SELF', 'You cannot disable your own account');
      }
      const changes: Record<string, unknown> = {};
      if (patch.active !== undefined) changes.active = patch.active;
      if (passwordHash) changes.password_hash = passwordHash;
      if (patch.displayName !== undefined) changes.display_name = patch.displayName;
      if (patch.badge !== undefined) changes.badge = patch.badge;
      if (Object.keys(changes).length) {
        await trx('users').where({ id }).update({ ...changes, updated_at: nowDb() });
        if (patch.active === false || passwordHash) await trx('sessions').where({ user_id: id }).delete();
        const { password: _omit, ...logged } = patch;
        await audit(trx, caller, { action: 'update', entity: 'user', entityId: id, ownerId: user.owner_id, details: { ...logged, passwordReset: !!passwordHash } });
      }
      return presentUser(await trx('users').where({ id }).first());
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict('DUPLICATE', 'Another user has that badge');
    throw err;
  }
}

export async function getUser(ctx: AppContext, caller: Caller, id: number) {
  const q = ctx.db('users').where({ id });
  whereOwner(q, caller.principal);
  const row = await q.first();
  if (!row) throw new NotFound('user');
  return presentUser(row);
}
