import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { apiJson, buildWeb, DESKTOP, logInThroughPage, pathname, PHONE, randomEan, type RunningServer, SHOTS, startServer, uid } from './server';
import { textOf } from './scanner';
import { startFakeKuaidi100 } from '../helpers/fakes/carriers/kuaidi100';
import type { FakeCarrier, FakeTrackingEvent } from '../helpers/fakes/carriers/types';

/**
 * The seller's shipments. Two owners' parcels are packed with a Kuaidi100 carrier (its fake on
 * loopback), scanned onto one manifest, closed and handed over; the carrier's tracking of one
 * parcel is fetched through the API. The seller, in Chinese, opens Shipments: today's parcels of
 * its own owner only, with carrier, waybill, weight and the latest status in words; a row opens
 * the parcel's tracking events; the day downloads as CSV; an empty day says so. Admin picks an
 * owner and sees that owner's parcels.
 */

const ADMIN_PASSWORD = 'browser-admin-pass-shipments';
const SELLER_PASSWORD = 'seller-pass-shipments';

let server: RunningServer;
let browser: Browser;
let fake: FakeCarrier;
let adminToken: string;
const contexts: BrowserContext[] = [];

const apiCall = <T>(method: string, p: string, body?: unknown, token = adminToken) => apiJson<T>(server.baseUrl, method, p, body, token);

/** Today in Beijing, the day the page opens on. */
const beijingToday = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
/** A moment as the page writes it: Beijing time to the minute. */
const beijingMinute = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

/** The current screen at phone and desktop width (nothing wider than the phone), back at the width it had. */
async function shot(page: Page, name: string): Promise<void> {
  const before = page.viewportSize();
  await page.setViewportSize(PHONE);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, `shipments-${name}-360.png`), fullPage: true, animations: 'disabled' });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(SHOTS, `shipments-${name}-1280.png`), fullPage: true, animations: 'disabled' });
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

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: DESKTOP, acceptDownloads: true });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

