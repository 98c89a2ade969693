import { Harness, bearer, startHarness, uid, waitFor } from '../helpers/harness';
import { makeHub, makeSku } from '../helpers/stock';
import { startFakeNetworkPrinter, type FakeNetworkPrinter } from '../helpers/fake-printer';
import { startFakeKuaidi100 } from '../helpers/fakes/carriers/kuaidi100';
import { startFakeSf } from '../helpers/fakes/carriers/sf';
import { startFakeZto } from '../helpers/fakes/carriers/zto';
import type { FakeCarrier } from '../helpers/fakes/carriers/types';
import { pdfText } from '../helpers/printing';

/**
 * Packing on the target database and queue: scans verified against the picked items, the
 * carrier chosen by rule (and why), the waybill from each carrier's fake, the label printed on a
 * network printer of each language and as a PDF; carrier and printer faults; void and reissue.
 * Carriers are the hub's, shared by every owner, so this file has a database of its own.
 */
let h: Harness;
const fakes: Record<string, FakeCarrier> = {};
beforeAll(async () => {
  h = await startHarness({ database: uid('pack'), env: { WMS_CARRIER_TIMEOUT_MS: '1500' } });
  fakes.kuaidi100 = await startFakeKuaidi100();
  fakes.sf = await startFakeSf();
  fakes.zto = await startFakeZto();
  // the hub's dispatch point: the sender of every waybill
  const wh = await h.http.post('/api/v1/warehouses').set(bearer(h.adminToken)).send({ code: 'MAIN', name: '信丰县电商仓' }).expect(201);
  await h.http.patch(`/api/v1/warehouses/${wh.body.id}`).set(bearer(h.adminToken)).send({ province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇正平路88号 电商产业园3栋', contactName: '发货组', phone: '07973456789' }).expect(200);
});
afterAll(async () => {
  for (const f of Object.values(fakes)) await f.close();
  await h?.close();
});

const receiver = { name: '张三丰', phone: '13812345678', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路90号3幢' };
type Hub = Awaited<ReturnType<typeof makeHub>>;

async function carrier(body: Record<string, unknown>) {
  const res = await h.http.post('/api/v1/carriers').set(bearer(h.adminToken)).send({ name: `${body.code} 快递`, ...body });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body;
}
async function connect(adapter: string, extra: Record<string, unknown> = {}) {
  const f = fakes[adapter];
  return carrier({ code: uid(adapter.toUpperCase()).slice(0, 30), adapter, baseUrl: f.baseUrl, credentials: f.credentials, settings: f.settings, ...extra });
}
async function printer(language: string, port?: number, extra: Record<string, unknown> = {}) {
  const res = await h.http.post('/api/v1/printers').set(bearer(h.adminToken)).send({ name: uid(`P-${language}`), language, host: port ? '127.0.0.1' : undefined, port, ...extra });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body;
}
const prefer = (hub: Hub, codes: string[]) => h.http.put(`/api/v1/owners/${hub.owner.id}/carrier-preferences`).set(bearer(hub.supervisor)).send({ carrierCodes: codes });

/** An order of its own SKUs, through allocation, a wave, picking and (multi-unit) the put-wall: ready to pack. */
async function pickedOrder(hub: Hub, opts: { temperature?: string; units?: number } = {}) {
  const temperature = opts.temperature ?? 'ambient';
  const units = opts.units ?? 2;
  const sku = await makeSku(h, hub.seller, { name: '赣南脐橙 5斤装', temperature });
  const loc = temperature === 'ambient' ? hub.ambient[0] : temperature === 'chilled' ? hub.chilled[0] : hub.frozen[0];
  const rec = await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty: units, locationCode: loc });
  if (rec.status !== 201) throw new Error(JSON.stringify(rec.body));
  const created = await h.http.post('/api/v1/orders').set(bearer(hub.seller)).send({ externalId: uid('PK'), receiver, lines: [{ skuCode: sku.skuCode, qty: units }] });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const id = created.body.id;
  await waitFor(async () => (await h.http.get(`/api/v1/orders/${id}`).set(bearer(hub.seller))).body.status === 'allocated', 15_000, 'allocation');
  const wave = await h.http.post('/api/v1/waves').set(bearer(hub.supervisor)).send({ orderIds: [id] });
  if (wave.status !== 201) throw new Error(JSON.stringify(wave.body));
  for (const t of (await h.http.get(`/api/v1/pick-tasks?waveId=${wave.body.id}`).set(bearer(hub.operator))).body.items) {
    const ok = await h.http.post(`/api/v1/pick-tasks/${t.id}/confirm`).set(bearer(hub.operator)).send({ locationCode: t.locationCode, barcode: sku.barcode, qty: t.qty });
    if (ok.status !== 200) throw new Error(JSON.stringify(ok.body));
  }
  if (units > 1) for (let i = 0; i < units; i++) await h.http.post('/api/v1/putwall/scan').set(bearer(hub.operator)).send({ waveId: wave.body.id, barcode: sku.barcode });
  return { id, sku, scans: Array.from({ length: units }, () => sku.barcode) };
}

const pack = (hub: Hub, orderId: number, body: Record<string, unknown>, token = hub.operator) => h.http.post(`/api/v1/orders/${orderId}/pack`).set(bearer(token)).send(body);
const parcelOf = async (id: number) => (await h.http.get(`/api/v1/parcels/${id}`).set(bearer(h.adminToken))).body;
const printJob = async (id: number) => (await h.http.get(`/api/v1/print-jobs/${id}`).set(bearer(h.adminToken))).body;
const binary = (res: any, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

test.each([
  ['kuaidi100', 'zpl'],
  ['sf', 'tspl'],
  ['zto', 'escpos'],
  ['local', 'zpl'],
])('a parcel gets its waybill from %s and its label prints in %s, once', async (adapter, language) => {
  const hub = await makeHub(h);
  const c = adapter === 'local' ? await carrier({ code: uid('LOCAL').slice(0, 30), adapter: 'local', settings: { prefix: 'XF', rangeStart: 1000, rangeEnd: 9999, routes: { 西湖区: 'XH-01' } } }) : await connect(adapter);
  expect((await prefer(hub, [c.code])).status).toBe(200);
  const device = await startFakeNetworkPrinter(language as any);
  try {
    const p = await printer(language, device.port);
    const order = await pickedOrder(hub);

    // wrong, missing and extra scans are refused; nothing changes
    const wrong = await pack(hub, order.id, { scans: [order.sku.barcode, '6900000000000'], weightG: 2700 });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe('SCAN_MISMATCH');
    expect(wrong.body.error.details.map((d: any) => d.code).sort()).toEqual(['missing', 'wrong_item']);
    const extra = await pack(hub, order.id, { scans: [...order.scans, order.sku.barcode], weightG: 2700 });
    expect(extra.body.error.details.map((d: any) => d.code)).toEqual(['extra']);
    expect((await h.http.get(`/api/v1/parcels?orderId=${order.id}`).set(bearer(h.adminToken))).body.items).toEqual([]);

    const res = await pack(hub, order.id, { scans: order.scans, weightG: 2700, cartonCode: 'C2', printerId: p.id });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ carrierCode: c.code, status: 'packed' });
    const waybillNo: string = res.body.waybillNo;
    if (adapter === 'local') expect(waybillNo).toMatch(/^XF1000\d$/);
    else expect([...fakes[adapter].waybills.values()].some((w) => w.waybillNo === waybillNo)).toBe(true);

    const parcel = await parcelOf(res.body.parcelId);
    expect(parcel).toMatchObject({ status: 'labelled', waybillNo, weightG: 2700, cartonCode: 'C2', orderId: order.id });
    expect(parcel.carrierReason).toContain('owner preference #1');
    expect(parcel.items).toEqual([expect.objectContaining({ skuCode: order.sku.skuCode, qty: 2 })]);
    expect((await h.http.get(`/api/v1/orders/${order.id}`).set(bearer(hub.seller))).body.status).toBe('packed');

    await device.received(1);
    await waitFor(async () => (await printJob(res.body.printJobId)).status === 'printed', 10_000, 'print job printed');
    const job = device.jobs[0].toString('latin1');
    expect(job).toContain(waybillNo);
    expect(job).not.toContain('13812345678'); // privacy waybill
    // the label of the parcel is also there as PDF for offices without a thermal printer
    const pdf = await h.http.get(`/api/v1/parcels/${parcel.id}/label?format=pdf`).set(bearer(hub.operator)).buffer(true).parse(binary);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    const text = pdfText(pdf.body as Buffer);
    expect(text).toContain(waybillNo);
    expect(text).toContain('138****5678');
    expect(text).not.toContain('13812345678');

    // packed twice: refused; no second label
    const again = await pack(hub, order.id, { scans: order.scans, weightG: 2700, printerId: p.id });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ORDER_ALREADY_PACKED');
    await new Promise((r) => setTimeout(r, 300));
    expect(device.jobs.length).toBe(1);
  } finally {
    await device.close();
  }
});

