import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { apiJson, buildWeb, DESKTOP, logInThroughPage, pathname, PHONE, randomEan, type RunningServer, SHOTS, startServer, uid } from './server';
import { result, scan, textOf } from './scanner';

/**
 * The dock and the carrier's hand-over. An operator on a 360 px handheld in Chinese scans labelled
 * parcels of the local carrier as a scanner types them: each answer is the lane (the carrier and
 * its township route) with the manifest's count; the same parcel again and a cancelled order's
 * parcel are refused loudly; a scan made while the network is down waits and is sorted when it
 * is back. The operator closes the manifest (the count to confirm). The carrier's own user, at a
 * desktop, opens it from the Manifests page and confirms the hand-over with the count; the API
 * then says handed over, and the orders shipped.
 */

const ADMIN_PASSWORD = 'browser-admin-pass-dock';
const OPERATOR_PASSWORD = 'operator-pass-dock';
const CARRIER_PASSWORD = 'carrier-pass-dock';

let server: RunningServer;
let browser: Browser;
let adminToken: string;
const contexts: BrowserContext[] = [];

const apiCall = <T>(method: string, p: string, body?: unknown, token = adminToken) => apiJson<T>(server.baseUrl, method, p, body, token);

const expectScanFocus = (page: Page) => page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'scan-input', null, { timeout: 1000 });

/** The current screen at phone and desktop width (nothing wider than the phone), back at the width it had. */
async function shot(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize(PHONE);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, `dock-${name}-360.png`), fullPage: true, animations: 'disabled' });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(SHOTS, `dock-${name}-1280.png`), fullPage: true, animations: 'disabled' });
  if (before) await page.setViewportSize(before);
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
});

interface Parcel {
  orderId: number;
  externalId: string;
  parcelId: number;
  waybillNo: string;
}

