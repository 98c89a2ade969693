import type { OutboxRow } from './outbox';
import type { QueueBackend } from './queue';

/** Runs claimed jobs in this process, a few at a time. */
export class InlineBackend implements QueueBackend {
  readonly kind = 'inline' as const;
  private active = 0;
  private execute?: (id: number) => Promise<void>;
  private readonly inflight = new Set<Promise<void>>();

  constructor(private readonly concurrency = 4) {}

  capacity(): number {
    return this.execute ? Math.max(0, this.concurrency - this.active) : 0;
  }

  async dispatch(row: OutboxRow): Promise<void> {
    if (!this.execute) throw new Error('this process runs no workers');
    this.active++;
    const p = this.execute(Number(row.id))
      .catch(() => undefined)
      .finally(() => {
        this.active--;
        this.inflight.delete(p);
      });
    this.inflight.add(p);
  }

  async startWorkers(execute: (id: number) => Promise<void>): Promise<void> {
    this.execute = execute;
  }

  async healthy(): Promise<boolean> {
    return true;
  }

  /** Lets running jobs finish (a graceful stop does not abandon a half-done job). */
  async close(): Promise<void> {
    this.execute = undefined;
    await Promise.allSettled([...this.inflight]);
  }
}
