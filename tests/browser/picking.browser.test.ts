import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { apiJson, buildWeb, DESKTOP, PHONE, randomEan, type RunningServer, SHOTS, startServer, uid } from './server';
import { result, scan, textOf } from './scanner';

/**
 * The picker and the put-wall on a 360 px handheld: a released wave's multi-unit batch is
 * picked in walking order by scanning (a wrong location and a wrong item refused, nothing
 * booked), then sorted at the put-wall slot by slot until every order is ready to pack. Then
 * the hard cases: the session ends mid-task (the step survives the new login), the network
 * drops (the scan waits in the outbox and is booked once when it is back), and an answer is
 * lost after the server booked it (sent again under the same Idempotency-Key: booked once).
 * Keys are typed as a keyboard-wedge scanner sends them: fast, then Enter.
 */

const ADMIN_PASSWORD = 'browser-admin-pass-8';
const OPERATOR_PASSWORD = 'operator-pass-8';

let server: RunningServer;
let browser: Browser;
let adminToken: string;
const contexts: BrowserContext[] = [];

const apiCall = <T>(method: string, p: string, body?: unknown, token = adminToken) => apiJson<T>(server.baseUrl, method, p, body, token);

interface Task {
  id: number;
  batchNo: number;
  batchKind: string;
  seq: number;
  locationCode: string;
  toLocationCode: string;
  skuCode: string;
  skuName: string;
  qty: number;
  pickedQty: number;
  status: string;
}
interface WaveView {
  id: number;
  status: string;
  batches: Array<{ batchNo: number; kind: string; toteCode: string }>;
  orders: Array<{ orderId: number; externalId: string; status: string; batchNo: number; slotNo: number | null; units: number; sortedUnits: number; slotStatus: string }>;
}

const waitText = (page: Page, testId: string, text: string) =>
  page.waitForFunction(([id, want]) => (document.querySelector(`[data-testid="${id}"]`)?.textContent ?? '').replace(/\s+/g, ' ').trim() === want, [testId, text] as const);

async function shot(page: Page, name: string): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(SHOTS, `${name}-360.png`), fullPage: true, animations: 'disabled' });
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: path.join(SHOTS, `${name}-1280.png`), fullPage: true, animations: 'disabled' });
  await page.setViewportSize(PHONE);
}

const receiver = { name: '张三', phone: '13812345678', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路90号' };
const day = (offset: number) => new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);

