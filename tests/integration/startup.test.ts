import { createDb } from '../../server/db/knex';
import { migrateLatest, rollbackAll } from '../../server/db/migrate';
import { ensureMysqlDatabase } from '../../server/db/knex';
import { ensureAdmin } from '../../server/auth/bootstrap';
import { seedDemo } from '../../server/demo/seed';
import { login } from '../../server/auth/auth.service';
import { buildConfig, uid } from '../helpers/harness';
import { TARGET } from '../helpers/env';
import { createLogger } from '../../server/logger/logger';
import type { AppContext } from '../../server/context';

async function freshDb() {
  const config = buildConfig({ database: uid('fresh') });
  if (config.database.kind === 'mysql') await ensureMysqlDatabase(config.database.url);
  return { config, a: createDb(config.database), b: createDb(config.database) };
}

test('two processes migrating a fresh database at once both finish, and the schema is complete', async () => {
  const { a, b } = await freshDb();
  try {
    const [ra, rb] = await Promise.all([migrateLatest(a), migrateLatest(b)]);
    expect(ra.length + rb.length).toBeGreaterThanOrEqual(8);
    const done = await a('knex_migrations').select('name');
    expect(new Set(done.map((r: any) => r.name)).size).toBe(done.length);
    expect(await migrateLatest(b)).toEqual([]);
    for (const table of ['owners', 'users', 'sessions', 'api_keys', 'locations', 'zones', 'outbox_jobs', 'audit_log', 'idempotency_keys']) {
      expect(await a.schema.hasTable(table)).toBe(true);
    }
  } finally {
    await a.destroy();
    await b.destroy();
  }
});

test('every migration rolls back and applies again on this dialect', async () => {
  const { a, b } = await freshDb();
  await b.destroy();
  try {
    await migrateLatest(a);
    await rollbackAll(a);
    expect(await a.schema.hasTable('owners')).toBe(false);
    await migrateLatest(a);
    expect(await a.schema.hasTable('owners')).toBe(true);
  } finally {
    await a.destroy();
  }
});

test('first start creates the admin once and seeds a demo hub once, with working users', async () => {
  const { config, a, b } = await freshDb();
  await b.destroy();
  const printed: string[] = [];
  const print = (l: string) => printed.push(l);
  try {
    await migrateLatest(a);
    await ensureAdmin(a, undefined, print);
    await ensureAdmin(a, undefined, print);
    const adminLines = printed.filter((l) => l.includes('created user "admin"'));
    expect(adminLines).toHaveLength(1);
    const adminPassword = /password: (\S+)/.exec(adminLines[0])![1];

    expect(await seedDemo(a, print, config.dataKey)).toBe(true);
    expect(await seedDemo(a, print, config.dataKey)).toBe(false);
    const statuses = (await a('orders').select('status', 'hold_reason')).map((r: any) => `${r.status}:${r.hold_reason ?? ''}`).sort();
    expect(statuses).toEqual(['held:address', 'pending:', 'pending:', 'pending:', 'pending:']);
    const [{ n }] = await a('locations').count({ n: '*' });
    expect(Number(n)).toBeGreaterThanOrEqual(180);
    const temps = (await a('zones').distinct('temperature')).map((r: any) => r.temperature).sort();
    expect(temps).toEqual(['ambient', 'chilled', 'frozen']);
    expect((await a('owners').count({ n: '*' }))[0].n).toBe(2);
    expect(Number((await a('skus').count({ n: '*' }))[0].n)).toBeGreaterThanOrEqual(8);
    const roles = (await a('users').select('role')).map((r: any) => r.role).sort();
    expect(roles).toEqual(['admin', 'carrier', 'operator', 'seller', 'supervisor']);

    const ctx = { db: a, config, log: createLogger('silent') } as unknown as AppContext;
    expect((await login(ctx, 'admin', adminPassword, '127.0.0.1')).user.role).toBe('admin');
    const sellerLine = printed.find((l) => /^\s+seller\s/.test(l))!;
    const sellerPassword = sellerLine.trim().split(/\s+/)[2];
    const seller = await login(ctx, 'seller', sellerPassword, '127.0.0.1');
    expect(seller.user.ownerId).not.toBeNull();
  } finally {
    await a.destroy();
  }
});

test(`runs on ${TARGET}`, () => {
  expect(['sqlite', 'mysql']).toContain(TARGET);
});
