import { Harness, bearer, keyFor, startHarness, uid, waitFor } from '../helpers/harness';
import { makeHub, makeSku } from '../helpers/stock';
import { pdfText, pdfToPngs, zbar } from '../helpers/printing';

/**
 * Manifests on the target database: dock scans with every kind of wrong parcel refused, one open
 * manifest per carrier, closing freezes the list, the hand-over sheet as PDF (its manifest barcode
 * decoded) and CSV, the carrier's confirmation (its own carrier only), a discrepancy resolved by a
 * supervisor, and orders shipped only for parcels the carrier received.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ database: uid('mf') });
  const wh = await h.http.post('/api/v1/warehouses').set(bearer(h.adminToken)).send({ code: 'MAIN', name: '信丰县电商仓' }).expect(201);
  await h.http.patch(`/api/v1/warehouses/${wh.body.id}`).set(bearer(h.adminToken)).send({ province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇正平路88号', contactName: '发货组', phone: '07973456789' }).expect(200);
});
afterAll(async () => {
  await h?.close();
});

const receiver = { name: '张三丰', phone: '13812345678', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路90号3幢' };
type Hub = Awaited<ReturnType<typeof makeHub>>;

async function localCarrier(prefix: string) {
  const res = await h.http
    .post('/api/v1/carriers')
    .set(bearer(h.adminToken))
    .send({ code: uid('LC').slice(0, 30), name: `${prefix} 乡镇配送`, adapter: 'local', settings: { prefix, rangeStart: 1000, rangeEnd: 9999 } });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body as { id: number; code: string; name: string };
}

/** A one-unit order of its own SKU, picked through a wave and packed with this carrier: a labelled parcel. */
async function packedParcel(hub: Hub, carrierCode: string, weightG = 2700) {
  const sku = await makeSku(h, hub.seller);
  const rec = await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty: 1, locationCode: hub.ambient[0] });
  if (rec.status !== 201) throw new Error(JSON.stringify(rec.body));
  const created = await h.http.post('/api/v1/orders').set(bearer(hub.seller)).send({ externalId: uid('MF'), receiver, lines: [{ skuCode: sku.skuCode, qty: 1 }] });
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
  return { orderId: id, externalId: created.body.externalId as string, parcelId: packed.body.parcelId as number, waybillNo: packed.body.waybillNo as string };
}

