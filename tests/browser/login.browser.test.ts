import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { apiJson, buildWeb, logInThroughPage, pathname, ROOT, type RunningServer, SHOTS, startServer, uid } from './server';

const ADMIN_PASSWORD = 'browser-admin-pass-1';

let server: RunningServer;
let browser: Browser;
let adminToken: string;
const contexts: BrowserContext[] = [];

const apiCall = <T>(method: string, p: string, body?: unknown, token = adminToken) => apiJson<T>(server.baseUrl, method, p, body, token);

async function newPage(opts: BrowserContextOptions = {}): Promise<Page> {
  const ctx = await browser.newContext({ locale: 'en-US', ...opts });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  return page;
}

const logIn = (page: Page, username: string, password: string) => logInThroughPage(page, server.baseUrl, username, password);


beforeAll(async () => {
  buildWeb();
  server = await startServer(ADMIN_PASSWORD);
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
  await server?.stop();
});

test('a wrong password shows the API message and stays on /login', async () => {
  const page = await newPage();
  await page.goto(server.baseUrl + '/');
  await page.waitForURL('**/login');
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill('not-the-password');
  await page.getByTestId('login-password').press('Enter');
  const error = page.getByTestId('login-error');
  await error.waitFor();
  expect(await error.textContent()).toContain('Wrong username or password');
  expect(pathname(page)).toBe('/login');
  expect(await page.evaluate(() => localStorage.getItem('wms.token'))).toBeNull();
});

test('admin logs in, creates an owner with a Chinese name and imports locations', async () => {
  const page = await newPage();
  await page.goto(server.baseUrl + '/owners');
  await page.waitForURL('**/login');
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
  await page.getByTestId('login-password').press('Enter');
  // back to the page asked for before logging in
  await page.getByTestId('owners-table').waitFor();
  expect(pathname(page)).toBe('/owners');
  expect(await page.getByTestId('whoami').textContent()).toContain('admin');
  for (const name of ['home', 'owners', 'locations', 'users', 'jobs']) {
    expect(await page.getByTestId(`nav-${name}`).isVisible()).toBe(true);
  }

  await page.getByTestId('nav-home').click();
  await page.getByTestId('card-owners').waitFor();
  await page.getByTestId('nav-owners').click();

  // a field the API refuses: its message appears next to the field
  const code = `T${uid()}`;
  const name = `赣南脐橙合作社 ${code}`;
  await page.getByTestId('owner-code').fill(code);
  await page.getByTestId('owner-name').fill(name);
  await page.getByTestId('owner-phone').fill('call me');
  await page.getByTestId('owner-name').press('Enter');
  const phoneField = page.locator('.field', { has: page.getByTestId('owner-phone') });
  await phoneField.locator('.field-error').waitFor();
  expect(await page.getByTestId('owner-phone').getAttribute('aria-invalid')).toBe('true');

  await page.getByTestId('owner-phone').fill('13800138000');
  await page.getByTestId('owner-contact').fill('张三');
  await page.getByTestId('owner-phone').press('Enter');
  await page.getByTestId('owners-table').getByRole('cell', { name, exact: true }).waitFor();
  expect(await page.getByTestId('owner-code').inputValue()).toBe('');

  // the same code again: 409 DUPLICATE, its message shown
  await page.getByTestId('owner-code').fill(code);
  await page.getByTestId('owner-name').fill('重复');
  await page.getByTestId('owner-submit').click();
  await page.getByTestId('owner-error').waitFor();
  expect(await page.getByTestId('owner-error').textContent()).toContain('already exists');

  // locations: import one valid and one invalid row
  await page.getByTestId('nav-locations').click();
  await page.getByTestId('locations-table').locator('tbody tr').first().waitFor();
  await page.getByTestId('location-import-toggle').click();
  const csv = path.join(os.tmpdir(), `locations-${code}.csv`);
  fs.writeFileSync(csv, `code,zone,temperature,type,x,y,pick_seq\n${code}-01,A,ambient,pick,1.5,2,900\n${code}-02,A,warm,pick,,,\n`);
  await page.getByTestId('location-import-file').setInputFiles(csv);
  await page.getByTestId('location-import-submit').click();
  const result = page.getByTestId('location-import-result');
  await result.waitFor();
  fs.rmSync(csv, { force: true });
  expect(await result.getByTestId('import-created').textContent()).toMatch(/Created\s*1$/);
  expect(await result.getByTestId('import-error-count').textContent()).toMatch(/1$/);
  const errorRow = result.getByTestId('import-errors').locator('tbody tr');
  expect(await errorRow.count()).toBe(1);
  const cells = await errorRow.first().locator('td').allTextContents();
  expect(cells[0]).toBe('3');
  expect(cells[1]).toBe('temperature');

  // the new location is in the list (search by code, submitted with Enter)
  await page.getByTestId('filter-q').fill(code);
  await page.getByTestId('filter-q').press('Enter');
  await page.getByTestId('locations-table').getByRole('cell', { name: `${code}-01`, exact: true }).waitFor();
  expect(await page.getByTestId('locations-table').locator('tbody tr').count()).toBe(1);
});