test('a carrier that fails keeps the parcel with the reason; packing again uses the same parcel and reference', async () => {
  const hub = await makeHub(h);
  const c = await connect('sf');
  await prefer(hub, [c.code]);
  const order = await pickedOrder(hub);
  fakes.sf.faults.error500 = true;
  try {
    const failed = await pack(hub, order.id, { scans: order.scans, weightG: 2700 });
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('CARRIER_UNAVAILABLE');
    const parcelId = failed.body.error.details[0].parcelId;
    expect(await parcelOf(parcelId)).toMatchObject({ status: 'waybill_failed', lastErrorKind: 'unavailable', carrierCode: c.code });
    expect((await h.http.get(`/api/v1/orders/${order.id}`).set(bearer(hub.seller))).body.status).toBe('picked');

    fakes.sf.faults.error500 = false;
    fakes.sf.faults.refuseAddress = true;
    const refused = await pack(hub, order.id, { scans: order.scans, weightG: 2700 });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('CARRIER_REFUSED');
    fakes.sf.faults.refuseAddress = false;

    const ok = await pack(hub, order.id, { scans: order.scans, weightG: 2700 });
    expect(ok.status).toBe(201);
    expect(ok.body.parcelId).toBe(parcelId);
    const parcels = (await h.http.get(`/api/v1/parcels?orderId=${order.id}`).set(bearer(h.adminToken))).body.items;
    expect(parcels.map((x: any) => x.status)).toEqual(['labelled']);
  } finally {
    fakes.sf.faults.error500 = false;
    fakes.sf.faults.refuseAddress = false;
  }
});

