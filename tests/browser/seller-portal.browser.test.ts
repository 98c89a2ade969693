import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { apiJson, buildWeb, DESKTOP, logInThroughPage, pathname, PHONE, randomEan, ROOT, type RunningServer, SHOTS, startServer, uid } from './server';

/** The seller portal: products uploaded from the template, corrected, created by hand and found by scanning. */

const ADMIN_PASSWORD = 'browser-admin-pass-2';
const SELLER_PASSWORD = 'seller-pass-1';

let server: RunningServer;
let browser: Browser;
let adminToken: string;
let tmp: string;
const contexts: BrowserContext[] = [];

const apiCall = <T>(method: string, p: string, body?: unknown, token = adminToken) => apiJson<T>(server.baseUrl, method, p, body, token);

/** The same code with its check digit off by one. */
const wrongCheckDigit = (code: string) => code.slice(0, -1) + ((Number(code.slice(-1)) + 1) % 10);

interface Seller {
  ownerId: number;
  ownerName: string;
  username: string;
}

async function newSeller(): Promise<Seller> {
  const code = `SP${uid()}`;
  const owner = await apiCall<{ id: number; name: string }>('POST', '/api/v1/owners', { code, name: `信丰县脐橙合作社 ${code}` });
  const username = `seller_${code.toLowerCase()}`;
  await apiCall('POST', '/api/v1/users', { username, password: SELLER_PASSWORD, role: 'seller', ownerId: owner.id });
  return { ownerId: owner.id, ownerName: owner.name, username };
}

async function skusOf(ownerId: number): Promise<Array<{ skuCode: string; barcode: string | null; name: string }>> {
  return (await apiCall<{ items: Array<{ skuCode: string; barcode: string | null; name: string }> }>('GET', `/api/v1/skus?ownerId=${ownerId}&limit=500`)).items;
}

async function newPage(opts: BrowserContextOptions = {}): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: PHONE, ...opts });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

const logIn = (page: Page, username: string, password: string) => logInThroughPage(page, server.baseUrl, username, password);

const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).textContent()) ?? '').replace(/\s+/g, ' ').trim();
const noSidewaysScroll = async (page: Page, width: number) => expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);

/** A CSV as a Chinese seller fills in the template: the template's own header row, then products. */
function writeCsv(name: string, header: string, rows: string[][]): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, '\ufeff' + [header, ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n');
  return file;
}

/** Template columns: 商品编码,商品名称,条码,规格,单位,重量(克),长(毫米),宽(毫米),高(毫米),温层,保质期(天),批次管理,产地,箱条码,箱规 */
const row = (code: string, name: string, barcode: string, temperature: string) => [code, name, barcode, '5斤/箱', '箱', '2600', '300', '200', '150', temperature, '30', '是', '江西省赣州市信丰县', '', ''];

async function uploadAndWait(page: Page, file: string, button: 'sku-import-check' | 'sku-import-submit' | 'sku-import-now') {
  if (button !== 'sku-import-now') await page.getByTestId('sku-import-file').setInputFiles(file);
  await page.getByTestId(button).click();
  await page.getByTestId('sku-import-result').waitFor();
}

const counts = async (page: Page) => ({
  created: await text(page, 'import-created'),
  updated: await text(page, 'import-updated'),
  unchanged: await text(page, 'import-unchanged'),
  errors: await text(page, 'import-error-count'),
});

beforeAll(async () => {
  buildWeb();
  server = await startServer(ADMIN_PASSWORD);
  adminToken = (await apiCall<{ token: string }>('POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD }, '')).token;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  fs.mkdirSync(SHOTS, { recursive: true });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wms-seller-'));
});

