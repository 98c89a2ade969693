import type { Knex } from 'knex';
import type { Db } from './knex';
import { isRetryableTxError } from './errors';

export type Trx = Knex.Transaction & { afterCommit(fn: () => void): void };

/**
 * Runs `work` in one short transaction, retried on deadlock or lock timeout.
 * `trx.afterCommit` registers side effects (waking the job relay) that must only run once
 * the data is durable; they never run for a rolled-back attempt.
 */
export async function inTransaction<T>(db: Db, work: (trx: Trx) => Promise<T>, attempts = 6): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const callbacks: Array<() => void> = [];
    try {
      const result = await db.transaction(async (raw) => {
        const trx = raw as Trx;
        trx.afterCommit = (fn) => callbacks.push(fn);
        return work(trx);
      });
      for (const fn of callbacks) {
        try {
          fn();
        } catch {
          // after-commit hooks are best effort: the relay also polls
        }
      }
      return result;
    } catch (err) {
      if (attempt >= attempts || !isRetryableTxError(err)) throw err;
      // growing and jittered, so transactions that collided do not meet again at once (a saturated machine repeats deadlocks)
      await new Promise((r) => setTimeout(r, 10 * 2 ** attempt + Math.random() * 30 * attempt));
    }
  }
}