beforeAll(async () => {
  buildWeb();
  server = await startServer(ADMIN_PASSWORD);
  fake = await startFakeKuaidi100();
  adminToken = (await apiCall<{ token: string }>('POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD }, '')).token;
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
  await fake?.close();
  await server?.stop();
});

interface Parcel {
  orderId: number;
  externalId: string;
  parcelId: number;
  waybillNo: string;
}

/** An owner with stock of one SKU, and `n` one-unit orders of it, each picked through its own wave and packed with the carrier. */
async function ownerWithParcels(code: string, carrierCode: string, n: number): Promise<{ owner: { id: number; code: string; name: string }; parcels: Parcel[] }> {
  const owner = await apiCall<{ id: number; code: string; name: string }>('POST', '/api/v1/owners', { code, name: `信丰脐橙合作社 ${code}` });
  const sku = { skuCode: `${code}-QC`, barcode: randomEan() };
  await apiCall('POST', '/api/v1/skus', { ownerId: owner.id, skuCode: sku.skuCode, name: '赣南脐橙 5斤装', weightG: 2500, lengthMm: 250, widthMm: 180, heightMm: 120, temperature: 'ambient', barcode: sku.barcode });
  const loc = await apiCall<{ code: string }>('POST', '/api/v1/locations', { code: `${code}-P1`, zone: `${code}Z`, temperature: 'ambient', type: 'pick', x: 10, y: 10 });
  await apiCall('POST', '/api/v1/receipts', { ownerId: owner.id, barcode: sku.barcode, qty: n, locationCode: loc.code });
  const receiver = { name: '刘建国', phone: '13907970011', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路90号3幢' };
  const parcels: Parcel[] = [];
  for (let i = 1; i <= n; i++) {
    const externalId = `SH-${code}-${i}`;
    const order = await apiCall<{ id: number }>('POST', '/api/v1/orders', { ownerId: owner.id, externalId, receiver, lines: [{ skuCode: sku.skuCode, qty: 1 }] });
    await waitFor(async () => (await apiCall<{ status: string }>('GET', `/api/v1/orders/${order.id}`)).status === 'allocated', 20_000, 'allocation');
    const wave = await apiCall<{ id: number }>('POST', '/api/v1/waves', { orderIds: [order.id] });
    const tasks = await apiCall<{ items: Array<{ id: number; locationCode: string; qty: number }> }>('GET', `/api/v1/pick-tasks?waveId=${wave.id}`);
    for (const task of tasks.items) await apiCall('POST', `/api/v1/pick-tasks/${task.id}/confirm`, { locationCode: task.locationCode, barcode: sku.barcode, qty: task.qty });
    const packed = await apiCall<{ parcelId: number; waybillNo: string }>('POST', `/api/v1/orders/${order.id}/pack`, { scans: [sku.barcode], weightG: 2600 + i * 100, carrierCode });
    parcels.push({ orderId: order.id, externalId, parcelId: packed.parcelId, waybillNo: packed.waybillNo });
  }
  return { owner, parcels };
}

test("a seller sees its own parcels handed over today, opens one's tracking, downloads the day as CSV; admin picks an owner", async () => {
  const code = uid();
  const carrier = await apiCall<{ id: number; code: string; name: string }>('POST', '/api/v1/carriers', {
    code: `KD-${code}`,
    name: `中通快递 ${code}`,
    adapter: 'kuaidi100',
    baseUrl: fake.baseUrl,
    credentials: fake.credentials,
    settings: fake.settings,
  });
  const mine = await ownerWithParcels(`SA${code}`, carrier.code, 2);
  const theirs = await ownerWithParcels(`SB${code}`, carrier.code, 1);
  const [a1, a2] = mine.parcels;
  const [b1] = theirs.parcels;
  const seller = `ship_${code.toLowerCase()}`;
  await apiCall('POST', '/api/v1/users', { username: seller, password: SELLER_PASSWORD, role: 'seller', ownerId: mine.owner.id });

  // handed over: all three on one manifest, closed, confirmed
  const m = await apiCall<{ id: number }>('POST', '/api/v1/manifests', { carrierId: carrier.id });
  for (const p of [a1, a2, b1]) await apiCall('POST', `/api/v1/manifests/${m.id}/scan`, { waybillNo: p.waybillNo });
  await apiCall('POST', `/api/v1/manifests/${m.id}/close`);
  await apiCall('POST', `/api/v1/manifests/${m.id}/handover`, { receivedBy: '李师傅', countedCount: 3 });

  // the carrier has news of a1: picked up, then on its way (asked through the API, from its fake)
  const base = Math.floor(Date.now() / 1000) * 1000 - 2 * 3600_000;
  const events: FakeTrackingEvent[] = [
    { at: new Date(base), code: '103', text: '【赣州市】信丰县公司 已揽收' },
    { at: new Date(base + 3600_000), code: '1002', text: '快件已发往 杭州转运中心' },
  ];
  fake.addTracking(a1.waybillNo, events);
  const tracked = await apiCall<{ added: number; trackingStatus: string }>('POST', `/api/v1/parcels/${a1.parcelId}/track`);
  expect(tracked).toMatchObject({ added: 2, trackingStatus: 'in_transit' });

  // ---------- the seller ----------
  const page = await newPage();
  await logInThroughPage(page, server.baseUrl, seller, SELLER_PASSWORD);
  await page.getByTestId('nav-shipments').click();
  expect(pathname(page)).toBe('/shipments');
  const today = beijingToday();
  const rowA1 = page.getByTestId(`ship-row-${a1.waybillNo}`);
  await rowA1.waitFor();
  await page.getByTestId(`ship-row-${a2.waybillNo}`).waitFor();
  expect(await page.getByTestId('ship-date').inputValue()).toBe(today);
  // a seller has no owner to choose, and sees none but its own
  expect(await page.getByTestId('ship-owner').count()).toBe(0);
  expect(await page.getByTestId(`ship-row-${b1.waybillNo}`).count()).toBe(0);
  expect(await page.getByTestId('ship-table').textContent()).not.toContain(b1.waybillNo);
  expect(await textOf(page, 'ship-count')).toBe(`${today} 共交接 2 件包裹`);

  expect(await rowA1.getByTestId('ship-order').textContent()).toBe(a1.externalId);
  expect(await rowA1.getByTestId('ship-carrier').textContent()).toBe(carrier.name);
  expect(await rowA1.getByTestId('ship-toggle').textContent()).toBe(a1.waybillNo);
  expect(await rowA1.textContent()).toContain('2.7');
  expect(await rowA1.getByTestId('ship-status').getAttribute('data-status')).toBe('in_transit');
  expect(await rowA1.getByTestId('ship-status').textContent()).toBe('运输中');
  const rowA2 = page.getByTestId(`ship-row-${a2.waybillNo}`);
  expect(await rowA2.getByTestId('ship-status').textContent()).toBe('暂无物流');

  // the row opens the parcel's tracking: newest on top, in Beijing time
  await rowA1.click();
  const opened = page.getByTestId(`ship-events-${a1.waybillNo}`);
  await opened.getByTestId('ship-event').first().waitFor();
  expect(await rowA1.getByTestId('ship-toggle').getAttribute('aria-expanded')).toBe('true');
  const shown = await opened.getByTestId('ship-event').allTextContents();
  expect(shown).toHaveLength(2);
  expect(shown[0]).toContain(beijingMinute(events[1].at));
  expect(shown[0]).toContain('运输中');
  expect(shown[0]).toContain('快件已发往 杭州转运中心');
  expect(shown[1]).toContain(beijingMinute(events[0].at));
  expect(shown[1]).toContain('已揽收');
  expect(shown[1]).toContain('【赣州市】信丰县公司 已揽收');
  await shot(page, 'seller-day');
  // and closes again
  await rowA1.getByTestId('ship-toggle').click();
  await opened.waitFor({ state: 'detached' });

  // the day as CSV, fetched with the session: this owner's parcels only
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('ship-csv').click()]);
  expect(download.suggestedFilename()).toBe(`shipments-${today}.csv`);
  const csv = fs.readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, '');
  const lines = csv.trim().split(/\r?\n/);
  expect(lines[0]).toBe('order_external_id,carrier_code,carrier_name,waybill_no,weight_g,handed_over_at,tracking_status,tracking_at');
  expect(lines).toHaveLength(3);
  expect(lines.find((l) => l.includes(a1.waybillNo))).toContain(`${a1.externalId},${carrier.code},${carrier.name},${a1.waybillNo},2700,${today} `);
  expect(csv).toContain(a2.waybillNo);
  expect(csv).not.toContain(b1.waybillNo);

  // a day without shipments says so
  await page.getByTestId('ship-date').fill('2020-01-01');
  await page.getByTestId('ship-empty').waitFor();
  expect(await textOf(page, 'ship-empty')).toBe('2020-01-01 没有交给快递的包裹。');
  expect(await page.getByTestId('ship-csv').isDisabled()).toBe(true);
  expect(new URL(page.url()).search).toBe('?date=2020-01-01');
  await shot(page, 'seller-empty');

  // the server failing is said, not shown as an empty day
  const down = { error: { code: 'SERVICE_UNAVAILABLE', message: 'The database is not reachable' } };
  await page.route('**/api/v1/shipments?*', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify(down) }));
  await page.getByTestId('ship-date').fill('2020-01-02');
  await page.getByTestId('ship-error').waitFor();
  expect(await page.getByTestId('ship-empty').count()).toBe(0);
  await page.unroute('**/api/v1/shipments?*');

  // the order number opens the order
  await page.getByTestId('ship-date').fill(today);
  await rowA1.getByTestId('ship-order').click();
  await page.waitForURL(`**/orders/${a1.orderId}`);

  // ---------- admin: any owner, picked from the list ----------
  const admin = await newPage();
  await logInThroughPage(admin, server.baseUrl, 'admin', ADMIN_PASSWORD);
  await admin.goto(server.baseUrl + '/shipments');
  await admin.getByTestId(`ship-row-${b1.waybillNo}`).waitFor();
  await admin.getByTestId(`ship-row-${a1.waybillNo}`).waitFor();
  await admin.getByTestId('ship-owner').locator(`option[value="${theirs.owner.id}"]`).waitFor({ state: 'attached' });
  await admin.getByTestId('ship-owner').selectOption(String(theirs.owner.id));
  await admin.getByTestId(`ship-row-${a1.waybillNo}`).waitFor({ state: 'detached' });
  await admin.getByTestId(`ship-row-${b1.waybillNo}`).waitFor();
  expect(await admin.getByTestId(`ship-row-${b1.waybillNo}`).textContent()).toContain(theirs.owner.code);
  expect(new URL(admin.url()).searchParams.get('ownerId')).toBe(String(theirs.owner.id));
  await shot(admin, 'admin-owner');
});
