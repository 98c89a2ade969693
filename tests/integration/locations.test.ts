import iconv from 'iconv-lite';
import { Harness, bearer, keyFor, makeOwner, startHarness, uid } from '../helpers/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { WMS_UPLOAD_LIMIT_MB: '1' } });
});
afterAll(async () => h.close());

const post = (path: string, token: string) => h.http.post(path).set(bearer(token));
function importCsv(data: Buffer | string, query = '') {
  return h.http.post(`/api/v1/locations/import${query}`).set(bearer(h.adminToken)).set('Content-Type', 'text/csv').send(Buffer.isBuffer(data) ? data : Buffer.from(data));
}

describe('locations', () => {
  test('a location is created in a zone of its temperature and listed with position in metres', async () => {
    const zone = uid('Z');
    const code = uid('A');
    const res = await post('/api/v1/locations', h.adminToken).send({ code, zone, temperature: 'chilled', type: 'pick', x: 12.5, y: 3.2, pickSeq: 7 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ code, zone, temperature: 'chilled', type: 'pick', x: 12.5, y: 3.2, pickSeq: 7 });
    const list = await h.http.get('/api/v1/locations').query({ zone }).set(bearer(h.adminToken));
    expect(list.body.items).toHaveLength(1);
    const zones = await h.http.get('/api/v1/zones').set(bearer(h.adminToken));
    expect(zones.body.items.find((z: any) => z.code === zone)).toMatchObject({ temperature: 'chilled' });
  });

  test('a duplicate code is a 409; a location of another temperature than its zone is a 422', async () => {
    const zone = uid('Z');
    const code = uid('A');
    await post('/api/v1/locations', h.adminToken).send({ code, zone, temperature: 'frozen', type: 'pick' });
    const dup = await post('/api/v1/locations', h.adminToken).send({ code, zone, temperature: 'frozen', type: 'pick' });
    expect(dup.status).toBe(409);
    const wrong = await post('/api/v1/locations', h.adminToken).send({ code: uid('A'), zone, temperature: 'ambient', type: 'pick' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe('TEMPERATURE_MISMATCH');
  });

  test('bad fields are all listed', async () => {
    const res = await post('/api/v1/locations', h.adminToken).send({ code: 'has space', zone: 'Z', temperature: 'warm', type: 'shelf', x: -1 });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: any) => d.field).sort()).toEqual(['code', 'temperature', 'type', 'x']);
  });

  test('operators read locations, only supervisors and admins change them, sellers neither', async () => {
    const operator = await keyFor(h, 'operator');
    const supervisor = await keyFor(h, 'supervisor');
    const seller = await keyFor(h, 'seller', { ownerId: (await makeOwner(h)).id });
    expect((await h.http.get('/api/v1/locations').set(bearer(operator))).status).toBe(200);
    expect((await post('/api/v1/locations', operator).send({ code: uid('A'), zone: 'Z9', temperature: 'ambient', type: 'pick' })).status).toBe(403);
    expect((await post('/api/v1/locations', supervisor).send({ code: uid('A'), zone: uid('Z'), temperature: 'ambient', type: 'pick' })).status).toBe(201);
    expect((await h.http.get('/api/v1/locations').set(bearer(seller))).status).toBe(403);
  });
});

