import { Harness, bearer, keyFor, startHarness, uid, waitFor } from '../helpers/harness';
import { makeHub, makeSku } from '../helpers/stock';
import { kuaidi100PushForm, startFakeKuaidi100 } from '../helpers/fakes/carriers/kuaidi100';
import type { FakeCarrier, FakeTrackingEvent } from '../helpers/fakes/carriers/types';
import { inTransaction } from '../../server/db/transaction';
import { trackDue } from '../../server/tracking';

/**
 * Parcel tracking on the target database and queue: parcels packed with Kuaidi100 (its fake),
 * handed over on a manifest, then polled (events stored once, however often asked), pushed
 * (signed pushes stored, forged or unsigned ones refused with nothing stored), a failing carrier
 * changing nothing, who may see a parcel's tracking, and the seller's shipments of the day.
 * Carriers are the hub's, so this file has a database of its own.
 */
let h: Harness;
let fake: FakeCarrier;
const SALT = 'kd100-push-salt-7Q';
type Hub = Awaited<ReturnType<typeof makeHub>>;
let hubA: Hub;
let hubB: Hub;
let carrier: { id: number; code: string; name: string };
let otherCarrier: { id: number; code: string };
let p1: Packed, p2: Packed, p3: Packed;
const receiver = { name: '张三丰', phone: '13812345678', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路90号3幢' };

interface Packed {
  orderId: number;
  externalId: string;
  parcelId: number;
  waybillNo: string;
}

/** A one-unit order of its own SKU, picked through a wave and packed with this carrier. */
async function packedParcel(hub: Hub, carrierCode: string, weightG: number): Promise<Packed> {
  const sku = await makeSku(h, hub.seller);
  const rec = await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty: 1, locationCode: hub.ambient[0] });
  if (rec.status !== 201) throw new Error(JSON.stringify(rec.body));
  const created = await h.http.post('/api/v1/orders').set(bearer(hub.seller)).send({ externalId: uid('TR'), receiver, lines: [{ skuCode: sku.skuCode, qty: 1 }] });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const id = created.body.id as number;
  await waitFor(async () => (await h.http.get(`/api/v1/orders/${id}`).set(bearer(hub.seller))).body.status === 'allocated', 15_000, 'allocation');
  const wave = await h.http.post('/api/v1/waves').set(bearer(hub.supervisor)).send({ orderIds: [id] });
  if (wave.status !== 201) throw new Error(JSON.stringify(wave.body));
  for (const t of (await h.http.get(`/api/v1/pick-tasks?waveId=${wave.body.id}`).set(bearer(hub.operator))).body.items) {
    const ok = await h.http.post(`/api/v1/pick-tasks/${t.id}/confirm`).set(bearer(hub.operator)).send({ locationCode: t.locationCode, barcode: sku.barcode, qty: t.qty });
    if (ok.status !== 200) throw new Error(JSON.stringify(ok.body));
  }
  const packed = await h.http.post(`/api/v1/orders/${id}/pack`).set(bearer(hub.supervisor)).send({ scans: [sku.barcode], weightG, carrierCode });
  if (packed.status !== 201) throw new Error(JSON.stringify(packed.body));
  return { orderId: id, externalId: created.body.externalId, parcelId: packed.body.parcelId, waybillNo: packed.body.waybillNo };
}

const db = () => h.runtime.ctx.db;
const eventCount = async (parcelId: number) => Number((await db()('tracking_events').where({ parcel_id: parcelId }).count({ n: '*' }).first())?.n ?? 0);
const parcelRow = (parcelId: number) => db()('parcels').where({ id: parcelId }).first('tracking_status', 'tracking_at', 'tracking_checked_at', 'tracking_poll_after');
const track = (parcelId: number, token: string) => h.http.post(`/api/v1/parcels/${parcelId}/track`).set(bearer(token));
const push = (carrierId: number, body: string) => h.http.post(`/api/v1/webhooks/carriers/${carrierId}`).set('Content-Type', 'application/x-www-form-urlencoded').send(body);

// whole seconds in the past, as the carriers print them
const base = Math.floor(Date.now() / 1000) * 1000 - 6 * 3600_000;
const ev = (hours: number, code: string, text: string): FakeTrackingEvent => ({ at: new Date(base + hours * 3600_000), code, text });
const P1_EVENTS = [ev(0, '103', '【赣州市】信丰县公司 已揽收'), ev(1, '1002', '快件已发往 杭州转运中心'), ev(2, '5', '【杭州市】西湖区派件员 正在派件')];

