import { Queue, Worker } from 'bullmq';
import IORedis, { Redis } from 'ioredis';
import type { Logger } from '../logger/logger';
import type { OutboxRow } from './outbox';
import type { QueueBackend } from './queue';
import { withTimeout } from '../util/timeout';

const QUEUE = 'jobs';

/**
 * BullMQ carries outbox jobs between processes: any API process may dispatch, any worker
 * process executes. The job id is derived from the outbox claim; a job carried twice (a lease
 * that expired while BullMQ still held it) runs once, since only a queued outbox row starts.
 */
export class BullmqBackend implements QueueBackend {
  readonly kind = 'redis' as const;
  private readonly producerConn: Redis;
  private readonly queue: Queue;
  private worker?: Worker;
  private workerConn?: Redis;

  constructor(
    private readonly url: string,
    private readonly prefix: string,
    private readonly log: Logger,
    private readonly concurrency = 8,
  ) {
    // Fail fast while Redis is down: the outbox keeps the job and the relay tries again.
    this.producerConn = new IORedis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
    this.producerConn.on('error', (e) => this.log.debug({ err: e.message }, 'redis producer connection error'));
    this.queue = new Queue(QUEUE, { connection: this.producerConn, prefix });
    this.queue.on('error', (e) => this.log.debug({ err: e.message }, 'bullmq queue error'));
  }

  capacity(): number {
    // The producer side only hands jobs over; workers pull at their own pace.
    return this.producerConn.status === 'ready' ? 100 : 0;
  }

  async dispatch(row: OutboxRow): Promise<void> {
    await this.queue.add(
      row.type,
      { outboxId: Number(row.id) },
      { jobId: `ob-${row.id}-${row.attempts}-${String(row.lease_until).replace(/\D/g, '')}`, attempts: 1, removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } },
    );
  }

  async startWorkers(execute: (id: number) => Promise<void>): Promise<void> {
    this.workerConn = new IORedis(this.url, { maxRetriesPerRequest: null });
    this.workerConn.on('error', (e) => this.log.debug({ err: e.message }, 'redis worker connection error'));
    this.worker = new Worker(QUEUE, async (job) => execute(Number(job.data.outboxId)), {
      connection: this.workerConn,
      prefix: this.prefix,
      concurrency: this.concurrency,
    });
    this.worker.on('error', (e) => this.log.debug({ err: e.message }, 'bullmq worker error'));
  }

  async healthy(): Promise<boolean> {
    try {
      return (await withTimeout(this.producerConn.ping(), 1000, 'redis ping timed out')) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.worker?.close().catch(() => undefined);
    await this.queue.close().catch(() => undefined);
    this.producerConn.disconnect();
    this.workerConn?.disconnect();
  }
}
