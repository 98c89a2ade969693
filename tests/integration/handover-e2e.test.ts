import { Harness, bearer, keyFor, startHarness, uid, waitFor } from '../helpers/harness';
import { makeHub, makeSku } from '../helpers/stock';
import { pdfToPngs, zbar } from '../helpers/printing';
import type { FakePlatform } from '../helpers/fakes/types';
import { startFakeTaobao } from '../helpers/fakes/taobao';
import { startFakeSf, type FakeSf } from '../helpers/fakes/carriers/sf';
import { kuaidi100PushForm, startFakeKuaidi100, type FakeKuaidi100 } from '../helpers/fakes/carriers/kuaidi100';

/**
 * The whole hand-over on the target database and queue, as outside clients drive it: paid orders
 * from a fake Taobao shop are synced, allocated, picked and packed with SF (the SF fake issues the
 * waybills); the dock scans them onto SF's manifest; closing it sends SF's hand-over call (订单确认
 * with the weight, asserted at the SF fake) and gives the hand-over sheet (its manifest barcode
 * decoded from the rendered PDF); SF's own user, in the carrier portal, sees only SF's manifests and
 * parcels and confirms the count; the orders ship and Taobao is told the waybill (asserted at the
 * Taobao fake). Then: an SF refusal of one parcel, SF unreachable, and a Kuaidi100 parcel whose
 * tracking is subscribed with our webhook and then pushed.
 */
const PUBLIC_URL = 'https://hub.xinfeng.example.cn';
const SALT = 'k100-push-salt';
let h: Harness;
let sfFake: FakeSf;
let k100Fake: FakeKuaidi100;
let taobao: FakePlatform;
let hub: Awaited<ReturnType<typeof makeHub>>;
let storeId: number;
let sf: { id: number; code: string };
let k100: { id: number; code: string };
let sfUserToken: string;
let otherCarrierKey: string;

