import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import request from 'supertest';
import type { Express } from 'express';
import { loadConfig, Config } from '../../server/config/config';
import { createLogger } from '../../server/logger/logger';
import { openRuntime, Runtime } from '../../server/runtime';
import { createApp } from '../../server/app';
import { ensureAdmin } from '../../server/auth/bootstrap';
import type { JobSpec } from '../../server/queue/registry';
import type { Role } from '../../server/auth/principal';
import { TARGET, TEST_REDIS_URL, TMP_ROOT, databaseUrlFor, workerId } from './env';

export const ADMIN_PASSWORD = 'admin-test-password';

export interface HarnessOptions {
  /** a database of its own instead of the worker's shared one */
  database?: string;
  databaseUrl?: string;
  redisUrl?: string | null;
  work?: boolean;
  extraJobs?: Record<string, JobSpec>;
  env?: Record<string, string>;
}

export interface Harness {
  runtime: Runtime;
  config: Config;
  app: Express;
  http: ReturnType<typeof request>;
  adminToken: string;
  close(): Promise<void>;
}

/** A unique suffix for codes and names, so tests sharing a database never collide. */
export function uid(prefix = 't'): string {
  return `${prefix}${crypto.randomBytes(4).toString('hex')}`;
}

export function buildConfig(opts: HarnessOptions = {}): Config {
  const dbName = opts.database ?? `w${workerId()}`;
  const dataDir = path.join(TMP_ROOT, `data-${dbName}`);
  fs.mkdirSync(dataDir, { recursive: true });
  const redis = opts.redisUrl === null ? undefined : (opts.redisUrl ?? (TEST_REDIS_URL || undefined));
  return loadConfig({
    WMS_DATA_DIR: dataDir,
    DATABASE_URL: opts.databaseUrl ?? databaseUrlFor(dbName),
    ...(redis ? { REDIS_URL: redis } : {}),
    WMS_ADMIN_PASSWORD: ADMIN_PASSWORD,
    WMS_DATA_KEY: '11'.repeat(32),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    WMS_DEMO: '0',
    ...opts.env,
  });
}

/** The real application, on the target database and queue, driven over HTTP with supertest. */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const config = buildConfig(opts);
  const log = createLogger(config.logLevel);
  const runtime = await openRuntime(config, log, { work: opts.work ?? true, extraJobs: opts.extraJobs, schedules: false, pollMs: 50 });
  await ensureAdmin(runtime.ctx.db, ADMIN_PASSWORD, () => undefined);
  const app = createApp(runtime.ctx);
  const http = request(app);
  const login = await http.post('/api/v1/auth/login').send({ username: 'admin', password: ADMIN_PASSWORD });
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return { runtime, config, app, http, adminToken: login.body.token, close: () => runtime.close() };
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A fresh owner (co-op) of this test's own. */
export async function makeOwner(h: Harness, name = '测试合作社') {
  const res = await h.http.post('/api/v1/owners').set(bearer(h.adminToken)).send({ code: uid('OW'), name });
  if (res.status !== 201) throw new Error(`owner: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: number; code: string; name: string };
}

/** An API key of the given role (fast: no password hashing), bound to an owner or carrier as needed. */
export async function keyFor(h: Harness, role: Role, binding: { ownerId?: number; carrierId?: number } = {}): Promise<string> {
  const res = await h.http.post('/api/v1/api-keys').set(bearer(h.adminToken)).send({ name: uid('key'), role, ...binding });
  if (res.status !== 201) throw new Error(`api key: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.key;
}

export async function makeCarrierRow(h: Harness): Promise<number> {
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const [id] = await h.runtime.ctx.db('carriers').insert({ code: uid('CR'), name: 'Test carrier', adapter: 'local', created_at: now, updated_at: now });
  return Number(id);
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, ms = 10000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export { TARGET };
