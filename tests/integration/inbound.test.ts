import { Harness, bearer, startHarness, uid } from '../helpers/harness';
import { freshEan, makeHub, makeSku } from '../helpers/stock';
import { pdfToPngs, zbar } from '../helpers/printing';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

async function asnFor(hub: Awaited<ReturnType<typeof makeHub>>, lines: Array<{ skuCode: string; qty: number; lotNo?: string }>) {
  const res = await h.http.post('/api/v1/asns').set(bearer(hub.seller)).send({ reference: uid('ASN'), expectedAt: '2026-11-25', lines });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body;
}

const receive = (hub: any, asnId: number, body: Record<string, unknown>) => h.http.post(`/api/v1/asns/${asnId}/receipts`).set(bearer(hub.operator)).send(body);

test('a seller announces a delivery; a receiver scans it in to the dock, lot and expiry recorded', async () => {
  const hub = await makeHub(h);
  const sku = await makeSku(h, hub.seller, { lotTracked: true, shelfLifeDays: 30, cases: [{ barcode: `CASE-${uid()}`, qty: 12 }] });
  const caseCode = (await h.http.get(`/api/v1/skus/${sku.id}`).set(bearer(hub.seller))).body.cases[0].barcode;
  const asn = await asnFor(hub, [{ skuCode: sku.skuCode, qty: 30 }]);
  expect(asn).toMatchObject({ status: 'announced', lines: [{ skuCode: sku.skuCode, expectedQty: 30, receivedQty: 0 }] });

  const first = await receive(hub, asn.id, { barcode: sku.barcode, qty: 5, lotNo: 'L20261120', producedAt: '2026-11-20', locationCode: hub.dock });
  expect(first.status).toBe(201);
  expect(first.body).toMatchObject({ units: 5, lot: { lotNo: 'L20261120', producedAt: '2026-11-20', expiresAt: '2026-12-20' }, locationCode: hub.dock, line: { receivedQty: 5 }, asn: { status: 'receiving' } });
  const cases = await receive(hub, asn.id, { barcode: caseCode, qty: 2, lotNo: 'L20261120', locationCode: hub.dock });
  expect(cases.body).toMatchObject({ units: 24, line: { receivedQty: 29 } });

  const stock = await h.http.get('/api/v1/inventory').query({ skuCode: sku.skuCode }).set(bearer(hub.seller));
  expect(stock.body.items).toEqual([expect.objectContaining({ lotNo: 'L20261120', expiresAt: '2026-12-20', locationCode: hub.dock, onHand: 29, allocated: 0, available: 29 })]);

  const done = await h.http.post(`/api/v1/asns/${asn.id}/complete`).set(bearer(hub.operator));
  expect(done.body).toMatchObject({ status: 'received', lines: [{ expectedQty: 30, receivedQty: 29, diff: -1 }] });
  const late = await receive(hub, asn.id, { barcode: sku.barcode, qty: 1, lotNo: 'L20261120', locationCode: hub.dock });
  expect([late.status, late.body.error.code]).toEqual([409, 'ASN_RECEIVED']);
  const closed = await h.http.post(`/api/v1/asns/${asn.id}/close`).set(bearer(hub.supervisor));
  expect(closed.body.status).toBe('closed');

  const ledger = await h.http.get('/api/v1/inventory/ledger').query({ skuCode: sku.skuCode }).set(bearer(hub.seller));
  expect(ledger.body.items.map((m: any) => [m.kind, m.qtyDelta, m.refType, m.refId])).toEqual([
    ['receipt', 5, 'asn', String(asn.id)],
    ['receipt', 24, 'asn', String(asn.id)],
  ]);
});

