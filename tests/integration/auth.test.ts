import { sha256 } from '../../server/auth/tokens';
import { ADMIN_PASSWORD, Harness, bearer, keyFor, makeCarrierRow, makeOwner, startHarness, uid } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

async function createUser(token: string, body: Record<string, unknown>) {
  return h.http.post('/api/v1/users').set(bearer(token)).send(body);
}

describe('login', () => {
  test('a user logs in and the token identifies them', async () => {
    const owner = await makeOwner(h);
    const username = uid('seller');
    const created = await createUser(h.adminToken, { username, password: 'correct horse', role: 'seller', ownerId: owner.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username, role: 'seller', ownerId: owner.id, carrierId: null });
    const login = await h.http.post('/api/v1/auth/login').send({ username, password: 'correct horse' });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ id: created.body.id, username, role: 'seller', ownerId: owner.id, carrierId: null });
    const me = await h.http.get('/api/v1/auth/me').set(bearer(login.body.token));
    expect(me.body).toMatchObject({ username, role: 'seller', ownerId: owner.id });
  });

  test('a wrong password and an unknown user get the same 401', async () => {
    const username = uid('op');
    await createUser(h.adminToken, { username, password: 'right-password', role: 'operator' });
    const wrong = await h.http.post('/api/v1/auth/login').send({ username, password: 'wrong-password' });
    const nobody = await h.http.post('/api/v1/auth/login').send({ username: uid('ghost'), password: 'wrong-password' });
    expect(wrong.status).toBe(401);
    expect(nobody.status).toBe(401);
    expect(wrong.body).toEqual(nobody.body);
  });

  test('repeated failures throttle the username with 429, and a success is not possible meanwhile', async () => {
    const username = uid('op');
    await createUser(h.adminToken, { username, password: 'right-password', role: 'operator' });
    for (let i = 0; i < 5; i++) {
      expect((await h.http.post('/api/v1/auth/login').send({ username, password: `guess-${i}` })).status).toBe(401);
    }
    const blocked = await h.http.post('/api/v1/auth/login').send({ username, password: 'right-password' });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
  });

  test('passwords are stored as scrypt hashes', async () => {
    const username = uid('op');
    await createUser(h.adminToken, { username, password: 'plain-text-never', role: 'operator' });
    const row = await h.runtime.ctx.db('users').where({ username }).first();
    expect(row.password_hash).toMatch(/^scrypt\$/);
    expect(row.password_hash).not.toContain('plain-text-never');
  });

  test('logout revokes the token; an expired token answers TOKEN_EXPIRED', async () => {
    const login = await h.http.post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
    const token = login.body.token;
    expect((await h.http.post('/api/v1/auth/logout').set(bearer(token))).status).toBe(204);
    const after = await h.http.get('/api/v1/auth/me').set(bearer(token));
    expect(after.status).toBe(401);

    const second = (await h.http.post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD })).body.token;
    await h.runtime.ctx.db('sessions').where({ token_hash: sha256(second) }).update({ expires_at: '2000-01-01 00:00:00.000' });
    const expired = await h.http.get('/api/v1/auth/me').set(bearer(second));
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe('TOKEN_EXPIRED');
  });

  test('no token, a malformed header or a made-up token is a 401', async () => {
    expect((await h.http.get('/api/v1/owners')).status).toBe(401);
    expect((await h.http.get('/api/v1/owners').set('Authorization', 'Basic abc')).status).toBe(401);
    expect((await h.http.get('/api/v1/owners').set(bearer('wmss_madeup'))).status).toBe(401);
    expect((await h.http.get('/api/v1/owners').set(bearer('wmsk_madeup'))).status).toBe(401);
  });
});

describe('API keys', () => {
  test('a key is shown once, stored hashed, works, and stops working when revoked', async () => {
    const created = await h.http.post('/api/v1/api-keys').set(bearer(h.adminToken)).send({ name: 'ERP link', role: 'supervisor' });
    expect(created.status).toBe(201);
    const { id, key } = created.body;
    expect(key).toMatch(/^wmsk_/);
    const row = await h.runtime.ctx.db('api_keys').where({ id }).first();
    expect(JSON.stringify(row)).not.toContain(key);
    const list = await h.http.get('/api/v1/api-keys').set(bearer(h.adminToken));
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect((await h.http.get('/api/v1/owners').set(bearer(key))).status).toBe(200);
    expect((await h.http.post(`/api/v1/api-keys/${id}/revoke`).set(bearer(h.adminToken))).status).toBe(200);
    expect((await h.http.get('/api/v1/owners').set(bearer(key))).status).toBe(401);
  });

  test('a seller may make keys for its own owner only', async () => {
    const mine = await makeOwner(h);
    const other = await makeOwner(h);
    const sellerKey = await keyFor(h, 'seller', { ownerId: mine.id });
    const own = await h.http.post('/api/v1/api-keys').set(bearer(sellerKey)).send({ name: 'shop sync', role: 'seller' });
    expect(own.status).toBe(201);
    expect(own.body.ownerId).toBe(mine.id);
    const foreign = await h.http.post('/api/v1/api-keys').set(bearer(sellerKey)).send({ name: 'x', role: 'seller', ownerId: other.id });
    expect(foreign.status).toBe(404);
    const escalate = await h.http.post('/api/v1/api-keys').set(bearer(sellerKey)).send({ name: 'x', role: 'admin' });
    expect(escalate.status).toBe(403);
  });
});

