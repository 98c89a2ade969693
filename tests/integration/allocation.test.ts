import { Harness, bearer, startHarness, uid, waitFor } from '../helpers/harness';
import { makeHub, makeSku } from '../helpers/stock';

/**
 * Allocation on the target database and queue: FEFO across lots and locations, only released,
 * unexpired lots with the owner's minimum shelf life left, only pick locations of the SKU's
 * temperature, kits by component, backorders that allocate by themselves when stock arrives,
 * cancellation giving stock back, and no overselling under 200 concurrent requests.
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

async function receive(hub: Awaited<ReturnType<typeof makeHub>>, sku: { barcode: string }, qty: number, locationCode: string, lotNo: string, expiresAt: string | null, override = false) {
  const res = await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty, lotNo, expiresAt, locationCode, ...(override ? { override: true } : {}) });
  if (res.status !== 201) throw new Error(`receipt: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function order(token: string, lines: Array<{ skuCode: string; qty: number }>) {
  const res = await h.http.post('/api/v1/orders').set(bearer(token)).send({ externalId: uid('O'), receiver, lines });
  if (res.status !== 201) throw new Error(`order: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number };
}

const getOrder = async (token: string, id: number) => (await h.http.get(`/api/v1/orders/${id}`).set(bearer(token))).body;
const settled = (token: string, id: number) =>
  waitFor(async () => {
    const o = await getOrder(token, id);
    return o.status === 'allocated' || o.status === 'backorder' ? o : null;
  }, 15_000, `order ${id} to be allocated or backordered`);

async function allocatedAt(skuCode: string, ownerId: number) {
  const res = await h.http.get(`/api/v1/inventory?skuCode=${skuCode}&ownerId=${ownerId}`).set(bearer(h.adminToken));
  return Object.fromEntries(res.body.items.map((i: any) => [`${i.locationCode}/${i.lotNo}`, [i.onHand, i.allocated]]));
}

test('allocates first-expiring first across lots and locations, skipping expired, held, non-pick and off-temperature stock', async () => {
  const hub = await makeHub(h);
  const sku = await makeSku(h, hub.seller, { lotTracked: true, shelfLifeDays: 30 });
  const [a1, a2, a3] = hub.ambient;
  await receive(hub, sku, 3, a2, 'L-LATE', day(10));
  await receive(hub, sku, 2, a1, 'L-SOON', day(5));
  await receive(hub, sku, 10, a3, 'L-EXPIRED', day(-1));
  await receive(hub, sku, 10, hub.dock, 'L-DOCK', day(2));
  await receive(hub, sku, 10, hub.chilled[0], 'L-COLD', day(1), true);
  const held = await receive(hub, sku, 5, a1, 'L-HELD', day(3));
  expect((await h.http.post(`/api/v1/lots/${held.lot.id}/hold`).set(bearer(hub.supervisor)).send({ reason: '抽检' })).status).toBe(200);

  const o = await order(hub.seller, [{ skuCode: sku.skuCode, qty: 4 }]);
  const done = await settled(hub.seller, o.id);
  expect(done.status).toBe('allocated');
  expect(done.allocations.map((a: any) => [a.lotNo, a.locationCode, a.qty])).toEqual([
    ['L-SOON', a1, 2],
    ['L-LATE', a2, 2],
  ]);
  expect(done.history.map((e: any) => e.event)).toContain('allocated');
  const stock = await allocatedAt(sku.skuCode, hub.owner.id);
  expect(stock[`${a1}/L-SOON`]).toEqual([2, 2]);
  expect(stock[`${a2}/L-LATE`]).toEqual([3, 2]);
  expect(stock[`${a3}/L-EXPIRED`]).toEqual([10, 0]);
  expect(stock[`${a1}/L-HELD`]).toEqual([5, 0]);

  // cancelling gives the units back
  const cancelled = await h.http.post(`/api/v1/orders/${o.id}/cancel`).set(bearer(hub.seller)).send({});
  expect(cancelled.body.status).toBe('cancelled');
  const after = await allocatedAt(sku.skuCode, hub.owner.id);
  expect(after[`${a1}/L-SOON`]).toEqual([2, 0]);
  expect(after[`${a2}/L-LATE`]).toEqual([3, 0]);
});

test("respects the owner's minimum shelf life, waits as a backorder with the shortage, and allocates when stock arrives", async () => {
  const hub = await makeHub(h);
  expect((await h.http.patch(`/api/v1/owners/${hub.owner.id}`).set(bearer(h.adminToken)).send({ minShelfLifeDays: 7 })).body.minShelfLifeDays).toBe(7);
  const sku = await makeSku(h, hub.seller, { lotTracked: true, shelfLifeDays: 30 });
  await receive(hub, sku, 10, hub.ambient[0], 'L-5D', day(5));
  await receive(hub, sku, 3, hub.ambient[1], 'L-20D', day(20));
  const o = await order(hub.seller, [{ skuCode: sku.skuCode, qty: 5 }]);
  const short = await settled(hub.seller, o.id);
  expect(short.status).toBe('backorder');
  expect(short.holdDetail).toContain(sku.skuCode);
  expect(short.holdDetail).toMatch(/short 2 of 5/);
  expect(await allocatedAt(sku.skuCode, hub.owner.id)).toMatchObject({ [`${hub.ambient[0]}/L-5D`]: [10, 0], [`${hub.ambient[1]}/L-20D`]: [3, 0] });

  // stock arrives at the dock, then is put away to a pick face: the backorder allocates by itself
  await receive(hub, sku, 4, hub.dock, 'L-30D', day(30));
  const move = await h.http.post('/api/v1/putaway').set(bearer(hub.operator)).send({ ownerId: hub.owner.id, skuCode: sku.skuCode, lotNo: 'L-30D', fromLocationCode: hub.dock, toLocationCode: hub.ambient[2], qty: 4 });
  expect(move.status).toBe(201);
  const allocated = await waitFor(async () => {
    const x = await getOrder(hub.seller, o.id);
    return x.status === 'allocated' ? x : null;
  }, 20_000, 'the backorder to allocate');
  expect(allocated.allocations.map((a: any) => [a.lotNo, a.qty])).toEqual([['L-20D', 3], ['L-30D', 2]]);
  expect(allocated.history.map((e: any) => e.event)).toEqual(expect.arrayContaining(['backorder', 'allocated']));
});

test('allocates a kit by its components, and refuses to allocate an order that is not waiting', async () => {
  const hub = await makeHub(h);
  const orange = await makeSku(h, hub.seller, { name: '脐橙 5斤' });
  const dried = await makeSku(h, hub.seller, { name: '果干 200g' });
  const kit = await makeSku(h, hub.seller, { name: '礼盒', barcode: undefined, components: [{ skuCode: orange.skuCode, qty: 1 }, { skuCode: dried.skuCode, qty: 2 }] });
  await receive(hub, orange, 5, hub.ambient[0], '', null);
  await receive(hub, dried, 5, hub.ambient[1], '', null);
  const o = await order(hub.seller, [{ skuCode: kit.skuCode, qty: 2 }, { skuCode: dried.skuCode, qty: 1 }]);
  const done = await settled(hub.seller, o.id);
  expect(done.status).toBe('allocated');
  const bySku = done.allocations.reduce((m: Record<string, number>, a: any) => ({ ...m, [a.skuCode]: (m[a.skuCode] ?? 0) + a.qty }), {});
  expect(bySku).toEqual({ [orange.skuCode]: 2, [dried.skuCode]: 5 });
  expect(bySku[kit.skuCode]).toBeUndefined();

  const again = await h.http.post(`/api/v1/orders/${o.id}/allocate`).set(bearer(hub.supervisor)).send();
  expect(again.status).toBe(200);
  expect(again.body.allocations).toHaveLength(done.allocations.length);
  const unpaid = await h.http.post('/api/v1/orders').set(bearer(hub.seller)).send({ externalId: uid('O'), paid: false, receiver, lines: [{ skuCode: orange.skuCode, qty: 1 }] });
  const refused = await h.http.post(`/api/v1/orders/${unpaid.body.id}/allocate`).set(bearer(hub.supervisor)).send();
  expect(refused.status).toBe(409);
  expect(refused.body.error.code).toBe('NOT_ALLOCATABLE');
});

test('200 concurrent allocation requests for one SKU with stock for 50 allocate exactly 50', async () => {
  const hub = await makeHub(h);
  const sku = await makeSku(h, hub.seller);
  // 200 one-unit orders arrive while the SKU has no stock: all wait as backorders
  const rows = ['order_no,sku_code,qty,receiver_name,phone,address'];
  for (let i = 0; i < 200; i++) rows.push(`${uid('C')},${sku.skuCode},1,李四,13900001111,浙江省杭州市西湖区文三路${i}号`);
  const imp = await h.http.post('/api/v1/orders/import').set(bearer(hub.seller)).set('Content-Type', 'text/csv').send(Buffer.from(rows.join('\n')));
  expect(imp.body.created).toBe(200);
  const list = async () => {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await h.http.get(`/api/v1/orders?ownerId=${hub.owner.id}&limit=500${cursor ? `&cursor=${cursor}` : ''}`).set(bearer(hub.seller));
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  };
  await waitFor(async () => (await list()).every((o) => o.status === 'backorder'), 30_000, 'all orders to be backorders');

  // 50 units arrive at a pick face (this also starts an allocation sweep, racing the requests)
  const found = await h.http.post('/api/v1/inventory/adjustments').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, skuCode: sku.skuCode, locationCode: hub.ambient[0], qtyDelta: 50, reason: 'found' });
  expect(found.status).toBe(201);
  const ids = (await list()).map((o) => o.id);
  const answers = await Promise.all(ids.map((id) => h.http.post(`/api/v1/orders/${id}/allocate`).set(bearer(hub.supervisor)).send()));
  expect(answers.filter((a) => a.status !== 200).map((a) => a.body)).toEqual([]);
  await new Promise((r) => setTimeout(r, 500));
  const final = await list();
  expect(final.filter((o) => o.status === 'allocated')).toHaveLength(50);
  expect(final.filter((o) => o.status === 'backorder')).toHaveLength(150);
  const db = h.runtime.ctx.db;
  const inv = await db('inventory').where({ owner_id: hub.owner.id }).select('on_hand', 'allocated');
  expect(inv).toEqual([{ on_hand: 50, allocated: 50 }]);
  const [{ n }] = await db('allocations').where({ owner_id: hub.owner.id, status: 'open' }).sum({ n: 'qty' });
  expect(Number(n)).toBe(50);
});
