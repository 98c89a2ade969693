import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createDb, type Db } from '../../server/db/knex';
import { nowDb } from '../../server/db/time';
import { hubClock } from '../../server/waves/wave-rules';
import { apiJson, buildWeb, DESKTOP, logInThroughPage, PHONE, randomEan, type RunningServer, SHOTS, startServer, uid } from './server';

/**
 * The supervisor's floor screen on the demo hub: it shows the API's own figures (a wave picked by
 * an operator, a backorder, a carrier near its cut-off, a label that could not be printed and a
 * failed background job), and its Retry buttons print the label and run the job again.
 */

const ADMIN_PASSWORD = 'browser-admin-pass-floor';
const PASSWORD = 'floor-browser-pass';

let server: RunningServer;
let browser: Browser;
let adminToken: string;
let db: Db;
const contexts: BrowserContext[] = [];
const closers: Array<() => Promise<void>> = [];

const call = <T = any>(method: string, p: string, body?: unknown, token = adminToken) => apiJson<T>(server.baseUrl, method, p, body, token);
const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

async function until<T>(fn: () => Promise<T | null | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A TCP port nobody listens on (yet). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A raw label printer on `port`: keeps each job it is sent. */
async function listenAsPrinter(port: number): Promise<Buffer[]> {
  const jobs: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((socket) => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    socket.on('error', () => undefined);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      if (chunks.length) jobs.push(Buffer.concat(chunks));
      socket.end();
    });
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => {
    for (const s of sockets) s.destroy();
    srv.close(() => r());
  }));
  return jobs;
}

/** HH:MM in hub time `minutes` from now, kept within today. */
function hubTimeIn(minutes: number): string {
  const later = hubClock(new Date(Date.now() + minutes * 60_000));
  return later.day === hubClock().day ? later.hhmm : '23:59';
}