test('a carrier that never answers times out; a weight of zero and an unroutable parcel are refused', async () => {
  const hub = await makeHub(h);
  const c = await connect('zto');
  await prefer(hub, [c.code]);
  const order = await pickedOrder(hub);
  expect((await pack(hub, order.id, { scans: order.scans, weightG: 0 })).status).toBe(400);

  fakes.zto.faults.timeout = true;
  try {
    const slow = await pack(hub, order.id, { scans: order.scans, weightG: 2700 });
    expect(slow.status).toBe(503);
    expect(slow.body.error.code).toBe('CARRIER_UNAVAILABLE');
    expect(await parcelOf(slow.body.error.details[0].parcelId)).toMatchObject({ status: 'waybill_failed', lastErrorKind: 'timeout' });
  } finally {
    fakes.zto.faults.timeout = false;
  }

  // frozen goods: no carrier of this hub has a cold chain for them (none is cold-chain here)
  const frozen = await pickedOrder(hub, { temperature: 'frozen', units: 1 });
  const none = await pack(hub, frozen.id, { scans: frozen.scans, weightG: 1200 });
  expect(none.status).toBe(422);
  expect(none.body.error.code).toBe('NO_CARRIER');
  expect(none.body.error.message).toContain('no cold chain');
});

test('rates and preferences choose the carrier; a supervisor may override; the reason is recorded', async () => {
  const hub = await makeHub(h);
  const cheap = await carrier({ code: uid('CHEAP').slice(0, 30), adapter: 'local', settings: { prefix: 'CH', rangeStart: 1, rangeEnd: 999 } });
  const cold = await carrier({ code: uid('COLD').slice(0, 30), adapter: 'local', coldChain: true, settings: { prefix: 'CD', rangeStart: 1, rangeEnd: 999 } });
  await h.http.put(`/api/v1/carriers/${cheap.id}/rates`).set(bearer(h.adminToken)).send({ rates: [{ province: '浙江', firstWeightG: 1000, firstFen: 500, extraFenPerKg: 100 }] }).expect(200);
  await h.http.put(`/api/v1/carriers/${cold.id}/rates`).set(bearer(h.adminToken)).send({ rates: [{ firstWeightG: 1000, firstFen: 1800, extraFenPerKg: 600, maxWeightG: 20000 }] }).expect(200);
  const ask = (body: object) => h.http.post('/api/v1/carriers/select').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, ...body });
  // other carriers of this database may have no rate table (serve anywhere, cost unknown): the priced ones come first
  const ambient = await ask({ province: '浙江省', city: '杭州市', weightG: 2500, temperature: 'ambient' });
  expect(ambient.body).toMatchObject({ carrierCode: cheap.code, costFen: 700 });
  expect(ambient.body.reason).toContain('cheapest');
  const chilled = await ask({ province: '浙江省', city: '杭州市', weightG: 2500, temperature: 'chilled' });
  expect(chilled.body.carrierCode).toBe(cold.code);
  expect(chilled.body.considered.find((x: any) => x.code === cheap.code).why).toContain('no cold chain');
  expect((await ask({ province: '浙江省', city: '杭州市', weightG: 25000, temperature: 'chilled' })).body.carrierCode).not.toBe(cold.code);

  const order = await pickedOrder(hub, { temperature: 'chilled', units: 1 });
  const byHand = await pack(hub, order.id, { scans: order.scans, weightG: 1500, carrierCode: cheap.code }, hub.operator);
  expect(byHand.status).toBe(403);
  const notCold = await pack(hub, order.id, { scans: order.scans, weightG: 1500, carrierCode: cheap.code }, hub.supervisor);
  expect(notCold.body.error.code).toBe('CARRIER_NOT_COLD_CHAIN');
  const res = await pack(hub, order.id, { scans: order.scans, weightG: 1500 });
  expect(res.body).toMatchObject({ carrierCode: cold.code });
  expect(res.body.waybillNo).toMatch(/^CD\d{4}$/);
  expect((await parcelOf(res.body.parcelId)).carrierReason).toMatch(/chilled 1500 g.*cost 2400 fen.*cold chain/);
});