beforeAll(async () => {
  h = await startHarness({ database: uid('trk'), env: { WMS_CARRIER_TIMEOUT_MS: '1500' } });
  fake = await startFakeKuaidi100();
  const wh = await h.http.post('/api/v1/warehouses').set(bearer(h.adminToken)).send({ code: 'MAIN', name: '信丰县电商仓' }).expect(201);
  await h.http.patch(`/api/v1/warehouses/${wh.body.id}`).set(bearer(h.adminToken)).send({ province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇正平路88号', contactName: '发货组', phone: '07973456789' }).expect(200);
  const c = await h.http
    .post('/api/v1/carriers')
    .set(bearer(h.adminToken))
    .send({ code: uid('KD').slice(0, 30), name: '中通 (快递100)', adapter: 'kuaidi100', baseUrl: fake.baseUrl, credentials: { ...fake.credentials, salt: SALT }, settings: fake.settings });
  if (c.status !== 201) throw new Error(JSON.stringify(c.body));
  carrier = c.body;
  const o = await h.http.post('/api/v1/carriers').set(bearer(h.adminToken)).send({ code: uid('LC').slice(0, 30), name: '乡镇配送', adapter: 'local', settings: { prefix: 'XZ', rangeStart: 1000, rangeEnd: 9999 } });
  if (o.status !== 201) throw new Error(JSON.stringify(o.body));
  otherCarrier = o.body;

  hubA = await makeHub(h);
  hubB = await makeHub(h);
  p1 = await packedParcel(hubA, carrier.code, 2700);
  p2 = await packedParcel(hubA, carrier.code, 3100);
  p3 = await packedParcel(hubB, carrier.code, 1500);

  // handed over: scanned on a manifest, closed, confirmed by the carrier
  const m = await h.http.post('/api/v1/manifests').set(bearer(hubA.operator)).send({ carrierId: carrier.id }).expect(201);
  for (const p of [p1, p2, p3]) await h.http.post(`/api/v1/manifests/${m.body.id}/scan`).set(bearer(hubA.operator)).send({ waybillNo: p.waybillNo }).expect(200);
  await h.http.post(`/api/v1/manifests/${m.body.id}/close`).set(bearer(hubA.operator)).expect(200);
  const carrierKey = await keyFor(h, 'carrier', { carrierId: carrier.id });
  await h.http.post(`/api/v1/manifests/${m.body.id}/handover`).set(bearer(carrierKey)).send({ receivedBy: '李师傅', countedCount: 3 }).expect(200);
}, 120_000);

afterAll(async () => {
  await fake?.close();
  await h?.close();
});

test('a poll stores the carrier events once; asking again adds nothing; the latest status is on the parcel', async () => {
  fake.addTracking(p1.waybillNo, P1_EVENTS);
  const first = await track(p1.parcelId, hubA.operator);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ parcelId: p1.parcelId, waybillNo: p1.waybillNo, added: 3, trackingStatus: 'out_for_delivery' });
  expect(first.body.items.map((e: any) => e.status)).toEqual(['picked_up', 'in_transit', 'out_for_delivery']);
  expect(first.body.items.map((e: any) => e.description)).toEqual(P1_EVENTS.map((e) => e.text));
  expect(first.body.items[0]).toMatchObject({ carrierStatusCode: '103', source: 'poll', occurredAt: P1_EVENTS[0].at.toISOString() });

  const again = await track(p1.parcelId, hubA.operator);
  expect(again.body.added).toBe(0);
  expect(await eventCount(p1.parcelId)).toBe(3);
  const row = await parcelRow(p1.parcelId);
  expect(row.tracking_status).toBe('out_for_delivery');
  expect(new Date(String(row.tracking_at).replace(' ', 'T') + 'Z').toISOString()).toBe(P1_EVENTS[2].at.toISOString());

  // the background job: signed for, the parcel is delivered and no longer due
  fake.addTracking(p1.waybillNo, [ev(3, '301', '已签收,签收人: 本人')]);
  await inTransaction(db(), (trx) => h.runtime.ctx.queue.enqueue(trx, 'carriers.track', { parcelId: p1.parcelId }));
  await waitFor(async () => (await parcelRow(p1.parcelId)).tracking_status === 'delivered', 15_000, 'the carriers.track job');
  expect(await eventCount(p1.parcelId)).toBe(4);
});

test('the sweep polls handed-over parcels that are due, once per interval', async () => {
  fake.addTracking(p2.waybillNo, [ev(0, '103', '已揽收'), ev(1, '0', '运输中')]);
  const r1 = await trackDue(h.runtime.ctx);
  // p1 is delivered; p2 has two events; p3 has none yet (the carrier's 查询无结果)
  expect(r1).toMatchObject({ polled: 2, added: 2, failed: 0 });
  expect((await parcelRow(p2.parcelId)).tracking_status).toBe('in_transit');
  expect((await parcelRow(p3.parcelId)).tracking_checked_at).not.toBeNull();
  const requests = fake.requests;
  const r2 = await trackDue(h.runtime.ctx);
  expect(r2).toMatchObject({ polled: 0, added: 0 });
  expect(fake.requests).toBe(requests);
});