describe('location CSV import', () => {
  test('valid rows are applied and each bad row is reported by its row number', async () => {
    const z = uid('Z');
    const [a, b] = [uid('A'), uid('A')];
    const csv = [
      'code,zone,temperature,type,x,y,pick_seq',
      `${a},${z},ambient,pick,1.5,2,1`,
      `${b},${z},ambient,bulk,3,2,`,
      `bad code,${z},ambient,pick,1,1,1`,
      `${uid('A')},${z},lukewarm,pick,1,1,1`,
      `${uid('A')},${z},frozen,pick,1,1,1`,
      `${a},${z},ambient,pick,1,1,1`,
      `${uid('A')},${z},ambient,pick,-4,1,1.5`,
    ].join('\r\n');
    const res = await importCsv(csv);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 2, updated: 0, unchanged: 0, encoding: 'utf-8', dryRun: false });
    const byRow = res.body.errors.map((e: any) => [e.row, e.column, e.code]);
    expect(byRow).toEqual([
      [4, 'code', 'invalid'],
      [5, 'temperature', 'invalid'],
      [6, 'temperature', 'TEMPERATURE_MISMATCH'],
      [7, 'code', 'duplicate_in_file'],
      [8, 'x', 'invalid'],
      [8, 'pick_seq', 'invalid'],
    ]);
    const list = await h.http.get('/api/v1/locations').query({ zone: z }).set(bearer(h.adminToken));
    expect(list.body.items.map((l: any) => l.code).sort()).toEqual([a, b].sort());
  });

  test('re-importing the same file changes nothing; a changed row counts as updated', async () => {
    const z = uid('Z');
    const a = uid('A');
    const csv = `code,zone,temperature,type,x,y\n${a},${z},ambient,pick,1,2\n`;
    expect((await importCsv(csv)).body).toMatchObject({ created: 1, updated: 0, unchanged: 0 });
    expect((await importCsv(csv)).body).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    expect((await importCsv(csv.replace(',1,2', ',9,2'))).body).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
  });

  test('a GBK file with Chinese headers and values, as Excel saves it, is read', async () => {
    const z = uid('Z');
    const a = uid('A');
    const text = `库位编码,库区,温层,类型,X坐标,Y坐标,拣货顺序\r\n${a},${z},冷冻,拣货位,4,5,9\r\n`;
    const res = await importCsv(iconv.encode(text, 'gbk'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: 1, encoding: 'gb18030', errors: [] });
    const loc = (await h.http.get('/api/v1/locations').query({ zone: z }).set(bearer(h.adminToken))).body.items[0];
    expect(loc).toMatchObject({ code: a, temperature: 'frozen', type: 'pick', x: 4, y: 5, pickSeq: 9 });
  });

  test('UTF-8 with a BOM and semicolons, and a multipart upload, are read', async () => {
    const z = uid('Z');
    const bom = await importCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`Code;Zone;Temperature;Type\n${uid('A')};${z};常温;存储位\n`)]));
    expect(bom.body).toMatchObject({ created: 1, errors: [] });
    const multipart = await h.http
      .post('/api/v1/locations/import')
      .set(bearer(h.adminToken))
      .attach('file', Buffer.from(`code,zone,temperature,type\n${uid('A')},${z},ambient,dock\n`), { filename: 'locations.csv', contentType: 'text/csv' });
    expect(multipart.status).toBe(200);
    expect(multipart.body).toMatchObject({ created: 1, errors: [] });
  });

  test('a dry run reports what would happen and writes nothing', async () => {
    const z = uid('Z');
    const res = await importCsv(`code,zone,temperature,type\n${uid('A')},${z},ambient,pick\n`, '?dryRun=true');
    expect(res.body).toMatchObject({ created: 1, dryRun: true });
    const list = await h.http.get('/api/v1/locations').query({ zone: z }).set(bearer(h.adminToken));
    expect(list.body.items).toHaveLength(0);
    expect((await h.http.get('/api/v1/zones').set(bearer(h.adminToken))).body.items.find((x: any) => x.code === z)).toBeUndefined();
  });

  test('an empty file, a missing column, a binary or Excel file and an oversized file each get a clear error', async () => {
    const empty = await importCsv('');
    expect([empty.status, empty.body.error.code]).toEqual([400, 'EMPTY_FILE']);
    const missing = await importCsv('code,zone\nA1,Z\n');
    expect([missing.status, missing.body.error.code]).toEqual([400, 'MISSING_COLUMNS']);
    expect(missing.body.error.details.map((d: any) => d.column)).toEqual(['temperature', 'type']);
    const xlsx = await importCsv(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    expect([xlsx.status, xlsx.body.error.code]).toEqual([400, 'UNREADABLE_FILE']);
    const binary = await importCsv(Buffer.from([0x01, 0x00, 0x02, 0x00, 0xff, 0x00]));
    expect([binary.status, binary.body.error.code]).toEqual([400, 'UNSUPPORTED_FILE']);
    const big = await importCsv('code,zone,temperature,type\n' + `A1,Z,ambient,pick\n`.repeat(70_000));
    expect([big.status, big.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  });

  test('an unterminated quote is reported as malformed CSV and nothing is written', async () => {
    const z = uid('Z');
    const res = await importCsv(`code,zone,temperature,type\n${uid('A')},${z},ambient,pick\n"broken,${z},ambient,pick\n`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('MALFORMED_CSV');
    const list = await h.http.get('/api/v1/locations').query({ zone: z }).set(bearer(h.adminToken));
    expect(list.body.items).toHaveLength(0);
  });
});
