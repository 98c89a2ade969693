import { Harness, bearer, keyFor, makeOwner, startHarness, uid } from '../helpers/harness';

let h: Harness;
let owner: { id: number; code: string };
let seller: string;
beforeAll(async () => {
  h = await startHarness();
  owner = await makeOwner(h, '赣南脐橙合作社');
  seller = await keyFor(h, 'seller', { ownerId: owner.id });
});
afterAll(async () => h.close());

const sku = (overrides: Record<string, unknown> = {}) => ({ skuCode: uid('SKU'), name: '赣南脐橙 5斤装', weightG: 2600, temperature: 'ambient', ...overrides });
const create = (body: Record<string, unknown>, token = seller) => h.http.post('/api/v1/skus').set(bearer(token)).send(body);

describe('SKUs', () => {
  test('a seller creates a SKU for its own owner and gets every field back', async () => {
    const body = sku({ barcode: '6901234567892', spec: '5斤/箱', unit: '箱', lengthMm: 300, widthMm: 200, heightMm: 150, shelfLifeDays: 30, lotTracked: true, origin: '江西省赣州市信丰县' });
    const res = await create(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ ...body, ownerId: owner.id, barcodes: ['6901234567892'], cases: [], kit: false, components: [], status: 'active' });
    const again = await h.http.get(`/api/v1/skus/${res.body.id}`).set(bearer(seller));
    expect(again.body).toEqual(res.body);
  });

  test('EAN/UPC check digits are verified; other codes are accepted as internal barcodes', async () => {
    const bad = await create(sku({ barcode: '6901234567893' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0]).toMatchObject({ field: 'barcode', code: 'invalid_barcode' });
    expect((await create(sku({ barcodes: ['96385074'] }))).status).toBe(201); // EAN-8
    expect((await create(sku({ barcodes: ['036000291452'] }))).status).toBe(201); // UPC-A
    expect((await create(sku({ barcode: 'GNQC-ORANGE-5KG' }))).status).toBe(201);
    expect((await create(sku({ barcode: 'has space' }))).status).toBe(400);
  });

  test('SKU codes and barcodes are unique within an owner, not across owners', async () => {
    const code = uid('SKU');
    const barcode = `IN-${uid()}`;
    expect((await create(sku({ skuCode: code, barcode }))).status).toBe(201);
    const dupCode = await create(sku({ skuCode: code }));
    expect([dupCode.status, dupCode.body.error.code]).toEqual([409, 'DUPLICATE']);
    const dupBarcode = await create(sku({ barcode: `X-${uid()}`, barcodes: [`Y-${uid()}`, barcode] }));
    expect([dupBarcode.status, dupBarcode.body.error.code]).toEqual([409, 'DUPLICATE_BARCODE']);
    expect(dupBarcode.body.error.details[0]).toMatchObject({ field: 'barcodes.1', barcode, skuCode: code });
    const other = await makeOwner(h);
    expect((await create({ ...sku({ skuCode: code, barcode }), ownerId: other.id }, h.adminToken)).status).toBe(201);
  });

  test('a case barcode counts its quantity, and a search by barcode finds the SKU', async () => {
    const res = await create(sku({ barcode: `U-${uid()}`, cases: [{ barcode: '16901234567899', qty: 12 }] }));
    expect(res.status).toBe(201);
    expect(res.body.cases).toEqual([{ barcode: '16901234567899', qty: 12 }]);
    const found = await h.http.get('/api/v1/skus').query({ q: '16901234567899' }).set(bearer(seller));
    expect(found.body.items.map((s: any) => s.id)).toEqual([res.body.id]);
  });

  test('a kit is made of the owner’s other SKUs; no nesting, no foreign components', async () => {
    const oranges = (await create(sku({ name: '脐橙 2kg' }))).body;
    const kiwis = (await create(sku({ name: '猕猴桃 1kg', temperature: 'chilled' }))).body;
    const kit = await create(sku({ name: '水果礼盒', components: [{ skuCode: oranges.skuCode, qty: 1 }, { skuCode: kiwis.skuCode, qty: 1 }] }));
    expect(kit.status).toBe(201);
    expect(kit.body.kit).toBe(true);
    expect(kit.body.components.map((c: any) => [c.skuCode, c.qty])).toEqual([[oranges.skuCode, 1], [kiwis.skuCode, 1]]);
    const nested = await create(sku({ components: [{ skuCode: kit.body.skuCode, qty: 1 }] }));
    expect([nested.status, nested.body.error.code]).toEqual([422, 'NESTED_KIT']);
    const other = await makeOwner(h);
    const foreign = (await create({ ...sku(), ownerId: other.id }, h.adminToken)).body;
    const stolen = await create(sku({ components: [{ skuCode: foreign.skuCode, qty: 1 }] }));
    expect([stolen.status, stolen.body.error.code]).toEqual([422, 'UNKNOWN_SKU']);
  });

  test('PATCH changes fields and replaces barcodes; another owner’s seller gets 404', async () => {
    const created = (await create(sku({ barcode: `A-${uid()}` }))).body;
    const newCode = `B-${uid()}`;
    const res = await h.http.patch(`/api/v1/skus/${created.id}`).set(bearer(seller)).send({ weightG: 2700, barcodes: [newCode], status: 'inactive' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ weightG: 2700, barcodes: [newCode], status: 'inactive' });
    const otherSeller = await keyFor(h, 'seller', { ownerId: (await makeOwner(h)).id });
    expect((await h.http.get(`/api/v1/skus/${created.id}`).set(bearer(otherSeller))).status).toBe(404);
    expect((await h.http.patch(`/api/v1/skus/${created.id}`).set(bearer(otherSeller)).send({ weightG: 1 })).status).toBe(404);
    expect((await h.http.get('/api/v1/skus').query({ ownerId: owner.id }).set(bearer(otherSeller))).status).toBe(404);
  });

  test('bad fields are all listed: negative weight, unknown temperature, missing name', async () => {
    const res = await create({ skuCode: uid('S'), weightG: -5, temperature: 'warm' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: any) => d.field).sort()).toEqual(['name', 'temperature', 'weightG']);
  });

  test('staff must name the owner; operators read but do not write', async () => {
    const noOwner = await create(sku(), h.adminToken);
    expect(noOwner.status).toBe(400);
    const operator = await keyFor(h, 'operator');
    expect((await h.http.get('/api/v1/skus').set(bearer(operator))).status).toBe(200);
    expect((await create({ ...sku(), ownerId: owner.id }, operator)).status).toBe(403);
  });
});
