import { inTransaction } from '../../server/db/transaction';
import { hubClock } from '../../server/waves/wave-rules';
import { hubInstant } from '../../server/floor/floor.service';
import type { JobSpec } from '../../server/queue/registry';
import { Harness, bearer, startHarness, uid, waitFor } from '../helpers/harness';
import { makeHub, makeSku } from '../helpers/stock';
import { startFakeNetworkPrinter, type FakeNetworkPrinter } from '../helpers/fake-printer';

/**
 * The supervisor's floor snapshot on the target database and queue, against a floor made through
 * the API: a wave packed (by one user, picked by another) whose label meets a printer that
 * refuses connections, a wave half picked, a backorder and a failed integration job. Every
 * figure is counted exactly, so this file has a database of its own (carriers, print jobs and
 * the outbox are the hub's, not an owner's).
 */
let failing = true;
const extraJobs: Record<string, JobSpec> = {
  'test.integration': {
    maxAttempts: 1,
    async handler() {
      if (failing) throw new Error('simulated: store platform answered 401');
    },
  },
};

let h: Harness;
let device: FakeNetworkPrinter;
beforeAll(async () => {
  h = await startHarness({ database: uid('floor'), extraJobs, env: { WMS_PRINTER_TIMEOUT_MS: '1000' } });
  const wh = await h.http.post('/api/v1/warehouses').set(bearer(h.adminToken)).send({ code: 'MAIN', name: '信丰县电商仓' }).expect(201);
  await h.http.patch(`/api/v1/warehouses/${wh.body.id}`).set(bearer(h.adminToken)).send({ province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇正平路88号', contactName: '发货组', phone: '07973456789' }).expect(200);
  device = await startFakeNetworkPrinter('zpl');
});
afterAll(async () => {
  await device?.close();
  await h?.close();
});

const receiver = { name: '张三丰', phone: '13812345678', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路90号3幢' };

async function ok(res: Promise<any> | any, status = 200) {
  const r = await res;
  if (r.status !== status) throw new Error(`${r.req?.method} ${r.req?.path} → ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function user(username: string, role: string) {
  await ok(h.http.post('/api/v1/users').set(bearer(h.adminToken)).send({ username, password: 'floor-test-pass', role }), 201);
  return (await ok(h.http.post('/api/v1/auth/login').send({ username, password: 'floor-test-pass' }))).token as string;
}

/** HH:MM in hub time `minutes` from now, kept within today. */
function hubTimeIn(minutes: number): string {
  const later = hubClock(new Date(Date.now() + minutes * 60_000));
  return later.day === hubClock().day ? later.hhmm : '23:59';
}

test('the floor snapshot counts a real floor exactly; failed prints and jobs can be retried', async () => {
  const hub = await makeHub(h);
  const admin = bearer(h.adminToken);
  const picker1 = uid('pick_a');
  const picker2 = uid('pick_b');
  const packer = uid('pack_c');
  const [pickA, pickB, packC] = [await user(picker1, 'operator'), await user(picker2, 'operator'), await user(packer, 'operator')];

  // two carriers: one with a cut-off half an hour from now, one without any wave rule
  const code = uid('LOC').toUpperCase();
  const carrier = await ok(h.http.post('/api/v1/carriers').set(admin).send({ code, name: '乡村配送', adapter: 'local', settings: { prefix: 'FL', rangeStart: 1000, rangeEnd: 9999 } }), 201);
  await ok(h.http.post('/api/v1/carriers').set(admin).send({ code: `${code}X`, name: '县冷链', adapter: 'local', settings: { prefix: 'FX', rangeStart: 1000, rangeEnd: 9999 } }), 201);
  await ok(h.http.put(`/api/v1/owners/${hub.owner.id}/carrier-preferences`).set(bearer(hub.supervisor)).send({ carrierCodes: [code] }));
  const cutoffAt = hubTimeIn(30);
  await ok(h.http.post('/api/v1/wave-rules').set(bearer(hub.supervisor)).send({ name: '下午截单', temperature: 'ambient', carrierCode: code, releaseAt: '00:00', cutoffAt }), 201);

  // stock: three SKUs on the hub's pick faces, one of them short
  const [orange, dried, juice, gift] = [
    await makeSku(h, hub.seller, { name: '赣南脐橙 5斤装' }),
    await makeSku(h, hub.seller, { name: '脐橙果干 200g', weightG: 230 }),
    await makeSku(h, hub.seller, { name: '脐橙汁 1L', weightG: 1100 }),
    await makeSku(h, hub.seller, { name: '礼盒装', weightG: 3000 }),
  ];
  const receive = (sku: { barcode: string }, qty: number, at: string) => ok(h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty, locationCode: at }), 201);
  await receive(orange, 2, hub.ambient[0]);
  await receive(dried, 1, hub.ambient[1]);
  await receive(juice, 2, hub.ambient[2]);
  await receive(gift, 2, hub.ambient[0]);
  const order = async (lines: Array<[{ skuCode: string }, number]>, status: string) => {
    const created = await ok(h.http.post('/api/v1/orders').set(bearer(hub.seller)).send({ externalId: uid('FL'), receiver, lines: lines.map(([s, qty]) => ({ skuCode: s.skuCode, qty })) }), 201);
    await waitFor(async () => (await h.http.get(`/api/v1/orders/${created.id}`).set(bearer(hub.seller))).body.status === status, 15_000, `order ${status}`);
    return created as { id: number; externalId: string };
  };
  const a = await order([[orange, 2]], 'allocated');
  const b = await order([[dried, 1], [juice, 2]], 'allocated');
  const short = await order([[gift, 5]], 'backorder');

  // wave 1: picked by picker A, sorted, packed by packer C with the label sent to a printer that refuses connections
  const w1 = await ok(h.http.post('/api/v1/waves').set(bearer(hub.supervisor)).send({ orderIds: [a.id], carrierCode: code }), 201);
  for (const t of (await ok(h.http.get(`/api/v1/pick-tasks?waveId=${w1.id}`).set(bearer(pickA)))).items) {
    await ok(h.http.post(`/api/v1/pick-tasks/${t.id}/confirm`).set(bearer(pickA)).send({ locationCode: t.locationCode, barcode: orange.barcode, qty: t.qty }));
  }
  for (let i = 0; i < 2; i++) await ok(h.http.post('/api/v1/putwall/scan').set(bearer(pickA)).send({ waveId: w1.id, barcode: orange.barcode }));
  const printer = await ok(h.http.post('/api/v1/printers').set(admin).send({ name: uid('打包台'), language: 'zpl', host: '127.0.0.1', port: device.port }), 201);
  await device.stop();
  const packed = await ok(h.http.post(`/api/v1/orders/${a.id}/pack`).set(bearer(packC)).send({ scans: [orange.barcode, orange.barcode], weightG: 2700, printerId: printer.id }), 201);
  expect(packed.carrierCode).toBe(code);

  // a printer that stays away is tried for about half an hour; the test shortens that to two tries
  const db = h.runtime.ctx.db;
  await waitFor(async () => (await ok(h.http.get(`/api/v1/print-jobs/${packed.printJobId}`).set(admin))).status === 'retrying', 15_000, 'print retrying');
  const send = await waitFor(async () => db('outbox_jobs').where({ type: 'print.send', status: 'pending' }).where('payload', 'like', `%"printJobId":${packed.printJobId}}%`).first(), 10_000, 'print.send pending');
  await db('outbox_jobs').where({ id: send.id }).update({ max_attempts: send.attempts + 1, run_after: '2000-01-01 00:00:00.000' });
  h.runtime.ctx.queue.nudge();
  await waitFor(async () => (await ok(h.http.get(`/api/v1/print-jobs/${packed.printJobId}`).set(admin))).status === 'failed', 15_000, 'print failed');

  // wave 2: half picked by picker B
  const w2 = await ok(h.http.post('/api/v1/waves').set(bearer(hub.supervisor)).send({ orderIds: [b.id], carrierCode: code }), 201);
  const tasks = (await ok(h.http.get(`/api/v1/pick-tasks?waveId=${w2.id}`).set(bearer(pickB)))).items;
  const driedTask = tasks.find((t: any) => t.skuCode === dried.skuCode);
  await ok(h.http.post(`/api/v1/pick-tasks/${driedTask.id}/confirm`).set(bearer(pickB)).send({ locationCode: driedTask.locationCode, barcode: dried.barcode, qty: 1 }));

  // an integration job that gave up
  const jobId = await inTransaction(db, (trx) => h.runtime.ctx.queue.enqueue(trx, 'test.integration', { storeId: 1 }));
  await waitFor(async () => (await db('outbox_jobs').where({ id: jobId }).first()).status === 'failed', 10_000, 'job failed');

  // --- the snapshot ---
  const before = Date.now();
  const floor = await ok(h.http.get('/api/v1/floor').set(bearer(hub.supervisor)));
  const after = Date.now();
  expect(floor.day).toBe(hubClock(new Date(before)).day);

  expect(floor.ordersByStatus).toEqual([
    { status: 'pending', count: 0 },
    { status: 'held', count: 0 },
    { status: 'backorder', count: 1 },
    { status: 'allocated', count: 0 },
    { status: 'in_wave', count: 1 },
    { status: 'picked', count: 0 },
    { status: 'packed', count: 1 },
  ]);

  const cutoff = hubInstant(floor.day, cutoffAt);
  const [mine, other, none] = floor.carriers;
  expect(floor.carriers).toHaveLength(3);
  expect(mine).toMatchObject({ carrierCode: code, carrierName: '乡村配送', cutoffAt, toPack: 1, toShip: 1, waiting: 2, packedToday: 1, atRisk: true, late: cutoff - after <= 0 });
  expect(mine.minutesToCutoff).toBeGreaterThanOrEqual(Math.floor((cutoff - after) / 60_000));
  expect(mine.minutesToCutoff).toBeLessThanOrEqual(Math.floor((cutoff - before) / 60_000));
  expect(other).toEqual({ carrierCode: `${code}X`, carrierName: '县冷链', cutoffAt: null, minutesToCutoff: null, toPack: 0, toShip: 0, waiting: 0, packedToday: 0, atRisk: false, late: false });
  // no order waits without a carrier; the row is held against the next cut-off of any rule
  expect(none).toMatchObject({ carrierCode: null, carrierName: null, cutoffAt, toPack: 0, toShip: 0, waiting: 0, packedToday: 0, atRisk: false });

  // wave 1 is packed out: only wave 2 is in progress
  expect(floor.waves).toEqual([
    { id: w2.id, status: 'picking', temperature: 'ambient', carrierCode: code, orders: 1, units: 3, pickedUnits: 1, sortUnits: 3, sortedUnits: 0, batches: 1, pickers: [picker2], createdAt: expect.any(String) },
  ]);

  expect(floor.backorders.total).toBe(1);
  expect(floor.backorders.items).toEqual([
    { orderId: short.id, externalId: short.externalId, ownerName: hub.owner.name, status: 'backorder', holdReason: null, reason: expect.stringContaining('short 3 of 5'), since: expect.any(String) },
  ]);
  expect(Date.parse(floor.backorders.items[0].since)).toBeLessThanOrEqual(before);

  // one action each: rated as a quarter hour of work
  expect(floor.people).toEqual([
    { username: picker1, activity: 'pick', units: 2, tasks: 1, firstAt: expect.any(String), lastAt: expect.any(String), unitsPerHour: 8 },
    { username: picker2, activity: 'pick', units: 1, tasks: 1, firstAt: expect.any(String), lastAt: expect.any(String), unitsPerHour: 4 },
    { username: packer, activity: 'pack', units: 2, tasks: 1, firstAt: expect.any(String), lastAt: expect.any(String), unitsPerHour: 8 },
  ]);

  expect(floor.failedPrints.total).toBe(1);
  expect(floor.failedPrints.items).toEqual([
    expect.objectContaining({ id: packed.printJobId, kind: 'waybill', printerName: printer.name, parcelId: packed.parcelId, waybillNo: packed.waybillNo, problem: 'offline', attempts: expect.any(Number) }),
  ]);
  expect(floor.failedPrints.items[0].error).toBeTruthy();
  // the failed send behind the print job is not listed twice
  expect(floor.failedJobs).toEqual({ total: 1, items: [expect.objectContaining({ id: jobId, type: 'test.integration', attempts: 1, maxAttempts: 1, lastError: 'simulated: store platform answered 401' })] });

  // --- retry both from the numbers the floor gives ---
  await device.start();
  await ok(h.http.post(`/api/v1/print-jobs/${packed.printJobId}/retry`).set(bearer(hub.supervisor)));
  await waitFor(async () => (await ok(h.http.get(`/api/v1/print-jobs/${packed.printJobId}`).set(admin))).status === 'printed', 15_000, 'printed on retry');
  expect(device.jobs.length).toBe(1);
  failing = false;
  await ok(h.http.post(`/api/v1/jobs/${jobId}/retry`).set(bearer(hub.supervisor)));
  await waitFor(async () => (await db('outbox_jobs').where({ id: jobId }).first()).status === 'done', 10_000, 'job done on retry');
  const later = await ok(h.http.get('/api/v1/floor').set(admin));
  expect(later.failedPrints).toEqual({ total: 0, items: [] });
  expect(later.failedJobs).toEqual({ total: 0, items: [] });

  // on an open manifest the parcel still has to go; on a closed one it only waits for the carrier
  const scanned = await ok(h.http.post('/api/v1/dock/scan').set(bearer(packC)).send({ waybillNo: packed.waybillNo }));
  expect((await ok(h.http.get('/api/v1/floor').set(admin))).carriers[0]).toMatchObject({ carrierCode: code, toShip: 1 });
  await ok(h.http.post(`/api/v1/manifests/${scanned.manifestId}/close`).set(bearer(packC)));
  expect((await ok(h.http.get('/api/v1/floor').set(admin))).carriers[0]).toMatchObject({ carrierCode: code, toShip: 0 });
});

test('only supervisors and admins see the floor', async () => {
  const hub = await makeHub(h);
  for (const token of [hub.operator, hub.seller]) {
    const res = await h.http.get('/api/v1/floor').set(bearer(token));
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  }
  expect((await h.http.get('/api/v1/floor')).status).toBe(401);
  expect((await h.http.get('/api/v1/floor').set(bearer(hub.supervisor))).status).toBe(200);
});