test('each wrong scan is refused with a clear reason and no stock changes', async () => {
  const hub = await makeHub(h);
  const other = await makeHub(h);
  const tracked = await makeSku(h, hub.seller, { lotTracked: true, shelfLifeDays: 10 });
  const notOnAsn = await makeSku(h, hub.seller);
  const foreign = await makeSku(h, other.seller);
  const asn = await asnFor(hub, [{ skuCode: tracked.skuCode, qty: 10 }]);
  const cases: Array<[Record<string, unknown>, number, string]> = [
    [{ barcode: freshEan(), qty: 1, lotNo: 'X', locationCode: hub.dock }, 422, 'UNKNOWN_BARCODE'],
    [{ barcode: foreign.barcode, qty: 1, lotNo: 'X', locationCode: hub.dock }, 422, 'UNKNOWN_BARCODE'],
    [{ barcode: notOnAsn.barcode, qty: 1, locationCode: hub.dock }, 422, 'NOT_ON_ASN'],
    [{ barcode: tracked.barcode, qty: 1, locationCode: hub.dock }, 400, 'LOT_REQUIRED'],
    [{ barcode: tracked.barcode, qty: 1, lotNo: 'X', producedAt: '2026-11-20', expiresAt: '2026-11-01', locationCode: hub.dock }, 400, 'VALIDATION_FAILED'],
    [{ barcode: tracked.barcode, qty: 0, lotNo: 'X', locationCode: hub.dock }, 400, 'VALIDATION_FAILED'],
    [{ barcode: tracked.barcode, qty: -3, lotNo: 'X', locationCode: hub.dock }, 400, 'VALIDATION_FAILED'],
    [{ barcode: tracked.barcode, qty: 5_000_000, lotNo: 'X', locationCode: hub.dock }, 400, 'VALIDATION_FAILED'],
    [{ barcode: tracked.barcode, qty: 1, lotNo: 'X', locationCode: 'NO-SUCH-LOC' }, 422, 'UNKNOWN_LOCATION'],
    [{ barcode: tracked.barcode, qty: 1, lotNo: 'X', locationCode: hub.frozen[0] }, 422, 'TEMPERATURE_MISMATCH'],
    [{ qty: 1, lotNo: 'X', locationCode: hub.dock }, 400, 'VALIDATION_FAILED'],
  ];
  for (const [body, status, code] of cases) {
    const res = await receive(hub, asn.id, body);
    expect({ body, status: res.status, code: res.body.error?.code }).toEqual({ body, status, code });
  }
  // the same lot number received again with other dates is a conflict
  expect((await receive(hub, asn.id, { barcode: tracked.barcode, qty: 1, lotNo: 'LOT-A', producedAt: '2026-11-01', locationCode: hub.dock })).status).toBe(201);
  const mismatch = await receive(hub, asn.id, { barcode: tracked.barcode, qty: 1, lotNo: 'LOT-A', producedAt: '2026-11-05', locationCode: hub.dock });
  expect([mismatch.status, mismatch.body.error.code]).toEqual([409, 'LOT_MISMATCH']);
  const stock = await h.http.get('/api/v1/inventory').query({ ownerId: hub.owner.id }).set(bearer(h.adminToken));
  expect(stock.body.items.map((s: any) => [s.skuCode, s.lotNo, s.onHand])).toEqual([[tracked.skuCode, 'LOT-A', 1]]);
  expect((await h.http.get(`/api/v1/asns/${asn.id}`).set(bearer(hub.seller))).body.lines[0].receivedQty).toBe(1);
});

test('a supervisor receives without an ASN; an operator may not', async () => {
  const hub = await makeHub(h);
  const sku = await makeSku(h, hub.seller);
  const body = { ownerId: hub.owner.id, barcode: sku.barcode, qty: 4, locationCode: hub.dock };
  expect((await h.http.post('/api/v1/receipts').set(bearer(hub.operator)).send(body)).status).toBe(403);
  const res = await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send(body);
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ units: 4, lot: { lotNo: '' } });
});

test('putaway suggests a location of the right temperature, same SKU first, then the closest empty one', async () => {
  const hub = await makeHub(h);
  const sku = await makeSku(h, hub.seller, { lotTracked: true });
  const frozenSku = await makeSku(h, hub.seller, { temperature: 'frozen' });
  await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty: 10, lotNo: 'L1', locationCode: hub.dock });
  await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: frozenSku.barcode, qty: 3, locationCode: hub.dock });

  const s1 = await h.http.get('/api/v1/putaway/suggestion').query({ barcode: sku.barcode, fromLocationCode: hub.dock }).set(bearer(hub.operator));
  expect(s1.status).toBe(200);
  expect(s1.body).toMatchObject({ qty: 10, lot: { lotNo: 'L1' }, reason: 'empty' });
  // locations of this hub only are the closest; the nearest empty ambient pick location is A1
  expect(s1.body.locationCode).toBe(hub.ambient[0]);
  const put = await h.http.post('/api/v1/putaway').set(bearer(hub.operator)).send({ barcode: sku.barcode, fromLocationCode: hub.dock, toLocationCode: hub.ambient[2], qty: 4 });
  expect(put.status).toBe(201);
  expect(put.body).toMatchObject({ from: { onHand: 6 }, to: { onHand: 4, locationCode: hub.ambient[2] } });
  const s2 = await h.http.get('/api/v1/putaway/suggestion').query({ barcode: sku.barcode, fromLocationCode: hub.dock }).set(bearer(hub.operator));
  expect(s2.body).toMatchObject({ locationCode: hub.ambient[2], reason: 'same_sku', qty: 6 });

  // a location code typed in lower case is the same location, on SQLite as on MariaDB
  const lower = await h.http.get('/api/v1/putaway/suggestion').query({ barcode: sku.barcode, fromLocationCode: hub.dock.toLowerCase() }).set(bearer(hub.operator));
  expect(lower.body.locationCode).toBe(hub.ambient[2]);
  const lots = await h.http.get('/api/v1/lots').query({ skuCode: sku.skuCode, lotNo: 'L1' }).set(bearer(hub.seller));
  expect(lots.body.items.map((l: any) => l.lotNo)).toEqual(['L1']);
  const sf = await h.http.get('/api/v1/putaway/suggestion').query({ barcode: frozenSku.barcode, fromLocationCode: hub.dock }).set(bearer(hub.operator));
  expect(sf.body.locationCode).toBe(hub.frozen[0]);
  const wrong = await h.http.post('/api/v1/putaway').set(bearer(hub.operator)).send({ barcode: frozenSku.barcode, fromLocationCode: hub.dock, toLocationCode: hub.ambient[1], qty: 1 });
  expect([wrong.status, wrong.body.error.code]).toEqual([422, 'TEMPERATURE_MISMATCH']);
  const forced = await h.http.post('/api/v1/putaway').set(bearer(hub.operator)).send({ barcode: frozenSku.barcode, fromLocationCode: hub.dock, toLocationCode: hub.ambient[1], qty: 1, override: true });
  expect(forced.status).toBe(422);
  const supervised = await h.http.post('/api/v1/putaway').set(bearer(hub.supervisor)).send({ barcode: frozenSku.barcode, fromLocationCode: hub.dock, toLocationCode: hub.ambient[1], qty: 1, override: true });
  expect(supervised.status).toBe(201);
});

