import os from 'node:os';
import path from 'node:path';

/**
 * The integration suite runs unchanged against either target:
 *   npm test                                   → embedded SQLite, in-process queue
 *   TEST_DATABASE_URL=mysql://root@127.0.0.1:3306/wms_test TEST_REDIS_URL=redis://127.0.0.1:6379 npm test
 *                                              → MariaDB + BullMQ on Redis
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || '';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || '';
export const TARGET: 'sqlite' | 'mysql' = TEST_DATABASE_URL.startsWith('mysql') ? 'mysql' : 'sqlite';
/** Set per run by global-setup, so two runs on one machine never share files. */
export const TMP_ROOT = process.env.WMS_TEST_TMP ?? path.join(os.tmpdir(), 'wms-tests');

export function workerId(): string {
  return process.env.JEST_WORKER_ID ?? '1';
}

/** The database URL for a named test database on the current target. */
export function databaseUrlFor(name: string): string {
  if (TARGET === 'mysql') {
    const u = new URL(TEST_DATABASE_URL);
    u.pathname = '/' + `${u.pathname.slice(1) || 'wms_test'}_${name}`;
    return u.toString();
  }
  return `sqlite:${path.join(TMP_ROOT, `${name}.sqlite`)}`;
}
