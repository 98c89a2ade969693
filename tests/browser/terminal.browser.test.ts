import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { apiJson, buildWeb, DESKTOP, logInThroughPage, pathname, PHONE, randomEan, ROOT, type RunningServer, SHOTS, startServer, uid } from './server';

/**
 * The scanner terminal on a 360 px handheld in Chinese: receiving against an ASN (lot, count,
 * a wrong barcode, a network drop), completing it, putaway by scanning the suggested location,
 * and a move. Keys are typed as a keyboard-wedge scanner sends them: fast, then Enter.
 */

const ADMIN_PASSWORD = 'browser-admin-pass-3';
const OPERATOR_PASSWORD = 'operator-pass-3';

let server: RunningServer;
let browser: Browser;
let adminToken: string;
const contexts: BrowserContext[] = [];

const apiCall = <T>(method: string, p: string, body?: unknown, token = adminToken) => apiJson<T>(server.baseUrl, method, p, body, token);


/** A scanner: the code in a burst (5 ms apart), then Enter. */
async function scan(page: Page, code: string): Promise<void> {
  await page.keyboard.type(code, { delay: 5 });
  await page.keyboard.press('Enter');
}

/** A person at the keyboard: 150 ms between keys. */
async function typeSlowly(page: Page, text: string): Promise<void> {
  await page.keyboard.type(text, { delay: 150 });
  await page.keyboard.press('Enter');
}

/** Waits for the result panel in the given tone whose text matches. */
async function result(page: Page, tone: 'ok' | 'error' | 'ask' | 'network' | 'info', text: RegExp | string) {
  const panel = page.locator(`[data-testid="term-result"][data-tone="${tone}"]`, { hasText: text });
  try {
    await panel.waitFor();
  } catch (e) {
    const now = await page.getByTestId('term-result').textContent().catch(() => null);
    throw new Error(`expected a ${tone} result "${text}", the screen shows: ${now}\n${(e as Error).message}`);
  }
  return panel;
}

/** The scan field takes the focus back (it does so a tick after a tap elsewhere): wait, bounded. */
const expectScanFocus = (page: Page) =>
  page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'scan-input', null, { timeout: 1000 });
const textOf = async (page: Page, testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** The current screen at phone and desktop width, with the colour flash already faded. */
async function shot(page: Page, name: string): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, `terminal-${name}-360.png`), fullPage: true, animations: 'disabled' });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(SHOTS, `terminal-${name}-1280.png`), fullPage: true, animations: 'disabled' });
  await page.setViewportSize(PHONE);
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