beforeAll(async () => {
  h = await startHarness({ database: uid('e2e'), env: { WMS_CARRIER_TIMEOUT_MS: '1500', WMS_PUBLIC_URL: PUBLIC_URL } });
  sfFake = await startFakeSf();
  k100Fake = await startFakeKuaidi100();
  taobao = await startFakeTaobao();
  const wh = await h.http.post('/api/v1/warehouses').set(bearer(h.adminToken)).send({ code: 'MAIN', name: '信丰县电商仓' }).expect(201);
  await h.http.patch(`/api/v1/warehouses/${wh.body.id}`).set(bearer(h.adminToken)).send({ province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇正平路88号', contactName: '发货组', phone: '07973456789' }).expect(200);
  // SF under the code the platforms know it by (this database is the file's own)
  const sfRes = await h.http.post('/api/v1/carriers').set(bearer(h.adminToken)).send({ code: 'SF', name: '顺丰速运', adapter: 'sf', baseUrl: sfFake.baseUrl, credentials: sfFake.credentials, settings: sfFake.settings });
  if (sfRes.status !== 201) throw new Error(JSON.stringify(sfRes.body));
  sf = sfRes.body;
  const kRes = await h.http
    .post('/api/v1/carriers')
    .set(bearer(h.adminToken))
    .send({ code: 'ZTO', name: '中通快递', adapter: 'kuaidi100', baseUrl: k100Fake.baseUrl, credentials: { ...k100Fake.credentials, salt: SALT }, settings: k100Fake.settings });
  if (kRes.status !== 201) throw new Error(JSON.stringify(kRes.body));
  k100 = kRes.body;
  hub = await makeHub(h);
  const store = await h.http
    .post('/api/v1/stores')
    .set(bearer(hub.seller))
    .send({ ownerId: hub.owner.id, platform: 'taobao', name: uid('淘宝店'), baseUrl: taobao.baseUrl, credentials: taobao.credentials, syncFrom: new Date(Date.now() - 3600_000).toISOString(), active: false });
  if (store.status !== 201) throw new Error(JSON.stringify(store.body));
  storeId = store.body.id;
  // the carrier portal: a person of SF's, and another carrier's key
  const username = uid('sfdriver');
  await h.http.post('/api/v1/users').set(bearer(h.adminToken)).send({ username, password: 'sf-password1', role: 'carrier', carrierId: sf.id }).expect(201);
  const login = await h.http.post('/api/v1/auth/login').send({ username, password: 'sf-password1' }).expect(200);
  sfUserToken = login.body.token;
  otherCarrierKey = await keyFor(h, 'carrier', { carrierId: k100.id });
}, 60_000);
afterAll(async () => {
  await sfFake?.close();
  await k100Fake?.close();
  await taobao?.close();
  await h?.close();
});

let seq = 0;
const nextTid = () => `${Date.now() % 1e9}${String(++seq).padStart(4, '0')}`;
const getOrder = async (id: number) => (await h.http.get(`/api/v1/orders/${id}`).set(bearer(hub.supervisor))).body;
const getManifest = async (id: number, token = hub.supervisor) => (await h.http.get(`/api/v1/manifests/${id}`).set(bearer(token))).body;

async function syncStore() {
  const res = await h.http.post(`/api/v1/stores/${storeId}/sync`).set(bearer(hub.seller)).send({});
  expect(res.status).toBe(202);
  const job = await waitFor(async () => {
    const j = await h.http.get(`/api/v1/jobs/${res.body.jobId}`).set(bearer(h.adminToken));
    return j.body.status === 'done' || j.body.status === 'failed' ? j.body : null;
  }, 30_000, 'sync job');
  expect(job.status).toBe('done');
}

/** Taobao trades for fresh SKUs with stock: synced, allocated, picked and packed with the given carrier. */
async function packedTrades(n: number, carrierCode: string, weightG = 1800) {
  const made = [];
  for (let i = 0; i < n; i++) {
    const sku = await makeSku(h, hub.seller);
    const rec = await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty: 1, locationCode: hub.ambient[0] });
    if (rec.status !== 201) throw new Error(JSON.stringify(rec.body));
    const tid = nextTid();
    taobao.upsert({ id: tid, lines: [{ sku: sku.skuCode, qty: 1 }] });
    made.push({ sku, tid });
  }
  await syncStore();
  const orders = [];
  for (const m of made) {
    const list = await h.http.get(`/api/v1/orders?storeId=${storeId}&q=${m.tid}`).set(bearer(hub.seller));
    expect(list.body.items).toHaveLength(1);
    orders.push({ ...m, orderId: list.body.items[0].id as number });
  }
  const out = [];
  // one wave each (a wave of several goes through the put-wall first; that is the terminals' test)
  for (const o of orders) {
    await waitFor(async () => (await getOrder(o.orderId)).status === 'allocated', 15_000, 'allocation');
    const wave = await h.http.post('/api/v1/waves').set(bearer(hub.supervisor)).send({ orderIds: [o.orderId] });
    if (wave.status !== 201) throw new Error(JSON.stringify(wave.body));
    for (const t of (await h.http.get(`/api/v1/pick-tasks?waveId=${wave.body.id}`).set(bearer(hub.operator))).body.items) {
      const ok = await h.http.post(`/api/v1/pick-tasks/${t.id}/confirm`).set(bearer(hub.operator)).send({ locationCode: t.locationCode, barcode: o.sku.barcode, qty: t.qty });
      if (ok.status !== 200) throw new Error(JSON.stringify(ok.body));
    }
    const packed = await h.http.post(`/api/v1/orders/${o.orderId}/pack`).set(bearer(hub.supervisor)).send({ scans: [o.sku.barcode], weightG, carrierCode });
    if (packed.status !== 201) throw new Error(JSON.stringify(packed.body));
    out.push({ orderId: o.orderId, tid: o.tid, parcelId: packed.body.parcelId as number, waybillNo: packed.body.waybillNo as string, reference: '' });
  }
  for (const p of out) p.reference = (await h.runtime.ctx.db('parcels').where({ id: p.parcelId }).first('request_ref')).request_ref;
  return out;
}