/** Labelled parcels of the local carrier: one-unit orders, each picked through its own wave and packed. */
async function packedParcels(code: string, carrierCode: string, n: number): Promise<Parcel[]> {
  const owner = await apiCall<{ id: number }>('POST', '/api/v1/owners', { code, name: `信丰脐橙合作社 ${code}` });
  const sku = { skuCode: `${code}-QC`, barcode: randomEan() };
  await apiCall('POST', '/api/v1/skus', { ownerId: owner.id, skuCode: sku.skuCode, name: '赣南脐橙 5斤装', weightG: 2500, lengthMm: 250, widthMm: 180, heightMm: 120, temperature: 'ambient', barcode: sku.barcode });
  const loc = await apiCall<{ code: string }>('POST', '/api/v1/locations', { code: `${code}-P1`, zone: `${code}Z`, temperature: 'ambient', type: 'pick', x: 10, y: 10 });
  await apiCall('POST', '/api/v1/receipts', { ownerId: owner.id, barcode: sku.barcode, qty: n, locationCode: loc.code });
  const receiver = { name: '刘建国', phone: '13907970011', province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇正平路88号' };
  const out: Parcel[] = [];
  for (let i = 1; i <= n; i++) {
    const externalId = `DK-${code}-${i}`;
    const order = await apiCall<{ id: number }>('POST', '/api/v1/orders', { ownerId: owner.id, externalId, receiver, lines: [{ skuCode: sku.skuCode, qty: 1 }] });
    await waitFor(async () => (await apiCall<{ status: string }>('GET', `/api/v1/orders/${order.id}`)).status === 'allocated', 20_000, 'allocation');
    const wave = await apiCall<{ id: number }>('POST', '/api/v1/waves', { orderIds: [order.id] });
    const tasks = await apiCall<{ items: Array<{ id: number; locationCode: string; qty: number }> }>('GET', `/api/v1/pick-tasks?waveId=${wave.id}`);
    for (const task of tasks.items) await apiCall('POST', `/api/v1/pick-tasks/${task.id}/confirm`, { locationCode: task.locationCode, barcode: sku.barcode, qty: task.qty });
    const packed = await apiCall<{ parcelId: number; waybillNo: string }>('POST', `/api/v1/orders/${order.id}/pack`, { scans: [sku.barcode], weightG: 2600 + i * 100, carrierCode });
    out.push({ orderId: order.id, externalId, parcelId: packed.parcelId, waybillNo: packed.waybillNo });
  }
  return out;
}

test('the dock sorts parcels into the lane and refuses the wrong ones; the carrier confirms the hand-over', async () => {
  const code = `DK${uid()}`;
  const prefix = `L${code.slice(-4)}`;
  const carrier = await apiCall<{ id: number; code: string; name: string }>('POST', '/api/v1/carriers', {
    code: `LOCAL-${code}`,
    name: `${code} 乡镇配送`,
    adapter: 'local',
    settings: { prefix, rangeStart: 1000, rangeEnd: 9999 },
  });
  const [p1, p2, p3, cancelled] = await packedParcels(code, carrier.code, 4);
  // cancelled after packing: its parcel must be pulled out at the dock
  await apiCall('POST', `/api/v1/orders/${cancelled.orderId}/cancel`, { reason: '买家取消' });
  const operator = `dk_${code.toLowerCase()}`;
  await apiCall('POST', '/api/v1/users', { username: operator, password: OPERATOR_PASSWORD, role: 'operator' });
  const carrierUser = `cr_${code.toLowerCase()}`;
  await apiCall('POST', '/api/v1/users', { username: carrierUser, password: CARRIER_PASSWORD, role: 'carrier', carrierId: carrier.id });

  // ---------- the dock, on a handheld ----------
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: PHONE });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  await logInThroughPage(page, server.baseUrl, operator, OPERATOR_PASSWORD);
  await page.goto(server.baseUrl + '/terminal');
  await page.getByTestId('term-menu-dock').waitFor();
  await page.keyboard.press('7');
  await page.getByTestId('term-dock-screen').waitFor();
  expect(pathname(page)).toBe('/terminal/dock');
  expect(await textOf(page, 'term-title')).toBe('发货道口');
  await expectScanFocus(page);

  // the first parcel: its lane, very large, and a new manifest with one parcel
  await scan(page, p1.waybillNo);
  await result(page, 'ok', p1.waybillNo);
  const answer = page.locator(`[data-testid="dock-answer"][data-tone="ok"][data-waybill="${p1.waybillNo}"]`);
  await answer.waitFor();
  expect(await textOf(page, 'dock-lane')).toBe(carrier.name);
  expect(await textOf(page, 'dock-route')).toBe('信丰县');
  expect(await page.getByTestId('dock-count').getAttribute('data-count')).toBe('1');
  const laneSize = await page.getByTestId('dock-lane').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(laneSize).toBeGreaterThanOrEqual(40);
  const manifestNo = (await textOf(page, 'dock-count')).match(/MF\d+/)![0];
  await page.getByTestId(`dock-manifest-${manifestNo}`).waitFor();
  await shot(page, 'lane');

  await scan(page, p2.waybillNo);
  await page.locator(`[data-testid="dock-answer"][data-waybill="${p2.waybillNo}"]`).waitFor();
  expect(await page.getByTestId('dock-count').getAttribute('data-count')).toBe('2');

  // the same parcel again: red, "already scanned", nothing added
  await scan(page, p1.waybillNo);
  await result(page, 'error', '已经扫过了');
  const twice = page.locator('[data-testid="dock-answer"][data-tone="refused"][data-code="ALREADY_SCANNED"]');
  await twice.waitFor();
  expect(await textOf(page, 'dock-refusal')).toContain('已经扫过了');
  expect(await textOf(page, 'dock-reason')).toBe('这个包裹已经在交接单上了');
  expect(await twice.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(176, 23, 14)');
  expect(await page.getByTestId('term-dock-screen').getAttribute('class')).toContain('is-error');
  await shot(page, 'twice');

  // a cancelled order's parcel: "pull this parcel out"
  await scan(page, cancelled.waybillNo);
  await page.locator(`[data-testid="dock-answer"][data-code="ORDER_CANCELLED"][data-waybill="${cancelled.waybillNo}"]`).waitFor();
  expect(await textOf(page, 'dock-refusal')).toContain('请把这个包裹拿出来');
  expect(await textOf(page, 'dock-reason')).toBe('订单已取消：不能发货');
  await result(page, 'error', '请把这个包裹拿出来');
  await shot(page, 'cancelled');

  // the network drops: the scan waits in the outbox (hold shelf), and is sorted once it is back
  await page.route('**/api/v1/dock/scan', (route) => route.abort('internetdisconnected'));
  await scan(page, p3.waybillNo);
  await result(page, 'network', p3.waybillNo);
  await page.locator('[data-testid="dock-waiting"][data-count="1"]').waitFor();
  await shot(page, 'offline');
  await page.unroute('**/api/v1/dock/scan');
  await page.getByTestId(`dock-late-${p3.waybillNo}`).waitFor({ timeout: 20_000 });
  expect(await textOf(page, `dock-late-${p3.waybillNo}`)).toContain(carrier.name);
  await page.getByTestId('dock-waiting').waitFor({ state: 'detached' });
  await page.locator(`[data-testid="dock-manifest-${manifestNo}"][data-count="3"]`).waitFor();
  await expectScanFocus(page);

  // close, with the count to confirm
  await page.getByTestId(`dock-manifest-${manifestNo}`).getByTestId('dock-close').click();
  await page.getByTestId('dock-close-confirm').waitFor();
  expect(await textOf(page, 'dock-close-confirm')).toContain('3 件');
  await shot(page, 'close-confirm');
  await page.getByTestId('dock-close-yes').click();
  await result(page, 'ok', `交接单 ${manifestNo} 已关闭：3 件`);
  await page.getByTestId(`dock-closed-${manifestNo}`).waitFor();
  await page.getByTestId(`dock-manifest-${manifestNo}`).waitFor({ state: 'detached' });
  await shot(page, 'closed');
  // the hand-over sheet for the driver: the PDF opens in a new tab
  const [sheet] = await Promise.all([page.waitForEvent('popup'), page.getByTestId(`dock-closed-${manifestNo}`).getByTestId('dock-sheet').click()]);
  expect(sheet.url()).toMatch(/^blob:/);
  await sheet.close();
  await result(page, 'info', `交接单 ${manifestNo} 已打开`);

  const manifests = await apiCall<{ items: Array<{ id: number; manifestNo: string; status: string }> }>('GET', `/api/v1/manifests?carrierId=${carrier.id}`);
  const m = manifests.items.find((x) => x.manifestNo === manifestNo)!;
  expect(m.status).toBe('closed');

  // ---------- the carrier, at a desktop ----------
  const cctx = await browser.newContext({ locale: 'zh-CN', viewport: DESKTOP });
  contexts.push(cctx);
  const cpage = await cctx.newPage();
  cpage.setDefaultTimeout(15_000);
  await logInThroughPage(cpage, server.baseUrl, carrierUser, CARRIER_PASSWORD);
  await cpage.getByTestId('nav-manifests').click();
  await cpage.getByTestId(`mf-row-${manifestNo}`).waitFor();
  expect(await cpage.getByTestId(`mf-row-${manifestNo}`).getAttribute('data-status')).toBe('closed');
  await shot(cpage, 'carrier-list');
  await cpage.getByTestId(`mf-open-${manifestNo}`).click();
  await cpage.getByTestId('mf-handover').waitFor();
  expect(pathname(cpage)).toBe(`/manifests/${m.id}`);
  for (const p of [p1, p2, p3]) await cpage.getByTestId(`mf-parcel-${p.waybillNo}`).waitFor();
  await cpage.getByTestId('mf-ho-received-by').fill('李师傅');
  // a miscount is caught before sending
  await cpage.getByTestId('mf-ho-counted').fill('2');
  await cpage.getByTestId('mf-ho-mismatch').waitFor();
  expect(await cpage.getByTestId('mf-ho-submit').isDisabled()).toBe(true);
  await cpage.getByTestId('mf-ho-counted').fill('3');
  await cpage.getByTestId('mf-ho-check').waitFor();
  await shot(cpage, 'handover');
  await cpage.getByTestId('mf-ho-submit').click();
  await cpage.locator('[data-testid="mf-detail"][data-status="handed_over"]').waitFor();
  expect(await cpage.locator('.alert-ok').textContent()).toContain('交接已确认：收到 3 件');
  expect(await textOf(cpage, 'mf-received-by')).toContain('李师傅');
  await cpage.getByTestId('mf-handover').waitFor({ state: 'detached' });
  await shot(cpage, 'handed-over');

  // the API agrees: handed over, received parcels' orders shipped; the cancelled one never shipped
  const after = await apiCall<{ status: string; countedCount: number; receivedBy: string; parcels: Array<{ waybillNo: string; received: boolean }> }>('GET', `/api/v1/manifests/${m.id}`);
  expect(after).toMatchObject({ status: 'handed_over', countedCount: 3, receivedBy: '李师傅' });
  expect(after.parcels.map((p) => [p.waybillNo, p.received])).toEqual([p1, p2, p3].map((p) => [p.waybillNo, true]));
  for (const p of [p1, p2, p3]) expect((await apiCall<{ status: string }>('GET', `/api/v1/orders/${p.orderId}`)).status).toBe('shipped');
  // the cancelled order's parcel never went on: stopped for interception, not shipped
  const stopped = await apiCall<{ status: string; intercept: boolean }>('GET', `/api/v1/orders/${cancelled.orderId}`);
  expect(stopped.status).not.toBe('shipped');
  expect(stopped.intercept).toBe(true);
});

