import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { apiJson, buildWeb, DESKTOP, logInThroughPage, pathname, PHONE, randomEan, type RunningServer, SHOTS, startServer, uid } from './server';
import { result, scan, textOf } from './scanner';
import { startFakeNetworkPrinter, type FakeNetworkPrinter } from '../helpers/fake-printer';
import { parseTspl } from '../helpers/printing';

/**
 * The pack station at a desktop in Chinese: an order picked through a wave and sorted on the
 * put-wall is opened from its tote and slot, a wrong item is refused, every item is scanned,
 * Pack gets the waybill (once, though the network drops on the first press) and its label
 * arrives at a TSPL printer on loopback; then the waybill is voided and a new one printed.
 */

const ADMIN_PASSWORD = 'browser-admin-pass-pack';
const OPERATOR_PASSWORD = 'operator-pass-pack';

let server: RunningServer;
let browser: Browser;
let adminToken: string;
let device: FakeNetworkPrinter;
const contexts: BrowserContext[] = [];

const apiCall = <T>(method: string, p: string, body?: unknown, token = adminToken) => apiJson<T>(server.baseUrl, method, p, body, token);

const expectScanFocus = (page: Page) => page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'scan-input', null, { timeout: 1000 });

/** The current screen at phone and desktop width (nothing wider than the phone), back at desktop width. */
async function shot(page: Page, name: string): Promise<void> {
  await page.setViewportSize(PHONE);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, `pack-${name}-360.png`), fullPage: true, animations: 'disabled' });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(SHOTS, `pack-${name}-1280.png`), fullPage: true, animations: 'disabled' });
}

