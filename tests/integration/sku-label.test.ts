import { Harness, bearer, keyFor, makeOwner, startHarness, uid } from '../helpers/harness';
import { pdfText, pdfToPngs, zbar } from '../helpers/printing';
import { gtinCheckDigit } from '../../printers/barcode-check';

let h: Harness;
let seller: string;
beforeAll(async () => {
  h = await startHarness();
  seller = await keyFor(h, 'seller', { ownerId: (await makeOwner(h, '信丰县赣南脐橙合作社')).id });
});
afterAll(async () => h.close());

function binary(res: any, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

async function label(id: number, query: Record<string, string | number>, token = seller) {
  return h.http.get(`/api/v1/skus/${id}/label`).query(query).set(bearer(token)).buffer(true).parse(binary);
}

test('a SKU label PDF, rendered at 203 dpi, scans back to the SKU’s EAN-13 barcode, on both label sizes', async () => {
  const sku = (await h.http.post('/api/v1/skus').set(bearer(seller)).send({ skuCode: uid('QC'), name: '赣南脐橙 5斤装 特级果', spec: '果径75-80mm', weightG: 2600, temperature: 'ambient', barcode: '6901234567892' })).body;
  for (const size of ['60x40', '100x50']) {
    const res = await label(sku.id, { format: 'pdf', size });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const pages = pdfToPngs(res.body, 203);
    expect(pages).toHaveLength(1);
    expect(zbar(pages[0])).toContain('EAN-13:6901234567892');
    expect(pdfText(res.body)).toContain('赣南脐橙');
  }
});

test('without a GS1 barcode the label carries the internal code (or the SKU code) as Code128; copies make pages', async () => {
  const code = uid('GNQC-');
  const sku = (await h.http.post('/api/v1/skus').set(bearer(seller)).send({ skuCode: code, name: '脐橙礼盒', weightG: 3000, temperature: 'ambient' })).body;
  const res = await label(sku.id, { format: 'pdf', copies: 3 });
  const pages = pdfToPngs(res.body, 203);
  expect(pages).toHaveLength(3);
  for (const page of pages) expect(zbar(page)).toContain(`CODE-128:${code}`);
});

test('printer languages come back as printer bytes with the barcode command', async () => {
  const ean = `692000000123${gtinCheckDigit('692000000123')}`;
  const sku = (await h.http.post('/api/v1/skus').set(bearer(seller)).send({ skuCode: uid('L'), name: '猕猴桃', weightG: 1000, temperature: 'chilled', barcode: ean })).body;
  const zpl = await label(sku.id, { format: 'zpl' });
  expect(zpl.headers['content-type']).toMatch(/zpl/);
  expect(zpl.body.toString('latin1')).toMatch(new RegExp(`^\\^XA[\\s\\S]*\\^BE[\\s\\S]*${ean.slice(0, 12)}[\\s\\S]*\\^XZ`));
  const tspl = await label(sku.id, { format: 'tspl', size: '100x50' });
  expect(tspl.body.toString('latin1')).toMatch(/SIZE 100(\.0)? mm,\s?50(\.0)? mm/);
  expect(tspl.body.toString('latin1')).toMatch(new RegExp(`BARCODE [^\\r\\n]*"EAN13"[^\\r\\n]*"${ean.slice(0, 12)}`));
  const escpos = await label(sku.id, { format: 'escpos' });
  expect(escpos.body.includes(Buffer.from([0x1d, 0x6b]))).toBe(true);
});

test('another owner’s SKU label is not found; a bad format is a 400', async () => {
  const sku = (await h.http.post('/api/v1/skus').set(bearer(seller)).send({ skuCode: uid('X'), name: '米', weightG: 5000, temperature: 'ambient' })).body;
  const stranger = await keyFor(h, 'seller', { ownerId: (await makeOwner(h)).id });
  expect((await label(sku.id, { format: 'pdf' }, stranger)).status).toBe(404);
  expect((await label(sku.id, { format: 'png' })).status).toBe(400);
});