test('an operator receives an ASN, puts the lot away to the suggested location and moves part of it, all by scanning', async () => {
  // --- set-up through the API: owner, products, ASN, operator ---
  const code = `TM${uid()}`;
  const owner = await apiCall<{ id: number }>('POST', '/api/v1/owners', { code, name: `眉县猕猴桃合作社 ${code}` });
  const other = await apiCall<{ id: number }>('POST', '/api/v1/owners', { code: `${code}X`, name: `别的合作社 ${code}` });
  const orange = { skuCode: `${code}-QC`, name: '赣南脐橙 5斤装', barcode: randomEan() };
  const notOnAsn = { skuCode: `${code}-DRY`, name: '脐橙果干 200g', barcode: randomEan() };
  const foreign = randomEan();
  await apiCall('POST', '/api/v1/skus', { ownerId: owner.id, skuCode: orange.skuCode, name: orange.name, spec: '果径75-80mm', weightG: 2600, temperature: 'ambient', barcode: orange.barcode, lotTracked: true, shelfLifeDays: 30 });
  await apiCall('POST', '/api/v1/skus', { ownerId: owner.id, skuCode: notOnAsn.skuCode, name: notOnAsn.name, weightG: 230, temperature: 'ambient', barcode: notOnAsn.barcode, lotTracked: false });
  await apiCall('POST', '/api/v1/skus', { ownerId: other.id, skuCode: `${code}-F`, name: '别人的商品', weightG: 100, temperature: 'ambient', barcode: foreign });
  const reference = `ASN-${code}`;
  const asn = await apiCall<{ id: number }>('POST', '/api/v1/asns', { ownerId: owner.id, reference, lines: [{ skuCode: orange.skuCode, qty: 15 }] });
  const operator = `op_${code.toLowerCase()}`;
  await apiCall('POST', '/api/v1/users', { username: operator, password: OPERATOR_PASSWORD, role: 'operator' });

  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: PHONE, hasTouch: true });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  await logInThroughPage(page, server.baseUrl, operator, OPERATOR_PASSWORD);
  await page.getByTestId('nav-terminal').click();
  await page.getByTestId('term-menu-receive').waitFor();
  expect(pathname(page)).toBe('/terminal');
  expect(await page.locator('.mainnav').count()).toBe(0);
  await shot(page, 'menu');

  // --- receiving: 1 on the menu, the ASN, the dock ---
  await page.keyboard.press('1');
  await page.getByTestId('term-receive').waitFor();
  expect(pathname(page)).toBe('/terminal/receive');
  await expectScanFocus(page);
  expect(await page.getByTestId('scan-input').getAttribute('inputmode')).toBe('none');
  expect(await textOf(page, 'scan-label')).toContain('扫描到货通知单号');
  await shot(page, 'receive-asn');

  await scan(page, reference);
  await result(page, 'ok', reference);
  expect(await page.getByTestId('scan-source').getAttribute('data-source')).toBe('scan');
  expect(await textOf(page, 'asn-line-' + orange.skuCode)).toContain('15');
  expect(await textOf(page, 'scan-label')).toContain('月台');
  await shot(page, 'receive-dock');

  // A location that is not a dock is refused, saying what was expected.
  await scan(page, 'A01-01');
  const notDock = await result(page, 'error', 'A01-01 不是月台');
  expect(await notDock.getByTestId('term-expected').textContent()).toContain('月台库位');
  await scan(page, 'DOCK-1');
  await result(page, 'ok', '月台 DOCK-1');
  expect(await textOf(page, 'term-dock')).toBe('DOCK-1');

  // --- an item: its name big, the lot, a second scan counts 2 ---
  await scan(page, orange.barcode);
  await result(page, 'ok', orange.name);
  expect(await textOf(page, 'term-item-name')).toBe(orange.name);
  expect(await textOf(page, 'scan-label')).toContain('批次号');
  await scan(page, 'L20261123');
  await result(page, 'ok', '批次 L20261123');
  await page.getByTestId('term-steps').click(); // a tap elsewhere: the focus comes back
  await expectScanFocus(page);
  await scan(page, orange.barcode);
  await result(page, 'ok', '数量 2');
  expect(await textOf(page, 'term-qty')).toBe('2');
  expect(await page.getByTestId('term-produced').inputValue()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  await shot(page, 'receive-item');

  // Enter confirms: green, a beep, the line shows 2 received.
  await page.keyboard.press('Enter');
  const ok = await result(page, 'ok', `已收货 2 件 ${orange.name}`);
  expect(await ok.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(18, 99, 47)');
  expect(await textOf(page, `asn-line-received-${orange.skuCode}`)).toBe('2');
  expect(await textOf(page, 'term-last')).toContain('L20261123');
  await expectScanFocus(page);
  await shot(page, 'receive-ok');

  // --- a wrong barcode: red, saying what was expected ---
  await scan(page, foreign);
  const wrong = await result(page, 'error', `条码 ${foreign} 不认识`);
  expect(await wrong.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(176, 23, 14)');
  expect(await wrong.getByTestId('term-expected').textContent()).toContain('本到货单上商品的条码');
  await shot(page, 'receive-error');
  await scan(page, notOnAsn.barcode);
  await result(page, 'error', `${notOnAsn.name} 不在到货单 ${reference} 上`);

  // --- the rest of the lot, counted by typing; the network drops on the first try ---
  await scan(page, orange.barcode);
  await scan(page, 'L20261123');
  await result(page, 'ok', '该批次已收过'); // a lot received before keeps its dates
  await typeSlowly(page, '10');
  await result(page, 'info', '数量 10');
  expect(await page.getByTestId('scan-source').getAttribute('data-source')).toBe('typed');
  // An expiry typed instead of derived, but before the production date: refused, nothing lost.
  await page.getByTestId('term-expiry-mode').click();
  await page.getByTestId('term-expires').fill('2020-01-01');
  await page.getByTestId('term-expires').press('Enter');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'scan-input');
  await page.keyboard.press('Enter');
  await result(page, 'error', '有字段填写不正确');
  expect(await textOf(page, 'term-result')).toContain('到期日早于生产日期');
  expect(await textOf(page, 'term-qty')).toBe('10');
  await page.getByTestId('term-expires').fill('');
  await page.getByTestId('term-expires').press('Enter');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'scan-input');
  // The worst case: the server booked it, but the answer was lost on the way back.
  await page.route('**/api/v1/asns/*/receipts', async (route) => {
    await route.fetch();
    await route.abort('internetdisconnected');
  });
  await page.keyboard.press('Enter');
  await page.getByTestId('term-unsent').waitFor();
  await result(page, 'network', '未发送');
  expect(await textOf(page, `asn-line-received-${orange.skuCode}`)).toBe('2');
  await shot(page, 'receive-unsent');
  await page.unroute('**/api/v1/asns/*/receipts');
  await page.getByTestId('term-retry').click();
  await result(page, 'ok', `已收货 10 件`);
  expect(await page.getByTestId('term-unsent').count()).toBe(0);
  // Sent again with the same Idempotency-Key: booked once, not twice.
  expect(await textOf(page, `asn-line-received-${orange.skuCode}`)).toBe('12');
  expect((await apiCall<{ lines: Array<{ receivedQty: number }> }>('GET', `/api/v1/asns/${asn.id}`)).lines[0].receivedQty).toBe(12);

  // The lot label opens as a PDF.
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByTestId('term-print-lot').click()]);
  expect(popup.url()).toMatch(/^blob:/);
  await popup.close();

  // --- complete the ASN: received, 3 short ---
  await page.getByTestId('term-complete').click();
  await page.getByTestId('term-complete-yes').click();
  await result(page, 'ok', `到货单 ${reference} 收货完成`);
  expect(await textOf(page, 'term-done')).toContain('已收货');
  expect(await textOf(page, `asn-line-diff-${orange.skuCode}`)).toBe('−3');
  expect((await apiCall<{ status: string }>('GET', `/api/v1/asns/${asn.id}`)).status).toBe('received');
  await shot(page, 'receive-done');

  // --- putaway, straight from the receipt: the suggestion very large ---
  await page.getByTestId('term-putaway-now').click();
  await page.getByTestId('term-putaway').waitFor();
  const suggested = page.getByTestId('term-suggested');
  await suggested.waitFor();
  const target = ((await suggested.textContent()) ?? '').trim();
  expect(target).toMatch(/^[AB]\d\d-\d\d$/);
  expect(await textOf(page, 'term-from')).toBe('DOCK-1');
  expect(await textOf(page, 'term-qty')).toBe('12');
  const fontPx = await suggested.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(fontPx).toBeGreaterThanOrEqual(40);
  await shot(page, 'putaway-suggestion');

  // Another location asks to scan it again; a frozen one is then refused for an operator.
  await scan(page, 'F01-01');
  await result(page, 'ask', 'F01-01 不是建议库位');
  await shot(page, 'putaway-override');
  await scan(page, 'F01-01');
  await result(page, 'error', '温层不符');
  await scan(page, target);
  await result(page, 'ok', `已上架 12 件 ${orange.name} → ${target}`);
  await shot(page, 'putaway-ok');

  const stock = await apiCall<{ items: Array<{ locationCode: string; onHand: number; lotNo: string }> }>('GET', `/api/v1/inventory?skuCode=${encodeURIComponent(orange.skuCode)}`);
  expect(stock.items.map((s) => [s.locationCode, s.onHand, s.lotNo])).toEqual([[target, 12, 'L20261123']]);

  // --- a move: 3 on the menu, from the putaway location, 5 of them to another one ---
  await page.getByTestId('term-back').click();
  await page.getByTestId('term-menu-move').waitFor();
  await page.keyboard.press('3');
  await page.getByTestId('term-move').waitFor();
  await scan(page, target);
  await result(page, 'ok', target);
  expect(await textOf(page, 'stock-list')).toContain(orange.name);
  await shot(page, 'move-stock');
  await scan(page, orange.barcode);
  await result(page, 'ok', orange.name);
  await typeSlowly(page, '50');
  await result(page, 'error', '50 超过可用数量 12');
  await typeSlowly(page, '5');
  await result(page, 'info', '数量 5');
  const moveTo = target === 'B01-16' ? 'B01-15' : 'B01-16';
  await scan(page, moveTo);
  await result(page, 'ok', `已移库 5 件 ${orange.name}：${target} → ${moveTo}`);
  await shot(page, 'move-ok');

  const after = await apiCall<{ items: Array<{ locationCode: string; onHand: number }> }>('GET', `/api/v1/inventory?skuCode=${encodeURIComponent(orange.skuCode)}`);
  expect(Object.fromEntries(after.items.map((s) => [s.locationCode, s.onHand]))).toEqual({ [target]: 7, [moveTo]: 5 });
});

