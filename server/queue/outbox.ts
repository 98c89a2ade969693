import type { Db, Tx } from '../db/knex';
import { isRetryableTxError, isUniqueViolation } from '../db/errors';
import { addMs, nowDb, toIso } from '../db/time';
import { paginate, PageParams } from '../db/cursor';
import { NotFound, Conflict } from '../http/errors';

/**
 * The outbox is the source of truth for every job: pending → queued (handed to a backend,
 * leased) → running (leased) → done | failed; a failed attempt with attempts left goes back
 * to pending with a later run_after. An expired lease (a crashed worker, a Redis that lost
 * its data) returns the job to pending, so nothing is lost.
 */
export type JobStatus = 'pending' | 'queued' | 'running' | 'done' | 'failed';

export interface OutboxRow {
  id: number;
  type: string;
  payload: string;
  dedupe_key: string | null;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  run_after: string;
  lease_until: string | null;
  last_error: string | null;
}

export interface EnqueueOptions {
  dedupeKey?: string;
  delayMs?: number;
  maxAttempts?: number;
  ownerId?: number | null;
}

/** Inserts a job in the caller's transaction. A repeated dedupe key returns the existing job. */
export async function insertJob(trx: Tx, type: string, payload: unknown, opts: EnqueueOptions & { maxAttempts: number }): Promise<number> {
  const now = nowDb();
  const row = {
    type,
    payload: JSON.stringify(payload ?? {}),
    dedupe_key: opts.dedupeKey ?? null,
    status: 'pending',
    attempts: 0,
    max_attempts: opts.maxAttempts,
    run_after: opts.delayMs ? addMs(opts.delayMs) : now,
    owner_id: opts.ownerId ?? null,
    created_at: now,
    updated_at: now,
  };
  if (!opts.dedupeKey) {
    const [id] = await trx('outbox_jobs').insert(row);
    return Number(id);
  }
  const existing = await trx('outbox_jobs').where({ dedupe_key: opts.dedupeKey }).first('id');
  if (existing) return Number(existing.id);
  try {
    // savepoint: a lost race on the unique key must not abort the caller's transaction
    return await (trx as any).transaction(async (sp: Tx) => Number((await sp('outbox_jobs').insert(row))[0]));
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    // a locking read: the winner has committed, but a plain read would see this transaction's
    // snapshot from before it on MySQL
    return Number((await trx('outbox_jobs').where({ dedupe_key: opts.dedupeKey }).forShare().first('id')).id);
  }
}

/** Claims up to `limit` due jobs for this process; a conditional update makes each claim exclusive. */
export async function claimDue(db: Db, limit: number, leaseMs: number): Promise<OutboxRow[]> {
  if (limit <= 0) return [];
  const due: Array<{ id: number }> = await db('outbox_jobs')
    .where({ status: 'pending' })
    .andWhere('run_after', '<=', nowDb())
    .orderBy('run_after')
    .orderBy('id')
    .limit(limit)
    .select('id');
  const claimed: OutboxRow[] = [];
  for (const { id } of due) {
    const n = await db('outbox_jobs').where({ id, status: 'pending' }).update({ status: 'queued', lease_until: addMs(leaseMs), updated_at: nowDb() });
    if (n === 1) claimed.push(await db('outbox_jobs').where({ id }).first());
  }
  return claimed;
}

export async function reclaimExpired(db: Db): Promise<number> {
  return db('outbox_jobs')
    .whereIn('status', ['queued', 'running'])
    .andWhere('lease_until', '<', nowDb())
    .update({ status: 'pending', lease_until: null, updated_at: nowDb() });
}

/**
 * One statement on the outbox, tried again when MariaDB picks it as a deadlock victim (busy
 * tables under a peak load): left failed, a job would wait for its lease to run out.
 */
async function persist<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= 6 || !isRetryableTxError(err)) throw err;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt + Math.random() * 50));
    }
  }
}

/** Takes a queued job for execution; null when another process already ran it. */
export async function startAttempt(db: Db, id: number, leaseMs: number): Promise<OutboxRow | null> {
  const n = await persist(() =>
    db('outbox_jobs')
      .where({ id, status: 'queued' })
      .update({ status: 'running', attempts: db.raw('attempts + 1'), lease_until: addMs(leaseMs), updated_at: nowDb() }),
  );
  if (n !== 1) return null;
  return db('outbox_jobs').where({ id }).first();
}

export async function finishAttempt(db: Db, id: number): Promise<void> {
  await persist(() => db('outbox_jobs').where({ id, status: 'running' }).update({ status: 'done', lease_until: null, last_error: null, finished_at: nowDb(), updated_at: nowDb() }));
}

export async function failAttempt(db: Db, row: OutboxRow, error: string, retryInMs: number | null): Promise<void> {
  const now = nowDb();
  await persist(() =>
    db('outbox_jobs')
      .where({ id: row.id, status: 'running' })
      .update(
        retryInMs === null
          ? { status: 'failed', lease_until: null, last_error: error.slice(0, 4000), finished_at: now, updated_at: now }
          : { status: 'pending', lease_until: null, last_error: error.slice(0, 4000), run_after: addMs(retryInMs), updated_at: now },
      ),
  );
}

/** Gives a job back to pending without counting an attempt (the backend could not take it). */
export async function releaseClaim(db: Db, id: number, delayMs: number): Promise<void> {
  await db('outbox_jobs').where({ id, status: 'queued' }).update({ status: 'pending', lease_until: null, run_after: addMs(delayMs), updated_at: nowDb() });
}

export function presentJob(r: any) {
  let payload: unknown = null;
  try {
    payload = JSON.parse(r.payload);
  } catch {
    payload = r.payload;
  }
  return {
    id: Number(r.id),
    type: r.type,
    status: r.status as JobStatus,
    attempts: r.attempts,
    maxAttempts: r.max_attempts,
    runAfter: toIso(r.run_after),
    lastError: r.last_error ?? null,
    payload,
    createdAt: toIso(r.created_at),
    finishedAt: toIso(r.finished_at),
  };
}

export async function listJobs(db: Db, filter: PageParams & { status?: JobStatus; type?: string }) {
  const q = db('outbox_jobs').select('*');
  if (filter.status) q.where({ status: filter.status });
  if (filter.type) q.where({ type: filter.type });
  const page = await paginate<any>(q, filter);
  return { items: page.items.map(presentJob), nextCursor: page.nextCursor };
}

export async function getJob(db: Db, id: number) {
  const row = await db('outbox_jobs').where({ id }).first();
  if (!row) throw new NotFound('job');
  return presentJob(row);
}

/** A supervisor's retry of a failed job: a fresh set of attempts, now. */
export async function retryFailed(db: Db, id: number) {
  const n = await db('outbox_jobs').where({ id, status: 'failed' }).update({ status: 'pending', attempts: 0, run_after: nowDb(), finished_at: null, updated_at: nowDb() });
  if (n !== 1) {
    await getJob(db, id);
    throw new Conflict('JOB_NOT_FAILED', `Job ${id} has not failed; only failed jobs can be retried`);
  }
  return getJob(db, id);
}
