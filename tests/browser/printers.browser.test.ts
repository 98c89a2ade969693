import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { buildWeb, DESKTOP, logInThroughPage, PHONE, type RunningServer, SHOTS, startServer, uid } from './server';

/** The printers page: a Zebra out of paper is shown in words, its test page waits, and prints once paper is loaded. */

const ADMIN_PASSWORD = 'browser-admin-pass-printers';

let server: RunningServer;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** A ZPL printer on loopback: answers ~HS from `paperOut`, keeps the jobs it is sent. */
interface TinyZebra {
  port: number;
  paperOut: boolean;
  jobs: string[];
  close: () => Promise<void>;
}

const hsAnswer = (paperOut: boolean) => `\x02030,${paperOut ? 1 : 0},0,1245,000,0,0,0,000,0,0,0\x03\r\n\x02000,0,0,0,0,2,4,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n`;

async function startTinyZebra(): Promise<TinyZebra> {
  const sockets = new Set<net.Socket>();
  const zebra: TinyZebra = { port: 0, paperOut: true, jobs: [], close: async () => undefined };
  const srv = net.createServer((socket) => {
    sockets.add(socket);
    let data = '';
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      data += chunk.toString('latin1');
      if (data.startsWith('~HS')) {
        data = data.slice(3);
        socket.write(hsAnswer(zebra.paperOut), 'latin1');
      }
    });
    // a job: the sender half-closes after the last byte; the printer closes its side too
    socket.on('end', () => {
      if (data.length) zebra.jobs.push(data);
      socket.end();
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  zebra.port = (srv.address() as net.AddressInfo).port;
  zebra.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      srv.close(() => resolve());
    });
  return zebra;
}

let zebra: TinyZebra;

async function newPage(opts: BrowserContextOptions = {}): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: DESKTOP, ...opts });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

beforeAll(async () => {
  buildWeb();
  server = await startServer(ADMIN_PASSWORD);
  zebra = await startTinyZebra();
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
  await browser?.close();
  await server?.stop();
  await zebra?.close();
});

test('an admin adds a Zebra, sees it out of paper in words, and its test page prints once paper is loaded', async () => {
  const name = `打包台1 Zebra ${uid()}`;
  const page = await newPage();
  await logInThroughPage(page, server.baseUrl, 'admin', ADMIN_PASSWORD);
  await page.getByTestId('nav-printers').click();
  await page.waitForURL('**/printers');

  // register the printer through the form
  await page.getByTestId('printer-new').click();
  await page.getByTestId('printer-name').fill(name);
  await page.getByTestId('printer-language').selectOption('zpl');
  await page.getByTestId('printer-host').fill('127.0.0.1');
  await page.getByTestId('printer-port').fill(String(zebra.port));
  await page.getByTestId('printer-save').click();
  const card = page.getByTestId('printer-card').filter({ hasText: name });
  await card.waitFor();
  expect(squash(await card.getByTestId('printer-state').textContent())).toContain('尚未检查');

  // ask it: out of paper, said as what to do
  await card.getByTestId('printer-check').click();
  await page.waitForFunction((n) => {
    const c = [...document.querySelectorAll('[data-testid="printer-card"]')].find((el) => el.textContent?.includes(n));
    return c?.querySelector('[data-testid="printer-state"]')?.getAttribute('data-state') === 'paper_out';
  }, name);
  expect(squash(await card.getByTestId('printer-state').textContent())).toBe('缺纸 — 装纸后自动继续');

  // a test page: it waits for paper, retried by itself, and says why
  await card.getByTestId('printer-test').click();
  const job = page.getByTestId('print-job').filter({ hasText: name });
  await page.waitForFunction(
    (n) =>
      [...document.querySelectorAll('[data-testid="print-job"]')].some(
        (el) => el.textContent?.includes(n) && el.getAttribute('data-status') === 'retrying' && el.querySelector('[data-testid="print-job-problem"]')?.getAttribute('data-problem') === 'paper_out',
      ),
    name,
    { timeout: 15_000 },
  );
  expect(squash(await job.getByTestId('print-job-status').textContent())).toBe('等待打印机');
  expect(squash(await job.getByTestId('print-job-problem').textContent())).toContain('缺纸 — 装纸后自动继续');
  expect(await job.getByTestId('print-job-cancel').isVisible()).toBe(true);
  expect(await job.getByTestId('print-job-retry').count()).toBe(0);
  expect(zebra.jobs).toHaveLength(0);
  await page.screenshot({ path: path.join(SHOTS, 'printers-paper-out-1280x800.png'), fullPage: true });

  // paper loaded: show every job (a printed one leaves the default "not printed" view) and wait
  await page.getByTestId('pjobs-filter').selectOption('');
  zebra.paperOut = false;
  await page.waitForFunction(
    (n) => [...document.querySelectorAll('[data-testid="print-job"]')].some((el) => el.textContent?.includes(n) && el.getAttribute('data-status') === 'printed'),
    name,
    { timeout: 35_000 },
  );
  expect(squash(await job.getByTestId('print-job-status').textContent())).toBe('已打印');
  expect(await job.getByTestId('print-job-reprint').isVisible()).toBe(true);
  expect(zebra.jobs).toHaveLength(1);
  expect(zebra.jobs[0]).toContain('^XA');
  // the printer's own state follows the printed job
  await page.waitForFunction((n) => {
    const c = [...document.querySelectorAll('[data-testid="printer-card"]')].find((el) => el.textContent?.includes(n));
    return c?.querySelector('[data-testid="printer-state"]')?.getAttribute('data-state') === 'ready';
  }, name);
  expect(squash(await card.getByTestId('printer-state').textContent())).toBe('就绪');
  await page.screenshot({ path: path.join(SHOTS, 'printers-printed-1280x800.png'), fullPage: true });

  // on a phone: large buttons, nothing wider than the screen
  const phone = await newPage({ viewport: PHONE });
  await logInThroughPage(phone, server.baseUrl, 'admin', ADMIN_PASSWORD);
  await phone.goto(server.baseUrl + '/printers');
  await phone.getByTestId('printer-card').filter({ hasText: name }).waitFor();
  expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  const box = await phone.getByTestId('printer-card').filter({ hasText: name }).getByTestId('printer-check').boundingBox();
  expect(box!.height).toBeGreaterThanOrEqual(44);
  await phone.screenshot({ path: path.join(SHOTS, 'printers-360x740.png'), fullPage: true });
});
