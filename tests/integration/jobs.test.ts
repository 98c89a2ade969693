import { inTransaction } from '../../server/db/transaction';
import { nowDb, toDbTime } from '../../server/db/time';
import type { JobSpec } from '../../server/queue/registry';
import { buildRegistry } from '../../server/jobs';
import { JobQueue } from '../../server/queue/queue';
import { InlineBackend } from '../../server/queue/inline.backend';
import { createLogger } from '../../server/logger/logger';
import { Harness, bearer, startHarness, uid, waitFor } from '../helpers/harness';

/**
 * The real job queue (in-process, or BullMQ on Redis when TEST_REDIS_URL is set) running
 * test job types. Handlers record what ran; the outbox rows are read back from the database.
 */
const ran: Array<{ type: string; key: string; attempt: number }> = [];
const failUntil = new Map<string, number>();

const record = (type: string): JobSpec => ({
  maxAttempts: 3,
  backoffMs: () => 50,
  async handler(_ctx, payload: { key: string }, job) {
    ran.push({ type, key: payload.key, attempt: job.attempt });
    if (job.attempt < (failUntil.get(payload.key) ?? 0)) throw new Error(`simulated failure ${job.attempt} for ${payload.key}`);
  },
});

const extraJobs = { 'test.record': record('test.record') };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ extraJobs });
});
afterAll(async () => h.close());

const runsOf = (key: string) => ran.filter((r) => r.key === key);
const jobRow = (id: number) => h.runtime.ctx.db('outbox_jobs').where({ id }).first();

async function enqueue(key: string, opts: { dedupeKey?: string } = {}) {
  return inTransaction(h.runtime.ctx.db, (trx) => h.runtime.ctx.queue.enqueue(trx, 'test.record', { key }, opts));
}

test('a job written in a committed transaction runs once, after the commit', async () => {
  const key = uid('job');
  const id = await enqueue(key);
  await waitFor(async () => (await jobRow(id)).status === 'done', 10000, 'job done');
  expect(runsOf(key)).toEqual([{ type: 'test.record', key, attempt: 1 }]);
});

test('a job written in a rolled-back transaction never runs', async () => {
  const key = uid('job');
  await expect(
    inTransaction(h.runtime.ctx.db, async (trx) => {
      await h.runtime.ctx.queue.enqueue(trx, 'test.record', { key });
      throw new Error('business rule refused');
    }),
  ).rejects.toThrow('business rule refused');
  await new Promise((r) => setTimeout(r, 300));
  expect(runsOf(key)).toEqual([]);
  expect(await h.runtime.ctx.db('outbox_jobs').where('payload', 'like', `%${key}%`).first()).toBeUndefined();
});

test('a failing job is retried with backoff until it succeeds', async () => {
  const key = uid('flaky');
  failUntil.set(key, 3);
  const id = await enqueue(key);
  await waitFor(async () => (await jobRow(id)).status === 'done', 10000, 'flaky job done');
  expect(runsOf(key).map((r) => r.attempt)).toEqual([1, 2, 3]);
  expect((await jobRow(id)).attempts).toBe(3);
});

test('a job that keeps failing stays visible as failed, and a supervisor can retry it', async () => {
  const key = uid('broken');
  failUntil.set(key, 99);
  const id = await enqueue(key);
  await waitFor(async () => (await jobRow(id)).status === 'failed', 10000, 'job failed');
  const failed = await h.http.get('/api/v1/jobs').query({ status: 'failed', type: 'test.record' }).set(bearer(h.adminToken));
  const listed = failed.body.items.find((j: any) => j.id === id);
  expect(listed).toMatchObject({ status: 'failed', attempts: 3, maxAttempts: 3, payload: { key } });
  expect(listed.lastError).toContain('simulated failure 3');

  failUntil.delete(key);
  const retry = await h.http.post(`/api/v1/jobs/${id}/retry`).set(bearer(h.adminToken));
  expect(retry.status).toBe(200);
  await waitFor(async () => (await jobRow(id)).status === 'done', 10000, 'retried job done');
  expect(runsOf(key)).toHaveLength(4);
  const again = await h.http.post(`/api/v1/jobs/${id}/retry`).set(bearer(h.adminToken));
  expect(again.status).toBe(409);
  const operator = (await h.http.post('/api/v1/api-keys').set(bearer(h.adminToken)).send({ name: 'op', role: 'operator' })).body.key;
  expect((await h.http.get('/api/v1/jobs').set(bearer(operator))).status).toBe(403);
});

