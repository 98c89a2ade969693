import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { Harness, bearer, keyFor, makeOwner, startHarness, uid } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { WMS_UPLOAD_LIMIT_MB: '1' } });
});
afterAll(async () => h.close());

async function sellerOf() {
  const owner = await makeOwner(h);
  return { owner, token: await keyFor(h, 'seller', { ownerId: owner.id }) };
}

function upload(token: string, data: Buffer | string, query = '', type = 'text/csv') {
  return h.http.post(`/api/v1/skus/import${query}`).set(bearer(token)).set('Content-Type', type).send(Buffer.isBuffer(data) ? data : Buffer.from(data));
}

async function skusOf(token: string) {
  return (await h.http.get('/api/v1/skus').query({ limit: 500 }).set(bearer(token))).body.items as any[];
}

const HEADER = 'sku_code,name,barcode,spec,unit,weight_g,length_mm,width_mm,height_mm,temperature,shelf_life_days,lot_tracked,origin';

describe('SKU import', () => {
  test('the template, filled in and uploaded as CSV, creates the SKUs; re-uploading it changes nothing', async () => {
    const { token } = await sellerOf();
    const template = await h.http.get('/api/v1/skus/import-template').query({ format: 'csv' }).set(bearer(token));
    expect(template.status).toBe(200);
    expect(template.headers['content-disposition']).toContain('sku-template.csv');
    const lines = template.text.replace(/^\ufeff/, '').trim().split(/\r\n/);
    expect(lines[0]).toBe('商品编码,商品名称,条码,规格,单位,重量(克),长(毫米),宽(毫米),高(毫米),温层,保质期(天),批次管理,产地,箱条码,箱规');
    expect(lines[1]).toMatch(/^#示例 QC-5KG,/);
    // uploaded untouched, the template creates nothing: its example row is marked as a note
    expect((await upload(token, template.text)).body).toMatchObject({ created: 0, errors: [] });
    const filled = '\ufeff' + [lines[0], lines[1].replace('#示例 ', ''), 'KIWI-1KG,眉县猕猴桃 1kg,KW-001,12个装,盒,1100,,,,冷藏,20,否,陕西省宝鸡市眉县,,'].join('\r\n');
    const first = await upload(token, filled);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 2, updated: 0, unchanged: 0, errors: [], dryRun: false });
    const again = await upload(token, filled);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 2, errors: [] });
    const skus = await skusOf(token);
    expect(skus.map((s) => s.skuCode).sort()).toEqual(['KIWI-1KG', 'QC-5KG']);
    expect(skus.find((s) => s.skuCode === 'KIWI-1KG')).toMatchObject({ name: '眉县猕猴桃 1kg', temperature: 'chilled', weightG: 1100, lotTracked: false, barcodes: ['KW-001'] });
    expect(skus.find((s) => s.skuCode === 'QC-5KG')).toMatchObject({ barcode: '6901234567892', lotTracked: true, shelfLifeDays: 30 });
  });

  test('a changed row is reported as updated, not created', async () => {
    const { token } = await sellerOf();
    await upload(token, `${HEADER}\nA1,苹果,,,,500,,,,ambient,,0,\nA2,梨,,,,600,,,,ambient,,0,\n`);
    const res = await upload(token, `${HEADER}\nA1,苹果,,,,550,,,,ambient,,0,\nA2,梨,,,,600,,,,ambient,,0,\n`);
    expect(res.body).toMatchObject({ created: 0, updated: 1, unchanged: 1 });
    expect((await skusOf(token)).find((s) => s.skuCode === 'A1').weightG).toBe(550);
  });

  test('a GBK file as Chinese Excel saves it is detected and read', async () => {
    const { token } = await sellerOf();
    const text = '商品编码,商品名称,条码,重量(克),温层,批次管理,产地\r\nZZ-01,秭归脐橙 10斤,6901234567892,5200,常温,是,湖北省宜昌市秭归县\r\n';
    const res = await upload(token, iconv.encode(text, 'gbk'));
    expect(res.body).toMatchObject({ created: 1, encoding: 'gb18030', errors: [] });
    expect((await skusOf(token))[0]).toMatchObject({ name: '秭归脐橙 10斤', origin: '湖北省宜昌市秭归县', lotTracked: true });
  });

  test('an XLSX file (first sheet, numbers as Excel stores them) is read', async () => {
    const { token } = await sellerOf();
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('商品');
    ws.addRow(['商品编码', '商品名称', '条码', '重量(克)', '温层', '保质期(天)', '箱条码', '箱规']);
    ws.addRow(['XL-1', '冻干草莓 50g', 6901234567892, 80, '冷冻', 365, '16901234567899', 24]);
    ws.addRow([]);
    ws.addRow(['XL-2', { richText: [{ text: '富硒' }, { text: '大米 5kg' }] }, null, 5000, 'ambient', null, null, null]);
    wb.addWorksheet('ignored').addRow(['nothing']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await upload(token, buf, '', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.body).toMatchObject({ created: 2, encoding: 'xlsx', errors: [] });
    const skus = await skusOf(token);
    expect(skus.find((s) => s.skuCode === 'XL-1')).toMatchObject({ barcode: '6901234567892', temperature: 'frozen', shelfLifeDays: 365, cases: [{ barcode: '16901234567899', qty: 24 }] });
    expect(skus.find((s) => s.skuCode === 'XL-2')).toMatchObject({ name: '富硒大米 5kg', barcodes: [] });
  });

  test('each bad row is reported with its row number and column, and the good rows are applied', async () => {
    const { token } = await sellerOf();
    const existing = await h.http.post('/api/v1/skus').set(bearer(token)).send({ skuCode: 'OLD', name: '旧', weightG: 1, temperature: 'ambient', barcode: 'TAKEN-1' });
    expect(existing.status).toBe(201);
    const csv = [
      HEADER,
      'OK-1,好的,,,,100,,,,ambient,,,', // 2
      'BAD-EAN,坏条码,6901234567893,,,100,,,,ambient,,,', // 3
      'NEG,负重量,,,,-5,,,,ambient,,,', // 4
      'NAN,非数字,,,,重,,,,ambient,,,', // 5
      'TEMP,温度,,,,100,,,,warm,,,', // 6
      'OK-1,重复编码,,,,100,,,,ambient,,,', // 7
      'DUPBC-1,条码一,IN-777,,,100,,,,ambient,,,', // 8
      'DUPBC-2,条码二,IN-777,,,100,,,,ambient,,,', // 9
      'TAKEN,已占用,TAKEN-1,,,100,,,,ambient,,,', // 10
      'SCI,科学计数,6.90123E+12,,,100,,,,ambient,,,', // 11
      ',无编码,,,,100,,,,ambient,,,', // 12
      'LOT,批次,,,,100,,,,ambient,,maybe,', // 13
    ].join('\n');
    const res = await upload(token, csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, updated: 0, unchanged: 0, errorCount: 10 });
    expect(res.body.errors.map((e: any) => [e.row, e.column, e.code])).toEqual([
      [3, 'barcode', 'invalid_barcode'],
      [4, 'weight_g', 'invalid'],
      [5, 'weight_g', 'not_a_number'],
      [6, 'temperature', 'invalid'],
      [7, 'sku_code', 'duplicate_in_file'],
      [9, 'barcode', 'duplicate_in_file'],
      [10, 'barcode', 'duplicate_barcode'],
      [11, 'barcode', 'invalid_barcode'],
      [12, 'sku_code', 'required'],
      [13, 'lot_tracked', 'invalid'],
    ]);
    expect(res.body.errors.find((e: any) => e.row === 11).messageZh).toContain('科学计数法');
    expect((await skusOf(token)).map((s) => s.skuCode).sort()).toEqual(['DUPBC-1', 'OK-1', 'OLD']);

    const report = await h.http.get(`/api/v1/skus/imports/${res.body.reportId}/errors`).query({ format: 'csv' }).set(bearer(token));
    expect(report.status).toBe(200);
    const reportRows: string[][] = parse(report.text, { bom: true });
    expect(reportRows).toHaveLength(11);
    expect(reportRows[1]).toEqual(['3', 'barcode', '条码"6901234567893"校验位错误', '"6901234567893" has a wrong check digit', 'invalid_barcode']);
    const xlsx = await h.http.get(`/api/v1/skus/imports/${res.body.reportId}/errors`).query({ format: 'xlsx' }).set(bearer(token)).buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.body);
    expect(wb.worksheets[0].rowCount).toBe(11);
    const stranger = await sellerOf();
    expect((await h.http.get(`/api/v1/skus/imports/${res.body.reportId}/errors`).set(bearer(stranger.token))).status).toBe(404);
  });

  test('a dry run reports and writes nothing', async () => {
    const { token } = await sellerOf();
    const res = await upload(token, `${HEADER}\nDRY,试算,,,,100,,,,ambient,,,\n`, '?dryRun=true');
    expect(res.body).toMatchObject({ created: 1, dryRun: true });
    expect(await skusOf(token)).toEqual([]);
  });

  test('a seller can never import into another owner', async () => {
    const { token } = await sellerOf();
    const other = await makeOwner(h);
    const byColumn = await upload(token, `owner_code,${HEADER}\n${other.code},X1,偷,,,,100,,,,ambient,,,\n`);
    expect(byColumn.body).toMatchObject({ created: 0 });
    expect(byColumn.body.errors[0]).toMatchObject({ row: 2, column: 'owner_code', code: 'unknown_owner' });
    const byQuery = await upload(token, `${HEADER}\nX2,偷,,,,100,,,,ambient,,,\n`, `?ownerId=${other.id}`);
    expect(byQuery.status).toBe(404);
    const otherKey = await keyFor(h, 'seller', { ownerId: other.id });
    expect(await skusOf(otherKey)).toEqual([]);
  });

  test('an admin names the owner by column or query, or is told to', async () => {
    const a = await makeOwner(h);
    const b = await makeOwner(h);
    const missing = await upload(h.adminToken, `${HEADER}\nY1,无货主,,,,100,,,,ambient,,,\n`);
    expect([missing.status, missing.body.error.code]).toEqual([400, 'OWNER_REQUIRED']);
    const res = await upload(h.adminToken, `owner_code,${HEADER}\n${a.code},Y1,甲,,,,100,,,,ambient,,,\n${b.code},Y1,乙,,,,100,,,,ambient,,,\nNOPE,Y2,无,,,,100,,,,ambient,,,\n`);
    expect(res.body).toMatchObject({ created: 2 });
    expect(res.body.errors).toEqual([expect.objectContaining({ row: 4, column: 'owner_code', code: 'unknown_owner' })]);
  });

  test('unreadable, empty, wrong-type, header-less and oversized files each get a clear error and write nothing', async () => {
    const { token } = await sellerOf();
    const cases: Array<[Buffer | string, number, string]> = [
      ['', 400, 'EMPTY_FILE'],
      ['sku_code,name\nA,B\n', 400, 'MISSING_COLUMNS'],
      [Buffer.from('%PDF-1.4\n\x00\x01\x02binary'), 400, 'UNSUPPORTED_FILE'],
      [Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 400, 'UNSUPPORTED_FILE'],
      [Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]), 400, 'UNREADABLE_FILE'],
      [`${HEADER}\n` + 'R,名称很长的商品,,,,100,,,,ambient,,,\n'.repeat(40_000), 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [data, status, code] of cases) {
      const res = await upload(token, data);
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
    }
    const missing = await upload(token, 'sku_code,name\nA,B\n');
    expect(missing.body.error.details.map((d: any) => d.column).sort()).toEqual(['temperature', 'weight_g']);
    expect(await skusOf(token)).toEqual([]);
    // uploads are spooled to disk while they arrive and removed afterwards, refused or not
    const spool = path.join(h.config.dataDir, 'uploads');
    expect(fs.existsSync(spool) ? fs.readdirSync(spool) : []).toEqual([]);
  });
});