describe('users and roles', () => {
  test('nobody grants a role above their own', async () => {
    const supervisor = await keyFor(h, 'supervisor');
    expect((await createUser(supervisor, { username: uid('a'), password: 'password1', role: 'admin' })).status).toBe(403);
    expect((await createUser(supervisor, { username: uid('s'), password: 'password1', role: 'supervisor' })).status).toBe(403);
    expect((await createUser(supervisor, { username: uid('o'), password: 'password1', role: 'operator' })).status).toBe(201);
    const operator = await keyFor(h, 'operator');
    expect((await createUser(operator, { username: uid('o'), password: 'password1', role: 'operator' })).status).toBe(403);
  });

  test('a seller needs an owner, a carrier user a carrier, and staff neither', async () => {
    const owner = await makeOwner(h);
    const carrierId = await makeCarrierRow(h);
    const noOwner = await createUser(h.adminToken, { username: uid('s'), password: 'password1', role: 'seller' });
    expect(noOwner.status).toBe(400);
    expect(noOwner.body.error.details[0].field).toBe('ownerId');
    expect((await createUser(h.adminToken, { username: uid('s'), password: 'password1', role: 'seller', ownerId: 999999 })).status).toBe(422);
    expect((await createUser(h.adminToken, { username: uid('o'), password: 'password1', role: 'operator', ownerId: owner.id })).status).toBe(400);
    const carrier = await createUser(h.adminToken, { username: uid('c'), password: 'password1', role: 'carrier', carrierId });
    expect(carrier.status).toBe(201);
    expect(carrier.body.carrierId).toBe(carrierId);
  });

  test('duplicate usernames are a 409; short passwords a 400', async () => {
    const username = uid('dup');
    expect((await createUser(h.adminToken, { username, password: 'password1', role: 'operator' })).status).toBe(201);
    expect((await createUser(h.adminToken, { username, password: 'password1', role: 'operator' })).status).toBe(409);
    const short = await createUser(h.adminToken, { username: uid('p'), password: 'short', role: 'operator' });
    expect(short.status).toBe(400);
    expect(short.body.error.details.map((d: any) => d.field)).toEqual(['password']);
  });
});

describe('changing users', () => {
  test('a disabled user is logged out at once and cannot log in; a reset password works', async () => {
    const username = uid('leaver');
    const created = await createUser(h.adminToken, { username, password: 'first-password', role: 'operator' });
    const token = (await h.http.post('/api/v1/auth/login').send({ username, password: 'first-password' })).body.token;
    expect((await h.http.get('/api/v1/auth/me').set(bearer(token))).status).toBe(200);

    const supervisor = await keyFor(h, 'supervisor');
    const off = await h.http.patch(`/api/v1/users/${created.body.id}`).set(bearer(supervisor)).send({ active: false });
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await h.http.get('/api/v1/auth/me').set(bearer(token))).status).toBe(401);
    expect((await h.http.post('/api/v1/auth/login').send({ username, password: 'first-password' })).status).toBe(401);

    await h.http.patch(`/api/v1/users/${created.body.id}`).set(bearer(supervisor)).send({ active: true, password: 'second-password' });
    expect((await h.http.post('/api/v1/auth/login').send({ username, password: 'first-password' })).status).toBe(401);
    expect((await h.http.post('/api/v1/auth/login').send({ username, password: 'second-password' })).status).toBe(200);
  });

  test('a supervisor cannot change an admin; nobody disables themselves', async () => {
    const supervisor = await keyFor(h, 'supervisor');
    const admin = (await h.http.get('/api/v1/auth/me').set(bearer(h.adminToken))).body;
    expect((await h.http.patch(`/api/v1/users/${admin.id}`).set(bearer(supervisor)).send({ active: false })).status).toBe(403);
    const self = await h.http.patch(`/api/v1/users/${admin.id}`).set(bearer(h.adminToken)).send({ active: false });
    expect(self.status).toBe(422);
    expect(self.body.error.code).toBe('CANNOT_DISABLE_SELF');
  });
});

describe('audit', () => {
  test('every change writes who, what and when', async () => {
    const supervisor = await keyFor(h, 'supervisor');
    const created = await h.http.post('/api/v1/owners').set(bearer(supervisor)).send({ code: uid('AU'), name: '审计' });
    const trail = await h.http.get('/api/v1/audit').query({ entity: 'owner', entityId: String(created.body.id) }).set(bearer(h.adminToken));
    expect(trail.status).toBe(200);
    expect(trail.body.items).toHaveLength(1);
    expect(trail.body.items[0]).toMatchObject({ action: 'create', entity: 'owner', entityId: String(created.body.id), ownerId: created.body.id });
    expect(trail.body.items[0].actor).toMatch(/^key:/);
    expect(new Date(trail.body.items[0].at).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});
