import { Harness, bearer, keyFor, startHarness, uid, waitFor } from '../helpers/harness';
import { makeHub, makeSku } from '../helpers/stock';
import type { FakePlatform } from '../helpers/fakes/types';
import { startFakeShopify } from '../helpers/fakes/shopify';
import { startFakeTaobao } from '../helpers/fakes/taobao';
import { startFakeWooCommerce } from '../helpers/fakes/woocommerce';
import { inTransaction } from '../../server/db/transaction';

/**
 * Write-back on the target database and queue: store orders synced from each platform's fake,
 * picked, packed, handed over to the carrier; the carrier and waybill reach the platform once
 * (the fake's own record), even when the job runs again; an order the seller shipped by hand on
 * the platform counts as done; an expired token fails the write-back with the platform's words
 * until a supervisor retries it; a platform outage is retried; API orders need no write-back.
 */
let h: Harness;
let sf: { id: number; code: string; name: string };
let sfKey: string;
beforeAll(async () => {
  h = await startHarness({ database: uid('wb') });
  const wh = await h.http.post('/api/v1/warehouses').set(bearer(h.adminToken)).send({ code: 'MAIN', name: '信丰县电商仓' }).expect(201);
  await h.http.patch(`/api/v1/warehouses/${wh.body.id}`).set(bearer(h.adminToken)).send({ province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇正平路88号', contactName: '发货组', phone: '07973456789' }).expect(200);
  // a carrier the platforms know by code (this database is the file's own, so the code is free);
  // the local adapter issues its numbers without a carrier service
  const res = await h.http.post('/api/v1/carriers').set(bearer(h.adminToken)).send({ code: 'SF', name: '顺丰速运', adapter: 'local', settings: { prefix: 'SF', rangeStart: 100000, rangeEnd: 999999 } });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  sf = res.body;
  sfKey = await keyFor(h, 'carrier', { carrierId: sf.id });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

type Hub = Awaited<ReturnType<typeof makeHub>>;
let seq = 0;
const nextId = () => `${Date.now() % 1e9}${String(++seq).padStart(4, '0')}`;

async function connect(fake: FakePlatform, hub: Hub) {
  const res = await h.http
    .post('/api/v1/stores')
    .set(bearer(hub.seller))
    .send({ ownerId: hub.owner.id, platform: fake.platform, name: uid('店铺'), baseUrl: fake.baseUrl, credentials: fake.credentials, syncFrom: new Date(Date.now() - 3600_000).toISOString(), active: false });
  if (res.status !== 201) throw new Error(`store: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

async function sync(hub: Hub, storeId: number) {
  const res = await h.http.post(`/api/v1/stores/${storeId}/sync`).set(bearer(hub.seller)).send({});
  expect(res.status).toBe(202);
  const job = await waitFor(async () => {
    const j = await h.http.get(`/api/v1/jobs/${res.body.jobId}`).set(bearer(h.adminToken));
    return j.body.status === 'done' || j.body.status === 'failed' ? j.body : null;
  }, 30_000, 'sync job');
  expect(job.status).toBe('done');
}

const getOrder = async (hub: Hub, id: number) => (await h.http.get(`/api/v1/orders/${id}`).set(bearer(hub.supervisor))).body;

/** Stock for one unit of a fresh SKU, a platform order for it, synced, allocated, picked and packed with SF. */
async function packedStoreOrder(hub: Hub, fake: FakePlatform, storeId: number) {
  const sku = await makeSku(h, hub.seller);
  const rec = await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty: 1, locationCode: hub.ambient[0] });
  if (rec.status !== 201) throw new Error(JSON.stringify(rec.body));
  const externalId = nextId();
  fake.upsert({ id: externalId, lines: [{ sku: sku.skuCode, qty: 1 }] });
  await sync(hub, storeId);
  const list = await h.http.get(`/api/v1/orders?storeId=${storeId}&q=${externalId}`).set(bearer(hub.seller));
  expect(list.body.items).toHaveLength(1);
  const id = list.body.items[0].id as number;
  await waitFor(async () => (await getOrder(hub, id)).status === 'allocated', 15_000, 'allocation');
  const wave = await h.http.post('/api/v1/waves').set(bearer(hub.supervisor)).send({ orderIds: [id] });
  if (wave.status !== 201) throw new Error(JSON.stringify(wave.body));
  for (const t of (await h.http.get(`/api/v1/pick-tasks?waveId=${wave.body.id}`).set(bearer(hub.operator))).body.items) {
    const ok = await h.http.post(`/api/v1/pick-tasks/${t.id}/confirm`).set(bearer(hub.operator)).send({ locationCode: t.locationCode, barcode: sku.barcode, qty: t.qty });
    if (ok.status !== 200) throw new Error(JSON.stringify(ok.body));
  }
  const packed = await h.http.post(`/api/v1/orders/${id}/pack`).set(bearer(hub.supervisor)).send({ scans: [sku.barcode], weightG: 1200, carrierCode: sf.code });
  if (packed.status !== 201) throw new Error(JSON.stringify(packed.body));
  return { orderId: id, externalId, waybillNo: packed.body.waybillNo as string };
}

/** Dock scans onto SF's manifest, close, and SF's driver confirms every parcel: the orders ship. */
async function handOver(hub: Hub, waybills: string[]) {
  let manifestId = 0;
  for (const w of waybills) {
    const s = await h.http.post('/api/v1/dock/scan').set(bearer(hub.operator)).send({ waybillNo: w });
    if (s.status !== 200) throw new Error(JSON.stringify(s.body));
    manifestId = s.body.manifestId;
  }
  expect((await h.http.post(`/api/v1/manifests/${manifestId}/close`).set(bearer(hub.operator))).status).toBe(200);
  const done = await h.http.post(`/api/v1/manifests/${manifestId}/handover`).set(bearer(sfKey)).send({ receivedBy: '顺丰 李师傅', countedCount: waybills.length });
  expect(done.status).toBe(200);
}

const settled = (hub: Hub, id: number, ms = 20_000) =>
  waitFor(async () => {
    const o = await getOrder(hub, id);
    return o.writebackStatus !== 'pending' ? o : null;
  }, ms, `write-back of order ${id}`);

/** Runs the write-back job of an order once more, as a duplicate delivery would. */
async function runJobAgain(orderId: number, resetToPending: boolean) {
  const ctx = h.runtime.ctx;
  await inTransaction(ctx.db, async (trx) => {
    if (resetToPending) await trx('orders').where({ id: orderId }).update({ writeback_status: 'pending' });
    await ctx.queue.enqueue(trx, 'stores.writeback', { orderId }, { dedupeKey: `test-again:${orderId}:${Date.now()}` });
  });
  await ctx.queue.whenIdle();
}

const PLATFORMS: Array<[string, () => Promise<FakePlatform>, string]> = [
  // what each platform is told about SF: Shopify's tracking company, TOP's company code, the name for WooCommerce
  ['shopify', () => startFakeShopify(), 'SF Express'],
  ['taobao', () => startFakeTaobao(), 'SF'],
  ['woocommerce', () => startFakeWooCommerce(), '顺丰速运'],
];

describe.each(PLATFORMS)('write-back to %s', (_name, start, carrierOnPlatform) => {
  let fake: FakePlatform;
  let hub: Hub;
  let storeId: number;
  beforeAll(async () => {
    fake = await start();
    hub = await makeHub(h);
    storeId = await connect(fake, hub);
  }, 30_000);
  afterAll(async () => {
    await fake?.close();
  });

  it('hands over → the waybill and carrier reach the platform once, even when the job runs again', async () => {
    const a = await packedStoreOrder(hub, fake, storeId);
    const b = await packedStoreOrder(hub, fake, storeId);
    expect((await getOrder(hub, a.orderId)).writebackStatus).toBeNull();
    await handOver(hub, [a.waybillNo, b.waybillNo]);
    for (const p of [a, b]) {
      const o = await settled(hub, p.orderId);
      expect(o).toMatchObject({ status: 'shipped', writebackStatus: 'done', writebackError: null });
      expect(o.writtenBackAt).toEqual(expect.any(String));
      expect(o.history.map((e: any) => e.event)).toContain('written_back');
      expect(fake.shipments.filter((s) => s.orderId === p.externalId)).toEqual([{ orderId: p.externalId, trackingNo: p.waybillNo, carrier: carrierOnPlatform, lineIds: null }]);
    }
    // a duplicate job does nothing; one that really calls the platform again finds the shipment there
    await runJobAgain(a.orderId, false);
    await runJobAgain(b.orderId, true);
    expect((await settled(hub, b.orderId)).writebackStatus).toBe('done');
    for (const p of [a, b]) expect(fake.shipments.filter((s) => s.orderId === p.externalId)).toHaveLength(1);
    // the platform's side shows the order shipped
    const calls = fake.requests.filter((r) => r.method !== 'GET' && r.status < 300 && r.status > 0);
    expect(calls.every((r) => r.authOk)).toBe(true);
  });

  it('an order the seller already shipped on the platform counts as done', async () => {
    const p = await packedStoreOrder(hub, fake, storeId);
    fake.writeBackFault('already_shipped', 1);
    await handOver(hub, [p.waybillNo]);
    const o = await settled(hub, p.orderId);
    expect(o).toMatchObject({ writebackStatus: 'done', writebackError: null });
    const event = o.history.find((e: any) => e.event === 'written_back');
    expect(event.message).toMatch(/already/);
    expect(fake.shipments.filter((s) => s.orderId === p.externalId && s.trackingNo === p.waybillNo).length).toBeLessThanOrEqual(1);
  });

  it('an expired token fails with the platform\'s words until a supervisor retries; a 500 is retried', async () => {
    const p = await packedStoreOrder(hub, fake, storeId);
    fake.writeBackFault('token_expired');
    await handOver(hub, [p.waybillNo]);
    const failed = await settled(hub, p.orderId);
    expect(failed.writebackStatus).toBe('failed');
    expect(failed.writebackError).toMatch(/credentials refused/);
    expect(failed.writebackError).toMatch(/Invalid API key or access token|Invalid session|Consumer key is invalid/);
    expect(fake.shipments.some((s) => s.orderId === p.externalId)).toBe(false);

    // only admin and supervisor retry, and only a failed write-back
    expect((await h.http.post(`/api/v1/orders/${p.orderId}/writeback`).set(bearer(hub.seller))).status).toBe(403);
    // the store's owner renews the authorisation; the platform then has an outage for a few calls
    fake.writeBackFault('server_error', 5);
    const retry = await h.http.post(`/api/v1/orders/${p.orderId}/writeback`).set(bearer(hub.supervisor));
    expect(retry.status).toBe(202);
    expect(retry.body.writebackStatus).toBe('pending');
    const done = await settled(hub, p.orderId, 40_000);
    expect(done).toMatchObject({ writebackStatus: 'done', writebackError: null });
    expect(fake.shipments.filter((s) => s.orderId === p.externalId)).toEqual([expect.objectContaining({ trackingNo: p.waybillNo, carrier: carrierOnPlatform })]);
    expect(fake.requests.filter((r) => r.status === 500).length).toBeGreaterThanOrEqual(5);
    expect(done.history.map((e: any) => e.event)).toEqual(expect.arrayContaining(['writeback_failed', 'writeback_retry', 'written_back']));

    const again = await h.http.post(`/api/v1/orders/${p.orderId}/writeback`).set(bearer(hub.supervisor));
    expect([again.status, again.body.error.code]).toEqual([409, 'WRITEBACK_NOT_FAILED']);
  }, 60_000);
});

test('an order from the order API needs no write-back', async () => {
  const hub = await makeHub(h);
  const sku = await makeSku(h, hub.seller);
  await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty: 1, locationCode: hub.ambient[0] }).expect(201);
  const receiver = { name: '张三丰', phone: '13812345678', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路90号3幢' };
  const created = await h.http.post('/api/v1/orders').set(bearer(hub.seller)).send({ externalId: uid('API'), receiver, lines: [{ skuCode: sku.skuCode, qty: 1 }] });
  expect(created.status).toBe(201);
  const id = created.body.id as number;
  await waitFor(async () => (await getOrder(hub, id)).status === 'allocated', 15_000, 'allocation');
  const wave = await h.http.post('/api/v1/waves').set(bearer(hub.supervisor)).send({ orderIds: [id] });
  for (const t of (await h.http.get(`/api/v1/pick-tasks?waveId=${wave.body.id}`).set(bearer(hub.operator))).body.items) {
    await h.http.post(`/api/v1/pick-tasks/${t.id}/confirm`).set(bearer(hub.operator)).send({ locationCode: t.locationCode, barcode: sku.barcode, qty: t.qty }).expect(200);
  }
  const packed = await h.http.post(`/api/v1/orders/${id}/pack`).set(bearer(hub.supervisor)).send({ scans: [sku.barcode], weightG: 900, carrierCode: sf.code });
  expect(packed.status).toBe(201);
  await handOver(hub, [packed.body.waybillNo]);
  expect(await getOrder(hub, id)).toMatchObject({ status: 'shipped', writebackStatus: 'not_needed' });
  const retry = await h.http.post(`/api/v1/orders/${id}/writeback`).set(bearer(hub.supervisor));
  expect([retry.status, retry.body.error.code]).toEqual([409, 'WRITEBACK_NOT_FAILED']);
});
