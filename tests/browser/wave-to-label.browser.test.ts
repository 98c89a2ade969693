import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { apiJson, buildWeb, DESKTOP, logInThroughPage, pathname, PHONE, randomEan, type RunningServer, SHOTS, startServer, uid } from './server';
import { result, scan, textOf } from './scanner';
import { startFakeNetworkPrinter, type FakeNetworkPrinter } from '../helpers/fake-printer';
import { parseTspl } from '../helpers/printing';

/**
 * The whole path of a wave, end to end on the screens and nothing booked by the API on the
 * way: a picker on a 360 px handheld picks a released multi-unit wave in walking order, the
 * put-wall operator sorts its tote into slots until every order is ready to pack, and a packer
 * at a 1280 px desk opens one order by tote and slot and another by its order number, scans
 * every unit, presses Enter, and each label arrives at a TSPL printer on loopback carrying its
 * waybill number. Keys are typed as a keyboard-wedge scanner sends them: fast, then Enter.
 */

const ADMIN_PASSWORD = 'browser-admin-pass-w2l';
const OPERATOR_PASSWORD = 'operator-pass-w2l';

let server: RunningServer;
let browser: Browser;
let adminToken: string;
let device: FakeNetworkPrinter;
const contexts: BrowserContext[] = [];

const apiCall = <T>(method: string, p: string, body?: unknown) => apiJson<T>(server.baseUrl, method, p, body, adminToken);

interface Task {
  id: number;
  seq: number;
  locationCode: string;
  skuCode: string;
  skuName: string;
  qty: number;
  pickedQty: number;
  status: string;
}
interface WaveView {
  id: number;
  batches: Array<{ kind: string; toteCode: string }>;
  orders: Array<{ orderId: number; externalId: string; slotNo: number | null; units: number; sortedUnits: number; slotStatus: string }>;
}
interface Parcel {
  id: number;
  status: string;
  carrierCode: string | null;
  waybillNo: string | null;
  routingCode: string | null;
}
interface PrintJob {
  id: number;
  status: string;
  waybillNo: string | null;
  printerId: number;
  bytes: number | null;
}

const waitText = (page: Page, testId: string, text: string) =>
  page.waitForFunction(([id, want]) => (document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '').replace(/\s+/g, ' ').trim() === want, [testId, text] as const);

/** The screen as it is, at the page's own width (nothing wider than that). */
async function shot(page: Page, name: string): Promise<void> {
  const width = page.viewportSize()!.width;
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, `wave-to-label-${name}-${width}.png`), fullPage: true, animations: 'disabled' });
}

async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

async function operatorPage(role: string, viewport: typeof PHONE): Promise<Page> {
  const username = `${role}_${uid().toLowerCase()}`;
  await apiJson(server.baseUrl, 'POST', '/api/v1/users', { username, password: OPERATOR_PASSWORD, role: 'operator' }, adminToken);
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport, hasTouch: viewport === PHONE });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  await logInThroughPage(page, server.baseUrl, username, OPERATOR_PASSWORD);
  return page;
}