const open = (carrierId: number, token: string) => h.http.post('/api/v1/manifests').set(bearer(token)).send({ carrierId });
const scan = (id: number, waybillNo: string, token: string) => h.http.post(`/api/v1/manifests/${id}/scan`).set(bearer(token)).send({ waybillNo });
const orderStatus = async (hub: Hub, id: number) => (await h.http.get(`/api/v1/orders/${id}`).set(bearer(hub.seller))).body.status;
const binary = (res: any, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

test('dock scans build a manifest; closing freezes it; the carrier confirms, reports one missing, and the supervisor resolves it', async () => {
  const hub = await makeHub(h);
  const c1 = await localCarrier(`A${Math.floor(Math.random() * 90) + 10}`);
  const c2 = await localCarrier(`B${Math.floor(Math.random() * 90) + 10}`);
  const p1 = await packedParcel(hub, c1.code, 2700);
  const p2 = await packedParcel(hub, c1.code, 3100);
  const other = await packedParcel(hub, c2.code);

  const m = await open(c1.id, hub.operator);
  expect(m.status).toBe(201);
  expect(m.body).toMatchObject({ carrierId: c1.id, status: 'open', parcelCount: 0, parcels: [] });
  expect(m.body.manifestNo).toMatch(/^MF\d{8}\d{6}$/);
  // one open manifest per carrier per warehouse
  const second = await open(c1.id, hub.operator);
  expect(second.status).toBe(409);
  expect(second.body.error.code).toBe('MANIFEST_ALREADY_OPEN');
  expect(second.body.error.details[0].manifestId).toBe(m.body.id);

  // wrong parcels are refused, each with its reason, and nothing is added
  const notOurs = await scan(m.body.id, 'ZZ0000000001', hub.operator);
  expect([notOurs.status, notOurs.body.error.code]).toEqual([422, 'WAYBILL_NOT_OURS']);
  const wrongCarrier = await scan(m.body.id, other.waybillNo, hub.operator);
  expect([wrongCarrier.status, wrongCarrier.body.error.code]).toEqual([422, 'WRONG_CARRIER']);
  expect(wrongCarrier.body.error.message).toContain(c2.name);

  const s1 = await scan(m.body.id, p1.waybillNo, hub.operator);
  expect(s1.status).toBe(200);
  expect(s1.body).toMatchObject({ manifestId: m.body.id, parcelId: p1.parcelId, orderId: p1.orderId, parcelCount: 1, totalWeightG: 2700 });
  expect(s1.body.lane).toContain(c1.name);
  const twice = await scan(m.body.id, p1.waybillNo, hub.operator);
  expect([twice.status, twice.body.error.code]).toEqual([409, 'ALREADY_SCANNED']);
  expect((await scan(m.body.id, ` ${p2.waybillNo} `, hub.operator)).body).toMatchObject({ parcelCount: 2, totalWeightG: 5800 });

  // an empty manifest cannot be closed; a manifest cannot be confirmed before it is closed
  const m2 = await open(c2.id, hub.operator);
  const empty = await h.http.post(`/api/v1/manifests/${m2.body.id}/close`).set(bearer(hub.operator));
  expect([empty.status, empty.body.error.code]).toEqual([422, 'MANIFEST_EMPTY']);
  const carrier1 = await keyFor(h, 'carrier', { carrierId: c1.id });
  const carrier2 = await keyFor(h, 'carrier', { carrierId: c2.id });
  const early = await h.http.post(`/api/v1/manifests/${m.body.id}/handover`).set(bearer(carrier1)).send({ receivedBy: '李师傅', countedCount: 2 });
  expect([early.status, early.body.error.code]).toEqual([409, 'MANIFEST_NOT_CLOSED']);

  const closed = await h.http.post(`/api/v1/manifests/${m.body.id}/close`).set(bearer(hub.operator));
  expect(closed.status).toBe(200);
  expect(closed.body).toMatchObject({ status: 'closed', parcelCount: 2, totalWeightG: 5800 });
  expect(closed.body.parcels.map((p: any) => p.waybillNo)).toEqual([p1.waybillNo, p2.waybillNo]);
  const late = await scan(m.body.id, p1.waybillNo, hub.operator);
  expect([late.status, late.body.error.code]).toEqual([409, 'MANIFEST_CLOSED']);
  // a new manifest for the carrier can be opened now
  expect((await open(c1.id, hub.operator)).status).toBe(201);

  // the sheet: PDF with the manifest number as a barcode and the waybills in its text; CSV
  const pdf = await h.http.get(`/api/v1/manifests/${m.body.id}?format=pdf`).set(bearer(hub.operator)).buffer(true).parse(binary);
  expect(pdf.status).toBe(200);
  expect(pdf.headers['content-type']).toContain('application/pdf');
  const [page] = pdfToPngs(pdf.body, 203);
  expect(zbar(page)).toContain(`CODE-128:${m.body.manifestNo}`);
  const text = pdfText(pdf.body);
  expect(text).toContain(p1.waybillNo);
  expect(text).toContain(p2.waybillNo);
  expect(text).toContain('交接单');
  const csv = await h.http.get(`/api/v1/manifests/${m.body.id}?format=csv`).set(bearer(hub.operator));
  expect(csv.status).toBe(200);
  const lines = csv.text.replace(/^\ufeff/, '').trim().split('\r\n');
  expect(lines[0]).toBe('manifest_no,carrier,status,waybill_no,order,weight_g,scanned_at,received');
  expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual([p1.waybillNo, p2.waybillNo]);

  // the carrier sees only its own manifests
  expect((await h.http.get(`/api/v1/manifests/${m.body.id}`).set(bearer(carrier2))).status).toBe(404);
  const theirs = await h.http.post(`/api/v1/manifests/${m.body.id}/handover`).set(bearer(carrier2)).send({ receivedBy: '王师傅', countedCount: 2 });
  expect(theirs.status).toBe(404);
  const list = await h.http.get('/api/v1/manifests').set(bearer(carrier1));
  expect(list.body.items.length).toBeGreaterThan(0);
  expect(list.body.items.every((x: any) => x.carrierId === c1.id)).toBe(true);
  // scanning and closing are the hub's, not the carrier's
  expect((await scan(m.body.id, p1.waybillNo, carrier1)).status).toBe(403);

  // counted one of two without naming the missing one: refused
  const vague = await h.http.post(`/api/v1/manifests/${m.body.id}/handover`).set(bearer(carrier1)).send({ receivedBy: '李师傅', countedCount: 1 });
  expect([vague.status, vague.body.error.code]).toEqual([422, 'COUNT_MISMATCH']);
  expect((await h.http.get(`/api/v1/manifests/${m.body.id}`).set(bearer(carrier1))).body.status).toBe('closed');
  expect(await orderStatus(hub, p1.orderId)).toBe('packed');

  const disputed = await h.http.post(`/api/v1/manifests/${m.body.id}/handover`).set(bearer(carrier1)).send({ receivedBy: '李师傅', countedCount: 1, missingWaybillNos: [p2.waybillNo], note: '少一件' });
  expect(disputed.status).toBe(200);
  expect(disputed.body).toMatchObject({ status: 'disputed', receivedBy: '李师傅', countedCount: 1, missingWaybillNos: [p2.waybillNo] });
  expect(await orderStatus(hub, p1.orderId)).toBe('shipped');
  expect(await orderStatus(hub, p2.orderId)).toBe('packed');
  const again = await h.http.post(`/api/v1/manifests/${m.body.id}/handover`).set(bearer(carrier1)).send({ receivedBy: '李师傅', countedCount: 2 });
  expect([again.status, again.body.error.code]).toEqual([409, 'MANIFEST_NOT_CLOSED']);

  // the supervisor: the parcel was found on the truck after all
  expect((await h.http.post(`/api/v1/manifests/${m.body.id}/resolve`).set(bearer(carrier1)).send({ resolution: 'x' })).status).toBe(403);
  const resolved = await h.http.post(`/api/v1/manifests/${m.body.id}/resolve`).set(bearer(hub.supervisor)).send({ resolution: '在车上找到', foundWaybillNos: [p2.waybillNo] });
  expect(resolved.status).toBe(200);
  expect(resolved.body).toMatchObject({ status: 'handed_over', resolution: '在车上找到', missingWaybillNos: [] });
  expect(await orderStatus(hub, p2.orderId)).toBe('shipped');
});

test('a voided parcel and a cancelled order never reach a manifest; a parcel pulled off can be voided', async () => {
  const hub = await makeHub(h);
  const c = await localCarrier(`V${Math.floor(Math.random() * 90) + 10}`);
  const keep = await packedParcel(hub, c.code);
  const toVoid = await packedParcel(hub, c.code);
  const cancelled = await packedParcel(hub, c.code);
  const m = (await open(c.id, hub.operator)).body;
  expect((await scan(m.id, keep.waybillNo, hub.operator)).status).toBe(200);
  expect((await scan(m.id, toVoid.waybillNo, hub.operator)).status).toBe(200);

  // voiding a parcel that is on a manifest is refused until it is taken off
  const refused = await h.http.post(`/api/v1/parcels/${toVoid.parcelId}/void`).set(bearer(hub.operator)).send({});
  expect([refused.status, refused.body.error.code]).toEqual([409, 'PARCEL_ON_MANIFEST']);
  const off = await h.http.delete(`/api/v1/manifests/${m.id}/parcels/${toVoid.parcelId}`).set(bearer(hub.operator));
  expect(off.status).toBe(200);
  expect(off.body.parcels.map((p: any) => p.waybillNo)).toEqual([keep.waybillNo]);
  // the new waybill from the same carrier (the rules might choose another one of the hub's carriers)
  const voided = await h.http.post(`/api/v1/parcels/${toVoid.parcelId}/void`).set(bearer(hub.supervisor)).send({ reissue: true, carrierCode: c.code });
  expect(voided.status).toBe(200);
  const fresh = voided.body.waybillNo as string;
  expect(fresh).not.toBe(toVoid.waybillNo);
  const old = await scan(m.id, toVoid.waybillNo, hub.operator);
  expect([old.status, old.body.error.code]).toEqual([422, 'WAYBILL_VOIDED']);
  const rescan = await scan(m.id, fresh, hub.operator);
  expect([rescan.status, rescan.body]).toEqual([200, expect.objectContaining({ waybillNo: fresh })]);

  // cancelled after packing (to be intercepted): refused at the dock
  expect((await h.http.post(`/api/v1/orders/${cancelled.orderId}/cancel`).set(bearer(hub.seller)).send({ reason: '买家取消' })).status).toBe(200);
  const stop = await scan(m.id, cancelled.waybillNo, hub.operator);
  expect([stop.status, stop.body.error.code]).toEqual([422, 'ORDER_CANCELLED']);

  // cancelled after its scan: the manifest cannot close with it on
  expect((await h.http.post(`/api/v1/orders/${keep.orderId}/cancel`).set(bearer(hub.seller)).send({ reason: '买家取消' })).status).toBe(200);
  const blocked = await h.http.post(`/api/v1/manifests/${m.id}/close`).set(bearer(hub.operator));
  expect([blocked.status, blocked.body.error.code]).toEqual([422, 'MANIFEST_HAS_STOPPED_PARCELS']);
  expect(blocked.body.error.details.map((d: any) => d.waybillNo)).toEqual([keep.waybillNo]);
  expect((await h.http.delete(`/api/v1/manifests/${m.id}/parcels/${keep.parcelId}`).set(bearer(hub.operator))).status).toBe(200);
  const closed = await h.http.post(`/api/v1/manifests/${m.id}/close`).set(bearer(hub.operator));
  expect(closed.status).toBe(200);
  expect(closed.body.parcels.map((p: any) => p.waybillNo)).toEqual([fresh]);
});

test('two docks opening a manifest for one carrier at once: exactly one is opened', async () => {
  const hub = await makeHub(h);
  const c = await localCarrier(`C${Math.floor(Math.random() * 90) + 10}`);
  const answers = await Promise.all(Array.from({ length: 6 }, () => open(c.id, hub.operator)));
  expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
  expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'MANIFEST_ALREADY_OPEN')).toBe(true);
  expect(answers.filter((a) => a.status === 409)).toHaveLength(5);
  const list = await h.http.get(`/api/v1/manifests?carrierId=${c.id}&status=open`).set(bearer(hub.operator));
  expect(list.body.items).toHaveLength(1);
});