async function until<T>(what: string, f: () => Promise<T | null | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

interface Product {
  skuCode: string;
  name: string;
  barcode: string;
  caseBarcode?: string;
}

/** An owner, its products with stock at the given pick faces, allocated orders, a released wave. */
async function waveOf(tag: string, products: Array<Product & { at: string; lot?: string }>, orders: Array<Array<[number, number]>>) {
  const owner = await apiCall<{ id: number }>('POST', '/api/v1/owners', { code: tag, name: `合作社 ${tag}` });
  for (const p of products) {
    await apiCall('POST', '/api/v1/skus', {
      ownerId: owner.id,
      skuCode: p.skuCode,
      name: p.name,
      spec: '一级果',
      weightG: 500,
      temperature: 'ambient',
      barcode: p.barcode,
      ...(p.caseBarcode ? { cases: [{ barcode: p.caseBarcode, qty: 2 }] } : {}),
      lotTracked: !!p.lot,
      ...(p.lot ? { shelfLifeDays: 30 } : {}),
    });
    await apiCall('POST', '/api/v1/receipts', { ownerId: owner.id, barcode: p.barcode, qty: 20, lotNo: p.lot ?? '', expiresAt: p.lot ? day(20) : null, locationCode: p.at });
  }
  const ids: number[] = [];
  for (const lines of orders) {
    const o = await apiCall<{ id: number }>('POST', '/api/v1/orders', { ownerId: owner.id, externalId: `${tag}-${ids.length + 1}`, receiver, lines: lines.map(([i, qty]) => ({ skuCode: products[i].skuCode, qty })) });
    ids.push(o.id);
  }
  for (const id of ids) await until(`order ${id} allocated`, async () => (await apiCall<{ status: string }>('GET', `/api/v1/orders/${id}`)).status === 'allocated');
  const wave = await apiCall<WaveView>('POST', '/api/v1/waves', { orderIds: ids });
  return { owner, wave, orderIds: ids };
}

const tasksOf = async (waveId: number) => (await apiCall<{ items: Task[] }>('GET', `/api/v1/pick-tasks?waveId=${waveId}&kind=pick`)).items;

async function operatorPage(locale: string): Promise<{ page: Page; ctx: BrowserContext; username: string }> {
  const username = `picker_${uid().toLowerCase()}`;
  await apiCall('POST', '/api/v1/users', { username, password: OPERATOR_PASSWORD, role: 'operator' });
  const ctx = await browser.newContext({ locale, viewport: PHONE, hasTouch: true });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  await logIn(page, username);
  return { page, ctx, username };
}

async function logIn(page: Page, username: string) {
  if (!page.url().includes('/login')) await page.goto(server.baseUrl + '/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(OPERATOR_PASSWORD);
  await page.getByTestId('login-password').press('Enter');
  await page.getByTestId('whoami').waitFor();
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

test('a picker picks a multi-unit batch in walking order and the put-wall sorts it until every order is ready to pack', async () => {
  const tag = `PK${uid()}`;
  const apple: Product = { skuCode: `${tag}-APL`, name: '洛川苹果 5斤', barcode: randomEan() };
  const pear: Product = { skuCode: `${tag}-PER`, name: '砀山酥梨 3斤', barcode: randomEan(), caseBarcode: randomEan() };
  const kiwi: Product = { skuCode: `${tag}-KIW`, name: '眉县猕猴桃 12个', barcode: randomEan() };
  const foreign = randomEan();
  const { wave, orderIds } = await waveOf(
    tag,
    [
      { ...apple, at: 'A03-05', lot: 'L20261201' },
      { ...pear, at: 'A02-08' },
      { ...kiwi, at: 'A04-12' },
    ],
    [
      [[0, 2], [1, 1]],
      [[1, 2], [2, 1]],
      [[0, 1], [2, 2]],
    ],
  );
  expect(wave.batches.map((b) => b.kind)).toEqual(['multi']);
  const tasks = (await tasksOf(wave.id)).sort((a, b) => a.seq - b.seq);
  expect(tasks.length).toBeGreaterThanOrEqual(3);
  const product = (t: Task) => [apple, pear, kiwi].find((p) => p.skuCode === t.skuCode)!;

  const { page } = await operatorPage('zh-CN');
  await page.goto(server.baseUrl + '/terminal');
  await page.getByTestId('term-menu-pick').waitFor();
  await page.keyboard.press('4');
  await page.getByTestId('term-pick').waitFor();
  expect(new URL(page.url()).pathname).toBe('/terminal/pick');
  await page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'scan-input');
  await shot(page, 'pick-claim');

  // This wave's batch, by its number.
  await scan(page, `W${wave.id}`);
  await result(page, 'ok', `波次 ${wave.id}`);
  expect(await textOf(page, 'pick-progress')).toContain(`任务 0/${tasks.length}`);

  for (const [i, task] of tasks.entries()) {
    // The location first, very large, in the route's order; the next one shown small.
    await waitText(page, 'pick-location', task.locationCode);
    expect(await page.locator('[data-testid="term-pick"]').getAttribute('data-step')).toBe('location');
    if (tasks[i + 1]) expect(await textOf(page, 'pick-next')).toContain(tasks[i + 1].locationCode);
    const p = product(task);
    if (i === 0) {
      const px = await page.getByTestId('pick-location').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(px).toBeGreaterThanOrEqual(44);
      await shot(page, 'pick-location');
      // A wrong location: red, the buzz, what was expected; nothing booked.
      await scan(page, tasks[1].locationCode);
      const wrong = await result(page, 'error', `库位错误：${tasks[1].locationCode}`);
      expect(await wrong.getByTestId('term-expected').textContent()).toContain(task.locationCode);
      expect(await wrong.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(176, 23, 14)');
      await shot(page, 'pick-wrong-location');
    }
    await scan(page, task.locationCode);
    await result(page, 'ok', `已到 ${task.locationCode}`);
    expect(await textOf(page, 'pick-item-name')).toBe(task.skuName);
    expect(await textOf(page, 'pick-remaining')).toBe(String(task.qty));
    if (task.skuCode === apple.skuCode) expect(await textOf(page, 'pick-lot')).toContain('L20261201');
    if (i === 0) {
      await shot(page, 'pick-item');
      // Another product's barcode, and a barcode nobody knows: refused, saying which item is wanted.
      const other = [apple, pear, kiwi].find((x) => x !== p)!;
      await scan(page, other.barcode);
      const wrong = await result(page, 'error', `商品错误：${other.barcode}`);
      expect(await wrong.getByTestId('term-expected').textContent()).toContain(task.skuName);
      await shot(page, 'pick-wrong-item');
      await scan(page, foreign);
      await result(page, 'error', `商品错误：${foreign}`);
      expect((await tasksOf(wave.id)).map((t) => t.pickedQty)).toEqual(tasks.map(() => 0));
    }
    // Each unit counts one; the pear's case counts two.
    let left = task.qty;
    if (p.caseBarcode && left >= 2) {
      await scan(page, p.caseBarcode);
      left -= 2;
      if (left > 0) await result(page, 'ok', '整箱：2 件');
    }
    while (left > 0) {
      await scan(page, p.barcode);
      left--;
    }
    await result(page, 'ok', `已拣 ${task.qty} 件 ${task.skuName}`);
  }

  // Done: the tote and where it goes.
  await page.locator('[data-testid="pick-done"][data-finished="true"]').waitFor();
  const tote = wave.batches[0].toteCode;
  expect(await textOf(page, 'pick-tote')).toBe(tote);
  expect(await textOf(page, 'pick-take')).toContain('播种墙');
  expect(await textOf(page, 'pick-progress')).toContain(`任务 ${tasks.length}/${tasks.length}`);
  await shot(page, 'pick-done');
  const picked = await tasksOf(wave.id);
  expect(picked.every((t) => t.status === 'done' && t.pickedQty === t.qty)).toBe(true);
  for (const id of orderIds) expect((await apiCall<{ status: string }>('GET', `/api/v1/orders/${id}`)).status).toBe('picked');

  // --- the put-wall: 5 on the menu, the tote, then unit by unit ---
  await page.getByTestId('term-back').click();
  await page.getByTestId('term-menu-putwall').waitFor();
  await page.keyboard.press('5');
  await page.getByTestId('term-putwall').waitFor();
  await shot(page, 'putwall-tote');
  await scan(page, tote);
  await result(page, 'ok', tote);
  const view = await apiCall<WaveView>('GET', `/api/v1/waves/${wave.id}`);
  const need = new Map<number, Map<string, number>>(); // slot → sku → units still to sort
  const lines: Array<[number, number]>[] = [
    [[0, 2], [1, 1]],
    [[1, 2], [2, 1]],
    [[0, 1], [2, 2]],
  ];
  const skuOf = [apple, pear, kiwi];
  for (const [i, id] of orderIds.entries()) {
    const slot = view.orders.find((o) => o.orderId === id)!.slotNo!;
    need.set(slot, new Map(lines[i].map(([k, q]) => [skuOf[k].skuCode, q])));
  }
  expect(await page.locator('[data-testid^="putwall-row-"]').count()).toBe(3);

  // A foreign item first: red, nothing sorted.
  await scan(page, foreign);
  await result(page, 'error', '不是这个周转箱的商品');
  const units = [kiwi, apple, pear, pear, apple, kiwi, kiwi, pear, apple];
  let readyShot = false;
  for (const [n, p] of units.entries()) {
    const slot = [...need.keys()].sort((a, b) => a - b).find((s) => (need.get(s)!.get(p.skuCode) ?? 0) > 0)!;
    need.get(slot)!.set(p.skuCode, need.get(slot)!.get(p.skuCode)! - 1);
    const complete = [...need.get(slot)!.values()].every((q) => q === 0);
    await scan(page, p.barcode);
    await page.locator(`[data-testid="putwall-result"][data-slot="${slot}"]`).waitFor();
    await result(page, 'ok', complete ? `${slot} 号格口完成` : `放入 ${slot} 号格口`);
    expect(await textOf(page, 'putwall-slot')).toBe(String(slot));
    if (complete) {
      await page.getByTestId('putwall-ready').waitFor();
      expect(await page.getByTestId(`putwall-row-${slot}`).getAttribute('data-state')).toBe('ready');
    }
    if (n === 0) {
      const px = await page.getByTestId('putwall-slot').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(px).toBeGreaterThanOrEqual(140);
      await shot(page, 'putwall-slot');
    }
    if (complete && !readyShot) {
      readyShot = true;
      await shot(page, 'putwall-ready');
    }
  }
  // One more apple: every slot has its apples — extra, refused.
  await scan(page, apple.barcode);
  await result(page, 'error', '多出的商品');
  await shot(page, 'putwall-extra');

  const after = await apiCall<WaveView>('GET', `/api/v1/waves/${wave.id}`);
  for (const o of after.orders) expect([o.sortedUnits, o.slotStatus]).toEqual([o.units, 'ready']);
  const toteView = await apiCall<{ orders: Array<{ readyToPack: boolean }> }>('GET', `/api/v1/totes/${tote}`);
  expect(toteView.orders.map((o) => o.readyToPack)).toEqual([true, true, true]);
  for (const o of toteView.orders) expect(o).toMatchObject({ readyToPack: true });
  expect(await page.locator('[data-testid^="putwall-row-"][data-state="ready"]').count()).toBe(3);
});

test('a session that ends mid-task, a network drop and a lost answer: nothing lost, nothing booked twice', async () => {
  const tag = `PO${uid()}`;
  const melon: Product = { skuCode: `${tag}-MEL`, name: 'Hami melon', barcode: randomEan() };
  const grape: Product = { skuCode: `${tag}-GRP`, name: 'Turpan grapes', barcode: randomEan() };
  const { wave } = await waveOf(
    tag,
    [
      { ...melon, at: 'A05-03' },
      { ...grape, at: 'A05-09' },
    ],
    [[[0, 2], [1, 1]]],
  );
  const tasks = (await tasksOf(wave.id)).sort((a, b) => a.seq - b.seq);
  expect(tasks.length).toBe(2);
  const barcodeOf = (t: Task) => (t.skuCode === melon.skuCode ? melon : grape).barcode;
  const [first, second] = tasks;

  const { page, ctx, username } = await operatorPage('en-US');
  await page.goto(server.baseUrl + '/terminal/pick');
  await page.getByTestId('term-pick').waitFor();
  await scan(page, String(wave.id));
  await result(page, 'ok', `Wave ${wave.id}`);

  // --- the session ends between two scans of a task: after the login, the same step ---
  await waitText(page, 'pick-location', first.locationCode);
  await scan(page, first.locationCode);
  await result(page, 'ok', `At ${first.locationCode}`);
  if (first.qty > 1) {
    await scan(page, barcodeOf(first));
    await result(page, 'ok', `1 of ${first.qty}`);
  }
  await page.evaluate(() => localStorage.setItem('wms.token', 'expired-session-token'));
  await page.reload();
  await page.waitForURL(/\/login/);
  await logIn(page, username);
  await page.getByTestId('term-pick').waitFor();
  expect(new URL(page.url()).pathname).toBe('/terminal/pick');
  expect(await page.getByTestId('term-pick').getAttribute('data-step')).toBe('item');
  expect(await textOf(page, 'pick-location')).toBe(first.locationCode);
  expect(await textOf(page, 'pick-counted')).toBe(first.qty > 1 ? '1' : '0');
  for (let n = first.qty > 1 ? 1 : 0; n < first.qty; n++) await scan(page, barcodeOf(first));
  await result(page, 'ok', `Picked ${first.qty}`);
  await until('first task booked', async () => (await tasksOf(wave.id)).find((t) => t.id === first.id)!.status === 'done');

  // --- the network drops: the scan waits in the outbox, the batch cannot be finished yet ---
  await waitText(page, 'pick-location', second.locationCode);
  await scan(page, second.locationCode);
  await result(page, 'ok', `At ${second.locationCode}`);
  await ctx.setOffline(true);
  for (let n = 0; n < second.qty; n++) await scan(page, barcodeOf(second));
  await result(page, 'ok', `Picked ${second.qty}`);
  const waiting = page.locator('[data-testid="outbox-waiting"][data-stalled="true"]');
  await waiting.waitFor();
  expect(await waiting.getAttribute('data-count')).toBe('1');
  expect(await waiting.textContent()).toContain('1 scan(s) waiting to send');
  await page.getByTestId('pick-done-waiting').waitFor();
  expect(await page.getByTestId('pick-next-batch').count()).toBe(0);
  await shot(page, 'pick-offline');
  // Enter does not move past it: refused, clearly.
  await page.keyboard.press('Enter');
  await result(page, 'error', 'still to send');
  expect((await tasksOf(wave.id)).find((t) => t.id === second.id)!.pickedQty).toBe(0);
  await page.waitForTimeout(4500); // the retry timer tries (and fails) again meanwhile
  await ctx.setOffline(false);
  await page.locator('[data-testid="pick-done"][data-finished="true"]').waitFor();
  expect(await page.getByTestId('outbox-waiting').count()).toBe(0);
  expect(await textOf(page, 'pick-take')).toContain('PUT-WALL');
  const booked = await tasksOf(wave.id);
  expect(booked.map((t) => [t.id, t.pickedQty, t.status])).toEqual(tasks.map((t) => [t.id, t.qty, 'done']));
  expect(await page.evaluate(() => localStorage.getItem('wms.terminal.outbox'))).toBeNull();

  // --- put-wall: the server books a scan but the answer is lost; sent again, booked once ---
  await page.goto(server.baseUrl + '/terminal/putwall');
  await page.getByTestId('term-putwall').waitFor();
  // A tote that does not exist: refused.
  await scan(page, 'TOTE-W999999-1');
  await result(page, 'error', 'No tote TOTE-W999999-1');
  const tote = wave.batches[0].toteCode;
  await scan(page, tote);
  await result(page, 'ok', tote);
  let lost = 0;
  await page.route('**/api/v1/putwall/scan', async (route) => {
    await route.fetch();
    lost++;
    await route.abort('internetdisconnected');
  });
  await scan(page, melon.barcode);
  await page.locator('[data-testid="outbox-waiting"][data-stalled="true"]').waitFor();
  await page.getByTestId('putwall-waiting').waitFor();
  // The next item waits until the one in hand has its slot.
  await scan(page, grape.barcode);
  await result(page, 'error', 'the last item has no slot yet');
  await shot(page, 'putwall-offline');
  await page.unroute('**/api/v1/putwall/scan');
  expect(lost).toBe(1);
  await page.locator('[data-testid="putwall-result"][data-slot="1"]').waitFor({ timeout: 10_000 });
  expect(await textOf(page, 'putwall-slot-count')).toContain('1/3');
  await scan(page, melon.barcode);
  await result(page, 'ok', 'Put it in slot 1');
  await scan(page, grape.barcode);
  await result(page, 'ok', 'Slot 1 complete');
  await page.getByTestId('putwall-ready').waitFor();
  const view = await apiCall<WaveView>('GET', `/api/v1/waves/${wave.id}`);
  expect(view.orders.map((o) => [o.sortedUnits, o.units, o.slotStatus])).toEqual([[3, 3, 'ready']]);
});

test('skip sends a task to the end of the batch; a short pick asks first and is reported', async () => {
  const tag = `PS${uid()}`;
  const plum: Product = { skuCode: `${tag}-PLM`, name: '三华李 2斤', barcode: randomEan() };
  const date: Product = { skuCode: `${tag}-DAT`, name: '新疆红枣 1斤', barcode: randomEan() };
  const { wave, orderIds } = await waveOf(
    tag,
    [
      { ...plum, at: 'A06-02' },
      { ...date, at: 'A06-14' },
    ],
    [[[0, 2], [1, 3]]],
  );
  const tasks = (await tasksOf(wave.id)).sort((a, b) => a.seq - b.seq);
  expect(tasks.length).toBe(2);
  const [first, second] = tasks;
  const barcodeOf = (t: Task) => (t.skuCode === plum.skuCode ? plum : date).barcode;

  const { page } = await operatorPage('zh-CN');
  await page.goto(server.baseUrl + '/terminal/pick');
  await page.getByTestId('term-pick').waitFor();
  await scan(page, `W${wave.id}`);
  await waitText(page, 'pick-location', first.locationCode);

  // Skip: the second task comes first now, the skipped one shown as next.
  await page.getByTestId('pick-skip').click();
  await result(page, 'info', `已跳过 ${first.locationCode}`);
  await waitText(page, 'pick-location', second.locationCode);
  expect(await textOf(page, 'pick-next')).toContain(first.locationCode);
  await until('skip booked', async () => (await tasksOf(wave.id)).find((t) => t.id === first.id)!.status === 'skipped');

  // Short: one unit found of the second task, the rest reported missing after a confirmation.
  await scan(page, second.locationCode);
  await scan(page, barcodeOf(second));
  await result(page, 'ok', `1 / ${second.qty}`);
  await page.getByTestId('pick-short').click();
  const ask = page.getByTestId('pick-short-ask');
  await ask.waitFor();
  expect(await ask.textContent()).toContain(`缺 ${second.qty - 1} 件`);
  await shot(page, 'pick-short-ask');
  await page.getByTestId('pick-short-no').click();
  expect(await page.getByTestId('pick-short-ask').count()).toBe(0);
  await page.getByTestId('pick-short').click();
  await page.getByTestId('pick-short-yes').click();
  await result(page, 'info', `已报缺货：${second.qty - 1} 件`);
  const shorted = await until('short booked', async () => {
    const t = (await tasksOf(wave.id)).find((x) => x.id === second.id)!;
    return t.status === 'short' ? t : null;
  });
  expect(shorted.pickedQty).toBe(1);

  // Back to the skipped task; then the batch is done.
  await waitText(page, 'pick-location', first.locationCode);
  await scan(page, first.locationCode);
  for (let n = 0; n < first.qty; n++) await scan(page, barcodeOf(first));
  await page.locator('[data-testid="pick-done"][data-finished="true"]').waitFor();
  const order = await apiCall<{ status: string }>('GET', `/api/v1/orders/${orderIds[0]}`);
  expect(order.status).toBe('held');
});