beforeAll(async () => {
  buildWeb();
  server = await startServer(ADMIN_PASSWORD);
  adminToken = (await apiJson<{ token: string }>(server.baseUrl, 'POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD })).token;
  device = await startFakeNetworkPrinter('tspl');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
  fs.mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  for (const ctx of contexts.splice(0)) await ctx.close();
  await browser?.close();
  await server?.stop();
  await device?.close();
});

test('a multi-unit wave is picked in walking order, sorted on the put-wall, packed at the desk, and each label reaches the printer with its waybill', async () => {
  // --- set-up by API: an owner, three products in three aisles, two multi-unit orders, the wave; a station with a TSPL printer ---
  const tag = `WL${uid()}`;
  const owner = await apiCall<{ id: number }>('POST', '/api/v1/owners', { code: tag, name: `信丰脐橙合作社 ${tag}` });
  const products = [
    { skuCode: `${tag}-QC`, name: '赣南脐橙 5斤装', barcode: randomEan(), at: 'A04-03' },
    { skuCode: `${tag}-DRY`, name: '脐橙果干 200g', barcode: randomEan(), at: 'A01-10' },
    { skuCode: `${tag}-HON`, name: '百花蜂蜜 500g', barcode: randomEan(), at: 'A03-12' },
  ];
  const [orange, dried, honey] = products;
  for (const p of products) {
    await apiCall('POST', '/api/v1/skus', { ownerId: owner.id, skuCode: p.skuCode, name: p.name, weightG: 600, temperature: 'ambient', barcode: p.barcode });
    await apiCall('POST', '/api/v1/receipts', { ownerId: owner.id, barcode: p.barcode, qty: 10, locationCode: p.at });
  }
  const receiver = { name: '刘建国', phone: '13907970011', province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇正平路88号' };
  const lines = [
    [{ sku: orange, qty: 2 }, { sku: dried, qty: 1 }],
    [{ sku: dried, qty: 2 }, { sku: honey, qty: 1 }],
  ];
  const orders: Array<{ id: number; externalId: string }> = [];
  for (const [i, ls] of lines.entries()) {
    const externalId = `WX-${tag}-${i + 1}`;
    const o = await apiCall<{ id: number }>('POST', '/api/v1/orders', { ownerId: owner.id, externalId, receiver, lines: ls.map((l) => ({ skuCode: l.sku.skuCode, qty: l.qty })) });
    orders.push({ id: o.id, externalId });
  }
  for (const o of orders) await until(`order ${o.externalId} allocated`, async () => (await apiCall<{ status: string }>('GET', `/api/v1/orders/${o.id}`)).status === 'allocated');
  const wave = await apiCall<WaveView>('POST', '/api/v1/waves', { orderIds: orders.map((o) => o.id) });
  expect(wave.batches.map((b) => b.kind)).toEqual(['multi']);
  const tote = wave.batches[0].toteCode;
  const slotOf = new Map(wave.orders.map((o) => [o.orderId, o.slotNo!]));
  expect([...slotOf.values()].sort()).toEqual([1, 2]);
  const tasks = (await apiCall<{ items: Task[] }>('GET', `/api/v1/pick-tasks?waveId=${wave.id}&kind=pick`)).items.sort((a, b) => a.seq - b.seq);
  expect(tasks.reduce((n, t) => n + t.qty, 0)).toBe(6);
  // One stop per pick face; the picker is led through them in the route's order (seq), which
  // the router chose for the shortest walk from the put-wall, not in aisle or code order.
  expect(new Set(tasks.map((t) => t.locationCode))).toEqual(new Set(products.map((p) => p.at)));

  const printer = await apiCall<{ id: number; name: string }>('POST', '/api/v1/printers', { name: `打包台 TSC ${tag}`, language: 'tspl', host: '127.0.0.1', port: device.port, station: tag });
  await apiCall('POST', '/api/v1/pack-stations', { code: tag, name: `打包台 ${tag}`, printerId: printer.id });

  // --- the picker: the wave's batch, then stop by stop in the route's order ---
  const picker = await operatorPage('picker', PHONE);
  await picker.goto(server.baseUrl + '/terminal/pick');
  await picker.getByTestId('term-pick').waitFor();
  await picker.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'scan-input');
  await scan(picker, `W${wave.id}`);
  await result(picker, 'ok', `波次 ${wave.id}`);
  expect(await textOf(picker, 'pick-progress')).toContain(`任务 0/${tasks.length}`);
  for (const [i, task] of tasks.entries()) {
    await waitText(picker, 'pick-location', task.locationCode);
    if (tasks[i + 1]) expect(await textOf(picker, 'pick-next')).toContain(tasks[i + 1].locationCode);
    if (i === 0) await shot(picker, 'pick-location');
    await scan(picker, task.locationCode);
    await result(picker, 'ok', `已到 ${task.locationCode}`);
    expect(await textOf(picker, 'pick-item-name')).toBe(task.skuName);
    expect(await textOf(picker, 'pick-remaining')).toBe(String(task.qty));
    if (i === 0) await shot(picker, 'pick-item');
    const barcode = products.find((p) => p.skuCode === task.skuCode)!.barcode;
    for (let n = 0; n < task.qty; n++) await scan(picker, barcode);
    await result(picker, 'ok', `已拣 ${task.qty} 件 ${task.skuName}`);
  }
  await picker.locator('[data-testid="pick-done"][data-finished="true"]').waitFor();
  expect(await textOf(picker, 'pick-tote')).toBe(tote);
  expect(await textOf(picker, 'pick-take')).toContain('播种墙');
  expect(await textOf(picker, 'pick-progress')).toContain(`任务 ${tasks.length}/${tasks.length}`);
  await shot(picker, 'pick-done');
  const picked = (await apiCall<{ items: Task[] }>('GET', `/api/v1/pick-tasks?waveId=${wave.id}&kind=pick`)).items;
  expect(picked.every((t) => t.status === 'done' && t.pickedQty === t.qty)).toBe(true);
  for (const o of orders) expect((await apiCall<{ status: string }>('GET', `/api/v1/orders/${o.id}`)).status).toBe('picked');

  // --- the put-wall: the tote, then unit by unit into the slot the screen names ---
  await picker.goto(server.baseUrl + '/terminal/putwall');
  await picker.getByTestId('term-putwall').waitFor();
  await scan(picker, tote);
  await result(picker, 'ok', tote);
  expect(await picker.locator('[data-testid^="putwall-row-"]').count()).toBe(2);
  await shot(picker, 'putwall-tote');
  // slot → SKU → units still to sort there; the wall fills the lowest slot that still wants the item
  const need = new Map(orders.map((o, i) => [slotOf.get(o.id)!, new Map(lines[i].map((l) => [l.sku.skuCode, l.qty]))]));
  for (const [n, p] of [dried, orange, honey, dried, orange, dried].entries()) {
    const slot = [...need.keys()].sort((a, b) => a - b).find((s) => (need.get(s)!.get(p.skuCode) ?? 0) > 0)!;
    need.get(slot)!.set(p.skuCode, need.get(slot)!.get(p.skuCode)! - 1);
    const complete = [...need.get(slot)!.values()].every((q) => q === 0);
    await scan(picker, p.barcode);
    await picker.locator(`[data-testid="putwall-result"][data-slot="${slot}"]`).waitFor();
    await result(picker, 'ok', complete ? `${slot} 号格口完成` : `放入 ${slot} 号格口`);
    expect(await textOf(picker, 'putwall-slot')).toBe(String(slot));
    if (complete) {
      await picker.getByTestId('putwall-ready').waitFor();
      expect(await picker.getByTestId(`putwall-row-${slot}`).getAttribute('data-state')).toBe('ready');
    }
    if (n === 0) await shot(picker, 'putwall-slot');
  }
  expect(await picker.locator('[data-testid^="putwall-row-"][data-state="ready"]').count()).toBe(2);
  await shot(picker, 'putwall-ready');
  const sorted = await apiCall<WaveView>('GET', `/api/v1/waves/${wave.id}`);
  for (const o of sorted.orders) expect([o.sortedUnits, o.slotStatus]).toEqual([o.units, 'ready']);

  // --- the packer at the desk: the station by its code, the tote, one order by its slot ---
  const packer = await operatorPage('packer', DESKTOP);
  await packer.goto(server.baseUrl + '/terminal/pack');
  await packer.getByTestId('term-pack').waitFor();
  expect(pathname(packer)).toBe('/terminal/pack');
  await packer.getByTestId(`pack-station-${tag}`).waitFor();
  await scan(packer, tag);
  await result(packer, 'ok', tag);
  expect(await textOf(packer, 'pack-printer-name')).toBe(printer.name);
  await scan(packer, tote);
  await result(packer, 'ok', tote);
  for (const o of orders) {
    const row = packer.getByTestId(`pack-tote-order-${o.externalId}`);
    expect(await row.locator('.pack-slot').textContent()).toBe(String(slotOf.get(o.id)));
    expect(await row.textContent()).toContain('可打包');
  }
  await shot(packer, 'pack-tote');

  const labels: Buffer[] = [];
  /** Opens an order by `opener`, scans every unit, packs with Enter; returns the waybill the screen shows once printed. */
  async function packAtDesk(i: number, opener: string, name: string): Promise<string> {
    const o = orders[i];
    await scan(packer, opener);
    const opened = await result(packer, 'ok', `订单 ${o.externalId}`);
    expect(await opened.textContent()).toContain(`格口 ${slotOf.get(o.id)}`);
    expect(await textOf(packer, 'pack-order-ref')).toBe(o.externalId);
    const sub = packer.locator('.term-context-main', { has: packer.getByTestId('pack-order-ref') }).locator('.term-context-sub');
    expect(await sub.textContent()).toContain(`格口 ${slotOf.get(o.id)}`);
    expect(await packer.getByTestId('pack-submit').isDisabled()).toBe(true);
    if (i === 0) await shot(packer, `${name}-opened`);
    const units = lines[i].flatMap((l) => Array<typeof l.sku>(l.qty).fill(l.sku));
    for (const p of units) await scan(packer, p.barcode);
    await result(packer, 'ok', `${units.length} 件已全部扫描`);
    for (const l of lines[i]) expect(await textOf(packer, `pack-scanned-${l.sku.skuCode}`)).toBe(String(l.qty));
    expect(await packer.getByTestId('pack-submit').isDisabled()).toBe(false);
    if (i === 0) await shot(packer, `${name}-scanned`);
    await packer.keyboard.press('Enter'); // an empty scan: Pack
    const packed = await result(packer, 'ok', '已打包');
    const waybill = await textOf(packer, 'pack-waybill');
    expect(waybill).toMatch(/^XC\d+$/);
    expect(await packed.textContent()).toContain(waybill);
    await device.received(labels.length + 1);
    labels.push(device.jobs[labels.length]);
    await packer.locator('[data-testid="pack-print-status"][data-status="printed"]').waitFor({ timeout: 20_000 });
    expect(await textOf(packer, 'pack-print-status')).toContain('已打印');
    await shot(packer, `${name}-printed`);
    return waybill;
  }

  const first = orders.findIndex((o) => slotOf.get(o.id) === 1);
  const second = 1 - first;
  const waybills = new Map<number, string>();
  waybills.set(first, await packAtDesk(first, '1', 'pack-slot'));
  // The other order by its order number, with the tote still open: the number opens the order
  // and is not counted as a (wrong) item.
  waybills.set(second, await packAtDesk(second, orders[second].externalId, 'pack-order-no'));
  expect(waybills.get(first)).not.toBe(waybills.get(second));
  // the tote again: both orders packed
  await scan(packer, tote);
  await result(packer, 'ok', tote);
  for (const o of orders) expect(await textOf(packer, `pack-tote-order-${o.externalId}`)).toContain('已打包');
  expect(await textOf(packer, 'pack-tote')).toContain('这个周转箱的订单都已打包');
  await shot(packer, 'pack-tote-done');

  // --- what the server holds now, and what the printer got ---
  expect(device.jobs).toHaveLength(2);
  for (const [i, o] of orders.entries()) {
    const waybill = waybills.get(i)!;
    expect((await apiCall<{ status: string }>('GET', `/api/v1/orders/${o.id}`)).status).toBe('packed');
    const parcels = (await apiCall<{ items: Parcel[] }>('GET', `/api/v1/parcels?orderId=${o.id}`)).items;
    expect(parcels).toHaveLength(1);
    expect(parcels[0]).toMatchObject({ status: 'labelled', carrierCode: 'VILLAGE', waybillNo: waybill, routingCode: 'XF-01' });
    const jobs = (await apiCall<{ items: PrintJob[] }>('GET', `/api/v1/print-jobs?parcelId=${parcels[0].id}`)).items;
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: 'printed', waybillNo: waybill, printerId: printer.id });

    // the bytes on the wire: one TSPL job, this order's waybill as text and as its barcode, printed once
    const label = labels[i === first ? 0 : 1];
    expect(jobs[0].bytes).toBe(label.length);
    const commands = parseTspl(label);
    expect(commands.filter((c) => c.name === 'PRINT')).toHaveLength(1);
    expect(commands.some((c) => c.name === 'BARCODE' && c.args.includes(waybill))).toBe(true);
    expect(commands.some((c) => c.name === 'TEXT' && c.args.includes(`订单 ${o.externalId}`))).toBe(true);
    expect(commands.some((c) => c.name === 'TEXT' && c.args.includes('XF-01'))).toBe(true);
    expect(label.toString('latin1')).not.toContain(waybills.get(1 - i)!);
  }
});