test('the dock scan sorts parcels by carrier onto each carrier\'s open manifest and flags a parcel scanned twice', async () => {
  const hub = await makeHub(h);
  const c1 = await localCarrier(`D${Math.floor(Math.random() * 90) + 10}`);
  const c2 = await localCarrier(`E${Math.floor(Math.random() * 90) + 10}`);
  const a = await packedParcel(hub, c1.code);
  const b = await packedParcel(hub, c2.code);
  const a2 = await packedParcel(hub, c1.code);
  const dock = (waybillNo: string) => h.http.post('/api/v1/dock/scan').set(bearer(hub.operator)).send({ waybillNo });

  const first = await dock(a.waybillNo);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ parcelId: a.parcelId, manifestOpened: true, parcelCount: 1 });
  expect(first.body.lane).toContain(c1.name);
  const other = await dock(b.waybillNo);
  expect(other.body).toMatchObject({ parcelId: b.parcelId, manifestOpened: true });
  expect(other.body.lane).toContain(c2.name);
  expect(other.body.manifestId).not.toBe(first.body.manifestId);
  const same = await dock(a2.waybillNo);
  expect(same.body).toMatchObject({ manifestId: first.body.manifestId, manifestOpened: false, parcelCount: 2 });

  const twice = await dock(a.waybillNo);
  expect([twice.status, twice.body.error.code]).toEqual([409, 'ALREADY_SCANNED']);
  const unknown = await dock('NOPE-123');
  expect([unknown.status, unknown.body.error.code]).toEqual([422, 'WAYBILL_NOT_OURS']);
  const listed = (await h.http.get(`/api/v1/manifests?carrierId=${c1.id}&status=open`).set(bearer(hub.operator))).body.items;
  expect(listed).toEqual([expect.objectContaining({ id: first.body.manifestId, parcelCount: 2, totalWeightG: 5400 })]);
  const m = (await h.http.get(`/api/v1/manifests/${first.body.manifestId}`).set(bearer(hub.operator))).body;
  expect(m.parcels.map((p: any) => p.waybillNo)).toEqual([a.waybillNo, a2.waybillNo]);
});

