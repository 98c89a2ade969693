import { Harness, bearer, startHarness, uid, waitFor } from '../helpers/harness';
import { makeHub, makeSku } from '../helpers/stock';

/**
 * What the pack station and the put-wall terminal ask the server: cartons and stations, a tote
 * by its label, an order by number or from its tote, and the check of each pack scan. Cartons
 * belong to the warehouse, so this file has a database of its own.
 */
let h: Harness;
let warehouseId: number;
beforeAll(async () => {
  h = await startHarness({ database: uid('station') });
  const wh = await h.http.post('/api/v1/warehouses').set(bearer(h.adminToken)).send({ code: 'MAIN', name: '信丰县电商仓' }).expect(201);
  warehouseId = wh.body.id;
  await h.http.patch(`/api/v1/warehouses/${warehouseId}`).set(bearer(h.adminToken)).send({ province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇正平路88号', contactName: '发货组', phone: '07973456789' }).expect(200);
  for (const c of [
    { code: 'S1', name: '1号箱', lengthMm: 200, widthMm: 150, heightMm: 100, maxWeightG: 3000, tareG: 80 },
    { code: 'S2', name: '2号箱', lengthMm: 300, widthMm: 200, heightMm: 150, maxWeightG: 8000, tareG: 150 },
    { code: 'S3', name: '3号箱', lengthMm: 400, widthMm: 300, heightMm: 200, maxWeightG: 15000, tareG: 260 },
  ]) {
    await h.http.post('/api/v1/cartons').set(bearer(h.adminToken)).send(c).expect(201);
  }
  const carrier = await h.http
    .post('/api/v1/carriers')
    .set(bearer(h.adminToken))
    .send({ code: 'TOWN', name: '乡镇配送', adapter: 'local', settings: { prefix: 'TW', rangeStart: 1000, rangeEnd: 9999 } });
  expect(carrier.status).toBe(201);
});
afterAll(async () => {
  await h?.close();
});

const receiver = { name: '张三丰', phone: '13812345678', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路90号3幢' };
type Hub = Awaited<ReturnType<typeof makeHub>>;

/** Orders of one SKU each `units` units, allocated and released together in one wave; picked. */
async function pickedWave(hub: Hub, unitsPerOrder: number[], sku?: { skuCode: string; barcode: string }) {
  const item = sku ?? (await makeSku(h, hub.seller, { name: '赣南脐橙 2斤装', weightG: 1000, lengthMm: 150, widthMm: 100, heightMm: 80 }));
  const total = unitsPerOrder.reduce((a, b) => a + b, 0);
  const rec = await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: item.barcode, qty: total, locationCode: hub.ambient[0] });
  if (rec.status !== 201) throw new Error(JSON.stringify(rec.body));
  const ids: number[] = [];
  for (const units of unitsPerOrder) {
    const created = await h.http.post('/api/v1/orders').set(bearer(hub.seller)).send({ externalId: uid('PS'), receiver, lines: [{ skuCode: item.skuCode, qty: units }] });
    if (created.status !== 201) throw new Error(JSON.stringify(created.body));
    ids.push(created.body.id);
  }
  for (const id of ids) await waitFor(async () => (await h.http.get(`/api/v1/orders/${id}`).set(bearer(hub.seller))).body.status === 'allocated', 15_000, 'allocation');
  const wave = await h.http.post('/api/v1/waves').set(bearer(hub.supervisor)).send({ orderIds: ids });
  if (wave.status !== 201) throw new Error(JSON.stringify(wave.body));
  const detail = (await h.http.get(`/api/v1/waves/${wave.body.id}`).set(bearer(hub.operator))).body;
  for (const t of (await h.http.get(`/api/v1/pick-tasks?waveId=${wave.body.id}`).set(bearer(hub.operator))).body.items) {
    const ok = await h.http.post(`/api/v1/pick-tasks/${t.id}/confirm`).set(bearer(hub.operator)).send({ locationCode: t.locationCode, barcode: item.barcode, qty: t.qty });
    if (ok.status !== 200) throw new Error(JSON.stringify(ok.body));
  }
  return { waveId: wave.body.id as number, ids, sku: item, batches: detail.batches as Array<{ batchNo: number; kind: string; toteCode: string }> };
}

const lookup = (hub: Hub, q: Record<string, string | number>) => h.http.get('/api/v1/pack/lookup').query(q).set(bearer(hub.operator));
const verify = (hub: Hub, id: number, scans: string[]) => h.http.post(`/api/v1/orders/${id}/pack/verify`).set(bearer(hub.operator)).send({ scans });

test('cartons and pack stations: a supervisor sets them up, an operator reads them, mistakes are refused', async () => {
  const hub = await makeHub(h);
  const list = await h.http.get('/api/v1/cartons').set(bearer(hub.operator)).expect(200);
  expect(list.body.items.map((c: any) => c.code)).toEqual(['S1', 'S2', 'S3']);
  expect((await h.http.post('/api/v1/cartons').set(bearer(hub.operator)).send({ code: 'X', name: 'x', lengthMm: 1, widthMm: 1, heightMm: 1 })).status).toBe(403);
  const dup = await h.http.post('/api/v1/cartons').set(bearer(hub.supervisor)).send({ code: 'S1', name: 'again', lengthMm: 10, widthMm: 10, heightMm: 10 });
  expect(dup.status).toBe(409);
  expect(dup.body.error.code).toBe('DUPLICATE_CARTON');
  const zero = await h.http.post('/api/v1/cartons').set(bearer(hub.supervisor)).send({ code: 'Z', name: 'zero', lengthMm: 0, widthMm: 10, heightMm: 10 });
  expect(zero.status).toBe(400);

  const printer = await h.http.post('/api/v1/printers').set(bearer(hub.supervisor)).send({ name: uid('PDF'), language: 'pdf' }).expect(201);
  const unknown = await h.http.post('/api/v1/pack-stations').set(bearer(hub.supervisor)).send({ code: uid('ST'), name: 'st', cartonCodes: ['S1', 'NOPE'] });
  expect(unknown.status).toBe(422);
  expect(unknown.body.error.code).toBe('UNKNOWN_CARTON');
  const code = uid('ST');
  const st = await h.http.post('/api/v1/pack-stations').set(bearer(hub.supervisor)).send({ code, name: '打包台', printerId: printer.body.id, cartonCodes: ['S2', 'S3'] });
  expect(st.status).toBe(201);
  expect(st.body).toMatchObject({ code, printerId: printer.body.id, printerName: printer.body.name, cartonCodes: ['S2', 'S3'], warehouseId });
  const patched = await h.http.patch(`/api/v1/pack-stations/${st.body.id}`).set(bearer(hub.supervisor)).send({ cartonCodes: ['S1'] }).expect(200);
  expect(patched.body.cartonCodes).toEqual(['S1']);
  expect((await h.http.get('/api/v1/pack-stations').set(bearer(hub.operator)).expect(200)).body.items.some((s: any) => s.id === st.body.id)).toBe(true);
});

test('a multi-unit tote: its slots, the order of a complete slot with items and carton, scans checked one by one', async () => {
  const hub = await makeHub(h);
  const w = await pickedWave(hub, [2, 3]);
  const multi = w.batches.find((b) => b.kind === 'multi')!;
  expect(multi).toBeDefined();

  const tote = await h.http.get(`/api/v1/totes/${multi.toteCode.toLowerCase()}`).set(bearer(hub.operator));
  expect(tote.status).toBe(200);
  expect(tote.body).toMatchObject({ toteCode: multi.toteCode, waveId: w.waveId, kind: 'multi' });
  expect(tote.body.orders.map((o: any) => o.orderId).sort()).toEqual([...w.ids].sort());
  expect(tote.body.orders.every((o: any) => o.readyToPack === false && o.sortedUnits === 0)).toBe(true);
  expect((await h.http.get('/api/v1/totes/TOTE-NOPE').set(bearer(hub.operator))).status).toBe(404);

  // before the put-wall the slot's order cannot be packed
  const slot1 = tote.body.orders[0];
  const early = await lookup(hub, { code: multi.toteCode, slot: slot1.slotNo });
  expect(early.status).toBe(409);
  expect(early.body.error.code).toBe('ORDER_NOT_SORTED');
  expect((await lookup(hub, { code: multi.toteCode })).body).toMatchObject({ kind: 'tote', tote: { toteCode: multi.toteCode } });

  for (let i = 0; i < 5; i++) await h.http.post('/api/v1/putwall/scan').set(bearer(hub.operator)).send({ waveId: w.waveId, barcode: w.sku.barcode }).expect(200);
  const sorted = (await h.http.get(`/api/v1/totes/${multi.toteCode}`).set(bearer(hub.operator))).body;
  expect(sorted.orders.every((o: any) => o.readyToPack && o.sortedUnits === o.units)).toBe(true);

  const three = sorted.orders.find((o: any) => o.units === 3);
  const res = await lookup(hub, { code: multi.toteCode, slot: three.slotNo });
  expect(res.status).toBe(200);
  expect(res.body.kind).toBe('order');
  const order = res.body.order;
  expect(order).toMatchObject({ orderId: three.orderId, status: 'picked', waveId: w.waveId, slotNo: three.slotNo, units: 3, itemsWeightG: 3000 });
  expect(order.items).toEqual([expect.objectContaining({ skuCode: w.sku.skuCode, qty: 3, weightG: 1000, lengthMm: 150, barcodes: [{ barcode: w.sku.barcode, units: 1 }] })]);
  // three 150x100x80 boxes (3.6 l): more than S1 holds (3 l); S2 is the smallest that does
  expect(order.cartons.suggested).toBe('S2');
  expect(order.cartons.options.find((o: any) => o.code === 'S1').fits).toBe(false);
  expect(order.parcels).toEqual([]);
  // by its own number too
  const byNo = await lookup(hub, { code: order.externalId });
  expect(byNo.body.order.orderId).toBe(three.orderId);

  // scans, one at a time
  const other = await makeSku(h, hub.seller, { name: '猕猴桃' });
  const first = await verify(hub, three.orderId, [w.sku.barcode]);
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ complete: false, last: { accepted: true, skuCode: w.sku.skuCode, units: 1 }, lines: [{ qty: 3, scanned: 1 }] });
  const wrong = await verify(hub, three.orderId, [w.sku.barcode, other.barcode]);
  expect(wrong.body.last).toMatchObject({ accepted: false, skuCode: other.skuCode });
  expect(wrong.body.last.message).toContain('not in order');
  const stranger = await verify(hub, three.orderId, [w.sku.barcode, '6900000000017']);
  expect(stranger.body.last.accepted).toBe(false);
  const all = await verify(hub, three.orderId, [w.sku.barcode, w.sku.barcode, w.sku.barcode]);
  expect(all.body).toMatchObject({ complete: true, problems: [], last: { accepted: true } });
  const extra = await verify(hub, three.orderId, [w.sku.barcode, w.sku.barcode, w.sku.barcode, w.sku.barcode]);
  expect(extra.body.last.accepted).toBe(false);
  expect(extra.body.complete).toBe(false);

  // packed: the lookup still answers, with the parcel, for reprint or void
  const packed = await h.http.post(`/api/v1/orders/${three.orderId}/pack`).set(bearer(hub.operator)).send({ scans: [w.sku.barcode, w.sku.barcode, w.sku.barcode], weightG: 3200, cartonCode: 'S2' });
  expect(packed.status).toBe(201);
  const after = await lookup(hub, { code: String(three.orderId) });
  expect(after.body.order).toMatchObject({ status: 'packed', units: 3 });
  expect(after.body.order.parcels).toEqual([expect.objectContaining({ waybillNo: packed.body.waybillNo, cartonCode: 'S2', status: 'labelled' })]);
  expect((await h.http.get(`/api/v1/totes/${multi.toteCode}`).set(bearer(hub.operator))).body.orders.find((o: any) => o.orderId === three.orderId)).toMatchObject({ packed: true, readyToPack: false });
});