test('a de-duplication key makes one job however often it is enqueued', async () => {
  const key = uid('dedupe');
  const ids: number[] = [];
  for (let i = 0; i < 3; i++) ids.push(await enqueue(key, { dedupeKey: `once:${key}` }));
  expect(new Set(ids).size).toBe(1);
  await waitFor(async () => (await jobRow(ids[0])).status === 'done', 10000, 'dedupe job done');
  expect(runsOf(key)).toHaveLength(1);
});

test('transactions racing to enqueue the same de-duplication key all get the one job', async () => {
  const key = `race:${uid('dedupe')}`;
  const db = h.runtime.ctx.db;
  // each transaction reads first (taking its snapshot), then enqueues while the others do too
  const ids = await Promise.all(
    Array.from({ length: 8 }, () =>
      inTransaction(db, async (trx) => {
        await trx('owners').first('id');
        await new Promise((r) => setTimeout(r, 20));
        return h.runtime.ctx.queue.enqueue(trx, 'system.maintenance', {}, { dedupeKey: key });
      }),
    ),
  );
  expect(new Set(ids).size).toBe(1);
  expect(await db('outbox_jobs').where({ dedupe_key: key }).count({ n: '*' })).toEqual([{ n: 1 }]);
});

test('a job whose worker died (lease expired while running) is taken up again', async () => {
  const key = uid('orphan');
  const now = nowDb();
  const [id] = await h.runtime.ctx.db('outbox_jobs').insert({
    type: 'test.record',
    payload: JSON.stringify({ key }),
    status: 'running',
    attempts: 1,
    max_attempts: 3,
    run_after: now,
    lease_until: '2000-01-01 00:00:00.000',
    created_at: now,
    updated_at: now,
  });
  await waitFor(async () => (await jobRow(Number(id))).status === 'done', 15000, 'orphaned job done');
  expect(runsOf(key).map((r) => r.attempt)).toEqual([2]);
});

test('an API process without workers and a worker process share the work through the database (and Redis)', async () => {
  const api = await startHarness({ work: false, extraJobs });
  try {
    const key = uid('split');
    const id = await inTransaction(api.runtime.ctx.db, (trx) => api.runtime.ctx.queue.enqueue(trx, 'test.record', { key }));
    await waitFor(async () => (await jobRow(id)).status === 'done', 10000, 'job run by the worker process');
    expect(runsOf(key)).toHaveLength(1);
  } finally {
    await api.close();
  }
});

test('a handler of an unknown job type is refused at enqueue, and a duplicate registration at boot', async () => {
  await expect(inTransaction(h.runtime.ctx.db, (trx) => h.runtime.ctx.queue.enqueue(trx, 'no.such.job', {}))).rejects.toThrow(/no handler/);
  expect(() => buildRegistry({ 'system.maintenance': record('x') })).toThrow(/registered twice/);
});

test('a repeating job is enqueued once per time slot, even with two processes polling', async () => {
  const everyMs = 300;
  const type = 'test.tick';
  const runs: number[] = [];
  const spec: JobSpec = { maxAttempts: 1, handler: async () => void runs.push(Date.now()) };
  const log = createLogger('silent');
  const queues = [0, 1].map(() => new JobQueue(h.runtime.ctx.db, new InlineBackend(), buildRegistry({ [type]: spec }), log, { pollMs: 20, schedules: [{ type, everyMs }] }));
  const startedAt = Date.now();
  for (const q of queues) await q.start({ ...h.runtime.ctx, queue: q }, { work: true });
  await new Promise((r) => setTimeout(r, everyMs * 4));
  for (const q of queues) await q.stop();
  const rows = await h.runtime.ctx.db('outbox_jobs').where({ type }).andWhere('created_at', '>=', toDbTime(new Date(startedAt - 1000))).select('dedupe_key');
  const slots = rows.map((r: any) => r.dedupe_key);
  expect(new Set(slots).size).toBe(slots.length);
  // the relay looks at schedules once a second: in 1.2 s, the slots current at ~0 s and ~1 s
  expect(slots.length).toBeGreaterThanOrEqual(2);
  expect(slots.length).toBeLessThanOrEqual(6);
  expect(runs.length).toBeLessThanOrEqual(slots.length);
});
