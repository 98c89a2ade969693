import { Harness, bearer, startHarness, uid, waitFor } from '../helpers/harness';
import { makeHub, makeSku } from '../helpers/stock';

/**
 * Waves are one carrier's: orders are grouped by the carrier the rules would choose for them (here
 * by destination, from the carriers' rate tables). Carriers are the hub's, so this file has a
 * database of its own.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ database: uid('wc') });
});
afterAll(async () => {
  await h?.close();
});

const to = (province: string, city: string, district: string) => ({ name: '李四', phone: '13912345678', province, city, district, address: '人民路1号' });

async function carrier(code: string, province: string) {
  const res = await h.http.post('/api/v1/carriers').set(bearer(h.adminToken)).send({ code, name: `${code} 快运`, adapter: 'local', settings: { prefix: code.slice(0, 2), rangeStart: 1, rangeEnd: 9999 } });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  await h.http.put(`/api/v1/carriers/${res.body.id}/rates`).set(bearer(h.adminToken)).send({ rates: [{ province, firstWeightG: 1000, firstFen: 600, extraFenPerKg: 200 }] }).expect(200);
  return res.body;
}

test('automatic waves take one carrier at a time; a wave for a named carrier refuses orders the rules give to another', async () => {
  const hub = await makeHub(h);
  const north = await carrier(uid('NO').toUpperCase().slice(0, 12), '浙江省');
  const south = await carrier(uid('SO').toUpperCase().slice(0, 12), '广东省');
  const sku = await makeSku(h, hub.seller);
  await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty: 10, locationCode: hub.ambient[0] }).expect(201);
  const order = async (receiver: ReturnType<typeof to>) => {
    const res = await h.http.post('/api/v1/orders').set(bearer(hub.seller)).send({ externalId: uid('WC'), receiver, lines: [{ skuCode: sku.skuCode, qty: 1 }] });
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
    return res.body.id as number;
  };
  const z1 = await order(to('浙江省', '杭州市', '西湖区'));
  const g1 = await order(to('广东省', '广州市', '天河区'));
  const z2 = await order(to('浙江省', '宁波市', '海曙区'));
  for (const id of [z1, g1, z2]) await waitFor(async () => (await h.http.get(`/api/v1/orders/${id}`).set(bearer(hub.seller))).body.status === 'allocated', 15_000, 'allocation');

  // named orders for a named carrier: the one the rules send elsewhere is refused, nothing created
  const mixed = await h.http.post('/api/v1/waves').set(bearer(hub.supervisor)).send({ orderIds: [z1, g1], carrierCode: north.code });
  expect(mixed.status).toBe(422);
  expect(mixed.body.error.code).toBe('MIXED_CARRIER');
  expect(mixed.body.error.details).toEqual([expect.objectContaining({ field: 'orderIds', message: `order ${g1} goes to ${south.code}` })]);
  expect((await h.http.get(`/api/v1/orders/${z1}`).set(bearer(hub.seller))).body.status).toBe('allocated');

  // automatic: the first order's carrier, and only its orders
  const first = await h.http.post('/api/v1/waves').set(bearer(hub.supervisor)).send({});
  expect(first.status).toBe(201);
  const w1 = (await h.http.get(`/api/v1/waves/${first.body.id}`).set(bearer(hub.supervisor))).body;
  expect(w1.carrierCode).toBe(north.code);
  expect(w1.orders.map((o: any) => o.orderId).sort()).toEqual([z1, z2].sort());

  // a wave for the named carrier takes its orders only
  const none = await h.http.post('/api/v1/waves').set(bearer(hub.supervisor)).send({ carrierCode: north.code });
  expect([none.status, none.body.error.code]).toEqual([422, 'NO_ORDERS']);
  const second = await h.http.post('/api/v1/waves').set(bearer(hub.supervisor)).send({ carrierCode: south.code });
  expect(second.status).toBe(201);
  const w2 = (await h.http.get(`/api/v1/waves/${second.body.id}`).set(bearer(hub.supervisor))).body;
  expect(w2.carrierCode).toBe(south.code);
  expect(w2.orders.map((o: any) => o.orderId)).toEqual([g1]);
});
