import type { Config } from './config/config';
import type { Db } from './db/knex';
import type { Logger } from './logger/logger';
import type { JobQueue } from './queue/queue';

/** What every service needs: no magic injection, one plain object handed down. */
export interface AppContext {
  config: Config;
  db: Db;
  log: Logger;
  queue: JobQueue;
}
