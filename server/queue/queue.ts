import type { Db } from '../db/knex';
import type { Trx } from '../db/transaction';
import type { Logger } from '../logger/logger';
import type { AppContext } from '../context';
import { EnqueueOptions, OutboxRow, claimDue, failAttempt, finishAttempt, insertJob, reclaimExpired, releaseClaim, startAttempt } from './outbox';
import { JobRegistry, defaultBackoff } from './registry';
import { withTimeout } from '../util/timeout';

/** A backend carries claimed outbox jobs to whichever process executes them. */
export interface QueueBackend {
  readonly kind: 'inline' | 'redis';
  /** how many more jobs this process should claim now */
  capacity(): number;
  dispatch(row: OutboxRow): Promise<void>;
  startWorkers(execute: (id: number) => Promise<void>): Promise<void>;
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

export interface Schedule {
  type: string;
  everyMs: number;
  payload?: unknown;
}

const CLAIM_LEASE_MS = 5 * 60 * 1000;
const DEFAULT_TIMEOUT_MS = 2 * 60 * 1000;

/**
 * The one job interface. `enqueue` writes to the outbox inside the business transaction;
 * after commit the relay hands due jobs to the backend (in-process, or BullMQ on Redis).
 */
export class JobQueue {
  private ctx?: AppContext;
  private timer?: NodeJS.Timeout;
  private running = false;
  private stopped = true;
  private pumping = false;
  private pumpAgain = false;
  private lastReclaim = 0;
  private lastSchedule = 0;
  private readonly enqueuedSlots = new Map<string, number>();
  private readonly idle = new Set<() => void>();

  constructor(
    private readonly db: Db,
    readonly backend: QueueBackend,
    readonly registry: JobRegistry,
    private readonly log: Logger,
    private readonly opts: { pollMs?: number; schedules?: Schedule[] } = {},
  ) {
    for (const s of opts.schedules ?? []) registry.require(s.type);
  }

  get kind() {
    return this.backend.kind;
  }

  /** Writes a job in `trx`; the relay is woken once the transaction commits. */
  async enqueue(trx: Trx, type: string, payload: unknown, opts: EnqueueOptions = {}): Promise<number> {
    const spec = this.registry.require(type);
    const id = await insertJob(trx, type, payload, { ...opts, maxAttempts: opts.maxAttempts ?? spec.maxAttempts ?? 5 });
    trx.afterCommit(() => this.nudge());
    return id;
  }

  /**
   * Starts the relay; with `work` this process also executes jobs. Without Redis only
   * working processes relay, since an in-process backend can only run what it claims.
   */
  async start(ctx: AppContext, opts: { work: boolean }): Promise<void> {
    this.ctx = ctx;
    this.stopped = false;
    if (opts.work) await this.backend.startWorkers((id) => this.execute(id));
    this.running = opts.work || this.backend.kind === 'redis';
    if (this.running) this.schedulePump(0);
  }

  nudge(): void {
    if (this.running && !this.stopped) this.schedulePump(0);
  }

  private schedulePump(ms: number): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pump(), ms);
    this.timer.unref?.();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    let claimedAny = false;
    try {
      const now = Date.now();
      if (now - this.lastReclaim > 5000) {
        this.lastReclaim = now;
        const n = await reclaimExpired(this.db);
        if (n) this.log.warn({ jobs: n }, 'job leases expired; jobs returned to pending');
      }
      if (now - this.lastSchedule > 1000) {
        this.lastSchedule = now;
        await this.enqueueSchedules(now);
      }
      const rows = await claimDue(this.db, this.backend.capacity(), CLAIM_LEASE_MS);
      claimedAny = rows.length > 0;
      for (const row of rows) {
        try {
          await this.backend.dispatch(row);
        } catch (err: any) {
          this.log.warn({ jobId: row.id, err: err?.message }, 'queue backend refused a job; will retry');
          await releaseClaim(this.db, row.id, 2000);
        }
      }
    } catch (err: any) {
      this.log.warn({ err: err?.message }, 'job relay could not reach the database');
    } finally {
      this.pumping = false;
      const again = this.pumpAgain || claimedAny;
      this.pumpAgain = false;
      if (!again) for (const fn of this.idle) fn();
      this.schedulePump(again ? 0 : (this.opts.pollMs ?? 500));
    }
  }

  /** Repeating jobs: one row per time slot, de-duplicated across every process by its key. */
  private async enqueueSchedules(now: number): Promise<void> {
    for (const s of this.opts.schedules ?? []) {
      const slot = Math.floor(now / s.everyMs);
      // once per slot from this process; the key keeps other processes from doubling it
      if (this.enqueuedSlots.get(s.type) === slot) continue;
      // one waiting run of a schedule is enough: while no worker runs they would pile up
      const waiting = await this.db('outbox_jobs').where({ type: s.type }).whereIn('status', ['pending', 'queued']).first('id');
      if (!waiting) {
        await this.db.transaction(async (trx) => {
          await insertJob(trx, s.type, s.payload ?? {}, { dedupeKey: `schedule:${s.type}:${slot}`, maxAttempts: 1 });
        });
      }
      this.enqueuedSlots.set(s.type, slot);
    }
  }

  /** Runs one attempt of a job; shared by both backends. */
  async execute(id: number): Promise<void> {
    let row: OutboxRow | null;
    try {
      row = await startAttempt(this.db, id, CLAIM_LEASE_MS);
    } catch (err: any) {
      // not started (the database is away, or kept choosing this statement as a deadlock victim):
      // back to pending soon, rather than waiting in 'queued' for its lease to run out
      this.log.warn({ jobId: id, err: err?.message }, 'job could not be started; returned to pending');
      await releaseClaim(this.db, id, 2000).catch(() => undefined);
      return;
    }
    if (!row) return;
    const spec = this.registry.get(row.type);
    try {
      if (!spec) throw new Error(`no handler registered for job type "${row.type}"`);
      const payload = JSON.parse(row.payload);
      const timeout = spec.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      await withTimeout(
        spec.handler(this.ctx!, payload, { id: row.id, attempt: row.attempts, maxAttempts: row.max_attempts }),
        timeout,
        `timed out after ${timeout} ms`,
      );
      await finishAttempt(this.db, row.id);
    } catch (err: any) {
      const message = err?.message ? String(err.message) : String(err);
      const retry = spec && row.attempts < row.max_attempts ? (spec.backoffMs ?? defaultBackoff)(row.attempts) : null;
      this.log.warn({ jobId: row.id, type: row.type, attempt: row.attempts, err: message, retryInMs: retry }, 'job attempt failed');
      await failAttempt(this.db, row, message, retry);
      if (retry !== null) setTimeout(() => this.nudge(), retry + 10).unref?.();
    } finally {
      this.nudge();
    }
  }

  /** Resolves when the relay has nothing left to claim (used by tests and the demo seeder). */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      const fn = () => {
        this.idle.delete(fn);
        resolve();
      };
      this.idle.add(fn);
      this.nudge();
    });
  }

  async healthy(): Promise<boolean> {
    return this.backend.healthy();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.backend.close();
  }
}