test('the terminal in English, and for sellers it is not there', async () => {
  const ctx = await browser.newContext({ locale: 'en-US', viewport: PHONE });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  await logInThroughPage(page, server.baseUrl, 'admin', ADMIN_PASSWORD);
  await page.goto(server.baseUrl + '/terminal/receive');
  await page.getByTestId('term-receive').waitFor();
  expect(await textOf(page, 'scan-label')).toBe('Scan the delivery note (ASN no.)');
  await scan(page, 'NO-SUCH-ASN');
  const err = await result(page, 'error', 'No open delivery NO-SUCH-ASN');
  expect(await err.getByTestId('term-expected').textContent()).toContain('a delivery note (ASN) number');
  // the keyboard button switches the field to text input mode and keeps the focus there
  await page.getByTestId('scan-keyboard').click();
  expect(await page.getByTestId('scan-input').getAttribute('inputmode')).toBe('text');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'scan-input');
  await page.getByTestId('lang-switch').click();
  expect(await textOf(page, 'scan-label')).toBe('扫描到货通知单号（ASN）');

  const code = `TS${uid()}`;
  const o = await apiCall<{ id: number }>('POST', '/api/v1/owners', { code, name: `合作社 ${code}` });
  await apiCall('POST', '/api/v1/users', { username: `seller_${code.toLowerCase()}`, password: OPERATOR_PASSWORD, role: 'seller', ownerId: o.id });
  const sellerCtx = await browser.newContext({ locale: 'zh-CN', viewport: PHONE });
  contexts.push(sellerCtx);
  const seller = await sellerCtx.newPage();
  await logInThroughPage(seller, server.baseUrl, `seller_${code.toLowerCase()}`, OPERATOR_PASSWORD);
  expect(await seller.getByTestId('nav-terminal').count()).toBe(0);
  await seller.goto(server.baseUrl + '/terminal');
  await seller.getByText('您的角色无权').waitFor();
});