async function waitFor(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  buildWeb();
  server = await startServer(ADMIN_PASSWORD);
  adminToken = (await apiCall<{ token: string }>('POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD }, '')).token;
  device = await startFakeNetworkPrinter('tspl');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
  fs.mkdirSync(SHOTS, { recursive: true });
});

afterEach(async () => {
  for (const ctx of contexts.splice(0)) await ctx.close();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await device?.close();
});

interface Picked {
  orderId: number;
  externalId: string;
  toteCode: string;
  slotNo: number;
  orange: { skuCode: string; name: string; barcode: string };
  dried: { skuCode: string; name: string; barcode: string };
  notInOrder: string;
  foreign: string;
}

/** An owner's order of 2 + 1 units, picked through a wave into a tote and sorted into its put-wall slot. */
async function pickedOrder(code: string): Promise<Picked> {
  const owner = await apiCall<{ id: number }>('POST', '/api/v1/owners', { code, name: `信丰脐橙合作社 ${code}` });
  const other = await apiCall<{ id: number }>('POST', '/api/v1/owners', { code: `${code}X`, name: `别的合作社 ${code}` });
  const orange = { skuCode: `${code}-QC`, name: '赣南脐橙 5斤装', barcode: randomEan() };
  const dried = { skuCode: `${code}-DRY`, name: '脐橙果干 200g', barcode: randomEan() };
  const juice = { skuCode: `${code}-JU`, barcode: randomEan() };
  const foreign = randomEan();
  await apiCall('POST', '/api/v1/skus', { ownerId: owner.id, skuCode: orange.skuCode, name: orange.name, spec: '果径75-80mm', weightG: 2500, lengthMm: 250, widthMm: 180, heightMm: 120, temperature: 'ambient', barcode: orange.barcode });
  await apiCall('POST', '/api/v1/skus', { ownerId: owner.id, skuCode: dried.skuCode, name: dried.name, weightG: 220, lengthMm: 150, widthMm: 100, heightMm: 40, temperature: 'ambient', barcode: dried.barcode });
  await apiCall('POST', '/api/v1/skus', { ownerId: owner.id, skuCode: juice.skuCode, name: '脐橙汁 1L', weightG: 1100, temperature: 'ambient', barcode: juice.barcode });
  await apiCall('POST', '/api/v1/skus', { ownerId: other.id, skuCode: `${code}-F`, name: '别人的商品', weightG: 100, temperature: 'ambient', barcode: foreign });
  const loc = await apiCall<{ code: string }>('POST', '/api/v1/locations', { code: `${code}-P1`, zone: `${code}Z`, temperature: 'ambient', type: 'pick', x: 70, y: 40 });
  await apiCall('POST', '/api/v1/receipts', { ownerId: owner.id, barcode: orange.barcode, qty: 6, locationCode: loc.code });
  await apiCall('POST', '/api/v1/receipts', { ownerId: owner.id, barcode: dried.barcode, qty: 4, locationCode: loc.code });

  const externalId = `WX-${code}`;
  const receiver = { name: '刘建国', phone: '13907970011', province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇正平路88号' };
  const order = await apiCall<{ id: number }>('POST', '/api/v1/orders', { ownerId: owner.id, externalId, receiver, lines: [{ skuCode: orange.skuCode, qty: 2 }, { skuCode: dried.skuCode, qty: 1 }] });
  await waitFor(async () => (await apiCall<{ status: string }>('GET', `/api/v1/orders/${order.id}`)).status === 'allocated', 20_000, 'allocation');
  const wave = await apiCall<{ id: number }>('POST', '/api/v1/waves', { orderIds: [order.id] });
  const tasks = await apiCall<{ items: Array<{ id: number; locationCode: string; skuCode: string; qty: number }> }>('GET', `/api/v1/pick-tasks?waveId=${wave.id}`);
  for (const task of tasks.items) {
    const barcode = task.skuCode === orange.skuCode ? orange.barcode : dried.barcode;
    await apiCall('POST', `/api/v1/pick-tasks/${task.id}/confirm`, { locationCode: task.locationCode, barcode, qty: task.qty });
  }
  for (const barcode of [orange.barcode, orange.barcode, dried.barcode]) await apiCall('POST', '/api/v1/putwall/scan', { waveId: wave.id, barcode });
  const detail = await apiCall<{ batches: Array<{ toteCode: string }> }>('GET', `/api/v1/waves/${wave.id}`);
  const toteCode = detail.batches[0].toteCode;
  const tote = await apiCall<{ orders: Array<{ orderId: number; slotNo: number; readyToPack: boolean }> }>('GET', `/api/v1/totes/${toteCode}`);
  const mine = tote.orders.find((o) => o.orderId === order.id)!;
  expect(mine.readyToPack).toBe(true);
  return { orderId: order.id, externalId, toteCode, slotNo: mine.slotNo, orange, dried, notInOrder: juice.barcode, foreign };
}

test('a packer opens an order from its tote, is stopped by a wrong item, packs it, and the label prints; void gives a new waybill', async () => {
  const code = `PK${uid()}`;
  const o = await pickedOrder(code);
  const printer = await apiCall<{ id: number; name: string }>('POST', '/api/v1/printers', { name: `打包台 TSC ${code}`, language: 'tspl', host: '127.0.0.1', port: device.port, station: code });
  const station = await apiCall<{ id: number; code: string }>('POST', '/api/v1/pack-stations', { code, name: `打包台 ${code}`, printerId: printer.id });
  const operator = `pk_${code.toLowerCase()}`;
  await apiCall('POST', '/api/v1/users', { username: operator, password: OPERATOR_PASSWORD, role: 'operator' });
  const lookup = await apiCall<{ kind: string; order: { cartons: { suggested: string | null } } }>('GET', `/api/v1/pack/lookup?code=${o.externalId}&stationId=${station.id}`);
  const suggested = lookup.order.cartons.suggested;
  expect(suggested).toBeTruthy();

  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: DESKTOP });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  await logInThroughPage(page, server.baseUrl, operator, OPERATOR_PASSWORD);
  await page.goto(server.baseUrl + '/terminal');
  await page.getByTestId('term-menu-pack').waitFor();
  await page.keyboard.press('6');
  await page.getByTestId('term-pack').waitFor();
  expect(pathname(page)).toBe('/terminal/pack');

  // --- the station: chosen once, its printer and state shown ---
  await page.getByTestId(`pack-station-${code}`).click();
  await result(page, 'ok', code);
  expect(await textOf(page, 'pack-printer-name')).toBe(printer.name);
  await expectScanFocus(page);
  await shot(page, 'station');

  // --- the tote, then its slot ---
  await scan(page, o.toteCode);
  await result(page, 'ok', o.toteCode);
  expect(await textOf(page, `pack-tote-order-${o.externalId}`)).toContain('可打包');
  await shot(page, 'tote');
  await scan(page, String(o.slotNo));
  await result(page, 'ok', o.externalId);
  expect(await textOf(page, 'pack-order-ref')).toBe(o.externalId);
  expect(await textOf(page, `pack-item-${o.orange.skuCode}`)).toContain(o.orange.name);
  expect(await textOf(page, `pack-scanned-${o.orange.skuCode}`)).toBe('0');
  expect(await page.getByTestId(`pack-carton-${suggested}`).getAttribute('aria-checked')).toBe('true');
  expect(await textOf(page, 'pack-carton-reason')).not.toBe('');
  expect(await page.getByTestId('pack-weight-flag').getAttribute('data-estimated')).toBe('true');

  // --- Pack before every item is scanned: not possible ---
  expect(await page.getByTestId('pack-submit').isDisabled()).toBe(true);
  await page.keyboard.press('Enter');
  await result(page, 'error', '请先扫完所有商品');

  // --- wrong items: red, refused, nothing counted ---
  await scan(page, o.notInOrder);
  const wrong = await result(page, 'error', `${o.notInOrder} 不是本订单的商品`);
  expect(await wrong.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(176, 23, 14)');
  await scan(page, o.foreign);
  await result(page, 'error', `${o.foreign} 不是本订单的商品`);
  expect(await textOf(page, `pack-scanned-${o.orange.skuCode}`)).toBe('0');
  await shot(page, 'wrong');

  // --- every item; one too many is refused ---
  await scan(page, o.orange.barcode);
  await result(page, 'ok', `${o.orange.name} · 1/2`);
  await scan(page, o.orange.barcode);
  await result(page, 'ok', `${o.orange.name} · 2/2`);
  await scan(page, o.orange.barcode);
  await result(page, 'error', '这件多了');
  expect(await textOf(page, `pack-scanned-${o.orange.skuCode}`)).toBe('2');
  expect(await page.getByTestId('pack-submit').isDisabled()).toBe(true);
  await scan(page, o.dried.barcode);
  await result(page, 'ok', '3 件已全部扫描');
  expect(await page.getByTestId('pack-submit').isDisabled()).toBe(false);
  // the server agreed with every count (nothing taken back after its answers)
  await page.waitForTimeout(300);
  expect(await textOf(page, `pack-scanned-${o.orange.skuCode}`)).toBe('2');
  expect(await textOf(page, `pack-scanned-${o.dried.skuCode}`)).toBe('1');

  // --- the weight, typed in kilograms; zero is refused ---
  await page.getByTestId('pack-unit-kg').click();
  await page.getByTestId('pack-weight').fill('0');
  expect(await page.getByTestId('pack-submit').isDisabled()).toBe(true);
  await page.getByTestId('pack-weight').fill('5.6');
  expect(await page.getByTestId('pack-weight-flag').getAttribute('data-estimated')).toBe('false');
  await page.getByTestId('pack-weight').press('Enter');
  await expectScanFocus(page);
  await shot(page, 'complete');

  // --- Pack while the network is down: refused clearly, nothing lost; then sent ---
  const offline = (route: import('playwright-core').Route) => route.abort('internetdisconnected');
  await page.route('**/api/v1/orders/*/pack', offline);
  await page.keyboard.press('Enter');
  await result(page, 'network', '未发送');
  expect(await textOf(page, `pack-scanned-${o.orange.skuCode}`)).toBe('2');
  await shot(page, 'unsent');

  // --- answers the server may give at pack time (another packer; the carrier down): the order stays, a clear way on ---
  // the next answer is put in place before the network "comes back", so no request slips through to the server between them
  const answer = (status: number, code: string, message: string) => (route: import('playwright-core').Route) =>
    route.fulfill({ status, contentType: 'application/json', body: JSON.stringify({ error: { code, message, details: [] } }) });
  const otherPacker = answer(409, 'PACK_IN_PROGRESS', 'Order is being packed at another station right now');
  await page.route('**/api/v1/orders/*/pack', otherPacker);
  await page.unroute('**/api/v1/orders/*/pack', offline);
  await page.keyboard.press('Enter');
  await result(page, 'error', '另一位打包员正在打包这个订单');
  const carrierDown = answer(503, 'CARRIER_UNAVAILABLE', '乡村配送 could not be reached: try again');
  await page.route('**/api/v1/orders/*/pack', carrierDown);
  await page.unroute('**/api/v1/orders/*/pack', otherPacker);
  await page.getByTestId('pack-submit').click();
  await result(page, 'error', '连不上承运商');
  expect(await textOf(page, 'term-result')).toContain('could not be reached');
  expect(await textOf(page, `pack-scanned-${o.orange.skuCode}`)).toBe('2');
  await shot(page, 'carrier-down');
  await page.unroute('**/api/v1/orders/*/pack');
  await page.getByTestId('pack-try-again').click();
  const packed = await result(page, 'ok', '已打包');

  const parcels = await apiCall<{ items: Array<{ id: number; waybillNo: string; status: string; weightG: number; cartonCode: string }> }>('GET', `/api/v1/parcels?orderId=${o.orderId}`);
  expect(parcels.items).toHaveLength(1);
  const parcel = parcels.items[0];
  expect(parcel).toMatchObject({ status: 'labelled', weightG: 5600, cartonCode: suggested });
  expect(await textOf(page, 'pack-waybill')).toBe(parcel.waybillNo);
  expect(await packed.textContent()).toContain(parcel.waybillNo);
  expect(await textOf(page, 'pack-carrier')).toMatch(/乡村配送|VILLAGE/);

  // --- the label arrives at the printer, with the waybill number; the screen says printed ---
  await device.received(1);
  const label = device.jobs[0];
  expect(label.toString('latin1')).toContain(parcel.waybillNo);
  expect(parseTspl(label).some((c) => c.name === 'BARCODE' && c.args.includes(parcel.waybillNo))).toBe(true);
  await page.locator('[data-testid="pack-print-status"][data-status="printed"]').waitFor({ timeout: 20_000 });
  expect(await textOf(page, 'pack-print-status')).toContain('已打印');
  await shot(page, 'packed');

  // --- void and reissue: asked first, then a new waybill, printed too ---
  await page.getByTestId('pack-void').click();
  await page.getByTestId('pack-void-confirm').waitFor();
  await shot(page, 'void-confirm');
  await page.getByTestId('pack-void-yes').click();
  await result(page, 'ok', `面单 ${parcel.waybillNo} 已作废`);
  const after = await apiCall<{ waybillNo: string; status: string }>('GET', `/api/v1/parcels/${parcel.id}`);
  expect(after.status).toBe('labelled');
  expect(after.waybillNo).not.toBe(parcel.waybillNo);
  expect(await textOf(page, 'pack-waybill')).toBe(after.waybillNo);
  await device.received(2);
  expect(device.jobs[1].toString('latin1')).toContain(after.waybillNo);
  await page.locator('[data-testid="pack-print-status"][data-status="printed"]').waitFor({ timeout: 20_000 });
  await shot(page, 'reissued');

  // --- the packed order scanned again: its parcel, for reprint or void ---
  await scan(page, o.externalId);
  await result(page, 'info', o.externalId);
  expect(await textOf(page, 'pack-waybill')).toBe(after.waybillNo);
  await page.getByTestId('pack-reprint').click();
  await result(page, 'ok', '面单已重新发送');
  await device.received(3);
  expect(device.jobs[2].toString('latin1')).toContain(after.waybillNo);
});

test('a split order: the packer packs the oranges in one carton and the rest in a second, each with its own waybill and label', async () => {
  const code = `SP${uid()}`;
  const o = await pickedOrder(code);
  const printer = await apiCall<{ id: number }>('POST', '/api/v1/printers', { name: `打包台 TSC ${code}`, language: 'tspl', host: '127.0.0.1', port: device.port, station: code });
  const station = await apiCall<{ id: number }>('POST', '/api/v1/pack-stations', { code, name: `打包台 ${code}`, printerId: printer.id });
  expect(station.id).toBeGreaterThan(0);
  const operator = `sp_${code.toLowerCase()}`;
  await apiCall('POST', '/api/v1/users', { username: operator, password: OPERATOR_PASSWORD, role: 'operator' });
  const labelsBefore = device.jobs.length;

  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: DESKTOP });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  await logInThroughPage(page, server.baseUrl, operator, OPERATOR_PASSWORD);
  await page.goto(server.baseUrl + '/terminal/pack');
  await page.getByTestId(`pack-station-${code}`).click();
  await result(page, 'ok', code);

  // the order by its number; the two oranges go into the first carton
  await scan(page, o.externalId);
  await result(page, 'ok', o.externalId);
  expect(await page.getByTestId('pack-part').count()).toBe(0);
  await scan(page, o.orange.barcode);
  await scan(page, o.orange.barcode);
  await result(page, 'ok', `${o.orange.name} · 2/2`);
  expect(await page.getByTestId('pack-submit').isDisabled()).toBe(true);
  // the estimate is the scanned oranges' weight (2 × 2500 g) plus the carton's tare
  const estimated = Number(await page.getByTestId('pack-weight').inputValue());
  expect(estimated).toBeGreaterThanOrEqual(5000);
  expect(estimated).toBeLessThan(5000 + 2000);
  await page.getByTestId('pack-part').click();
  await result(page, 'ok', '本箱已打包');
  expect(await textOf(page, 'term-result')).toContain('还有 1 件装下一箱');

  // the order stays open with what is left; the first carton is in view
  expect(await textOf(page, 'pack-order-ref')).toBe(o.externalId);
  await page.getByTestId(`pack-item-${o.dried.skuCode}`).waitFor();
  expect(await page.getByTestId(`pack-item-${o.orange.skuCode}`).count()).toBe(0);
  expect(await page.getByTestId('pack-waybill').count()).toBe(1);
  expect((await apiCall<{ status: string }>('GET', `/api/v1/orders/${o.orderId}`)).status).toBe('picked');
  await shot(page, 'split-first-carton');

  // the second carton: the dried fruit, then Enter packs the order
  await scan(page, o.dried.barcode);
  await result(page, 'ok', '1 件已全部扫描');
  await page.getByTestId('pack-weight').fill('420');
  await page.getByTestId('pack-weight').press('Enter');
  await expectScanFocus(page);
  await page.keyboard.press('Enter');
  await result(page, 'ok', '已打包');

  const parcels = await apiCall<{ items: Array<{ waybillNo: string; status: string; weightG: number; items: Array<{ skuCode: string; qty: number }> }> }>('GET', `/api/v1/parcels?orderId=${o.orderId}`);
  expect(parcels.items.map((p) => p.status)).toEqual(['labelled', 'labelled']);
  const units = parcels.items.map((p) => Object.fromEntries(p.items.map((i) => [i.skuCode, i.qty])));
  expect(units).toEqual(expect.arrayContaining([{ [o.orange.skuCode]: 2 }, { [o.dried.skuCode]: 1 }]));
  expect(parcels.items.find((p) => p.items.some((i) => i.skuCode === o.dried.skuCode))!.weightG).toBe(420);
  expect((await apiCall<{ status: string }>('GET', `/api/v1/orders/${o.orderId}`)).status).toBe('packed');
  expect(await page.getByTestId('pack-waybill').count()).toBe(2);
  // one label per carton at the station's printer
  await device.received(labelsBefore + 2);
  const printed = device.jobs.slice(labelsBefore).map((j) => j.toString('latin1'));
  for (const p of parcels.items) expect(printed.filter((l) => l.includes(p.waybillNo))).toHaveLength(1);
  await shot(page, 'split-packed');
});
