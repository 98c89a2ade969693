import { Harness, bearer, keyFor, startHarness, uid } from '../helpers/harness';

/**
 * A seller must never see or touch another owner's data. This walks every operation in the
 * OpenAPI document (so endpoints added later are covered without editing this test) as a
 * seller of owner A, aimed at owner B's data, and checks that nothing of B's comes back.
 */
let h: Harness;
let sellerA: string;
let ownerA: { id: number; code: string; name: string };
let ownerB: { id: number; code: string; name: string };
const MARK = uid('SECRETB');
const ids: Record<string, number> = {};

beforeAll(async () => {
  h = await startHarness();
  ownerA = (await h.http.post('/api/v1/owners').set(bearer(h.adminToken)).send({ code: uid('A'), name: '甲合作社' })).body;
  ownerB = (await h.http.post('/api/v1/owners').set(bearer(h.adminToken)).send({ code: MARK, name: `${MARK} 乙合作社` })).body;
  sellerA = await keyFor(h, 'seller', { ownerId: ownerA.id });
  const keyB = await h.http.post('/api/v1/api-keys').set(bearer(h.adminToken)).send({ name: `${MARK}-key`, role: 'seller', ownerId: ownerB.id });
  ids.apiKey = keyB.body.id;
  const userB = await h.http.post('/api/v1/users').set(bearer(h.adminToken)).send({ username: `${MARK}-user`.toLowerCase(), password: 'password-b', role: 'seller', ownerId: ownerB.id });
  ids.user = userB.body.id;
  const loc = await h.http.post('/api/v1/locations').set(bearer(h.adminToken)).send({ code: uid('L'), zone: 'TZ', temperature: 'ambient', type: 'pick' });
  ids.location = loc.body.id;
});
afterAll(async () => h.close());

function idFor(path: string): number {
  if (path.startsWith('/api/v1/owners/')) return ownerB.id;
  if (path.startsWith('/api/v1/api-keys/')) return ids.apiKey;
  if (path.startsWith('/api/v1/users/')) return ids.user;
  if (path.startsWith('/api/v1/locations/')) return ids.location;
  return 1;
}

test('every endpoint, called by a seller of owner A about owner B, reveals and changes nothing of B', async () => {
  const doc = (await h.http.get('/api/openapi.json')).body;
  const checked: string[] = [];
  for (const [path, ops] of Object.entries<any>(doc.paths)) {
    if (!path.startsWith('/api/v1/')) continue;
    for (const method of Object.keys(ops)) {
      const url = path.replace(/\{[^}]+\}/g, String(idFor(path)));
      const name = `${method.toUpperCase()} ${path}`;
      let req = (h.http as any)[method](url).set(bearer(sellerA));
      if (method === 'get') req = req.query({ ownerId: ownerB.id });
      else req = req.send({ ownerId: ownerB.id, name: 'x', code: uid('X'), role: 'seller' });
      const res = await req;
      const text = JSON.stringify(res.body ?? '') + (res.text ?? '');
      expect({ name, status: res.status, leaked: text.includes(MARK) }).toEqual({ name, status: res.status, leaked: false });
      expect({ name, serverError: res.status >= 500 }).toEqual({ name, serverError: false });
      if (!path.startsWith('/api/v1/auth/')) {
        // asking for B by id or by ownerId is "not found" (or not allowed for this role at all)
        expect({ name, ok: [400, 403, 404].includes(res.status) }).toEqual({ name, ok: true });
      }
      checked.push(name);
    }
  }
  expect(checked.length).toBeGreaterThan(15);
  // B's data is untouched
  const b = await h.runtime.ctx.db('owners').where({ id: ownerB.id }).first();
  expect(b.name).toBe(`${MARK} 乙合作社`);
  const key = await h.runtime.ctx.db('api_keys').where({ id: ids.apiKey }).first();
  expect(key.revoked_at).toBeNull();
});

test('without naming B, a seller sees only its own owner', async () => {
  const owners = await h.http.get('/api/v1/owners').set(bearer(sellerA));
  expect(owners.status).toBe(200);
  expect(owners.body.items.map((o: any) => o.id)).toEqual([ownerA.id]);
  const own = await h.http.get(`/api/v1/owners/${ownerA.id}`).set(bearer(sellerA));
  expect(own.status).toBe(200);
  const audit = await h.http.get('/api/v1/audit').set(bearer(sellerA));
  expect(audit.status).toBe(200);
  expect(audit.body.items.every((r: any) => r.ownerId === ownerA.id)).toBe(true);
  expect(JSON.stringify(audit.body)).not.toContain(MARK);
  const keys = await h.http.get('/api/v1/api-keys').set(bearer(sellerA));
  expect(keys.body.items.every((k: any) => k.ownerId === ownerA.id)).toBe(true);
});

test('a carrier user sees no owner data at all', async () => {
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const [carrierId] = await h.runtime.ctx.db('carriers').insert({ code: uid('C'), name: 'c', adapter: 'local', created_at: now, updated_at: now });
  const carrierKey = await keyFor(h, 'carrier', { carrierId: Number(carrierId) });
  expect((await h.http.get('/api/v1/owners').set(bearer(carrierKey))).status).toBe(403);
  expect((await h.http.get(`/api/v1/owners/${ownerB.id}`).set(bearer(carrierKey))).status).toBe(403);
});