/** Dock scans (operator's terminal) onto the carrier's open manifest, then closes it. */
async function scanAndClose(waybills: string[]) {
  let manifestId = 0;
  for (const w of waybills) {
    const s = await h.http.post('/api/v1/dock/scan').set(bearer(hub.operator)).send({ waybillNo: w });
    if (s.status !== 200) throw new Error(JSON.stringify(s.body));
    manifestId = s.body.manifestId;
  }
  const closed = await h.http.post(`/api/v1/manifests/${manifestId}/close`).set(bearer(hub.operator));
  expect(closed.status).toBe(200);
  return closed.body;
}

const handoverSettled = (id: number) =>
  waitFor(async () => {
    const m = await getManifest(id);
    return m.carrierHandover.status !== 'pending' ? m : null;
  }, 20_000, `carrier hand-over call of manifest ${id}`);

const binary = (res: any, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

test('store orders → closed manifest (SF told, sheet decoded) → the carrier confirms in its portal → Taobao has the waybills', async () => {
  const parcels = await packedTrades(2, sf.code);
  // the SF fake issued these waybills
  for (const p of parcels) expect(sfFake.waybills.get(p.reference)?.waybillNo).toBe(p.waybillNo);

  const closed = await scanAndClose(parcels.map((p) => p.waybillNo));
  expect(closed).toMatchObject({ status: 'closed', parcelCount: 2, totalWeightG: 3600, carrierHandover: { status: 'pending' } });

  // closing sends SF's hand-over call: each order confirmed with its weight, on SF's side
  const synced = await handoverSettled(closed.id);
  expect(synced.carrierHandover).toMatchObject({ status: 'done', error: null, syncedAt: expect.any(String) });
  expect(synced.parcels.map((p: any) => p.carrierConfirmed)).toEqual([true, true]);
  for (const p of parcels) expect(sfFake.confirmed.get(p.waybillNo)).toMatchObject({ orderId: p.reference, weightKg: 1.8 });

  // the hand-over sheet: its barcode is the manifest number
  const pdf = await h.http.get(`/api/v1/manifests/${closed.id}?format=pdf`).set(bearer(hub.operator)).buffer(true).parse(binary);
  expect(pdf.status).toBe(200);
  const [page] = pdfToPngs(pdf.body, 203);
  expect(zbar(page)).toContain(`CODE-128:${closed.manifestNo}`);

  // the carrier portal: SF's person sees SF's manifest and parcels, another carrier sees neither
  const mine = await h.http.get('/api/v1/manifests?status=closed').set(bearer(sfUserToken));
  expect(mine.body.items.map((m: any) => m.id)).toContain(closed.id);
  const sfParcels = await h.http.get('/api/v1/parcels?limit=100').set(bearer(sfUserToken));
  expect(sfParcels.status).toBe(200);
  expect(sfParcels.body.items.map((p: any) => p.waybillNo)).toEqual(expect.arrayContaining(parcels.map((p) => p.waybillNo)));
  expect(sfParcels.body.items.every((p: any) => p.carrierCode === sf.code || p.carrierId === sf.id)).toBe(true);
  expect((await h.http.get(`/api/v1/manifests/${closed.id}`).set(bearer(otherCarrierKey))).status).toBe(404);
  expect((await h.http.get(`/api/v1/parcels/${parcels[0].parcelId}`).set(bearer(otherCarrierKey))).status).toBe(404);
  expect((await h.http.get('/api/v1/parcels?limit=100').set(bearer(otherCarrierKey))).body.items).toEqual([]);
  expect((await h.http.post(`/api/v1/manifests/${closed.id}/handover`).set(bearer(otherCarrierKey)).send({ receivedBy: '别家', countedCount: 2 })).status).toBe(404);

  const done = await h.http.post(`/api/v1/manifests/${closed.id}/handover`).set(bearer(sfUserToken)).send({ receivedBy: '顺丰 李师傅', countedCount: 2 });
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ status: 'handed_over', receivedBy: '顺丰 李师傅', countedCount: 2 });

  // shipped, and the waybill number written back to Taobao (the fake's own record)
  for (const p of parcels) {
    const o = await waitFor(async () => {
      const x = await getOrder(p.orderId);
      return x.writebackStatus !== 'pending' ? x : null;
    }, 20_000, 'write-back');
    expect(o).toMatchObject({ status: 'shipped', writebackStatus: 'done' });
    expect(taobao.shipments.filter((s) => s.orderId === p.tid)).toEqual([{ orderId: p.tid, trackingNo: p.waybillNo, carrier: 'SF', lineIds: null }]);
  }
  // the units left the warehouse: received = on hand + shipped, to the unit, for each SKU and lot
  const db = h.runtime.ctx.db;
  for (const p of parcels) {
    const skuId = (await db('parcel_items').where({ parcel_id: p.parcelId }).first('sku_id')).sku_id;
    const byKind = Object.fromEntries((await db('stock_movements').where({ sku_id: skuId }).groupBy('kind').select('kind').sum({ q: 'qty_delta' })).map((r: any) => [r.kind, Number(r.q)]));
    expect(byKind.receipt).toBe(1);
    expect(byKind.ship).toBe(-1);
    const stock = await db('inventory').where({ sku_id: skuId }).select(db.raw('sum(on_hand) as on_hand'), db.raw('sum(allocated) as allocated')).first();
    expect({ onHand: Number(stock.on_hand), allocated: Number(stock.allocated) }).toEqual({ onHand: 0, allocated: 0 });
  }
  // SF is polled, not subscribed: nothing asked of Kuaidi100
  expect(k100Fake.subscriptions.size).toBe(0);
});