test('two docks scanning parcels of one carrier at the same moment, with no manifest open: both go on one new manifest', async () => {
  const hub = await makeHub(h);
  const c = await localCarrier(`F${Math.floor(Math.random() * 90) + 10}`);
  const parcels = [await packedParcel(hub, c.code), await packedParcel(hub, c.code), await packedParcel(hub, c.code)];
  const answers = await Promise.all(parcels.map((p) => h.http.post('/api/v1/dock/scan').set(bearer(hub.operator)).send({ waybillNo: p.waybillNo })));
  expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
  expect(new Set(answers.map((a) => a.body.manifestId)).size).toBe(1);
  const m = (await h.http.get(`/api/v1/manifests/${answers[0].body.manifestId}`).set(bearer(hub.operator))).body;
  expect(m.parcels.map((p: any) => p.waybillNo).sort()).toEqual(parcels.map((p) => p.waybillNo).sort());
});

test('an order cancelled after its manifest closed leaves with the carrier all the same, marked for interception at the carrier', async () => {
  const hub = await makeHub(h);
  const c = await localCarrier('IC');
  const p = await packedParcel(hub, c.code);
  const s = await h.http.post('/api/v1/dock/scan').set(bearer(hub.operator)).send({ waybillNo: p.waybillNo });
  expect(s.status).toBe(200);
  expect((await h.http.post(`/api/v1/manifests/${s.body.manifestId}/close`).set(bearer(hub.operator))).status).toBe(200);
  // the buyer cancels once the list is frozen: the order is flagged, the parcel is already in the cage
  const cancelled = await h.http.post(`/api/v1/orders/${p.orderId}/cancel`).set(bearer(hub.seller)).send({ reason: '买家取消' });
  expect(cancelled.body).toMatchObject({ status: 'packed', intercept: true });
  const done = await h.http.post(`/api/v1/manifests/${s.body.manifestId}/handover`).set(bearer(hub.supervisor)).send({ receivedBy: '司机', countedCount: 1 });
  expect(done.status).toBe(200);
  const o = (await h.http.get(`/api/v1/orders/${p.orderId}`).set(bearer(hub.supervisor))).body;
  expect(o.status).toBe('shipped');
  expect(o.history.map((e: any) => e.event)).toEqual(expect.arrayContaining(['shipped', 'intercept_at_carrier']));
});