afterEach(async () => {
  for (const ctx of contexts.splice(0)) await ctx.close();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('a seller on a phone downloads the template, checks and imports a file, then fixes the refused row', async () => {
  const seller = await newSeller();
  const page = await newPage();
  await logIn(page, seller.username, SELLER_PASSWORD);

  // Home: Products in the navigation and the three-step guide
  const navIds = await page.locator('nav [data-testid^="nav-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
  expect(navIds).toEqual(['nav-home', 'nav-skus', 'nav-stock', 'nav-orders', 'nav-shipments', 'nav-stores']);
  expect(await text(page, 'seller-guide')).toContain('下载模板');
  await page.screenshot({ path: path.join(SHOTS, 'seller-home-360x740.png'), fullPage: true });
  await page.getByTestId('guide-upload').click();
  await page.waitForURL('**/skus/import');

  // step 1: both templates, with the Chinese headers
  const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('template-csv').click()]);
  expect(csvDownload.suggestedFilename()).toBe('sku-template.csv');
  const template = fs.readFileSync((await csvDownload.path())!, 'utf8').replace(/^\ufeff/, '');
  const header = template.split(/\r?\n/)[0];
  expect(header).toContain('商品编码');
  expect(header).toContain('商品名称');
  expect(header).toContain('重量(克)');
  expect(header).toContain('温层');
  const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('template-xlsx').click()]);
  expect(xlsxDownload.suggestedFilename()).toBe('sku-template.xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile((await xlsxDownload.path())!);
  expect((wb.worksheets[0].getRow(1).values as unknown[]).filter(Boolean)).toEqual(header.split(','));

  // step 3: two good rows and one with a wrong EAN check digit (file row 4)
  const code = uid();
  const good = [randomEan(), randomEan(), randomEan()];
  const bad = wrongCheckDigit(good[2]);
  const rows = [row(`QC-${code}-1`, '赣南脐橙 5斤装', good[0], '常温'), row(`QC-${code}-2`, '赣南脐橙 10斤装', good[1], '冷藏'), row(`QC-${code}-3`, '脐橙礼盒', bad, '常温')];
  const first = writeCsv(`first-${code}.csv`, header, rows);

  // check only: nothing is created
  await uploadAndWait(page, first, 'sku-import-check');
  expect(await text(page, 'sku-import-result')).toContain('检查结果');
  expect(await counts(page)).toEqual({ created: '2 新建', updated: '0 更新', unchanged: '0 未变', errors: '1 错误' });
  expect(await skusOf(seller.ownerId)).toHaveLength(0);
  const errorRows = page.getByTestId('import-errors').locator('tbody tr');
  expect(await errorRows.count()).toBe(1);
  let cells = await errorRows.first().locator('td').allTextContents();
  expect(cells[0]).toBe('4');
  expect(cells[1]).toBe('条码');
  expect(cells[2]).toBe(`条码"${bad}"校验位错误`);
  await noSidewaysScroll(page, PHONE.width);

  // import now: the same file, without choosing it again
  await page.getByTestId('sku-import-now').click();
  await page.getByTestId('sku-import-to-list').waitFor();
  expect(await text(page, 'sku-import-result')).toContain('导入结果');
  expect(await counts(page)).toEqual({ created: '2 新建', updated: '0 更新', unchanged: '0 未变', errors: '1 错误' });
  cells = await page.getByTestId('import-errors').locator('tbody tr').first().locator('td').allTextContents();
  expect(cells).toEqual(['4', '条码', `条码"${bad}"校验位错误`]);
  expect((await skusOf(seller.ownerId)).map((s) => s.skuCode).sort()).toEqual([`QC-${code}-1`, `QC-${code}-2`]);
  await page.getByTestId('sku-import-result').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'sku-import-result-360x740.png') });
  await page.screenshot({ path: path.join(SHOTS, 'sku-import-result-360x740-full.png'), fullPage: true });

  // the error report names the row and the problem in Chinese
  const [report] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sku-errors-csv').click()]);
  const reportText = fs.readFileSync((await report.path())!, 'utf8');
  expect(reportText).toContain(`4,barcode,"条码""${bad}""校验位错误"`);

  // the corrected file: one new, two unchanged, no duplicates
  rows[2] = row(`QC-${code}-3`, '脐橙礼盒', good[2], '常温');
  const fixed = writeCsv(`fixed-${code}.csv`, header, rows);
  await page.getByTestId('sku-import-another').click();
  await uploadAndWait(page, fixed, 'sku-import-submit');
  expect(await counts(page)).toEqual({ created: '1 新建', updated: '0 更新', unchanged: '2 未变', errors: '0 错误' });
  expect(await page.getByTestId('import-errors').count()).toBe(0);
  const skus = await skusOf(seller.ownerId);
  expect(skus.map((s) => s.skuCode).sort()).toEqual([`QC-${code}-1`, `QC-${code}-2`, `QC-${code}-3`]);
  expect(skus.find((s) => s.skuCode === `QC-${code}-3`)?.barcode).toBe(good[2]);

  // the list shows them as cards on the phone
  await page.getByTestId('sku-import-to-list').click();
  await page.waitForURL('**/skus');
  await page.getByTestId('sku-row').nth(2).waitFor();
  expect(await page.getByTestId('skus-table').locator('tbody').textContent()).toContain('冷藏');
  await noSidewaysScroll(page, PHONE.width);
});

