import type { Config } from './config/config';
import type { Logger } from './logger/logger';
import type { AppContext } from './context';
import { createDb, ensureMysqlDatabase } from './db/knex';
import { migrateLatest } from './db/migrate';
import { JobQueue, QueueBackend } from './queue/queue';
import { InlineBackend } from './queue/inline.backend';
import { BullmqBackend } from './queue/bullmq.backend';
import { buildRegistry, SCHEDULES } from './jobs';
import type { JobSpec } from './queue/registry';

export interface Runtime {
  ctx: AppContext;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** execute jobs in this process */
  work: boolean;
  /** job types added by tests */
  extraJobs?: Record<string, JobSpec>;
  /** relay poll interval */
  pollMs?: number;
  /** run repeating jobs (maintenance); tests turn this off */
  schedules?: boolean;
}

function queuePrefix(config: Config): string {
  // Several databases may share one Redis (tests, staging): keep their queues apart.
  const db = config.database.kind === 'mysql' ? new URL(config.database.url).pathname.slice(1) : 'sqlite';
  return `wms:${db}`;
}

/** Opens the database (migrating it), the job queue and the shared context of a process. */
export async function openRuntime(config: Config, log: Logger, opts: RuntimeOptions): Promise<Runtime> {
  if (config.database.kind === 'mysql') await ensureMysqlDatabase(config.database.url);
  const db = createDb(config.database, { log });
  try {
    const applied = await migrateLatest(db);
    if (applied.length) log.info({ migrations: applied.length }, 'database migrated');
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const backend: QueueBackend = config.redisUrl ? new BullmqBackend(config.redisUrl, queuePrefix(config), log) : new InlineBackend();
  const queue = new JobQueue(db, backend, buildRegistry(opts.extraJobs), log, {
    pollMs: opts.pollMs,
    schedules: opts.schedules === false ? [] : SCHEDULES,
  });
  const ctx: AppContext = { config, db, log, queue };
  await queue.start(ctx, { work: opts.work });
  return {
    ctx,
    async close() {
      await queue.stop();
      await db.destroy();
    },
  };
}
