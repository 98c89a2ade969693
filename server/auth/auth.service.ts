import type { AppContext } from '../context';
import { inTransaction } from '../db/transaction';
import { addMs, nowDb } from '../db/time';
import { RateLimited, Unauthorized } from '../http/errors';
import { burnPasswordCheck, verifyPassword } from './passwords';
import type { Caller, Principal, Role } from './principal';
import { API_KEY_PREFIX, SESSION_PREFIX, newSessionToken, sha256 } from './tokens';
import { audit } from '../audit';

const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
const MAX_FAILURES_PER_USER = 5;
const MAX_FAILURES_PER_IP = 50;

export interface UserView {
  id: number;
  username: string;
  role: Role;
  ownerId: number | null;
  carrierId: number | null;
  displayName: string | null;
  active: boolean;
}

export function presentUser(r: any): UserView {
  return {
    id: Number(r.id),
    username: r.username,
    role: r.role,
    ownerId: r.owner_id ?? null,
    carrierId: r.carrier_id ?? null,
    displayName: r.display_name ?? null,
    active: !!r.active,
  };
}

/**
 * Login with throttling: failures are counted in the database (so every API process sees
 * them) per username and per address; the answer never says whether the user exists.
 */
export async function login(ctx: AppContext, username: string, password: string, ip: string) {
  const since = addMs(-THROTTLE_WINDOW_MS);
  const [{ n: userFails }] = await ctx.db('login_failures').where({ username }).andWhere('at', '>', since).count({ n: '*' });
  const [{ n: ipFails }] = await ctx.db('login_failures').where({ ip }).andWhere('at', '>', since).count({ n: '*' });
  if (Number(userFails) >= MAX_FAILURES_PER_USER || Number(ipFails) >= MAX_FAILURES_PER_IP) {
    throw new RateLimited('Too many failed logins; wait 15 minutes or ask a supervisor', 15 * 60);
  }

  const user = await ctx.db('users').where({ username }).first();
  const ok = user && user.active ? await verifyPassword(password, user.password_hash) : (await burnPasswordCheck(password), false);
  if (!ok) {
    await ctx.db('login_failures').insert({ username, ip, at: nowDb() });
    throw new Unauthorized('Wrong username or password', 'INVALID_CREDENTIALS');
  }

  const token = newSessionToken();
  const principal = principalOfUser(user);
  await inTransaction(ctx.db, async (trx) => {
    await trx('login_failures').where({ username }).delete();
    await trx('sessions').insert({
      token_hash: sha256(token),
      user_id: user.id,
      expires_at: addMs(ctx.config.sessionHours * 3600 * 1000),
      created_at: nowDb(),
    });
    await audit(trx, { principal, requestId: 'login' }, { action: 'login', entity: 'user', entityId: user.id, ownerId: user.owner_id });
  });
  return { token, expiresInSeconds: ctx.config.sessionHours * 3600, user: presentUser(user) };
}

export async function logout(ctx: AppContext, caller: Caller): Promise<void> {
  if (caller.principal.tokenHash) await ctx.db('sessions').where({ token_hash: caller.principal.tokenHash }).delete();
}

function principalOfUser(u: any): Principal {
  return {
    kind: 'user',
    userId: Number(u.id),
    apiKeyId: null,
    name: u.username,
    role: u.role,
    ownerId: u.owner_id ?? null,
    carrierId: u.carrier_id ?? null,
  };
}

/** Resolves a bearer token (session or API key) to a principal, or throws 401. */
export async function authenticate(ctx: AppContext, token: string): Promise<Principal> {
  const hash = sha256(token);
  if (token.startsWith(SESSION_PREFIX)) {
    const row = await ctx.db('sessions')
      .join('users', 'users.id', 'sessions.user_id')
      .where('sessions.token_hash', hash)
      .select('users.*', 'sessions.expires_at')
      .first();
    if (!row || !row.active) throw new Unauthorized('Invalid or revoked token', 'INVALID_TOKEN');
    if (row.expires_at <= nowDb()) throw new Unauthorized('Your session has expired; log in again', 'TOKEN_EXPIRED');
    return { ...principalOfUser(row), tokenHash: hash };
  }
  if (token.startsWith(API_KEY_PREFIX)) {
    const key = await ctx.db('api_keys').where({ key_hash: hash }).first();
    if (!key || key.revoked_at) throw new Unauthorized('Invalid or revoked API key', 'INVALID_TOKEN');
    // last_used_at is informational; at most one write a minute per key
    const minuteAgo = addMs(-60_000);
    if (!key.last_used_at || key.last_used_at < minuteAgo) {
      void ctx.db('api_keys').where({ id: key.id }).update({ last_used_at: nowDb() }).catch(() => undefined);
    }
    return {
      kind: 'apiKey',
      userId: null,
      apiKeyId: Number(key.id),
      name: `key:${key.name}`,
      role: key.role,
      ownerId: key.owner_id ?? null,
      carrierId: key.carrier_id ?? null,
    };
  }
  throw new Unauthorized('Invalid token', 'INVALID_TOKEN');
}

export async function purgeExpiredSessions(ctx: AppContext): Promise<number> {
  const n = await ctx.db('sessions').where('expires_at', '<', nowDb()).delete();
  await ctx.db('login_failures').where('at', '<', addMs(-THROTTLE_WINDOW_MS)).delete();
  return n;
}