test('a seller creates a product with the form, sees field errors first, and finds it by scanning', async () => {
  const seller = await newSeller();
  const sellerToken = (await apiCall<{ token: string }>('POST', '/api/v1/auth/login', { username: seller.username, password: SELLER_PASSWORD }, '')).token;
  const taken = `TAKEN-${uid()}`;
  const takenBarcode = randomEan();
  await apiCall('POST', '/api/v1/skus', { skuCode: taken, name: '已有商品', weightG: 100, temperature: 'ambient', barcode: takenBarcode }, sellerToken);

  const page = await newPage();
  await logIn(page, seller.username, SELLER_PASSWORD);
  await page.getByTestId('nav-skus').click();
  await page.getByTestId('sku-row').first().waitFor();
  await page.getByTestId('sku-new').click();
  await page.waitForURL('**/skus/new');

  const barcode = randomEan();
  const code = `MY-${uid()}`;
  await page.getByTestId('sku-code').fill(taken);
  await page.getByTestId('sku-name').fill('信丰脐橙 精品礼盒 3斤');
  await page.getByTestId('sku-spec').fill('3斤/盒');
  await page.getByTestId('sku-weight').fill('1600');
  await page.getByTestId('sku-temp-chilled').check();
  await page.getByTestId('sku-shelf-life').fill('20');
  await page.getByTestId('sku-lot').check();
  // a mistyped barcode: caught before sending, next to its box
  await page.getByTestId('sku-barcode-0').fill(wrongCheckDigit(barcode));
  await page.getByTestId('sku-submit').click();
  const barcodeField = page.locator('.field', { has: page.getByTestId('sku-barcode-0') });
  await barcodeField.locator('.field-error').waitFor();
  expect(await barcodeField.locator('.field-error').textContent()).toContain('校验位');
  expect(await page.getByTestId('sku-barcode-0').getAttribute('aria-invalid')).toBe('true');
  expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('sku-barcode-0');
  await noSidewaysScroll(page, PHONE.width);
  await page.screenshot({ path: path.join(SHOTS, 'sku-form-360x740.png') });

  // the API's answers appear next to their boxes: the code is taken ...
  await page.getByTestId('sku-barcode-0').fill(takenBarcode);
  await page.getByTestId('sku-submit').click();
  const codeField = page.locator('.field', { has: page.getByTestId('sku-code') });
  await codeField.locator('.field-error').waitFor();
  expect(await codeField.locator('.field-error').textContent()).toContain('已有相同编码');
  expect(await page.getByTestId('sku-barcode-0').getAttribute('aria-invalid')).toBeNull();
  // ... and the barcode belongs to another product (409 DUPLICATE_BARCODE, details[].field = barcode)
  await page.getByTestId('sku-code').fill(code);
  await page.getByTestId('sku-submit').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="sku-barcode-0"]')?.getAttribute('aria-invalid') === 'true');
  expect(await barcodeField.locator('.field-error').textContent()).toBe(`条码 ${takenBarcode} 已经用在您的商品 ${taken} 上了。`);
  expect(await page.getByTestId('sku-code').getAttribute('aria-invalid')).toBeNull();

  await page.getByTestId('sku-barcode-0').fill(barcode);
  await page.getByTestId('sku-submit').click();
  await page.getByTestId('sku-saved').waitFor();
  expect(pathname(page)).toMatch(/^\/skus\/\d+$/);
  const created = (await skusOf(seller.ownerId)).find((s) => s.skuCode === code);
  expect(created?.barcode).toBe(barcode);

  // back to the list; the scanner types the barcode and Enter without anyone clicking the search box
  await page.getByTestId('sku-back').click();
  await page.waitForURL('**/skus');
  await page.getByTestId('sku-row').nth(1).waitFor();
  await page.keyboard.type(barcode, { delay: 15 });
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="sku-row"]').length === 1);
  expect(await page.getByTestId('sku-search').inputValue()).toBe(barcode);
  const found = await text(page, 'sku-row');
  expect(found).toContain('信丰脐橙 精品礼盒 3斤');
  expect(found).toContain('冷藏');
  expect(found).toContain('1,600 克');

  // a label for it: the PDF opens, or (while the label API is not there yet) a plain message
  await page.getByTestId('sku-label').click();
  await page.getByTestId('label-size-100x50').check();
  await page.getByTestId('label-copies').fill('3');
  const popup = page.waitForEvent('popup').catch(() => null);
  await page.getByTestId('label-submit').click();
  const outcome = page.locator('[data-testid="label-error"], [data-testid="label-ready"]').first();
  await outcome.waitFor();
  if ((await outcome.getAttribute('data-testid')) === 'label-ready') {
    expect((await popup)?.url()).toMatch(/^blob:/);
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('label-ready').getByRole('link').click()]);
    expect(fs.readFileSync((await pdf.path())!).subarray(0, 5).toString()).toBe('%PDF-');
  }
  await noSidewaysScroll(page, PHONE.width);
  await page.screenshot({ path: path.join(SHOTS, 'sku-label-360x740.png') });
});