test('a supervisor may put away and move across temperature classes after confirming by a second scan', async () => {
  const code = `TV${uid()}`;
  const owner = await apiCall<{ id: number }>('POST', '/api/v1/owners', { code, name: `冷链合作社 ${code}` });
  const barcode = randomEan();
  await apiCall('POST', '/api/v1/skus', { ownerId: owner.id, skuCode: `${code}-A`, name: '常温果干', weightG: 200, temperature: 'ambient', barcode, lotTracked: false });
  const asn = await apiCall<{ id: number }>('POST', '/api/v1/asns', { ownerId: owner.id, reference: `ASN-${code}`, lines: [{ skuCode: `${code}-A`, qty: 4 }] });
  await apiCall('POST', `/api/v1/asns/${asn.id}/receipts`, { barcode, qty: 4, locationCode: 'DOCK-3' });
  const username = `sup_${code.toLowerCase()}`;
  await apiCall('POST', '/api/v1/users', { username, password: OPERATOR_PASSWORD, role: 'supervisor' });

  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: PHONE });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  await logInThroughPage(page, server.baseUrl, username, OPERATOR_PASSWORD);
  await page.goto(server.baseUrl + '/terminal/putaway');
  await page.getByTestId('term-putaway').waitFor();
  await scan(page, 'DOCK-3');
  await result(page, 'ok', 'DOCK-3');
  await scan(page, barcode);
  await page.getByTestId('term-suggested').waitFor();
  await scan(page, 'F01-02');
  await result(page, 'ask', 'F01-02 不是建议库位');
  await scan(page, 'F01-02');
  await result(page, 'ok', '已上架 4 件 常温果干 → F01-02');

  await page.goto(server.baseUrl + '/terminal/move');
  await page.getByTestId('term-move').waitFor();
  await scan(page, 'F01-02');
  await result(page, 'ok', 'F01-02');
  await scan(page, barcode);
  await result(page, 'ok', '常温果干');
  await page.keyboard.press('Enter'); // all 4
  await result(page, 'info', '数量 4');
  await scan(page, 'C01-01');
  const refused = await result(page, 'error', '温层不符');
  expect(await refused.getByTestId('term-expected').textContent()).toContain('再扫一次 C01-01');
  await scan(page, 'C01-01');
  await result(page, 'ok', '已移库 4 件 常温果干：F01-02 → C01-01');
  const stock = await apiCall<{ items: Array<{ locationCode: string; onHand: number }> }>('GET', `/api/v1/inventory?skuCode=${encodeURIComponent(`${code}-A`)}`);
  expect(stock.items.map((s) => [s.locationCode, s.onHand])).toEqual([['C01-01', 4]]);
});
