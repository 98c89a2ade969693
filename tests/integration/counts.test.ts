import { Harness, bearer, startHarness } from '../helpers/harness';
import { makeHub, makeSku } from '../helpers/stock';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

test('a blind count: the counter never sees expected figures; approval posts the variance through the ledger', async () => {
  const hub = await makeHub(h);
  const a = await makeSku(h, hub.seller, { lotTracked: true });
  const b = await makeSku(h, hub.seller);
  const at = hub.ambient[0];
  await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: a.barcode, qty: 10, lotNo: 'L1', locationCode: at });
  await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: b.barcode, qty: 5, locationCode: at });

  const task = (await h.http.post('/api/v1/counts').set(bearer(hub.supervisor)).send({ locationCode: at })).body;
  expect(task).toMatchObject({ locationCode: at, status: 'open', lines: null });
  expect((await h.http.post('/api/v1/counts').set(bearer(hub.supervisor)).send({ locationCode: at })).body.error.code).toBe('COUNT_IN_PROGRESS');

  // the operator counts 8 of A and finds no B at all
  const submitted = await h.http.post(`/api/v1/counts/${task.id}/submit`).set(bearer(hub.operator)).send({ lines: [{ barcode: a.barcode, qty: 5 }, { barcode: a.barcode, qty: 3 }] });
  expect(submitted.status).toBe(200);
  expect(submitted.body).toMatchObject({ status: 'submitted', lines: null });
  const twice = await h.http.post(`/api/v1/counts/${task.id}/submit`).set(bearer(hub.operator)).send({ lines: [{ barcode: a.barcode, qty: 10 }] });
  expect([twice.status, twice.body.error.code]).toEqual([409, 'COUNT_ALREADY_SUBMITTED']);
  expect((await h.http.get(`/api/v1/counts/${task.id}`).set(bearer(hub.operator))).body.lines).toBeNull();

  const seen = (await h.http.get(`/api/v1/counts/${task.id}`).set(bearer(hub.supervisor))).body.lines;
  expect(seen.map((l: any) => [l.skuCode, l.lotNo, l.expectedQty, l.countedQty, l.variance]).sort()).toEqual(
    [[a.skuCode, 'L1', 10, 8, -2], [b.skuCode, '', 5, 0, -5]].sort(),
  );
  // nothing changed before approval
  const before = (await h.http.get('/api/v1/inventory').query({ locationCode: at }).set(bearer(hub.seller))).body.items;
  expect(before.map((s: any) => s.onHand).sort()).toEqual([10, 5].sort());
  expect((await h.http.post(`/api/v1/counts/${task.id}/approve`).set(bearer(hub.operator)).send({})).status).toBe(403);
  const approved = await h.http.post(`/api/v1/counts/${task.id}/approve`).set(bearer(hub.supervisor)).send({ note: '复盘确认' });
  expect(approved.body.status).toBe('approved');
  const after = (await h.http.get('/api/v1/inventory').query({ locationCode: at }).set(bearer(hub.seller))).body.items;
  expect(after.map((s: any) => [s.skuCode, s.onHand])).toEqual([[a.skuCode, 8]]);
  const ledger = (await h.http.get('/api/v1/inventory/ledger').query({ kind: 'count' }).set(bearer(hub.seller))).body.items;
  expect(ledger.map((m: any) => [m.skuCode, m.qtyDelta, m.refId]).sort()).toEqual([[a.skuCode, -2, String(task.id)], [b.skuCode, -5, String(task.id)]].sort());
  expect((await h.http.post(`/api/v1/counts/${task.id}/approve`).set(bearer(hub.supervisor)).send({})).body.error.code).toBe('COUNT_NOT_SUBMITTED');
});

test('an item not recorded at the location is refused at submit; a rejected count changes nothing', async () => {
  const hub = await makeHub(h);
  const a = await makeSku(h, hub.seller);
  const stray = await makeSku(h, hub.seller);
  await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: a.barcode, qty: 4, locationCode: hub.ambient[1] });
  const task = (await h.http.post('/api/v1/counts').set(bearer(hub.supervisor)).send({ locationCode: hub.ambient[1] })).body;
  const odd = await h.http.post(`/api/v1/counts/${task.id}/submit`).set(bearer(hub.operator)).send({ lines: [{ barcode: stray.barcode, qty: 1 }] });
  expect([odd.status, odd.body.error.code]).toEqual([422, 'UNEXPECTED_ITEM']);
  await h.http.post(`/api/v1/counts/${task.id}/submit`).set(bearer(hub.operator)).send({ lines: [{ barcode: a.barcode, qty: 9 }] });
  expect((await h.http.post(`/api/v1/counts/${task.id}/reject`).set(bearer(hub.supervisor)).send({ note: '请复盘' })).body.status).toBe('rejected');
  const stock = (await h.http.get('/api/v1/inventory').query({ skuCode: a.skuCode }).set(bearer(hub.seller))).body.items;
  expect(stock[0].onHand).toBe(4);
  // a new count can start once the previous one is decided
  expect((await h.http.post('/api/v1/counts').set(bearer(hub.supervisor)).send({ locationCode: hub.ambient[1] })).status).toBe(201);
});