test('a voided waybill is cancelled at the carrier and a new one issued; the old label is never printed again', async () => {
  const hub = await makeHub(h);
  const c = await connect('kuaidi100');
  await prefer(hub, [c.code]);
  const order = await pickedOrder(hub);
  const pdfPrinter = await printer('pdf');
  expect(pdfPrinter.transport).toBe('browser');
  const res = await pack(hub, order.id, { scans: order.scans, weightG: 2700, printerId: pdfPrinter.id });
  expect(res.status).toBe(201);
  const first = res.body.waybillNo;
  expect(await printJob(res.body.printJobId)).toMatchObject({ status: 'ready' });
  const doc = await h.http.get(`/api/v1/print-jobs/${res.body.printJobId}/document`).set(bearer(hub.operator)).buffer(true).parse(binary);
  expect(pdfText(doc.body as Buffer)).toContain(first);
  expect(await printJob(res.body.printJobId)).toMatchObject({ status: 'printed' });

  const voided = await h.http.post(`/api/v1/parcels/${res.body.parcelId}/void`).set(bearer(hub.operator)).send({ reissue: true, printerId: pdfPrinter.id, reason: '面单打印模糊' });
  expect(voided.status).toBe(200);
  expect(voided.body.status).toBe('labelled');
  expect(voided.body.waybillNo).not.toBe(first);
  expect(voided.body.waybills.map((w: any) => [w.waybillNo, w.status])).toEqual([[first, 'void'], [voided.body.waybillNo, 'active']]);
  expect([...fakes.kuaidi100.waybills.values()].find((w) => w.waybillNo === first)?.cancelled).toBe(true);
  const reprint = await h.http.post(`/api/v1/print-jobs/${res.body.printJobId}/reprint`).set(bearer(hub.operator)).send({});
  expect(reprint.status).toBe(409);
  expect(reprint.body.error.code).toBe('WAYBILL_VOIDED');

  // void without reissue: the order is picked again and can be packed anew
  const plain = await h.http.post(`/api/v1/parcels/${res.body.parcelId}/void`).set(bearer(hub.operator)).send({});
  expect(plain.body.status).toBe('voided');
  expect((await h.http.get(`/api/v1/orders/${order.id}`).set(bearer(hub.seller))).body.status).toBe('picked');
  expect((await h.http.post(`/api/v1/parcels/${res.body.parcelId}/void`).set(bearer(hub.operator)).send({})).status).toBe(409);
  const repacked = await pack(hub, order.id, { scans: order.scans, weightG: 2700 });
  expect(repacked.status).toBe(201);
  expect(repacked.body.parcelId).not.toBe(res.body.parcelId);
});

