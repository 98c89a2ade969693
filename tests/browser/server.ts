import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { gtinCheckDigit } from '../../printers/barcode-check';

/** The real server process for browser tests: built web app, fresh data directory, demo data. */

export const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

/** Where the runs leave screenshots for people to look at, and the two widths they are taken at. */
export const SHOTS = path.join(ROOT, 'tests/artifacts/screenshots');
export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };
export const uid = () => crypto.randomBytes(3).toString('hex').toUpperCase();
export const ean13 = (payload: string) => payload + gtinCheckDigit(payload);
export const randomEan = () => ean13('69' + String(crypto.randomInt(0, 1e10)).padStart(10, '0'));

export interface RunningServer {
  baseUrl: string;
  dataDir: string;
  output: () => string;
  stop: () => Promise<void>;
}

/** Builds web/dist when the sources are newer than the last build (build-web.ts decides). */
export function buildWeb(): void {
  execFileSync(TSX, ['server/tools/build-web.ts'], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 });
  if (!fs.existsSync(path.join(ROOT, 'web/dist/index.html'))) throw new Error('web/dist/index.html was not built');
}

export async function startServer(adminPassword: string): Promise<RunningServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wms-browser-'));
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', WMS_DATA_DIR: dataDir, WMS_ADMIN_PASSWORD: adminPassword, WMS_DEMO: '1', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  if (process.env.TEST_DATABASE_URL) env.DATABASE_URL = process.env.TEST_DATABASE_URL;
  if (process.env.TEST_REDIS_URL) env.REDIS_URL = process.env.TEST_REDIS_URL;

  const child: ChildProcess = spawn(TSX, ['server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${out}`)), 60_000);
    const onData = () => {
      const m = /serving on http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before serving:\n${out}`));
    });
  });

  return {
    baseUrl: `http://localhost:${port}`,
    dataDir,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000).unref());
        if ((await Promise.race([exited, timeout])) === 'timeout') {
          child.kill('SIGKILL');
          await exited;
        }
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A JSON call to the running server's API, throwing on any non-2xx answer. */
export async function apiJson<T>(baseUrl: string, method: string, p: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(baseUrl + p, {
    method,
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${p} → ${res.status} ${JSON.stringify(json)}`);
  return json as T;
}

/** Logs in through the real login page, as a person would (Enter submits). */
export async function logInThroughPage(page: import('playwright-core').Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(baseUrl + '/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-password').press('Enter');
  await page.getByTestId('whoami').waitFor();
}

export const pathname = (page: import('playwright-core').Page) => new URL(page.url()).pathname;