test('SF refuses one parcel of the manifest: the others are confirmed, the refusal is shown, and a retry sends only that one', async () => {
  const [a, b] = await packedTrades(2, sf.code);
  // cancelled on SF's side behind our back (by phone, say): SF will not confirm it
  sfFake.waybills.get(b.reference)!.cancelled = true;
  const closed = await scanAndClose([a.waybillNo, b.waybillNo]);
  const m = await handoverSettled(closed.id);
  expect(m.carrierHandover.status).toBe('partial');
  expect(m.carrierHandover.error).toContain(b.waybillNo);
  const byWaybill = new Map(m.parcels.map((p: any) => [p.waybillNo, p]));
  expect(byWaybill.get(a.waybillNo)).toMatchObject({ carrierConfirmed: true, carrierDetail: null });
  expect(byWaybill.get(b.waybillNo)).toMatchObject({ carrierConfirmed: false, carrierDetail: expect.any(String) });
  expect(sfFake.confirmed.has(a.waybillNo)).toBe(true);
  expect(sfFake.confirmed.has(b.waybillNo)).toBe(false);

  // only a supervisor retries; once SF has the order again, the retry confirms it and leaves the other alone
  expect((await h.http.post(`/api/v1/manifests/${closed.id}/carrier-handover/retry`).set(bearer(hub.operator))).status).toBe(403);
  const confirmsBefore = sfFake.confirmed.get(a.waybillNo);
  sfFake.waybills.get(b.reference)!.cancelled = false;
  const retry = await h.http.post(`/api/v1/manifests/${closed.id}/carrier-handover/retry`).set(bearer(hub.supervisor));
  expect(retry.status).toBe(202);
  const again = await handoverSettled(closed.id);
  expect(again.carrierHandover).toMatchObject({ status: 'done', error: null });
  expect(sfFake.confirmed.has(b.waybillNo)).toBe(true);
  expect(sfFake.confirmed.get(a.waybillNo)).toBe(confirmsBefore);
  // a done call is not retried
  expect((await h.http.post(`/api/v1/manifests/${closed.id}/carrier-handover/retry`).set(bearer(hub.supervisor))).body.error.code).toBe('CARRIER_HANDOVER_NOT_FAILED');
});