test('moves refuse more than is available and allocated stock; holds and adjustments are recorded', async () => {
  const hub = await makeHub(h);
  const sku = await makeSku(h, hub.seller);
  const r = await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty: 10, locationCode: hub.ambient[0] });
  const move = (qty: number) => h.http.post('/api/v1/inventory/moves').set(bearer(hub.operator)).send({ barcode: sku.barcode, fromLocationCode: hub.ambient[0], toLocationCode: hub.ambient[1], qty });
  const tooMuch = await move(11);
  expect([tooMuch.status, tooMuch.body.error.code]).toEqual([422, 'INSUFFICIENT_STOCK']);
  // allocation comes with the waves issue; here 7 units are marked allocated directly
  await h.runtime.ctx.db('inventory').where({ sku_id: sku.id, lot_id: r.body.lot.id }).update({ allocated: 7 });
  expect((await move(4)).body.error.code).toBe('INSUFFICIENT_STOCK');
  expect((await move(3)).status).toBe(201);
  await h.runtime.ctx.db('inventory').where({ sku_id: sku.id, lot_id: r.body.lot.id }).update({ allocated: 0 });

  const hold = await h.http.post(`/api/v1/lots/${r.body.lot.id}/hold`).set(bearer(hub.operator)).send({ reason: '霉变抽检' });
  expect(hold.body).toMatchObject({ status: 'hold', holdReason: '霉变抽检' });
  expect((await h.http.get('/api/v1/inventory').query({ skuCode: sku.skuCode }).set(bearer(hub.seller))).body.items[0].lotStatus).toBe('hold');
  expect((await h.http.post(`/api/v1/lots/${r.body.lot.id}/release`).set(bearer(hub.operator))).status).toBe(403);
  expect((await h.http.post(`/api/v1/lots/${r.body.lot.id}/release`).set(bearer(hub.supervisor))).body.status).toBe('released');

  const adj = await h.http.post('/api/v1/inventory/adjustments').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, skuCode: sku.skuCode, locationCode: hub.ambient[1], qtyDelta: -2, reason: 'damaged', note: '压坏' });
  expect(adj.status).toBe(201);
  expect(adj.body.stock).toMatchObject({ onHand: 1 });
  const below = await h.http.post('/api/v1/inventory/adjustments').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, skuCode: sku.skuCode, locationCode: hub.ambient[1], qtyDelta: -5, reason: 'lost' });
  expect(below.body.error.code).toBe('INSUFFICIENT_STOCK');
  expect((await h.http.post('/api/v1/inventory/adjustments').set(bearer(hub.operator)).send({ ownerId: hub.owner.id, skuCode: sku.skuCode, locationCode: hub.ambient[1], qtyDelta: 1, reason: 'found' })).status).toBe(403);
});

test('expiring stock is listed soonest first; the lot label scans back to the lot', async () => {
  const hub = await makeHub(h);
  const sku = await makeSku(h, hub.seller, { lotTracked: true });
  const soon = new Date(Date.now() + 2 * 86400_000).toISOString().slice(0, 10);
  const later = new Date(Date.now() + 60 * 86400_000).toISOString().slice(0, 10);
  const a = await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty: 1, lotNo: 'LATE', expiresAt: later, locationCode: hub.dock });
  await h.http.post('/api/v1/receipts').set(bearer(hub.supervisor)).send({ ownerId: hub.owner.id, barcode: sku.barcode, qty: 1, lotNo: 'SOON', expiresAt: soon, locationCode: hub.dock });
  const expiring = await h.http.get('/api/v1/inventory/expiring').query({ days: 7 }).set(bearer(hub.seller));
  expect(expiring.body.items.map((i: any) => i.lotNo)).toEqual(['SOON']);
  const label = await h.http.get(`/api/v1/lots/${a.body.lot.id}/label`).set(bearer(hub.seller)).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  expect(label.status).toBe(200);
  expect(zbar(pdfToPngs(label.body, 203)[0])).toContain(`CODE-128:LOT${a.body.lot.id}`);
  // and a scan of the lot label names the lot in a move
  const mv = await h.http.post('/api/v1/inventory/moves').set(bearer(hub.operator)).send({ barcode: `LOT${a.body.lot.id}`, fromLocationCode: hub.dock, toLocationCode: hub.ambient[0], qty: 1 });
  expect(mv.body).toMatchObject({ lotNo: 'LATE', to: { onHand: 1 } });
});
