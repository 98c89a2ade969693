import { Harness, bearer, keyFor, startHarness, uid, waitFor } from '../helpers/harness';
import { makeHub, makeSku } from '../helpers/stock';
import { pdfText } from '../helpers/printing';
import { hubClock, runDueRules } from '../../server/waves/wave-rules';

/**
 * Waves on the target database and queue: release, pick by scan in walking order (wrong scans
 * refused with nothing changed), the ledger moving units into the tote, the put-wall answering
 * slots, skip, short pick with re-allocation or hold, and cancellation with put-back.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);
const receiver = { name: '张三', phone: '13812345678', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路90号' };
type Hub = Awaited<ReturnType<typeof makeHub>>;

async function setup() {
  const hub = await makeHub(h);
  const apple = await makeSku(h, hub.seller, { name: '苹果', lotTracked: true, shelfLifeDays: 30 });
  const pear = await makeSku(h, hub.seller, { name: '梨' });
  const put = async (sku: { barcode: string }, qty: number, loc: string, lotNo = '', expiresAt: string | null = null) => {
    const res = await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty, lotNo, expiresAt, locationCode: loc });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  };
  return { hub, apple, pear, put };
}

async function allocatedOrder(hub: Hub, lines: Array<{ skuCode: string; qty: number }>) {
  const res = await h.http.post('/api/v1/orders').set(bearer(hub.seller)).send({ externalId: uid('W'), receiver, lines });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return waitFor(async () => {
    const o = (await h.http.get(`/api/v1/orders/${res.body.id}`).set(bearer(hub.seller))).body;
    return o.status === 'allocated' ? o : null;
  }, 15_000, 'allocation');
}

const wave = (hub: Hub, orderIds: number[]) => h.http.post('/api/v1/waves').set(bearer(hub.supervisor)).send({ orderIds });
const tasksOf = async (hub: Hub, waveId: number) => (await h.http.get(`/api/v1/pick-tasks?waveId=${waveId}`).set(bearer(hub.operator))).body.items as any[];
const confirm = (token: string, t: any, body: object) => h.http.post(`/api/v1/pick-tasks/${t.id}/confirm`).set(bearer(token)).send(body);
const stockOf = async (hub: Hub, skuCode: string) =>
  Object.fromEntries((await h.http.get(`/api/v1/inventory?skuCode=${skuCode}&ownerId=${hub.owner.id}`).set(bearer(h.adminToken))).body.items.map((i: any) => [i.locationCode, [i.onHand, i.allocated]]));

test('a wave is released, picked by scan in walking order into totes, and sorted at the put-wall', async () => {
  const { hub, apple, pear, put } = await setup();
  const [a1, a2] = hub.ambient;
  await put(apple, 10, a1, 'L1', day(10));
  await put(pear, 10, a2);
  const o1 = await allocatedOrder(hub, [{ skuCode: apple.skuCode, qty: 2 }, { skuCode: pear.skuCode, qty: 1 }]);
  const o2 = await allocatedOrder(hub, [{ skuCode: apple.skuCode, qty: 1 }]);
  const o3 = await allocatedOrder(hub, [{ skuCode: pear.skuCode, qty: 3 }]);

  const res = await wave(hub, [o1.id, o2.id, o3.id]);
  expect(res.status).toBe(201);
  const w = res.body;
  expect(w).toMatchObject({ status: 'released', temperature: 'ambient', orderCount: 3, unitCount: 7 });
  expect(w.batches.map((b: any) => b.kind).sort()).toEqual(['multi', 'single']);
  const slots = w.orders.filter((o: any) => o.slotNo !== null).map((o: any) => [o.orderId, o.slotNo]);
  expect(slots).toEqual([[o1.id, 1], [o3.id, 2]]);
  expect((await h.http.get(`/api/v1/orders/${o1.id}`).set(bearer(hub.seller))).body.status).toBe('in_wave');
  expect((await wave(hub, [o1.id])).status).toBe(409);

  const tasks = await tasksOf(hub, w.id);
  expect(tasks.map((t) => t.seq)).toEqual([...tasks].sort((x, y) => x.batchNo - y.batchNo || x.seq - y.seq).map((t) => t.seq));
  const multi = tasks.filter((t) => t.batchKind === 'multi');
  const appleTask = multi.find((t) => t.skuCode === apple.skuCode)!;
  expect(appleTask).toMatchObject({ locationCode: a1, lotNo: 'L1', qty: 2, status: 'open' });

  // wrong scans change nothing
  const before = await stockOf(hub, apple.skuCode);
  const wrongLoc = await confirm(hub.operator, appleTask, { locationCode: a2, barcode: apple.barcode, qty: 1 });
  expect(wrongLoc.status).toBe(422);
  expect(wrongLoc.body.error.code).toBe('WRONG_LOCATION');
  expect(wrongLoc.body.error.message).toContain(a1);
  const wrongItem = await confirm(hub.operator, appleTask, { locationCode: a1, barcode: pear.barcode, qty: 1 });
  expect(wrongItem.body.error.code).toBe('WRONG_ITEM');
  const wrongLot = await confirm(hub.operator, appleTask, { locationCode: a1, barcode: apple.barcode, qty: 1, lotNo: 'L9' });
  expect(wrongLot.body.error.code).toBe('WRONG_LOT');
  const tooMany = await confirm(hub.operator, appleTask, { locationCode: a1, barcode: apple.barcode, qty: 3 });
  expect(tooMany.body.error.code).toBe('QTY_ABOVE_TASK');
  expect(await stockOf(hub, apple.skuCode)).toEqual(before);

  // the first scan claims the batch; another picker is refused
  const first = await confirm(hub.operator, appleTask, { locationCode: a1, barcode: apple.barcode, qty: 1 });
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ units: 1, task: { pickedQty: 1, status: 'open' } });
  const other = await keyFor(h, 'operator');
  const refused = await confirm(other, appleTask, { locationCode: a1, barcode: apple.barcode, qty: 1 });
  expect(refused.status).toBe(409);
  expect(refused.body.error.code).toBe('TASK_OF_ANOTHER_PICKER');

  for (const t of await tasksOf(hub, w.id)) {
    if (t.status !== 'open') continue;
    const sku = t.skuCode === apple.skuCode ? apple : pear;
    const ok = await confirm(hub.operator, t, { locationCode: t.locationCode, barcode: sku.barcode, qty: t.qty - t.pickedQty });
    expect(ok.status).toBe(200);
  }
  const picked = (await h.http.get(`/api/v1/waves/${w.id}`).set(bearer(hub.operator))).body;
  expect(picked).toMatchObject({ status: 'picked', pickedUnits: 7 });
  const listed = (await h.http.get('/api/v1/waves?status=picked&limit=500').set(bearer(hub.operator))).body.items.find((x: any) => x.id === w.id);
  expect(listed).toMatchObject({ pickedUnits: 7, tasks: tasks.length, orderCount: 3 });
  expect(listed.batches.map((b: any) => b.tasks).reduce((x: number, y: number) => x + y, 0)).toBe(tasks.length);
  for (const id of [o1.id, o2.id, o3.id]) expect((await h.http.get(`/api/v1/orders/${id}`).set(bearer(hub.seller))).body.status).toBe('picked');
  // the units left the faces and sit, still reserved, in the totes
  const apples = await stockOf(hub, apple.skuCode);
  expect(apples[a1]).toEqual([7, 0]);
  const totes = Object.entries(apples).filter(([code]) => code.startsWith('TOTE-'));
  expect(totes.reduce((s, [, v]: any) => s + v[0], 0)).toBe(3);
  expect(totes.reduce((s, [, v]: any) => s + v[1], 0)).toBe(3);
  const ledger = await h.runtime.ctx.db('stock_movements').where({ owner_id: hub.owner.id, kind: 'pick' }).sum({ n: 'qty_delta' });
  expect(Number(ledger[0].n)).toBe(0);

  // put-wall: each unit answers its order's slot; a full slot is ready to pack
  const scan = (barcode: string) => h.http.post('/api/v1/putwall/scan').set(bearer(hub.operator)).send({ waveId: w.id, barcode });
  const s1 = await scan(apple.barcode);
  expect(s1.body).toMatchObject({ slotNo: 1, orderId: o1.id, slotComplete: false });
  await scan(apple.barcode);
  const s3 = await scan(pear.barcode);
  expect(s3.body).toMatchObject({ slotNo: 1, orderId: o1.id, slotComplete: true, readyToPack: true });
  for (let i = 0; i < 2; i++) expect((await scan(pear.barcode)).body).toMatchObject({ slotNo: 2, slotComplete: false });
  expect((await scan(pear.barcode)).body).toMatchObject({ slotNo: 2, orderId: o3.id, slotComplete: true });
  const extra = await scan(pear.barcode);
  expect(extra.status).toBe(422);
  expect(extra.body.error.code).toBe('NOTHING_TO_SORT');

  const list = await h.http.get(`/api/v1/waves/${w.id}/picklist?format=json`).set(bearer(hub.operator));
  expect(list.body.batches.flatMap((b: any) => b.tasks).length).toBe(tasks.length);
  const pdf = await h.http.get(`/api/v1/waves/${w.id}/picklist?format=pdf`).set(bearer(hub.operator)).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  expect(pdf.headers['content-type']).toContain('application/pdf');
  const text = pdfText(pdf.body as Buffer);
  expect(text).toContain(a1);
  expect(text).toContain('拣货单');
});

test('skip moves a task to the end; a short pick takes other stock or holds the order', async () => {
  const { hub, apple, put } = await setup();
  const [a1, a2, a3] = hub.ambient;
  await put(apple, 2, a1, 'S1', day(5));
  await put(apple, 5, a3, 'S2', day(9));
  const o = await allocatedOrder(hub, [{ skuCode: apple.skuCode, qty: 2 }]);
  expect(o.allocations.map((a: any) => a.locationCode)).toEqual([a1]);
  const w = (await wave(hub, [o.id])).body;
  const [t] = await tasksOf(hub, w.id);
  const short = await h.http.post(`/api/v1/pick-tasks/${t.id}/short`).set(bearer(hub.operator)).send({ reason: '货位是空的' });
  expect(short.status).toBe(200);
  expect(short.body).toMatchObject({ missing: 2, reallocatedOrders: [o.id], heldOrders: [] });
  const next = short.body.progress.next;
  expect(next).toMatchObject({ locationCode: a3, lotNo: 'S2', qty: 2 });
  // the missing units were written off the empty face
  expect((await stockOf(hub, apple.skuCode))[a1] ?? [0, 0]).toEqual([0, 0]);
  const writeOff = await h.runtime.ctx.db('stock_movements').where({ owner_id: hub.owner.id, kind: 'adjustment' }).select('qty_delta', 'reason');
  expect(writeOff).toEqual([{ qty_delta: -2, reason: 'short pick: 货位是空的' }]);
  expect((await confirm(hub.operator, next, { locationCode: a3, barcode: apple.barcode, qty: 2 })).status).toBe(200);
  expect((await h.http.get(`/api/v1/orders/${o.id}`).set(bearer(hub.seller))).body.status).toBe('picked');

  // no other stock: the order is held with the reason; skip first to see the order of tasks change
  const pear2 = await makeSku(h, hub.seller, { name: '只有一处的梨' });
  await put(pear2, 1, a2);
  await put(apple, 3, a1, 'S3', day(12));
  const o2 = await allocatedOrder(hub, [{ skuCode: pear2.skuCode, qty: 1 }, { skuCode: apple.skuCode, qty: 1 }]);
  const w2 = (await wave(hub, [o2.id])).body;
  const tasks = await tasksOf(hub, w2.id);
  expect(tasks).toHaveLength(2);
  const skipped = await h.http.post(`/api/v1/pick-tasks/${tasks[0].id}/skip`).set(bearer(hub.operator)).send();
  expect(skipped.body.task).toMatchObject({ status: 'skipped', seq: 3 });
  expect(skipped.body.progress.next.id).toBe(tasks[1].id);
  const pearTask = tasks.find((x) => x.skuCode === pear2.skuCode)!;
  const held = await h.http.post(`/api/v1/pick-tasks/${pearTask.id}/short`).set(bearer(hub.operator)).send({});
  expect(held.body.heldOrders).toEqual([o2.id]);
  const o2now = (await h.http.get(`/api/v1/orders/${o2.id}`).set(bearer(hub.seller))).body;
  expect(o2now).toMatchObject({ status: 'held', holdReason: 'short_pick' });
});

test('cancelling an order in a wave gives back its reservations and returns picked units by a put-back task', async () => {
  const { hub, apple, pear, put } = await setup();
  const [a1, a2] = hub.ambient;
  await put(apple, 5, a1, 'C1', day(10));
  await put(pear, 5, a2);
  const o = await allocatedOrder(hub, [{ skuCode: apple.skuCode, qty: 2 }, { skuCode: pear.skuCode, qty: 1 }]);
  const w = (await wave(hub, [o.id])).body;
  const tasks = await tasksOf(hub, w.id);
  const appleTask = tasks.find((t) => t.skuCode === apple.skuCode)!;
  expect((await confirm(hub.operator, appleTask, { locationCode: a1, barcode: apple.barcode, qty: 2 })).status).toBe(200);
  const cancelled = await h.http.post(`/api/v1/orders/${o.id}/cancel`).set(bearer(hub.seller)).send({ reason: '买家取消' });
  expect(cancelled.body.status).toBe('cancelled');
  expect((await stockOf(hub, pear.skuCode))[a2]).toEqual([5, 0]);
  const putbacks = (await h.http.get(`/api/v1/pick-tasks?waveId=${w.id}&kind=putback`).set(bearer(hub.operator))).body.items;
  expect(putbacks).toEqual([expect.objectContaining({ skuCode: apple.skuCode, qty: 2, toLocationCode: a1, status: 'open' })]);
  const pearTask = (await tasksOf(hub, w.id)).find((t) => t.skuCode === pear.skuCode && t.kind === 'pick')!;
  expect(pearTask.status).toBe('cancelled');
  const wrong = await h.http.post(`/api/v1/pick-tasks/${putbacks[0].id}/putback`).set(bearer(hub.operator)).send({ locationCode: a2 });
  expect(wrong.body.error.code).toBe('WRONG_LOCATION');
  expect((await h.http.post(`/api/v1/pick-tasks/${putbacks[0].id}/putback`).set(bearer(hub.operator)).send({ locationCode: a1 })).status).toBe(200);
  const apples = await stockOf(hub, apple.skuCode);
  expect(apples[a1]).toEqual([5, 0]);
  expect(Object.entries(apples).filter(([c]) => c.startsWith('TOTE-')).every(([, v]: any) => v[0] === 0 && v[1] === 0)).toBe(true);
});

test('stock waiting in bulk is brought to a pick face by a replenishment task, and the backorder then allocates', async () => {
  const { hub, apple, put } = await setup();
  const zone = uid('BZ');
  const bulkCode = `${uid('BULK').toUpperCase()}`;
  const loc = await h.http.post('/api/v1/locations').set(bearer(h.adminToken)).send({ code: bulkCode, zone, temperature: 'ambient', type: 'bulk', x: 900, y: 900 });
  expect(loc.status).toBe(201);
  await put(apple, 10, bulkCode, 'B1', day(20));
  const res = await h.http.post('/api/v1/orders').set(bearer(hub.seller)).send({ externalId: uid('R'), receiver, lines: [{ skuCode: apple.skuCode, qty: 3 }] });
  const task = await waitFor(async () => {
    const list = (await h.http.get('/api/v1/replenishments?status=open').set(bearer(hub.operator))).body.items;
    return list.find((r: any) => r.skuCode === apple.skuCode);
  }, 15_000, 'a replenishment task');
  expect(task).toMatchObject({ fromLocationCode: bulkCode, lotNo: 'B1', qty: 3, reason: 'backorders waiting' });
  expect((await h.http.get(`/api/v1/orders/${res.body.id}`).set(bearer(hub.seller))).body.status).toBe('backorder');
  const wrong = await h.http.post(`/api/v1/replenishments/${task.id}/confirm`).set(bearer(hub.operator)).send({ fromLocationCode: hub.ambient[0], toLocationCode: task.toLocationCode });
  expect(wrong.status).toBe(422);
  expect(wrong.body.error.code).toBe('WRONG_LOCATION');
  const done = await h.http.post(`/api/v1/replenishments/${task.id}/confirm`).set(bearer(hub.operator)).send({ fromLocationCode: bulkCode, toLocationCode: task.toLocationCode });
  expect(done.status).toBe(200);
  expect(done.body).toMatchObject({ status: 'done', qty: 3 });
  const o = await waitFor(async () => {
    const x = (await h.http.get(`/api/v1/orders/${res.body.id}`).set(bearer(hub.seller))).body;
    return x.status === 'allocated' ? x : null;
  }, 20_000, 'the backorder to allocate');
  expect(o.allocations).toEqual([expect.objectContaining({ lotNo: 'B1', locationCode: task.toLocationCode, qty: 3 })]);
});

test('pickers claim batches: each gets their own, and asking again returns the batch in hand', async () => {
  const { hub, apple, pear, put } = await setup();
  await put(apple, 10, hub.ambient[0], 'K1', day(10));
  await put(pear, 10, hub.ambient[1]);
  const single = await allocatedOrder(hub, [{ skuCode: apple.skuCode, qty: 1 }]);
  const multi = await allocatedOrder(hub, [{ skuCode: pear.skuCode, qty: 2 }]);
  const w = (await wave(hub, [single.id, multi.id])).body;
  const ann = await keyFor(h, 'operator');
  const bob = await keyFor(h, 'operator');
  const claim = (token: string) => h.http.post('/api/v1/pick-tasks/claim').set(bearer(token)).send({ waveId: w.id });
  const a = await claim(ann);
  const b = await claim(bob);
  expect(a.status).toBe(200);
  expect(b.status).toBe(200);
  expect(a.body.batchNo).not.toBe(b.body.batchNo);
  expect((await claim(ann)).body.batchNo).toBe(a.body.batchNo);
  const none = await h.http.post('/api/v1/pick-tasks/claim').set(bearer(await keyFor(h, 'operator'))).send({ waveId: w.id });
  expect(none.status).toBe(422);
  expect(none.body.error.code).toBe('NO_WORK');
  const bobsTask = b.body.tasks[0];
  const sku = bobsTask.skuCode === apple.skuCode ? apple : pear;
  const stolen = await confirm(ann, bobsTask, { locationCode: bobsTask.locationCode, barcode: sku.barcode, qty: 1 });
  expect(stolen.body.error.code).toBe('TASK_OF_ANOTHER_PICKER');
});

test('a wave rule releases a wave once a day at its time, for its temperature class', async () => {
  const { hub, put } = await setup();
  const ice = await makeSku(h, hub.seller, { name: '冻猕猴桃', temperature: 'frozen' });
  await put(ice, 5, hub.frozen[0]);
  const o = await allocatedOrder(hub, [{ skuCode: ice.skuCode, qty: 2 }]);
  const rule = await h.http.post('/api/v1/wave-rules').set(bearer(hub.supervisor)).send({ name: '冷冻 早班', temperature: 'frozen', releaseAt: '00:00', cutoffAt: '23:59', maxOrders: 50 });
  expect(rule.status).toBe(201);
  const bad = await h.http.post('/api/v1/wave-rules').set(bearer(hub.supervisor)).send({ name: 'x', temperature: 'frozen', releaseAt: '18:00', cutoffAt: '17:00' });
  expect(bad.status).toBe(400);
  const ran = await runDueRules(h.runtime.ctx);
  const mine = ran.find((r) => r.ruleId === rule.body.id)!;
  expect(mine.waveId).toEqual(expect.any(Number));
  const w = (await h.http.get(`/api/v1/waves/${mine.waveId}`).set(bearer(hub.operator))).body;
  expect(w).toMatchObject({ temperature: 'frozen' });
  expect(w.orders.map((x: any) => x.orderId)).toContain(o.id);
  // the same day again: nothing
  expect((await runDueRules(h.runtime.ctx)).find((r) => r.ruleId === rule.body.id)).toBeUndefined();
  const listed = (await h.http.get('/api/v1/wave-rules').set(bearer(hub.operator))).body.items.find((r: any) => r.id === rule.body.id);
  expect(listed).toMatchObject({ lastRunDay: hubClock().day, lastResult: expect.stringContaining(`wave ${mine.waveId}`) });
  // a rule whose time has not come does not run
  if (hubClock().hhmm < '23:00') {
    const later = await h.http.post('/api/v1/wave-rules').set(bearer(hub.supervisor)).send({ name: '晚班', temperature: 'chilled', releaseAt: '23:59' });
    expect((await runDueRules(h.runtime.ctx)).find((r) => r.ruleId === later.body.id)).toBeUndefined();
  }
});