test('a signed push stores its events (those polled already once); forged, unsigned or malformed pushes store nothing', async () => {
  const events = [ev(0, '103', '已揽收'), ev(1, '0', '运输中'), ev(4, '5', '派件中'), ev(5, '3', '已签收')];
  const before = await eventCount(p2.parcelId);
  expect(before).toBe(2);

  const forged = await push(carrier.id, kuaidi100PushForm({ waybillNo: p2.waybillNo, salt: SALT, events, sign: 'A'.repeat(32) }));
  expect(forged.status).toBe(401);
  expect(forged.body.error).toMatchObject({ code: 'INVALID_SIGNATURE' });
  expect(typeof forged.body.error.message).toBe('string');
  const wrongSalt = await push(carrier.id, kuaidi100PushForm({ waybillNo: p2.waybillNo, salt: 'not-the-salt', events }));
  expect(wrongSalt.status).toBe(401);
  const unsigned = await push(carrier.id, kuaidi100PushForm({ waybillNo: p2.waybillNo, salt: null, events }));
  expect(unsigned.status).toBe(401);
  expect(unsigned.body.error.code).toBe('SIGNATURE_REQUIRED');
  const noParam = await push(carrier.id, 'sign=ABC');
  expect([noParam.status, noParam.body.error.code]).toEqual([400, 'MALFORMED_PUSH']);
  // signed, but not Kuaidi100's shape
  const bad = await push(carrier.id, kuaidi100PushForm({ waybillNo: p2.waybillNo, salt: SALT, events }).replace(/nu%22%3A%22/, 'nx%22%3A%22'));
  expect(bad.status).toBe(401); // the param changed, so the signature no longer matches
  const { createHash } = await import('node:crypto');
  const param = JSON.stringify({ status: 'polling', lastResult: { nu: p2.waybillNo, data: 'nope' } });
  const shapeless = await push(carrier.id, new URLSearchParams({ param, sign: createHash('md5').update(param + SALT).digest('hex').toUpperCase() }).toString());
  expect([shapeless.status, shapeless.body.error.code]).toEqual([400, 'MALFORMED_PUSH']);
  expect(await eventCount(p2.parcelId)).toBe(before);
  expect((await parcelRow(p2.parcelId)).tracking_status).toBe('in_transit');
  // a carrier that takes no push, or none at all
  expect((await push(otherCarrier.id, kuaidi100PushForm({ waybillNo: p2.waybillNo, salt: SALT, events }))).status).toBe(404);
  expect((await push(999_999, kuaidi100PushForm({ waybillNo: p2.waybillNo, salt: SALT, events }))).status).toBe(404);

  const ok = await push(carrier.id, kuaidi100PushForm({ waybillNo: p2.waybillNo, salt: SALT, events }));
  expect(ok.status).toBe(200);
  expect(ok.body).toEqual({ result: true, returnCode: '200', message: '成功' });
  expect(await eventCount(p2.parcelId)).toBe(4);
  expect((await parcelRow(p2.parcelId)).tracking_status).toBe('delivered');
  // the same push again (Kuaidi100 re-sends when unsure) and a lower-case signature: still four
  const form = new URLSearchParams(kuaidi100PushForm({ waybillNo: p2.waybillNo, salt: SALT, events }));
  form.set('sign', form.get('sign')!.toLowerCase());
  expect((await push(carrier.id, form.toString())).status).toBe(200);
  expect(await eventCount(p2.parcelId)).toBe(4);
  const items = (await h.http.get(`/api/v1/parcels/${p2.parcelId}/tracking`).set(bearer(hubA.seller))).body.items;
  expect(items.map((e: any) => e.source)).toEqual(['poll', 'poll', 'push', 'push']);
  // a waybill that is not ours is acknowledged and ignored
  const stranger = await push(carrier.id, kuaidi100PushForm({ waybillNo: '75000000000001', salt: SALT, events }));
  expect(stranger.status).toBe(200);
});

