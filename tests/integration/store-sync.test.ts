import { Harness, bearer, keyFor, makeOwner, startHarness, uid, waitFor } from '../helpers/harness';
import { makeSku } from '../helpers/stock';
import type { FakeOrderSpec, FakePlatform } from '../helpers/fakes/types';
import { startFakeShopify } from '../helpers/fakes/shopify';
import { startFakeWooCommerce } from '../helpers/fakes/woocommerce';
import { startFakeTaobao } from '../helpers/fakes/taobao';
import { storeDispatchJob } from '../../server/stores/sync';

/**
 * Orders from each platform's fake, through the real sync job and webhooks, on the target
 * database and queue: pages, overlapping windows, duplicates, updates, cancellations, rate
 * limits, outages, unmapped listings and bad records, with exactly one order per platform order.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const FAKES: Array<[string, () => Promise<FakePlatform>]> = [
  ['shopify', () => startFakeShopify()],
  ['woocommerce', () => startFakeWooCommerce()],
  ['taobao', () => startFakeTaobao()],
];

let seq = 0;
/** platform order ids: digits, unique across the run */
const nextId = () => `${Date.now() % 1e9}${String(++seq).padStart(5, '0')}`;
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

async function coop() {
  const owner = await makeOwner(h);
  const seller = await keyFor(h, 'seller', { ownerId: owner.id });
  const apple = await makeSku(h, seller, { name: '红富士苹果 1kg' });
  const pear = await makeSku(h, seller, { name: '砀山梨 1kg' });
  return { owner, seller, apple, pear };
}