test('a seller sees Home, Products and Stock, with its own owner', async () => {
  const code = `S${uid()}`;
  const owner = await apiCall<{ id: number; name: string }>('POST', '/api/v1/owners', { code, name: `信丰县家庭农场 ${code}` });
  const username = `seller_${code.toLowerCase()}`;
  await apiCall('POST', '/api/v1/users', { username, password: 'seller-pass-1', role: 'seller', ownerId: owner.id });

  const page = await newPage();
  await logIn(page, username, 'seller-pass-1');
  expect(await page.getByTestId('whoami').textContent()).toContain(username);
  await page.getByTestId('my-owner').waitFor();
  expect(await page.getByTestId('my-owner').textContent()).toContain(owner.name);
  const navIds = await page.locator('nav [data-testid^="nav-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
  expect(navIds).toEqual(['nav-home', 'nav-skus', 'nav-stock', 'nav-orders', 'nav-shipments', 'nav-stores']);

  // a page the role may not use says so rather than showing data
  await page.goto(server.baseUrl + '/users');
  await page.getByRole('heading', { name: 'Your role may not open this page.' }).waitFor();
  expect(await page.getByTestId('users-table').count()).toBe(0);
});

test('a revoked session goes to /login and comes back to the page after logging in', async () => {
  const page = await newPage();
  await logIn(page, 'admin', ADMIN_PASSWORD);
  await page.getByTestId('nav-locations').click();
  await page.getByTestId('locations-table').waitFor();
  // the token dies on the server (as when it expires); the next call gets 401 INVALID_TOKEN
  const token = await page.evaluate(() => localStorage.getItem('wms.token'));
  const res = await fetch(server.baseUrl + '/api/v1/auth/logout', { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(204);
  await page.getByTestId('filter-temperature').selectOption('frozen');
  await page.waitForURL('**/login');
  expect(await page.evaluate(() => localStorage.getItem('wms.token'))).toBeNull();
  await page.getByTestId('login-username').fill('admin');
  await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
  await page.getByTestId('login-password').press('Enter');
  await page.waitForURL('**/locations');
  await page.getByTestId('locations-table').waitFor();
});

test('the login page follows a Chinese browser and switches to English', async () => {
  const page = await newPage({ locale: 'zh-CN' });
  await page.goto(server.baseUrl + '/login');
  const submit = page.getByTestId('login-submit');
  await submit.waitFor();
  expect((await submit.textContent())?.trim()).toBe('登录');
  expect(await page.locator('label[for="login-username"]').textContent()).toBe('用户名');
  expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');

  await page.getByTestId('lang-switch').click();
  expect((await submit.textContent())?.trim()).toBe('Log in');
  expect(await page.locator('label[for="login-username"]').textContent()).toBe('Username');
  expect(await page.getAttribute('html', 'lang')).toBe('en');

  // the choice is kept
  await page.reload();
  await submit.waitFor();
  expect((await submit.textContent())?.trim()).toBe('Log in');

  // and errors read in the chosen language
  await page.getByTestId('lang-switch').click();
  await page.getByTestId('login-username').fill('nobody');
  await page.getByTestId('login-password').fill('wrong-password');
  await page.getByTestId('login-password').press('Enter');
  await page.getByTestId('login-error').waitFor();
  expect(await page.getByTestId('login-error').textContent()).toBe('用户名或密码错误');
});

test('screenshots at phone and desktop widths, without sideways scrolling', async () => {
  const viewports = [
    { width: 360, height: 740 },
    { width: 1280, height: 800 },
  ];
  const session = await apiCall<{ token: string; user: unknown }>('POST', '/api/v1/auth/login', { username: 'admin', password: ADMIN_PASSWORD }, '');
  for (const viewport of viewports) {
    const size = `${viewport.width}x${viewport.height}`;
    const login = await newPage({ viewport, locale: 'zh-CN' });
    await login.goto(server.baseUrl + '/login');
    await login.getByTestId('login-submit').waitFor();
    await login.screenshot({ path: path.join(SHOTS, `login-${size}.png`) });
    expect(await login.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);

    const page = await newPage({ viewport, locale: 'zh-CN' });
    await page.addInitScript(([token, user]) => {
      localStorage.setItem('wms.token', token);
      localStorage.setItem('wms.user', user);
    }, [session.token, JSON.stringify(session.user)] as const);
    await page.goto(server.baseUrl + '/locations');
    await page.getByTestId('locations-table').locator('tbody tr').first().waitFor();
    await page.getByTestId('location-import-toggle').click();
    await page.screenshot({ path: path.join(SHOTS, `locations-${size}.png`) });
    await page.screenshot({ path: path.join(SHOTS, `locations-${size}-full.png`), fullPage: true });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    // temperatures read in Chinese
    expect(await page.getByTestId('locations-table').locator('tbody').textContent()).toContain('常温');
  }
});