test('a carrier that answers 500 or times out changes nothing, and the parcel is retried later', async () => {
  fake.addTracking(p3.waybillNo, [ev(0, '103', '已揽收')]);
  const before = await parcelRow(p3.parcelId);
  fake.faults.error500 = true;
  try {
    const res = await track(p3.parcelId, hubA.operator);
    expect([res.status, res.body.error.code]).toEqual([503, 'CARRIER_UNAVAILABLE']);
    expect(await eventCount(p3.parcelId)).toBe(0);
    expect(await parcelRow(p3.parcelId)).toEqual(before);

    // the sweep: the parcel made due, the carrier fails, the events and status stay as they were
    await db()('parcels').where({ id: p3.parcelId }).update({ tracking_poll_after: null });
    const r = await trackDue(h.runtime.ctx);
    expect(r).toMatchObject({ polled: 0, failed: 1 });
    const after = await parcelRow(p3.parcelId);
    expect([after.tracking_status, after.tracking_at, after.tracking_checked_at]).toEqual([before.tracking_status, before.tracking_at, before.tracking_checked_at]);
    expect(after.tracking_poll_after).not.toBeNull();
    expect(await eventCount(p3.parcelId)).toBe(0);
  } finally {
    fake.faults.error500 = false;
  }
  fake.faults.timeout = true;
  try {
    const res = await track(p3.parcelId, hubA.operator);
    expect(res.status).toBe(503);
    expect(await eventCount(p3.parcelId)).toBe(0);
  } finally {
    fake.faults.timeout = false;
  }
  // the carrier is back: the retry stores the event
  const res = await track(p3.parcelId, hubA.operator);
  expect(res.body).toMatchObject({ added: 1, trackingStatus: 'picked_up' });
});

test("a parcel's tracking is seen by the floor, its seller and its carrier only", async () => {
  const get = (token: string, id = p1.parcelId) => h.http.get(`/api/v1/parcels/${id}/tracking`).set(bearer(token));
  expect((await get(hubA.operator)).status).toBe(200);
  expect((await get(hubA.seller)).body.items).toHaveLength(4);
  const sellerB = await get(hubB.seller);
  expect([sellerB.status, sellerB.body.error.code]).toEqual([404, 'NOT_FOUND']);
  expect((await get(hubB.seller, p3.parcelId)).status).toBe(200);
  const own = await keyFor(h, 'carrier', { carrierId: carrier.id });
  expect((await get(own)).status).toBe(200);
  const other = await keyFor(h, 'carrier', { carrierId: otherCarrier.id });
  expect((await get(other)).status).toBe(404);
  expect((await get(hubA.operator, 999_999)).status).toBe(404);
  // polling is the floor's
  expect((await track(p1.parcelId, hubA.seller)).status).toBe(403);
  expect((await h.http.get(`/api/v1/parcels/${p1.parcelId}/tracking`)).status).toBe(401);
});

test("the seller's shipments of the day, as JSON and as CSV with a BOM", async () => {
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const json = await h.http.get(`/api/v1/shipments?date=${today}`).set(bearer(hubA.seller));
  expect(json.status).toBe(200);
  expect(json.body.items.map((s: any) => s.parcelId).sort()).toEqual([p1.parcelId, p2.parcelId].sort());
  const s1 = json.body.items.find((s: any) => s.parcelId === p1.parcelId);
  expect(s1).toMatchObject({ orderExternalId: p1.externalId, carrierCode: carrier.code, waybillNo: p1.waybillNo, weightG: 2700, trackingStatus: 'delivered' });
  expect(s1.handedOverAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);

  const csv = await h.http.get(`/api/v1/shipments?date=${today}&format=csv`).set(bearer(hubA.seller));
  expect(csv.status).toBe(200);
  expect(csv.headers['content-type']).toContain('text/csv');
  expect(csv.text.startsWith('\ufeff')).toBe(true);
  const lines = csv.text.replace(/^\ufeff/, '').trim().split('\r\n');
  expect(lines[0]).toBe('order_external_id,carrier_code,carrier_name,waybill_no,weight_g,handed_over_at,tracking_status,tracking_at');
  expect(lines).toHaveLength(3);
  const row = lines.find((l) => l.includes(p1.waybillNo))!.split(',');
  expect(row[0]).toBe(p1.externalId);
  expect(row[4]).toBe('2700');
  expect(row[5]).toMatch(new RegExp(`^${today} \\d{2}:\\d{2}:\\d{2}$`));
  expect(row[6]).toBe('delivered');
  expect(csv.text).not.toContain(p3.waybillNo);

  // another owner's id is 404 for a seller; admin may pick the owner; another day is empty
  expect((await h.http.get(`/api/v1/shipments?date=${today}&ownerId=${hubB.owner.id}`).set(bearer(hubA.seller))).status).toBe(404);
  const admin = await h.http.get(`/api/v1/shipments?date=${today}&ownerId=${hubB.owner.id}`).set(bearer(h.adminToken));
  expect(admin.body.items.map((s: any) => s.parcelId)).toEqual([p3.parcelId]);
  expect((await h.http.get('/api/v1/shipments?date=2020-01-01').set(bearer(hubA.seller))).body.items).toEqual([]);
  expect((await h.http.get('/api/v1/shipments?date=2026-02-30').set(bearer(hubA.seller))).status).toBe(400);
  expect((await h.http.get('/api/v1/shipments').set(bearer(hubA.operator))).status).toBe(403);
});