async function connect(fake: FakePlatform, ownerId: number, token: string, extra: Record<string, unknown> = {}) {
  const res = await h.http
    .post('/api/v1/stores')
    .set(bearer(token))
    .send({ ownerId, platform: fake.platform, name: uid('店铺'), baseUrl: fake.baseUrl, credentials: fake.credentials, syncFrom: minutesAgo(6 * 60).toISOString(), active: false, ...extra });
  if (res.status !== 201) throw new Error(`store: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number };
}

async function syncNow(token: string, storeId: number, body: object = {}) {
  const res = await h.http.post(`/api/v1/stores/${storeId}/sync`).set(bearer(token)).send(body);
  expect(res.status).toBe(202);
  return waitFor(
    async () => {
      const job = await h.http.get(`/api/v1/jobs/${res.body.jobId}`).set(bearer(h.adminToken));
      return job.body.status === 'done' || job.body.status === 'failed' ? job.body : null;
    },
    60_000,
    `sync job ${res.body.jobId}`,
  );
}

async function ordersOf(token: string, storeId: number) {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const res: any = await h.http.get(`/api/v1/orders?storeId=${storeId}&limit=500${cursor ? `&cursor=${cursor}` : ''}`).set(bearer(token));
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe.each(FAKES)('orders from %s', (_name, start) => {
  // a platform of each test's own, so that no test's store sees another's orders
  let fake: FakePlatform;
  beforeEach(async () => {
    fake = await start();
  });
  afterEach(async () => {
    await fake?.close();
  });

  it('pulls every page once, maps lines, holds what needs a fix, and keeps one order per platform order', async () => {
    const c = await coop();
    const store = await connect(fake, c.owner.id, c.seller);
    const specs: FakeOrderSpec[] = [];
    for (let i = 0; i < 230; i++) {
      specs.push({ id: nextId(), updatedAt: minutesAgo(200 - i * 0.5), lines: [{ sku: c.apple.skuCode, qty: 1 + (i % 3) }, ...(i % 2 ? [{ sku: c.pear.skuCode, qty: 1 }] : [])] });
    }
    const unmapped = { id: nextId(), updatedAt: minutesAgo(30), lines: [{ sku: 'APPLE-5KG', qty: 2, title: '苹果 5kg 装' }] };
    const unpaid = { id: nextId(), updatedAt: minutesAgo(29), paid: false, lines: [{ sku: c.apple.skuCode, qty: 1 }] };
    const cancelled = { id: nextId(), updatedAt: minutesAgo(28), cancelled: true, lines: [{ sku: c.apple.skuCode, qty: 1 }] };
    const noDistrict = {
      id: nextId(),
      updatedAt: minutesAgo(27),
      receiver: { name: '周九', phone: '13500001111', province: '浙江省', city: '杭州市', district: '', address: '某某路1号' },
      lines: [{ sku: c.apple.skuCode, qty: 1 }],
    };
    const broken = { id: nextId(), updatedAt: minutesAgo(26), malformed: true, lines: [{ sku: c.apple.skuCode, qty: 1 }] };
    fake.upsertMany([...specs, unmapped, unpaid, cancelled, noDistrict, broken]);
    fake.faults.duplicateAcrossPages = true;

    const job = await syncNow(c.seller, store.id);
    fake.faults.duplicateAcrossPages = false;
    expect(job.status).toBe('done');
    const orders = await ordersOf(c.seller, store.id);
    const byId = new Map(orders.map((o) => [o.externalId, o]));
    expect(orders).toHaveLength(specs.length + 4);
    expect(byId.size).toBe(orders.length);
    for (const s of specs) {
      const o = byId.get(s.id)!;
      // released to the warehouse (and, with no stock here, waiting as a backorder)
      expect(o).toMatchObject({ status: expect.stringMatching(/^(pending|backorder)$/), channel: fake.platform, holdReason: null });
      expect(o.releasedAt).toEqual(expect.any(String));
      expect(o.lines.map((l: any) => [l.skuCode, l.qty])).toEqual(s.lines.map((l) => [l.sku, l.qty]));
    }
    expect(byId.get(unmapped.id)).toMatchObject({ status: 'held', holdReason: 'unmapped_listing' });
    expect(byId.get(unmapped.id).holdDetail).toContain('APPLE-5KG');
    expect(byId.get(unpaid.id)).toMatchObject({ status: 'pending', paid: false, releasedAt: null });
    expect(byId.get(cancelled.id)).toMatchObject({ status: 'cancelled' });
    expect(byId.get(noDistrict.id)).toMatchObject({ status: 'held', holdReason: 'address' });
    expect(byId.has(broken.id)).toBe(false);
    const info = (await h.http.get(`/api/v1/stores/${store.id}`).set(bearer(c.seller))).body;
    expect(info.rejects.map((r: any) => r.externalId)).toContain(broken.id);
    expect(info.lastError).toBeNull();
    expect(info.lastSuccessAt).toEqual(expect.any(String));
    expect(info.heldOrders).toBe(2);
    expect(info.lagSeconds).toBeLessThan(120);
    expect(fake.requests.every((r) => r.authOk)).toBe(true);

    // the mapping is the fix: the held order is released by itself, 5 kg = 5 × the 1 kg SKU
    const unm = await h.http.get(`/api/v1/stores/${store.id}/unmapped`).set(bearer(c.seller));
    expect(unm.body.items).toEqual([expect.objectContaining({ listingCode: 'APPLE-5KG', orders: 1 })]);
    const map = await h.http.post(`/api/v1/stores/${store.id}/mappings`).set(bearer(c.seller)).send({ listingCode: 'APPLE-5KG', skuCode: c.apple.skuCode, factor: 5 });
    expect(map.status).toBe(201);
    const released = await waitFor(
      async () => {
        const o = (await h.http.get(`/api/v1/orders?storeId=${store.id}&q=${unmapped.id}`).set(bearer(c.seller))).body.items[0];
        return o.status !== 'held' ? o : null;
      },
      15_000,
      'the unmapped order to be released',
    );
    expect(released.lines[0]).toMatchObject({ skuCode: c.apple.skuCode, platformQty: 2, factor: 5, qty: 10 });

    // updates: paid later, cancelled later; an order synced twice stays one order
    fake.upsert({ ...unpaid, paid: true, updatedAt: new Date() });
    fake.upsert({ ...specs[0], cancelled: true, updatedAt: new Date() });
    expect((await syncNow(c.seller, store.id)).status).toBe('done');
    const after = await ordersOf(c.seller, store.id);
    expect(after).toHaveLength(orders.length);
    const a = new Map(after.map((o) => [o.externalId, o]));
    expect(a.get(unpaid.id)).toMatchObject({ status: expect.stringMatching(/^(pending|backorder)$/), paid: true, releasedAt: expect.any(String) });
    expect(a.get(specs[0].id)).toMatchObject({ status: 'cancelled' });
  });

  it('reads an order written late just behind the cursor (overlap), and a chosen period again on request', async () => {
    const c = await coop();
    const store = await connect(fake, c.owner.id, c.seller);
    expect((await syncNow(c.seller, store.id)).status).toBe('done');
    // the platform shows an order stamped two minutes ago only after the sync ran
    const late = { id: nextId(), updatedAt: minutesAgo(2), lines: [{ sku: c.apple.skuCode, qty: 1 }] };
    // and one from hours ago that the regular windows have long passed (drift)
    const old = { id: nextId(), updatedAt: minutesAgo(120), lines: [{ sku: c.pear.skuCode, qty: 4 }] };
    fake.upsertMany([late, old]);
    expect((await syncNow(c.seller, store.id)).status).toBe('done');
    let ids = (await ordersOf(c.seller, store.id)).map((o) => o.externalId);
    expect(ids).toContain(late.id);
    expect(ids).not.toContain(old.id);
    const before = (await h.http.get(`/api/v1/stores/${store.id}`).set(bearer(c.seller))).body.cursor;
    const repair = await syncNow(c.seller, store.id, { from: minutesAgo(180).toISOString(), to: new Date().toISOString() });
    expect(repair.status).toBe('done');
    ids = (await ordersOf(c.seller, store.id)).map((o) => o.externalId);
    expect(ids.filter((x) => x === old.id)).toHaveLength(1);
    expect(ids.filter((x) => x === late.id)).toHaveLength(1);
    expect((await h.http.get(`/api/v1/stores/${store.id}`).set(bearer(c.seller))).body.cursor).toBe(before);
  });

  it('waits out rate limits and retries an outage in the middle of paging, with the error shown meanwhile', async () => {
    const c = await coop();
    const store = await connect(fake, c.owner.id, c.seller);
    const specs = Array.from({ length: 120 }, (_, i) => ({ id: nextId(), updatedAt: minutesAgo(100 - i * 0.1), lines: [{ sku: c.apple.skuCode, qty: 1 }] }));
    fake.upsertMany(specs);
    fake.faults.rateLimitNext(2, 1);
    expect((await syncNow(c.seller, store.id)).status).toBe('done');
    expect((await ordersOf(c.seller, store.id)).length).toBe(120);

    // five failures outlast one run's own retries: the job fails once, says why, and its retry succeeds
    const more = Array.from({ length: 30 }, () => ({ id: nextId(), updatedAt: minutesAgo(1), lines: [{ sku: c.pear.skuCode, qty: 2 }] }));
    fake.upsertMany(more);
    fake.faults.failNext(5, 500);
    const res = await h.http.post(`/api/v1/stores/${store.id}/sync`).set(bearer(c.seller)).send({});
    const failedOnce = await waitFor(async () => {
      const s = (await h.http.get(`/api/v1/stores/${store.id}`).set(bearer(c.seller))).body;
      return s.lastError ? s : null;
    }, 30_000, 'the outage to be reported');
    expect(failedOnce.lastError).toMatch(/unavailable|不可用/);
    expect(failedOnce.failures).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await h.http.get(`/api/v1/jobs/${res.body.jobId}`).set(bearer(h.adminToken))).body.status === 'done', 60_000, 'the retried sync');
    const orders = await ordersOf(c.seller, store.id);
    expect(orders.length).toBe(150);
    expect(new Set(orders.map((o) => o.externalId)).size).toBe(150);
    const healthy = (await h.http.get(`/api/v1/stores/${store.id}`).set(bearer(c.seller))).body;
    expect(healthy).toMatchObject({ lastError: null, failures: 0 });
  });

  it('stores each order once when a sync and webhooks bring the same new orders at the same time', async () => {
    const c = await coop();
    const specs = Array.from({ length: 40 }, (_, i) => ({ id: nextId(), updatedAt: minutesAgo(20 - i * 0.1), lines: [{ sku: c.apple.skuCode, qty: 1 + (i % 4) }] }));
    fake.upsertMany(specs);
    // an active store starts its first sync at once; the webhooks race it, and a manual sync too
    const store = await connect(fake, c.owner.id, c.seller, { active: true });
    const hooks = specs.map((s) => fake.webhook(s.id));
    const answers = await Promise.all([
      ...hooks.map((w) => h.http.post(`/api/v1/webhooks/${fake.platform}/${store.id}`).query(w.query).set(w.headers).send(w.body.toString('utf8'))),
      h.http.post(`/api/v1/stores/${store.id}/sync`).set(bearer(c.seller)).send({}),
    ]);
    expect(answers.map((a) => a.status).filter((s) => s !== 200 && s !== 202)).toEqual([]);
    await waitFor(async () => (await ordersOf(c.seller, store.id)).length >= specs.length, 30_000, 'all orders');
    await waitFor(async () => {
      const open = await h.runtime.ctx.db('outbox_jobs').whereIn('type', ['stores.sync', 'stores.fetch']).whereIn('status', ['pending', 'queued', 'running']).select('payload');
      return !open.some((j: any) => JSON.parse(j.payload).storeId === store.id);
    }, 30_000, 'the jobs to finish');
    const orders = await ordersOf(c.seller, store.id);
    expect(orders).toHaveLength(specs.length);
    expect(new Set(orders.map((o) => o.externalId)).size).toBe(specs.length);
    for (const s of specs) expect(orders.find((o) => o.externalId === s.id).lines[0].qty).toBe(s.lines[0].qty);
  });

  it('takes signed webhooks once, refuses forged ones, and never lets an older update overwrite a newer one', async () => {
    const c = await coop();
    const store = await connect(fake, c.owner.id, c.seller, { active: true });
    const id = nextId();
    fake.upsert({ id, updatedAt: minutesAgo(1), lines: [{ sku: c.apple.skuCode, qty: 2 }] });
    const hook = fake.webhook(id);
    const send = (w: { headers: Record<string, string>; body: Buffer; query: Record<string, string> }, path = `/api/v1/webhooks/${fake.platform}/${store.id}`) =>
      h.http.post(path).query(w.query).set(w.headers).send(w.body.toString('utf8'));

    const first = await send(hook);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('accepted');
    const order = await waitFor(async () => (await h.http.get(`/api/v1/orders?storeId=${store.id}&q=${id}`).set(bearer(c.seller))).body.items[0], 15_000, 'the webhook order');
    expect(order.lines[0]).toMatchObject({ skuCode: c.apple.skuCode, qty: 2 });
    const replay = await send(hook);
    expect(replay.status).toBe(200);
    expect(replay.body.status).toBe('duplicate');

    const tampered = { ...hook, body: Buffer.from(hook.body.toString('utf8').replace(/2/g, '9')) };
    const forged = await send(tampered);
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toMatch(/INVALID_SIGNATURE|STALE_WEBHOOK/);
    expect((await send(fake.webhook(id), `/api/v1/webhooks/${fake.platform}/99999999`)).status).toBe(404);
    const other = fake.platform === 'shopify' ? 'woocommerce' : 'shopify';
    expect((await send(fake.webhook(id), `/api/v1/webhooks/${other}/${store.id}`)).status).toBe(404);

    // cancelled on the platform, then an older copy of the order arrives: it stays cancelled
    fake.upsert({ id, cancelled: true, updatedAt: new Date(), lines: [{ sku: c.apple.skuCode, qty: 2 }] });
    expect((await send(fake.webhook(id))).status).toBe(200);
    await waitFor(async () => (await h.http.get(`/api/v1/orders/${order.id}`).set(bearer(c.seller))).body.status === 'cancelled', 15_000, 'the cancellation');
    fake.upsert({ id, updatedAt: minutesAgo(10), lines: [{ sku: c.apple.skuCode, qty: 7 }] });
    await send(fake.webhook(id));
    await new Promise((r) => setTimeout(r, 500));
    const final = (await h.http.get(`/api/v1/orders/${order.id}`).set(bearer(c.seller))).body;
    expect(final.status).toBe('cancelled');
    expect(final.lines[0].qty).toBe(2);
    expect((await ordersOf(c.seller, store.id)).length).toBe(1);
  });
});

describe('store connections', () => {
  it('seals credentials and never returns them; checks the platform and its credential names', async () => {
    const c = await coop();
    const res = await h.http
      .post('/api/v1/stores')
      .set(bearer(c.seller))
      .send({ platform: 'shopify', name: uid('S'), baseUrl: 'https://shop.example.com', credentials: { accessToken: 'shpat_secret_value_123', apiSecret: 'api_secret_456' }, active: false });
    expect(res.status).toBe(201);
    expect(res.body.credentialNames).toEqual(['accessToken', 'apiSecret']);
    const text = JSON.stringify([res.body, (await h.http.get(`/api/v1/stores/${res.body.id}`).set(bearer(c.seller))).body, (await h.http.get('/api/v1/stores').set(bearer(c.seller))).body]);
    expect(text).not.toContain('shpat_secret_value_123');
    expect(text).not.toContain('api_secret_456');
    const raw = await h.runtime.ctx.db('stores').where({ id: res.body.id }).first();
    expect(raw.credentials_sealed).toMatch(/^v1\./);
    expect(raw.credentials_sealed).not.toContain('shpat_secret_value_123');

    const missing = await h.http.post('/api/v1/stores').set(bearer(c.seller)).send({ platform: 'taobao', name: uid('S'), baseUrl: 'https://eco.taobao.com', credentials: { appKey: 'k' } });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.map((d: any) => d.field)).toEqual(expect.arrayContaining(['credentials.appSecret', 'credentials.session']));
    const unknown = await h.http.post('/api/v1/stores').set(bearer(c.seller)).send({ platform: 'myspace', name: uid('S'), baseUrl: 'https://x.example', credentials: {} });
    expect(unknown.status).toBe(400);
    const other = await coop();
    expect((await h.http.get(`/api/v1/stores/${res.body.id}`).set(bearer(other.seller))).status).toBe(404);
    expect((await h.http.post(`/api/v1/stores/${res.body.id}/sync`).set(bearer(other.seller)).send({})).status).toBe(404);
  });

  it('schedules one sync per store and interval, and none for a paused store', async () => {
    const c = await coop();
    const mk = async (active: boolean) =>
      (await h.http.post('/api/v1/stores').set(bearer(c.seller)).send({ platform: 'shopify', name: uid('S'), baseUrl: 'http://127.0.0.1:9', credentials: { accessToken: 'a', apiSecret: 'b' }, active, syncEverySeconds: 3600 })).body;
    const on = await mk(false);
    const off = await mk(false);
    const db = h.runtime.ctx.db;
    // as if the first sync had run long ago (and without a first sync running in the background now)
    await db('stores').whereIn('id', [on.id, off.id]).update({ last_sync_at: '2020-01-01 00:00:00.000' });
    await db('stores').where({ id: on.id }).update({ active: true });
    const syncJobs = async (id: number) => (await db('outbox_jobs').where({ type: 'stores.sync' }).select('payload')).filter((j: any) => JSON.parse(j.payload).storeId === id && !JSON.parse(j.payload).manual).length;
    await storeDispatchJob.handler(h.runtime.ctx, {}, { id: 0, attempt: 1, maxAttempts: 1 });
    await storeDispatchJob.handler(h.runtime.ctx, {}, { id: 0, attempt: 1, maxAttempts: 1 });
    expect(await syncJobs(on.id)).toBe(1);
    expect(await syncJobs(off.id)).toBe(0);
  });

  it('imports a mapping spreadsheet and reports bad rows', async () => {
    const c = await coop();
    const store = (await h.http.post('/api/v1/stores').set(bearer(c.seller)).send({ platform: 'shopify', name: uid('S'), baseUrl: 'https://shop.example.com', credentials: { accessToken: 'a', apiSecret: 'b' }, active: false })).body;
    const csv = ['listing_code,sku_code,factor', `APPLE-5KG,${c.apple.skuCode},5`, `PEAR-1,${c.pear.skuCode},`, 'X-1,NO-SUCH,1', `APPLE-5KG,${c.pear.skuCode},1`, `Y-1,${c.apple.skuCode},half`].join('\n');
    const up = () => h.http.post(`/api/v1/stores/${store.id}/mappings/import`).set(bearer(c.seller)).set('Content-Type', 'text/csv').send(Buffer.from(csv));
    const res = await up();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, updated: 0 });
    expect(res.body.errors.map((e: any) => [e.row, e.code])).toEqual([[4, 'unknown_sku'], [5, 'duplicate'], [6, 'invalid']]);
    expect((await up()).body).toMatchObject({ created: 0, unchanged: 2 });
    const list = await h.http.get(`/api/v1/stores/${store.id}/mappings`).set(bearer(c.seller));
    expect(list.body.items.map((m: any) => [m.listingCode, m.skuCode, m.factor])).toEqual(expect.arrayContaining([['APPLE-5KG', c.apple.skuCode, 5], ['PEAR-1', c.pear.skuCode, 1]]));
  });
});