test('a single-unit tote: scanning an item opens the next order waiting for it; nothing there is a clear refusal', async () => {
  const hub = await makeHub(h);
  const w = await pickedWave(hub, [1, 1]);
  const single = w.batches.find((b) => b.kind === 'single')!;
  expect(single).toBeDefined();
  const first = await lookup(hub, { code: single.toteCode, barcode: w.sku.barcode });
  expect(first.status).toBe(200);
  expect(first.body.kind).toBe('order');
  expect(w.ids).toContain(first.body.order.orderId);
  expect(first.body.order.cartons.suggested).toBe('S1');

  const packed = await h.http.post(`/api/v1/orders/${first.body.order.orderId}/pack`).set(bearer(hub.operator)).send({ scans: [w.sku.barcode], weightG: 1100 });
  expect(packed.status).toBe(201);
  const second = await lookup(hub, { code: single.toteCode, barcode: w.sku.barcode });
  expect(second.body.order.orderId).not.toBe(first.body.order.orderId);
  expect(w.ids).toContain(second.body.order.orderId);

  const other = await makeSku(h, hub.seller, { name: '猕猴桃' });
  const none = await lookup(hub, { code: single.toteCode, barcode: other.barcode });
  expect(none.status).toBe(409);
  expect(none.body.error.code).toBe('NOTHING_TO_PACK');
  const nothing = await lookup(hub, { code: uid('NOSUCH') });
  expect(nothing.status).toBe(404);
});

test('an order not picked yet, and another owner’s order, are not opened at the pack station', async () => {
  const hub = await makeHub(h);
  const sku = await makeSku(h, hub.seller);
  const created = await h.http.post('/api/v1/orders').set(bearer(hub.seller)).send({ externalId: uid('NP'), receiver, lines: [{ skuCode: sku.skuCode, qty: 1 }] });
  expect(created.status).toBe(201);
  const res = await lookup(hub, { code: created.body.externalId ?? created.body.id });
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe('ORDER_NOT_PICKED');
  // a seller of another owner does not see it at all
  const stranger = await makeHub(h);
  const seen = await h.http.post(`/api/v1/orders/${created.body.id}/pack/verify`).set(bearer(stranger.seller)).send({ scans: [sku.barcode] });
  expect([403, 404]).toContain(seen.status);
});
