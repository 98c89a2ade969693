import { inTransaction } from '../../server/db/transaction';
import type { JobSpec } from '../../server/queue/registry';
import { TcpProxy } from '../helpers/tcp-proxy';
import { TARGET, TEST_DATABASE_URL, TEST_REDIS_URL, databaseUrlFor, workerId } from '../helpers/env';
import { Harness, bearer, startHarness, uid, waitFor } from '../helpers/harness';

/**
 * Dependencies that go away and come back. The server is reached through a loopback proxy
 * that the test cuts and restores, so the shared MariaDB and Redis stay up for other tests.
 */
const mysqlOnly = TARGET === 'mysql' ? describe : describe.skip;
const redisOnly = TEST_REDIS_URL ? describe : describe.skip;

mysqlOnly('database down', () => {
  let proxy: TcpProxy;
  let h: Harness;
  beforeAll(async () => {
    const target = new URL(TEST_DATABASE_URL);
    proxy = new TcpProxy(target.hostname, Number(target.port || 3306));
    await proxy.start();
    const url = new URL(databaseUrlFor(`w${workerId()}`));
    url.port = String(proxy.port);
    h = await startHarness({ databaseUrl: url.toString() });
  });
  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await h.close();
    await proxy.stop();
  });

  test('health and requests answer 503 while the database is away, and recover without a restart', async () => {
    expect((await h.http.get('/api/health')).status).toBe(200);
    await proxy.cut();
    const health = await h.http.get('/api/health');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unavailable', checks: { database: false } });
    const list = await h.http.get('/api/v1/owners').set(bearer(h.adminToken));
    expect(list.status).toBe(503);
    expect(list.body.error.code).toBe('DATABASE_UNAVAILABLE');
    expect(list.headers['retry-after']).toBeDefined();

    await proxy.restore();
    await waitFor(async () => (await h.http.get('/api/health')).status === 200, 15000, 'health back');
    const created = await h.http.post('/api/v1/owners').set(bearer(h.adminToken)).send({ code: uid('BACK'), name: '恢复' });
    expect(created.status).toBe(201);
  }, 60000);
});

redisOnly('Redis down', () => {
  const ran: string[] = [];
  const extraJobs: Record<string, JobSpec> = {
    'test.outage': { maxAttempts: 3, handler: async (_ctx, p: { key: string }) => void ran.push(p.key) },
  };
  let proxy: TcpProxy;
  let h: Harness;
  beforeAll(async () => {
    const target = new URL(TEST_REDIS_URL);
    proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
    await proxy.start();
    h = await startHarness({ redisUrl: `redis://127.0.0.1:${proxy.port}`, extraJobs });
  });
  afterAll(async () => {
    await proxy.restore().catch(() => undefined);
    await h.close();
    await proxy.stop();
  });

  test('jobs committed while Redis is away wait in the outbox and run when it is back', async () => {
    await proxy.cut();
    await waitFor(async () => (await h.http.get('/api/health')).body.checks?.queue === false, 10000, 'queue reported down');
    const health = await h.http.get('/api/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('degraded');

    const key = uid('outage');
    const id = await inTransaction(h.runtime.ctx.db, (trx) => h.runtime.ctx.queue.enqueue(trx, 'test.outage', { key }));
    await new Promise((r) => setTimeout(r, 1000));
    expect(ran).not.toContain(key);
    const row = await h.runtime.ctx.db('outbox_jobs').where({ id }).first();
    expect(['pending', 'queued']).toContain(row.status);

    await proxy.restore();
    await waitFor(async () => (await h.runtime.ctx.db('outbox_jobs').where({ id }).first()).status === 'done', 30000, 'job done after Redis is back');
    expect(ran.filter((k) => k === key)).toHaveLength(1);
  }, 60000);
});

if (TARGET === 'sqlite' && !TEST_REDIS_URL) {
  test('outage tests run on the MariaDB + Redis target (embedded SQLite has no server to lose)', () => {
    expect(TARGET).toBe('sqlite');
  });
}
