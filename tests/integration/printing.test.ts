import { Harness, bearer, startHarness, uid, waitFor } from '../helpers/harness';
import { startFakeNetworkPrinter, type FakeNetworkPrinter } from '../helpers/fake-printer';

/**
 * Print jobs through the real queue to a printer on loopback that answers its language's status
 * query: test pages, a printer that is off, out of paper, dropping the connection or hanging,
 * each retried with backoff and printed exactly once when it recovers; cancel and reprint.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ env: { WMS_PRINTER_TIMEOUT_MS: '1000' } });
});
afterAll(async () => {
  await h?.close();
});

async function register(language: string, device: FakeNetworkPrinter) {
  const res = await h.http.post('/api/v1/printers').set(bearer(h.adminToken)).send({ name: uid(`PR-${language}`), language, host: '127.0.0.1', port: device.port, station: 'PACK-01' });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  return res.body;
}
const job = async (id: number) => (await h.http.get(`/api/v1/print-jobs/${id}`).set(bearer(h.adminToken))).body;
const testPage = async (printerId: number) => {
  const res = await h.http.post(`/api/v1/printers/${printerId}/test`).set(bearer(h.adminToken));
  expect(res.status).toBe(202);
  return res.body;
};
const until = (id: number, pred: (j: any) => boolean, what: string, ms = 15_000) => waitFor(async () => { const j = await job(id); return pred(j) ? j : null; }, ms, what);

test.each(['zpl', 'tspl', 'escpos'])('a %s test page prints with its barcode, once', async (language) => {
  const device = await startFakeNetworkPrinter(language as any);
  try {
    const p = await register(language, device);
    const status = await h.http.get(`/api/v1/printers/${p.id}/status`).set(bearer(h.adminToken));
    expect(status.body).toMatchObject({ state: 'ready', problems: [] });
    const j = await testPage(p.id);
    await until(j.id, (x) => x.status === 'printed', 'printed');
    const bytes = device.jobs[0];
    const text = bytes.toString('latin1');
    if (language === 'zpl') expect(text).toMatch(new RegExp(`\\^BC[^]*\\^FD[^^]*TEST-${p.id}`));
    if (language === 'tspl') expect(text).toMatch(new RegExp(`BARCODE [^\\r\\n]*"128"[^\\r\\n]*"TEST-${p.id}"`));
    if (language === 'escpos') {
      const gsk = bytes.indexOf(Buffer.from([0x1d, 0x6b, 73]));
      expect(gsk).toBeGreaterThan(0);
      expect(bytes.subarray(gsk + 4, gsk + 4 + bytes[gsk + 3]).toString('latin1')).toContain(`TEST-${p.id}`.slice(0, 5));
    }
    expect(device.jobs.length).toBe(1);
  } finally {
    await device.close();
  }
});

test('a printer that is off: the job retries with "offline" and prints once when the printer is back', async () => {
  const device = await startFakeNetworkPrinter('zpl');
  const p = await register('zpl', device);
  await device.stop();
  const j = await testPage(p.id);
  const waiting = await until(j.id, (x) => x.status === 'retrying', 'retrying');
  expect(waiting.problem).toBe('offline');
  expect((await h.http.get(`/api/v1/printers/${p.id}`).set(bearer(h.adminToken))).body.state).toBe('offline');
  await device.start();
  await until(j.id, (x) => x.status === 'printed', 'printed after the printer came back', 30_000);
  await new Promise((r) => setTimeout(r, 500));
  expect(device.jobs.length).toBe(1);
  expect((await h.http.get(`/api/v1/printers/${p.id}`).set(bearer(h.adminToken))).body.state).toBe('ready');
  await device.close();
});

test('out of paper and head open are told to the operator; the label prints once paper is in', async () => {
  const device = await startFakeNetworkPrinter('tspl');
  const p = await register('tspl', device);
  device.state = 'head-open';
  expect((await h.http.get(`/api/v1/printers/${p.id}/status`).set(bearer(h.adminToken))).body).toMatchObject({ state: 'head_open' });
  device.state = 'paper-out';
  const j = await testPage(p.id);
  const waiting = await until(j.id, (x) => x.status === 'retrying', 'retrying');
  expect(waiting.problem).toBe('paper_out');
  expect(device.jobs.length).toBe(0);
  device.state = 'ready';
  await until(j.id, (x) => x.status === 'printed', 'printed', 30_000);
  expect(device.jobs.length).toBe(1);
  await device.close();
});

test('a printer that drops the connection mid-job, or accepts and never answers, is retried; a job can be cancelled', async () => {
  const device = await startFakeNetworkPrinter('escpos');
  const p = await register('escpos', device);
  device.mode = 'drop';
  const j = await testPage(p.id);
  const dropped = await until(j.id, (x) => x.status === 'retrying', 'retrying');
  expect(dropped.problem).toBe('dropped');
  device.mode = 'normal';
  await until(j.id, (x) => x.status === 'printed', 'printed', 30_000);
  expect(device.jobs.length).toBe(1);

  device.mode = 'hang';
  const k = await testPage(p.id);
  const hung = await until(k.id, (x) => x.status === 'retrying', 'retrying');
  expect(hung.problem).toBe('offline');
  expect(hung.lastError).toContain('no status answer');
  const cancelled = await h.http.post(`/api/v1/print-jobs/${k.id}/cancel`).set(bearer(h.adminToken));
  expect(cancelled.body.status).toBe('cancelled');
  device.mode = 'normal';
  await new Promise((r) => setTimeout(r, 4500)); // past the next retry
  expect((await job(k.id)).status).toBe('cancelled');
  expect(device.jobs.length).toBe(1);

  // a reprint is a new job that says what it reprints
  const again = await h.http.post(`/api/v1/print-jobs/${j.id}/reprint`).set(bearer(h.adminToken)).send({});
  expect(again.status).toBe(201);
  expect(again.body.reprintOf).toBe(j.id);
  await until(again.body.id, (x) => x.status === 'printed', 'reprinted');
  expect(device.jobs.length).toBe(2);
  const failedList = await h.http.get(`/api/v1/print-jobs?printerId=${p.id}&status=cancelled`).set(bearer(h.adminToken));
  expect(failedList.body.items.map((x: any) => x.id)).toEqual([k.id]);
  await device.close();
});

test('bad printer registrations are refused', async () => {
  const noHost = await h.http.post('/api/v1/printers').set(bearer(h.adminToken)).send({ name: uid('X'), language: 'zpl' });
  expect(noHost.status).toBe(400);
  expect(noHost.body.error.details[0].field).toBe('host');
  const lang = await h.http.post('/api/v1/printers').set(bearer(h.adminToken)).send({ name: uid('X'), language: 'epl', host: '10.0.0.9' });
  expect(lang.status).toBe(400);
  const name = uid('DUP');
  await h.http.post('/api/v1/printers').set(bearer(h.adminToken)).send({ name, language: 'pdf' }).expect(201);
  expect((await h.http.post('/api/v1/printers').set(bearer(h.adminToken)).send({ name, language: 'pdf' })).status).toBe(409);
});