beforeAll(async () => {
  buildWeb();
  server = await startServer(ADMIN_PASSWORD);
  adminToken = (await apiJson<{ token: string }>(server.baseUrl, 'POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).token;
  // the test reaches into the server's database only to shorten a printer's half hour of retries
  // and to record a failed background job; everything else goes through the API
  const url = process.env.TEST_DATABASE_URL;
  const file = path.join(server.dataDir, 'wms.sqlite');
  db = createDb(url ? { kind: 'mysql', url } : { kind: 'sqlite', url: `sqlite:${file}`, sqliteFile: file });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  fs.mkdirSync(SHOTS, { recursive: true });
});

afterEach(async () => {
  for (const ctx of contexts.splice(0)) await ctx.close();
});

afterAll(async () => {
  for (const close of closers) await close();
  await browser?.close();
  await db?.destroy();
  await server?.stop();
});

async function shot(page: Page, name: string): Promise<void> {
  await page.setViewportSize(PHONE);
  await page.waitForTimeout(200);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await page.screenshot({ path: path.join(SHOTS, `floor-${name}-360.png`), fullPage: true, animations: 'disabled' });
  await page.setViewportSize(DESKTOP);
  await page.waitForTimeout(200);
  await page.screenshot({ path: path.join(SHOTS, `floor-${name}-1280.png`), fullPage: true, animations: 'disabled' });
}

test('a supervisor sees the floor as the API counts it, and retries a failed label and a failed job', async () => {
  // --- a floor, made through the API ---
  const code = `FL${uid()}`;
  const owner = await call('POST', '/api/v1/owners', { code, name: `眉县猕猴桃合作社 ${code}` });
  const sku = { skuCode: `${code}-KIWI`, barcode: randomEan() };
  await call('POST', '/api/v1/skus', { ownerId: owner.id, skuCode: sku.skuCode, name: '徐香猕猴桃 3斤装', weightG: 1600, temperature: 'ambient', barcode: sku.barcode });
  await call('POST', '/api/v1/receipts', { ownerId: owner.id, barcode: sku.barcode, qty: 4, locationCode: 'A06-16' });
  const receiver = { name: '陈晓明', phone: '13812340001', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路90号' };
  const order = async (externalId: string, qty: number, status: string) => {
    const o = await call('POST', '/api/v1/orders', { ownerId: owner.id, externalId, receiver, lines: [{ skuCode: sku.skuCode, qty }] });
    await until(async () => (await call('GET', `/api/v1/orders/${o.id}`)).status === status, `order ${externalId} ${status}`);
    return o;
  };
  const picked = await order(`${code}-1`, 2, 'allocated');
  const short = await order(`${code}-2`, 10, 'backorder');

  const cutoffAt = hubTimeIn(30);
  const releaseAt = hubTimeIn(29) < cutoffAt ? hubTimeIn(29) : '23:58';
  await call('POST', '/api/v1/wave-rules', { name: '乡村配送 截单', temperature: 'ambient', carrierCode: 'VILLAGE', releaseAt, cutoffAt });
  const wave = await call('POST', '/api/v1/waves', { orderIds: [picked.id], carrierCode: 'VILLAGE' });
  const picker = `picker_${code.toLowerCase()}`;
  await call('POST', '/api/v1/users', { username: picker, password: PASSWORD, role: 'operator' });
  const pickerToken = (await call('POST', '/api/v1/auth/login', { username: picker, password: PASSWORD }, '')).token;
  for (const t of (await call('GET', `/api/v1/pick-tasks?waveId=${wave.id}`, undefined, pickerToken)).items) {
    await call('POST', `/api/v1/pick-tasks/${t.id}/confirm`, { locationCode: t.locationCode, barcode: sku.barcode, qty: t.qty }, pickerToken);
  }

  // a label printer that refuses connections; its half hour of retries is cut to two tries
  const port = await closedPort();
  const printer = await call('POST', '/api/v1/printers', { name: `打包台2 ${code}`, language: 'zpl', host: '127.0.0.1', port, statusCheck: false });
  const printJob = await call('POST', `/api/v1/printers/${printer.id}/test`);
  const send = await until(() => db('outbox_jobs').where({ type: 'print.send', status: 'pending' }).where('payload', 'like', `%"printJobId":${printJob.id}}%`).where('attempts', '>=', 1).first(), 'print.send waiting to retry');
  await db('outbox_jobs').where({ id: send.id }).update({ max_attempts: send.attempts + 1, run_after: '2000-01-01 00:00:00.000' });
  await until(async () => (await call('GET', `/api/v1/print-jobs/${printJob.id}`)).status === 'failed', 'print job failed');
  const now = nowDb();
  const [jobId] = await db('outbox_jobs').insert({ type: 'system.maintenance', payload: '{}', status: 'failed', attempts: 1, max_attempts: 1, run_after: now, last_error: `店铺接口超时 / store platform timed out ${code}`, created_at: now, updated_at: now, finished_at: now });

  const supervisor = `sup_${code.toLowerCase()}`;
  await call('POST', '/api/v1/users', { username: supervisor, password: PASSWORD, role: 'supervisor' });

  // --- the page ---
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: DESKTOP });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  await logInThroughPage(page, server.baseUrl, supervisor, PASSWORD);
  await page.getByTestId('nav-floor').click();
  await page.getByTestId('floor').waitFor();
  expect(new URL(page.url()).pathname).toBe('/floor');
  await expect(page.locator('h1').textContent()).resolves.toBe('今日现场');

  // every status tile shows the API's count (the page looks again every 10 s: compared until they agree)
  await until(async () => {
    const floor = await call('GET', '/api/v1/floor');
    for (const s of floor.ordersByStatus) {
      if (squash(await page.getByTestId(`floor-status-${s.status}`).locator('.floor-tile-count').textContent()) !== String(s.count)) return false;
    }
    return true;
  }, 'status tiles equal to the API', 30_000);
  const floor = await call('GET', '/api/v1/floor');
  expect(floor.ordersByStatus.find((s: any) => s.status === 'backorder').count).toBeGreaterThanOrEqual(1);
  expect(floor.ordersByStatus.find((s: any) => s.status === 'picked').count).toBeGreaterThanOrEqual(1);

  // the village round: cut-off in half an hour with our picked order waiting → red
  const village = floor.carriers.find((c: any) => c.carrierCode === 'VILLAGE');
  expect(village).toMatchObject({ cutoffAt, atRisk: true });
  const card = page.getByTestId('floor-carrier-VILLAGE');
  expect(await card.getAttribute('data-risk')).toBe('yes');
  expect(squash(await card.getByTestId('floor-cutoff').textContent())).toContain(cutoffAt);
  expect(squash(await card.getByTestId('floor-toPack').textContent())).toBe(String(village.toPack));
  expect(await card.evaluate((el) => getComputedStyle(el).borderColor)).toBe('rgb(164, 35, 27)');
  expect(await page.getByTestId('floor-carrier-COLDVAN').getAttribute('data-risk')).toBe('no');
  await page.getByTestId('floor-carrier-none').waitFor();

  // the wave, picked in full by the operator, its order waiting to be packed
  const w = page.getByTestId(`floor-wave-${wave.id}`);
  expect(squash(await w.getByTestId('floor-wave-picked').getAttribute('aria-valuenow'))).toBe('2');
  expect(squash(await w.textContent())).toContain(picker);
  expect(floor.waves.find((x: any) => x.id === wave.id)).toMatchObject({ orders: 1, units: 2, pickedUnits: 2, pickers: [picker] });

  // the backorder with its reason, linking to the order
  const row = page.getByTestId('floor-backorders').locator('tr', { hasText: `${code}-2` });
  expect(squash(await row.textContent())).toContain('short 8 of 10');
  expect(await row.locator('a').getAttribute('href')).toBe(`/orders/${short.id}`);

  // the picker's units today, as the API rates them
  const person = floor.people.find((p: any) => p.username === picker && p.activity === 'pick');
  expect(person).toMatchObject({ units: 2, tasks: 1, unitsPerHour: 8 });
  const personRow = page.getByTestId(`floor-person-pick-${picker}`);
  expect(squash(await personRow.getByTestId('floor-person-units').textContent())).toBe('2');
  expect(squash(await personRow.getByTestId('floor-person-rate').textContent())).toBe('8');

  // failures, in words, with Retry
  expect(floor.failedPrints.items.map((j: any) => j.id)).toContain(printJob.id);
  expect(floor.failedJobs.items.map((j: any) => j.id)).toContain(Number(jobId));
  const printRow = page.getByTestId('floor-failed-prints').locator('tr', { hasText: printer.name });
  expect(squash(await printRow.textContent())).toContain('打印机离线');
  await page.getByTestId(`floor-job-retry-${jobId}`).waitFor();
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, 'zh');

  // the printer is back: Retry prints the label once
  const jobs = await listenAsPrinter(port);
  await page.getByTestId(`floor-print-retry-${printJob.id}`).click();
  await page.getByText(`打印任务 ${printJob.id} 已重新发送到打印机。`).waitFor();
  await until(async () => (await call('GET', `/api/v1/print-jobs/${printJob.id}`)).status === 'printed', 'printed on retry');
  expect(jobs.length).toBe(1);
  expect(jobs[0].toString('latin1')).toContain('^XA');

  await page.getByTestId(`floor-job-retry-${jobId}`).click();
  await page.getByText(`任务 ${jobId} 将重新运行。`).waitFor();
  await until(async () => (await db('outbox_jobs').where({ id: jobId }).first()).status === 'done', 'job done on retry');
  // within one refresh both are gone from the page
  await page.getByTestId(`floor-print-retry-${printJob.id}`).waitFor({ state: 'detached' });
  await page.getByTestId(`floor-job-retry-${jobId}`).waitFor({ state: 'detached' });

  // and in English
  await page.getByTestId('lang-switch').click();
  await page.getByRole('heading', { name: 'Floor today' }).waitFor();
  await shot(page, 'en');
});

test('operators do not get the floor screen', async () => {
  const name = `op_${uid().toLowerCase()}`;
  await call('POST', '/api/v1/users', { username: name, password: PASSWORD, role: 'operator' });
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: DESKTOP });
  contexts.push(ctx);
  const page = await ctx.newPage();
  await logInThroughPage(page, server.baseUrl, name, PASSWORD);
  expect(await page.getByTestId('nav-floor').count()).toBe(0);
  await page.goto(server.baseUrl + '/floor');
  await page.getByTestId('whoami').waitFor();
  expect(await page.getByTestId('floor').count()).toBe(0);
});