test('a carrier reports a parcel missing: the manifest is disputed and highlighted, and a supervisor resolves it', async () => {
  const code = `DQ${uid()}`;
  const carrier = await apiCall<{ id: number; code: string; name: string }>('POST', '/api/v1/carriers', {
    code: `LOCAL-${code}`,
    name: `${code} 乡镇配送`,
    adapter: 'local',
    settings: { prefix: `Q${code.slice(-4)}`, rangeStart: 1000, rangeEnd: 9999 },
  });
  const [a, b] = await packedParcels(code, carrier.code, 2);
  const first = await apiCall<{ manifestId: number; manifestNo: string }>('POST', '/api/v1/dock/scan', { waybillNo: a.waybillNo });
  await apiCall('POST', '/api/v1/dock/scan', { waybillNo: b.waybillNo });
  await apiCall('POST', `/api/v1/manifests/${first.manifestId}/close`);
  const carrierUser = `cq_${code.toLowerCase()}`;
  await apiCall('POST', '/api/v1/users', { username: carrierUser, password: CARRIER_PASSWORD, role: 'carrier', carrierId: carrier.id });

  // the carrier counts one and ticks the other missing
  const cctx = await browser.newContext({ locale: 'zh-CN', viewport: DESKTOP });
  contexts.push(cctx);
  const cpage = await cctx.newPage();
  cpage.setDefaultTimeout(15_000);
  await logInThroughPage(cpage, server.baseUrl, carrierUser, CARRIER_PASSWORD);
  await cpage.goto(`${server.baseUrl}/manifests/${first.manifestId}`);
  await cpage.getByTestId('mf-ho-received-by').fill('王师傅');
  await cpage.getByTestId('mf-ho-counted').fill('1');
  await cpage.getByTestId('mf-ho-mismatch').waitFor();
  await cpage.getByTestId(`mf-ho-missing-${b.waybillNo}`).check();
  await cpage.getByTestId('mf-ho-check').waitFor();
  await cpage.getByTestId('mf-ho-submit').click();
  await cpage.locator('[data-testid="mf-detail"][data-status="disputed"]').waitFor();
  expect(await textOf(cpage, 'mf-disputed')).toContain(b.waybillNo);
  expect(await cpage.getByTestId(`mf-parcel-${b.waybillNo}`).getAttribute('data-received')).toBe('false');
  expect(await cpage.getByTestId('mf-resolve').count()).toBe(0);

  // the supervisor sees it highlighted in the list, and resolves it: found on the truck
  const sctx = await browser.newContext({ locale: 'zh-CN', viewport: DESKTOP });
  contexts.push(sctx);
  const spage = await sctx.newPage();
  spage.setDefaultTimeout(15_000);
  await logInThroughPage(spage, server.baseUrl, 'admin', ADMIN_PASSWORD);
  await spage.getByTestId('nav-manifests').click();
  await spage.getByTestId('mf-status').selectOption('disputed');
  const row = spage.getByTestId(`mf-row-${first.manifestNo}`);
  await row.waitFor();
  expect(await row.getAttribute('class')).toContain('mf-row-disputed');
  await shot(spage, 'disputed-list');
  await spage.getByTestId(`mf-open-${first.manifestNo}`).click();
  await spage.getByTestId('mf-resolve').waitFor();
  await spage.getByTestId(`mf-rs-found-${b.waybillNo}`).check();
  await spage.getByTestId('mf-rs-text').fill('在车上找到');
  await shot(spage, 'resolve');
  await spage.getByTestId('mf-rs-submit').click();
  await spage.locator('[data-testid="mf-detail"][data-status="handed_over"]').waitFor();

  const after = await apiCall<{ status: string; resolution: string; missingWaybillNos: string[] }>('GET', `/api/v1/manifests/${first.manifestId}`);
  expect(after).toMatchObject({ status: 'handed_over', resolution: '在车上找到', missingWaybillNos: [] });
  for (const p of [a, b]) expect((await apiCall<{ status: string }>('GET', `/api/v1/orders/${p.orderId}`)).status).toBe('shipped');
});
