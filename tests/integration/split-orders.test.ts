import { Harness, bearer, startHarness, uid, waitFor } from '../helpers/harness';
import { makeHub, makeSku } from '../helpers/stock';
import type { FakePlatform } from '../helpers/fakes/types';
import { startFakeShopify } from '../helpers/fakes/shopify';
import { startFakeTaobao } from '../helpers/fakes/taobao';
import { startFakeWooCommerce } from '../helpers/fakes/woocommerce';

/**
 * Split orders on the target database: an order packed in two cartons (`partial`), each with its
 * own waybill and items; the dock keeps the first carton back until the last is labelled; the
 * order ships only when the carrier has received both; each parcel is written back to the store as
 * the platform allows (Shopify: one fulfillment per parcel with its lines; Taobao: is_split with
 * the parcel's sub-orders). A wrong scan in a carton, a carton of more than is left, and a
 * cancellation between cartons are refused or stopped.
 */
let h: Harness;
let hub: Awaited<ReturnType<typeof makeHub>>;
let carrier: { id: number; code: string };
beforeAll(async () => {
  h = await startHarness({ database: uid('split') });
  const wh = await h.http.post('/api/v1/warehouses').set(bearer(h.adminToken)).send({ code: 'MAIN', name: '信丰县电商仓' }).expect(201);
  await h.http.patch(`/api/v1/warehouses/${wh.body.id}`).set(bearer(h.adminToken)).send({ province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇正平路88号', contactName: '发货组', phone: '07973456789' }).expect(200);
  const res = await h.http.post('/api/v1/carriers').set(bearer(h.adminToken)).send({ code: 'SF', name: '顺丰速运', adapter: 'local', settings: { prefix: 'SF', rangeStart: 100000, rangeEnd: 999999 } });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  carrier = res.body;
  hub = await makeHub(h);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

let seq = 0;
const nextId = () => `${Date.now() % 1e9}${String(++seq).padStart(4, '0')}`;
const getOrder = async (id: number) => (await h.http.get(`/api/v1/orders/${id}`).set(bearer(hub.supervisor))).body;
const pack = (id: number, scans: string[], partial?: boolean) =>
  h.http.post(`/api/v1/orders/${id}/pack`).set(bearer(hub.supervisor)).send({ scans, weightG: 1500, carrierCode: carrier.code, ...(partial === undefined ? {} : { partial }) });

async function connect(fake: FakePlatform) {
  const res = await h.http
    .post('/api/v1/stores')
    .set(bearer(hub.seller))
    .send({ ownerId: hub.owner.id, platform: fake.platform, name: uid('店铺'), baseUrl: fake.baseUrl, credentials: fake.credentials, syncFrom: new Date(Date.now() - 3600_000).toISOString(), active: false });
  if (res.status !== 201) throw new Error(`store: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id as number;
}

/** Every unit of a multi-unit order sorted into its put-wall slot (the wave's tote holds them). */
async function putWall(waveId: number, barcodes: string[]) {
  for (const barcode of barcodes) {
    const res = await h.http.post('/api/v1/putwall/scan').set(bearer(hub.operator)).send({ waveId, barcode });
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  }
}

/** A store order of 2 × A and 1 × B (two lines), synced, allocated and picked. */
async function pickedStoreOrder(fake: FakePlatform, storeId: number) {
  const a = await makeSku(h, hub.seller);
  const b = await makeSku(h, hub.seller);
  for (const [sku, qty] of [[a, 2], [b, 1]] as const) {
    const rec = await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty, locationCode: hub.ambient[0] });
    if (rec.status !== 201) throw new Error(JSON.stringify(rec.body));
  }
  const externalId = nextId();
  fake.upsert({ id: externalId, lines: [{ sku: a.skuCode, qty: 2 }, { sku: b.skuCode, qty: 1 }] });
  const sync = await h.http.post(`/api/v1/stores/${storeId}/sync`).set(bearer(hub.seller)).send({});
  expect(sync.status).toBe(202);
  await waitFor(async () => ['done', 'failed'].includes((await h.http.get(`/api/v1/jobs/${sync.body.jobId}`).set(bearer(h.adminToken))).body.status), 30_000, 'sync');
  const list = await h.http.get(`/api/v1/orders?storeId=${storeId}&q=${externalId}`).set(bearer(hub.seller));
  expect(list.body.items).toHaveLength(1);
  const id = list.body.items[0].id as number;
  await waitFor(async () => (await getOrder(id)).status === 'allocated', 15_000, 'allocation');
  const wave = await h.http.post('/api/v1/waves').set(bearer(hub.supervisor)).send({ orderIds: [id] });
  if (wave.status !== 201) throw new Error(JSON.stringify(wave.body));
  for (const t of (await h.http.get(`/api/v1/pick-tasks?waveId=${wave.body.id}`).set(bearer(hub.operator))).body.items) {
    const sku = t.skuCode === a.skuCode ? a : b;
    const ok = await h.http.post(`/api/v1/pick-tasks/${t.id}/confirm`).set(bearer(hub.operator)).send({ locationCode: t.locationCode, barcode: sku.barcode, qty: t.qty });
    if (ok.status !== 200) throw new Error(JSON.stringify(ok.body));
  }
  await putWall(wave.body.id, [a.barcode, a.barcode, b.barcode]);
  expect((await getOrder(id)).status).toBe('picked');
  return { id, externalId, a, b };
}

async function closeAndHandOver(waybills: string[], missing: string[] = []) {
  let manifestId = 0;
  for (const w of waybills) {
    const s = await h.http.post('/api/v1/dock/scan').set(bearer(hub.operator)).send({ waybillNo: w });
    if (s.status !== 200) throw new Error(JSON.stringify(s.body));
    manifestId = s.body.manifestId;
  }
  expect((await h.http.post(`/api/v1/manifests/${manifestId}/close`).set(bearer(hub.operator))).status).toBe(200);
  const done = await h.http.post(`/api/v1/manifests/${manifestId}/handover`).set(bearer(hub.supervisor)).send({ receivedBy: '顺丰 李师傅', countedCount: waybills.length - missing.length, missingWaybillNos: missing });
  expect(done.status).toBe(200);
  return manifestId;
}

describe.each([
  ['shopify', () => startFakeShopify()],
  ['taobao', () => startFakeTaobao()],
  ['woocommerce', () => startFakeWooCommerce()],
] as Array<[string, () => Promise<FakePlatform>]>)('a split order from %s', (platform, start) => {
  let fake: FakePlatform;
  let storeId: number;
  beforeAll(async () => {
    fake = await start();
    storeId = await connect(fake);
  }, 30_000);
  afterAll(async () => {
    await fake?.close();
  });

  it('is packed in two cartons, ships when both are received, and each parcel is written back', async () => {
    const o = await pickedStoreOrder(fake, storeId);

    // carton 1: one A. Wrong items and more than is left are refused first, and change nothing
    const stranger = await makeSku(h, hub.seller);
    const wrong = await pack(o.id, [stranger.barcode], true);
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe('SCAN_MISMATCH');
    const tooMany = await pack(o.id, [o.b.barcode, o.b.barcode], true);
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error.details.map((d: any) => d.code)).toEqual(['extra']);
    const first = await pack(o.id, [o.a.barcode], true);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'partly_packed', remaining: expect.arrayContaining([{ skuCode: o.a.skuCode, name: expect.any(String), qty: 1 }, { skuCode: o.b.skuCode, name: expect.any(String), qty: 1 }]) });
    expect((await getOrder(o.id)).status).toBe('picked');

    // the first carton waits at the dock for the rest
    const early = await h.http.post('/api/v1/dock/scan').set(bearer(hub.operator)).send({ waybillNo: first.body.waybillNo });
    expect(early.status).toBe(422);
    expect(early.body.error.code).toBe('ORDER_NOT_PACKED');

    // carton 2 without partial must hold exactly what is left
    const short = await pack(o.id, [o.a.barcode]);
    expect(short.status).toBe(422);
    expect(short.body.error.details.map((d: any) => d.code)).toEqual(['missing']);
    const second = await pack(o.id, [o.b.barcode, o.a.barcode]);
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ status: 'packed', remaining: [] });
    expect(second.body.waybillNo).not.toBe(first.body.waybillNo);
    const packed = await getOrder(o.id);
    expect(packed.status).toBe('packed');
    // each parcel holds its own units
    const parcels = (await h.http.get(`/api/v1/parcels?orderId=${o.id}`).set(bearer(hub.supervisor))).body.items;
    const units = (p: any) => Object.fromEntries(p.items.map((i: any) => [i.skuCode, i.qty]));
    const byWaybill = new Map(parcels.map((p: any) => [p.waybillNo, p]));
    expect(units(byWaybill.get(first.body.waybillNo))).toEqual({ [o.a.skuCode]: 1 });
    expect(units(byWaybill.get(second.body.waybillNo))).toEqual({ [o.a.skuCode]: 1, [o.b.skuCode]: 1 });
    // nothing more to pack
    expect((await pack(o.id, [o.a.barcode], true)).body.error.code).toBe('ORDER_ALREADY_PACKED');

    // the carrier counts one carton: the order stays packed; the other found later, it ships
    const manifestId = await closeAndHandOver([first.body.waybillNo, second.body.waybillNo], [second.body.waybillNo]);
    expect((await getOrder(o.id)).status).toBe('packed');
    expect(fake.shipments.filter((s) => s.orderId === o.externalId)).toEqual([]);
    const resolved = await h.http.post(`/api/v1/manifests/${manifestId}/resolve`).set(bearer(hub.supervisor)).send({ resolution: '在车上找到', foundWaybillNos: [second.body.waybillNo] });
    expect(resolved.status).toBe(200);
    const shipped = await waitFor(async () => {
      const x = await getOrder(o.id);
      return x.writebackStatus && x.writebackStatus !== 'pending' ? x : null;
    }, 20_000, 'write-back');
    expect(shipped).toMatchObject({ status: 'shipped', writebackStatus: 'done' });

    // at the platform: one shipment per waybill, the first naming the line of its SKU
    const lineOf = (skuCode: string) => String(packed.lines.find((l: any) => l.skuCode === skuCode).externalLineId);
    const at = fake.shipments.filter((s) => s.orderId === o.externalId);
    expect(at.map((s) => s.trackingNo).sort()).toEqual([first.body.waybillNo, second.body.waybillNo].sort());
    const one = at.find((s) => s.trackingNo === first.body.waybillNo)!;
    const two = at.find((s) => s.trackingNo === second.body.waybillNo)!;
    // WooCommerce keeps tracking numbers per order, not per line: each parcel's number is there
    if (platform === 'woocommerce') return;
    expect(one.lineIds?.map(String)).toEqual([lineOf(o.a.skuCode)]);
    // Shopify takes the last parcel as "the rest of the order"; a Taobao trade partly consigned needs its sub-orders named
    if (platform === 'taobao') expect(two.lineIds?.map(String)).toEqual([lineOf(o.b.skuCode)]);
    else expect(two.lineIds).toBeNull();
  });
});

test('an order cancelled between its cartons is stopped: no further carton, none to the dock; voiding the carton is allowed', async () => {
  const direct = await makeSku(h, hub.seller);
  const other = await makeSku(h, hub.seller);
  for (const sku of [direct, other]) {
    const rec = await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty: 1, locationCode: hub.ambient[0] });
    expect(rec.status).toBe(201);
  }
  const receiver = { name: '张三丰', phone: '13812345678', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路90号3幢' };
  const created = await h.http.post('/api/v1/orders').set(bearer(hub.seller)).send({ externalId: uid('SP'), receiver, lines: [{ skuCode: direct.skuCode, qty: 1 }, { skuCode: other.skuCode, qty: 1 }] });
  expect(created.status).toBe(201);
  const id = created.body.id;
  await waitFor(async () => (await getOrder(id)).status === 'allocated', 15_000, 'allocation');
  const wave = await h.http.post('/api/v1/waves').set(bearer(hub.supervisor)).send({ orderIds: [id] });
  expect(wave.status).toBe(201);
  for (const t of (await h.http.get(`/api/v1/pick-tasks?waveId=${wave.body.id}`).set(bearer(hub.operator))).body.items) {
    const sku = t.skuCode === direct.skuCode ? direct : other;
    expect((await h.http.post(`/api/v1/pick-tasks/${t.id}/confirm`).set(bearer(hub.operator)).send({ locationCode: t.locationCode, barcode: sku.barcode, qty: t.qty })).status).toBe(200);
  }
  await putWall(wave.body.id, [direct.barcode, other.barcode]);
  const first = await pack(id, [direct.barcode], true);
  expect(first.status).toBe(201);

  const cancelled = await h.http.post(`/api/v1/orders/${id}/cancel`).set(bearer(hub.seller)).send({ reason: '买家不要了' });
  expect(cancelled.status).toBe(200);
  expect(cancelled.body).toMatchObject({ status: 'picked', intercept: true });
  expect((await pack(id, [other.barcode])).body.error.code).toBe('ORDER_INTERCEPTED');
  expect((await h.http.post('/api/v1/dock/scan').set(bearer(hub.operator)).send({ waybillNo: first.body.waybillNo })).body.error.code).toBe('ORDER_CANCELLED');
  const voided = await h.http.post(`/api/v1/parcels/${first.body.parcelId}/void`).set(bearer(hub.supervisor)).send({ reason: 'order cancelled' });
  expect(voided.status).toBe(200);
  expect(voided.body.status).toBe('voided');
});