test('products pages at phone and desktop widths (screenshots), staff owner picker and read-only operator', async () => {
  const seller = await newSeller();
  const sellerToken = (await apiCall<{ token: string }>('POST', '/api/v1/auth/login', { username: seller.username, password: SELLER_PASSWORD }, '')).token;
  const demo = [
    { skuCode: 'QC-5KG', name: '赣南脐橙 5斤装 特级果', spec: '5斤/箱 果径75-80mm', weightG: 2600, temperature: 'ambient', barcode: randomEan() },
    { skuCode: 'BERRY-500', name: '高山蓝莓 500克 鲜果', spec: '125克×4盒', weightG: 650, temperature: 'chilled', barcode: randomEan() },
    { skuCode: 'PORK-2KG', name: '土猪肉 冷冻分割 2公斤', spec: '2公斤/袋', weightG: 2100, temperature: 'frozen' },
  ];
  for (const s of demo) await apiCall('POST', '/api/v1/skus', s, sellerToken);
  const header = '商品编码,商品名称,条码,规格,单位,重量(克),长(毫米),宽(毫米),高(毫米),温层,保质期(天),批次管理,产地,箱条码,箱规';
  const csv = writeCsv(`shots-${uid()}.csv`, header, [row('NEW-1', '新品 脐橙', randomEan(), '常温'), row('NEW-2', '新品 蓝莓', '6901234567893', '冷藏'), row('NEW-3', '', '', '温热')]);

  for (const viewport of [PHONE, DESKTOP]) {
    const size = `${viewport.width}x${viewport.height}`;
    const page = await newPage({ viewport });
    await logIn(page, seller.username, SELLER_PASSWORD);
    await page.goto(server.baseUrl + '/skus');
    await page.getByTestId('sku-row').nth(2).waitFor();
    await noSidewaysScroll(page, viewport.width);
    await page.screenshot({ path: path.join(SHOTS, `skus-${size}.png`) });
    await page.screenshot({ path: path.join(SHOTS, `skus-${size}-full.png`), fullPage: true });

    await page.getByTestId('sku-new').click();
    await page.getByTestId('sku-barcode-0').fill('6901234567893');
    await page.getByTestId('sku-weight').fill('0');
    await page.getByTestId('sku-submit').click();
    await page.getByTestId('sku-error').waitFor();
    await noSidewaysScroll(page, viewport.width);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, `sku-form-${size}-full.png`), fullPage: true });

    await page.goto(server.baseUrl + '/skus/import');
    await uploadAndWait(page, csv, 'sku-import-check');
    await noSidewaysScroll(page, viewport.width);
    await page.screenshot({ path: path.join(SHOTS, `sku-import-${size}-full.png`), fullPage: true });
    if (viewport === DESKTOP) await page.screenshot({ path: path.join(SHOTS, `sku-import-result-${size}.png`) });
  }

  // staff pick the owner; the list can be filtered by it
  const admin = await newPage({ viewport: DESKTOP, locale: 'en-US' });
  await logIn(admin, 'admin', ADMIN_PASSWORD);
  await admin.getByTestId('nav-skus').click();
  await admin.getByTestId('filter-owner').locator(`option[value="${seller.ownerId}"]`).waitFor({ state: 'attached' });
  await admin.getByTestId('filter-owner').selectOption(String(seller.ownerId));
  await admin.waitForFunction(() => document.querySelectorAll('[data-testid="sku-row"]').length === 3);
  expect(await admin.getByTestId('skus-table').textContent()).toContain(seller.ownerName);
  await admin.getByTestId('sku-new').click();
  expect(await admin.getByTestId('sku-owner').inputValue()).toBe(String(seller.ownerId));

  // an operator looks but cannot change
  const opName = `op_${uid().toLowerCase()}`;
  await apiCall('POST', '/api/v1/users', { username: opName, password: 'operator-pass-1', role: 'operator' });
  const op = await newPage({ locale: 'en-US' });
  await logIn(op, opName, 'operator-pass-1');
  await op.getByTestId('nav-skus').click();
  await op.getByTestId('sku-row').first().waitFor();
  expect(await op.getByTestId('sku-new').count()).toBe(0);
  await op.getByTestId('sku-open').first().click();
  await op.getByTestId('sku-form').waitFor();
  expect(await op.getByTestId('sku-name').isDisabled()).toBe(true);
  expect(await op.getByTestId('sku-submit').count()).toBe(0);
  await op.goto(server.baseUrl + '/skus/import');
  await op.getByRole('heading', { name: 'Your role may not open this page.' }).waitFor();
});

test('a seller sees the stock the hub received for it, and what expires soon', async () => {
  const seller = await newSeller();
  const code = `ST-${uid()}`;
  await apiCall('POST', '/api/v1/skus', { ownerId: seller.ownerId, skuCode: code, name: '赣南脐橙 库存测试', weightG: 2600, temperature: 'ambient', lotTracked: true });
  const soon = new Date(Date.now() + 3 * 86400_000).toISOString().slice(0, 10);
  await apiCall('POST', '/api/v1/receipts', { ownerId: seller.ownerId, skuCode: code, qty: 12, lotNo: 'L-SOON', expiresAt: soon, locationCode: 'DOCK-1' });
  const page = await newPage();
  await logIn(page, seller.username, SELLER_PASSWORD);
  await page.getByTestId('nav-stock').click();
  const row = page.getByTestId('stock-table').locator('tr', { hasText: code });
  await row.waitFor();
  expect((await row.textContent())!.replace(/\s+/g, ' ')).toContain('12');
  const expiring = page.getByTestId('expiring-table').locator('tr', { hasText: 'L-SOON' });
  expect((await expiring.textContent())!).toContain(soon);
  await page.screenshot({ path: path.join(SHOTS, 'stock-360x740.png'), fullPage: true });
});
