import { Harness, TARGET, bearer, makeOwner, startHarness, uid } from '../helpers/harness';
import { TEST_REDIS_URL } from '../helpers/env';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

describe('health and OpenAPI', () => {
  test('health reports the database and queue in use, without auth', async () => {
    const res = await h.http.get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', database: TARGET, queue: TEST_REDIS_URL ? 'redis' : 'inline' });
    expect(res.body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  test('the OpenAPI document describes the routes from the validating schemas', async () => {
    const res = await h.http.get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const createOwner = res.body.paths['/api/v1/owners'].post;
    const schema = createOwner.requestBody.content['application/json'].schema;
    const resolved = schema.$ref ? res.body.components.schemas[schema.$ref.split('/').pop()] : schema;
    expect(resolved.required).toEqual(expect.arrayContaining(['code', 'name']));
    expect(resolved.additionalProperties).toBe(false);
    expect(res.body.paths['/api/v1/locations/{id}'].get).toBeDefined();
  });

  test('an unknown API path answers 404 in the error shape, never HTML', async () => {
    const res = await h.http.get('/api/v1/nothing-here').set(bearer(h.adminToken));
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/json/);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });
});

describe('request conventions', () => {
  test('malformed JSON is a 400 with the error shape', async () => {
    const res = await h.http.post('/api/v1/owners').set(bearer(h.adminToken)).set('content-type', 'application/json').send('{"code": "x",');
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'MALFORMED_JSON' });
  });

  test('every unknown or ill-typed field is listed', async () => {
    const res = await h.http.post('/api/v1/owners').set(bearer(h.adminToken)).send({ code: 42, name: '', colour: 'red', size: 3 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const fields = res.body.error.details.map((d: any) => d.field).sort();
    expect(fields).toEqual(['code', 'colour', 'name', 'size']);
  });

  test('a body over the size limit is a 413', async () => {
    const res = await h.http.post('/api/v1/owners').set(bearer(h.adminToken)).send({ code: 'X', name: 'x'.repeat(1_100_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  test('a request id is echoed, or made when the client sends none', async () => {
    const mine = await h.http.get('/api/health').set('X-Request-Id', 'scan-terminal-7.0042');
    expect(mine.headers['x-request-id']).toBe('scan-terminal-7.0042');
    const made = await h.http.get('/api/health');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('Chinese text round-trips', async () => {
    const owner = await makeOwner(h, '眉县猕猴桃家庭农场（秦岭北麓）');
    const res = await h.http.get(`/api/v1/owners/${owner.id}`).set(bearer(h.adminToken));
    expect(res.body.name).toBe('眉县猕猴桃家庭农场（秦岭北麓）');
  });
});

describe('Idempotency-Key', () => {
  test('the same key and body create once and replay the first answer', async () => {
    const key = uid('idem');
    const body = { code: uid('ID'), name: '重试合作社' };
    const first = await h.http.post('/api/v1/owners').set(bearer(h.adminToken)).set('Idempotency-Key', key).send(body);
    const second = await h.http.post('/api/v1/owners').set(bearer(h.adminToken)).set('Idempotency-Key', key).send(body);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    const rows = await h.runtime.ctx.db('owners').where({ code: body.code });
    expect(rows).toHaveLength(1);
  });

  test('the same key with another body is a 409 and creates nothing', async () => {
    const key = uid('idem');
    const a = await h.http.post('/api/v1/owners').set(bearer(h.adminToken)).set('Idempotency-Key', key).send({ code: uid('A'), name: 'A' });
    expect(a.status).toBe(201);
    const code = uid('B');
    const b = await h.http.post('/api/v1/owners').set(bearer(h.adminToken)).set('Idempotency-Key', key).send({ code, name: 'B' });
    expect(b.status).toBe(409);
    expect(b.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await h.runtime.ctx.db('owners').where({ code }).first()).toBeUndefined();
  });

  test('a refused request keeps its answer too, and a duplicate without a key is a 409', async () => {
    const code = uid('D');
    expect((await h.http.post('/api/v1/owners').set(bearer(h.adminToken)).send({ code, name: 'D' })).status).toBe(201);
    const dup = await h.http.post('/api/v1/owners').set(bearer(h.adminToken)).send({ code, name: 'D' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('DUPLICATE');
  });
});

describe('cursor lists', () => {
  test('limit and cursor walk the whole list exactly once', async () => {
    const tag = uid('PG');
    const made = [];
    for (let i = 0; i < 7; i++) made.push((await h.http.post('/api/v1/owners').set(bearer(h.adminToken)).send({ code: `${tag}-${i}`, name: `分页 ${i}` })).body.id);
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await h.http.get('/api/v1/owners').query({ q: tag, limit: 3, ...(cursor ? { cursor } : {}) }).set(bearer(h.adminToken));
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...res.body.items.map((o: any) => o.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(made);
  });

  test('a forged cursor is a 400; a limit over 500 is capped', async () => {
    const bad = await h.http.get('/api/v1/owners').query({ cursor: 'not-ours' }).set(bearer(h.adminToken));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('INVALID_CURSOR');
    const big = await h.http.get('/api/v1/owners').query({ limit: 10000 }).set(bearer(h.adminToken));
    expect(big.status).toBe(200);
    expect(big.body.items.length).toBeLessThanOrEqual(500);
    const zero = await h.http.get('/api/v1/owners').query({ limit: 0 }).set(bearer(h.adminToken));
    expect(zero.status).toBe(400);
  });
});