test('two stations packing the same order at once: one parcel, one waybill', async () => {
  const hub = await makeHub(h);
  const c = await carrier({ code: uid('L2').slice(0, 30), adapter: 'local', settings: { prefix: 'LL', rangeStart: 1, rangeEnd: 99 } });
  await prefer(hub, [c.code]);
  const order = await pickedOrder(hub);
  const results = await Promise.all([1, 2, 3].map(() => pack(hub, order.id, { scans: order.scans, weightG: 2700 })));
  expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
  const parcels = (await h.http.get(`/api/v1/parcels?orderId=${order.id}`).set(bearer(h.adminToken))).body.items;
  expect(parcels.length).toBe(1);
  expect(parcels[0].waybills.length).toBe(1);
});

test('the local number range is never issued twice and runs out with a clear error', async () => {
  const hub = await makeHub(h);
  const c = await carrier({ code: uid('TINY').slice(0, 30), adapter: 'local', settings: { prefix: 'TN', rangeStart: 7, rangeEnd: 7 } });
  await prefer(hub, [c.code]);
  const a = await pickedOrder(hub, { units: 1 });
  const b = await pickedOrder(hub, { units: 1 });
  expect((await pack(hub, a.id, { scans: a.scans, weightG: 900 })).body.waybillNo).toMatch(/^TN7\d$/);
  const out = await pack(hub, b.id, { scans: b.scans, weightG: 900 });
  expect(out.status).toBe(422);
  expect(out.body.error.code).toBe('NUMBER_RANGE_EXHAUSTED');
  const shrink = await h.http.patch(`/api/v1/carriers/${c.id}`).set(bearer(h.adminToken)).send({ settings: { prefix: 'TN', rangeStart: 1, rangeEnd: 7 } });
  expect(shrink.status).toBe(400);
  await h.http.patch(`/api/v1/carriers/${c.id}`).set(bearer(h.adminToken)).send({ settings: { prefix: 'TN', rangeStart: 1, rangeEnd: 20 } }).expect(200);
  expect((await pack(hub, b.id, { scans: b.scans, weightG: 900 })).body.waybillNo).toMatch(/^TN08\d$/);
});