test('SF refusing our credentials fails the call with its words; nothing is lost, and the retry after the fix succeeds', async () => {
  const [p] = await packedTrades(1, sf.code);
  // the check word changed at SF (a new one issued) before the hub updated it
  const right = sfFake.credentials.checkWord;
  expect((await h.http.patch(`/api/v1/carriers/${sf.id}`).set(bearer(h.adminToken)).send({ credentials: { ...sfFake.credentials, checkWord: 'stale-check-word' } })).status).toBe(200);
  const closed = await scanAndClose([p.waybillNo]);
  const m = await handoverSettled(closed.id);
  expect(m.carrierHandover.status).toBe('failed');
  expect(m.carrierHandover.error).toMatch(/auth/);
  expect(m.parcels[0].carrierConfirmed).toBeNull();
  expect(sfFake.confirmed.has(p.waybillNo)).toBe(false);
  // the manifest itself is closed and can be handed over regardless: the call is the carrier's record, the sheet is ours
  expect(m.status).toBe('closed');

  expect((await h.http.patch(`/api/v1/carriers/${sf.id}`).set(bearer(h.adminToken)).send({ credentials: { ...sfFake.credentials, checkWord: right } })).status).toBe(200);
  expect((await h.http.post(`/api/v1/manifests/${closed.id}/carrier-handover/retry`).set(bearer(hub.supervisor))).status).toBe(202);
  expect((await handoverSettled(closed.id)).carrierHandover.status).toBe('done');
  expect(sfFake.confirmed.has(p.waybillNo)).toBe(true);
});

test('a carrier without a hand-over call: not needed; a Kuaidi100 parcel handed over is subscribed with our webhook, and its push is stored', async () => {
  const [p] = await packedTrades(1, k100.code);
  const closed = await scanAndClose([p.waybillNo]);
  expect(closed.carrierHandover).toEqual({ status: 'not_needed', error: null, syncedAt: null });
  const done = await h.http.post(`/api/v1/manifests/${closed.id}/handover`).set(bearer(h.adminToken)).send({ receivedBy: '中通 王师傅', countedCount: 1 });
  expect(done.status).toBe(200);

  const sub = await waitFor(async () => k100Fake.subscriptions.get(p.waybillNo) ?? null, 15_000, 'subscription at Kuaidi100');
  expect(sub).toMatchObject({ callbackurl: `${PUBLIC_URL}/api/v1/webhooks/carriers/${k100.id}`, salt: SALT });
  await waitFor(async () => (await h.runtime.ctx.db('parcels').where({ id: p.parcelId }).first('tracking_subscribed_at')).tracking_subscribed_at, 10_000, 'subscribed mark');

  // Kuaidi100 then pushes, signed with that salt, to that webhook
  const events = [{ at: new Date(Date.now() - 60_000), code: '1', text: '【赣州市】 快件已揽收' }];
  const push = await h.http.post(`/api/v1/webhooks/carriers/${k100.id}`).set('Content-Type', 'application/x-www-form-urlencoded').send(kuaidi100PushForm({ waybillNo: p.waybillNo, salt: SALT, events }));
  expect(push.status).toBe(200);
  const tracking = await h.http.get(`/api/v1/parcels/${p.parcelId}/tracking`).set(bearer(hub.seller));
  expect(tracking.body).toMatchObject({ waybillNo: p.waybillNo, trackingStatus: 'picked_up' });
  expect(tracking.body.items.map((e: any) => e.source)).toEqual(['push']);
});
