import fs from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import type { Config, DatabaseKind } from '../config/config';
import type { Logger } from '../logger/logger';

/** knex's own warnings (lost connections while the database is away) go to our log, not the console. */
function knexLog(log?: Logger) {
  const to = (level: 'warn' | 'error' | 'debug') => (message: unknown) => log?.[level]({ knex: String((message as any)?.message ?? message) }, 'database driver');
  return { warn: to('warn'), error: to('error'), debug: to('debug'), deprecate: to('debug') };
}

export type Db = Knex;
export type Tx = Knex | Knex.Transaction;

/**
 * One knex instance per process. Both dialects return timestamps as strings
 * ('YYYY-MM-DD HH:MM:SS.mmm', UTC) so that presenters treat them the same way.
 */
export function createDb(database: Config['database'], opts: { poolMax?: number; log?: Logger } = {}): Db {
  const log = knexLog(opts.log);
  if (database.kind === 'sqlite') {
    const file = database.sqliteFile!;
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    return knexFactory({
      client: 'better-sqlite3',
      connection: { filename: file },
      useNullAsDefault: true,
      log,
      pool: {
        min: 1,
        max: 1,
        afterCreate(conn: any, done: (err: Error | null, conn: any) => void) {
          try {
            conn.pragma('journal_mode = WAL');
            conn.pragma('synchronous = NORMAL');
            conn.pragma('foreign_keys = ON');
            conn.pragma('busy_timeout = 10000');
            done(null, conn);
          } catch (err) {
            done(err as Error, conn);
          }
        },
      },
    });
  }
  const url = new URL(database.url);
  return knexFactory({
    client: 'mysql2',
    connection: {
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username || 'root'),
      password: decodeURIComponent(url.password || ''),
      database: url.pathname.replace(/^\//, ''),
      charset: 'utf8mb4',
      timezone: 'Z',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: false,
      connectTimeout: 5000,
    },
    pool: { min: 0, max: opts.poolMax ?? 10, idleTimeoutMillis: 30000 },
    // A request waiting for a connection when the database is down fails fast with 503
    // rather than hanging the terminal.
    acquireConnectionTimeout: 5000,
    log,
  });
}

/** Creates the MySQL database named in the URL when it does not exist yet. */
export async function ensureMysqlDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.replace(/^\//, '');
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`database name "${name}" must be letters, digits and _`);
  const admin = knexFactory({
    client: 'mysql2',
    connection: {
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username || 'root'),
      password: decodeURIComponent(u.password || ''),
      connectTimeout: 5000,
    },
    pool: { min: 0, max: 1 },
  });
  try {
    await admin.raw(
      `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await admin.destroy();
  }
}

export function dialectOf(db: Tx): DatabaseKind {
  const client = (db as any).client?.config?.client ?? (db as any).client?.dialect;
  return String(client).includes('mysql') ? 'mysql' : 'sqlite';
}
