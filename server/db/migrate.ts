import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Db } from './knex';

const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');
// .ts under tsx and jest, .js when compiled; recorded without the extension either way
const NAME = /^\d{14}_[a-z0-9_]+\.(ts|js)$/;

/** Loads migrations/*.ts through the running TypeScript loader (tsx at run time, swc in jest). */
export class DirectorySource implements Knex.MigrationSource<string> {
  async getMigrations(): Promise<string[]> {
    return fs.readdirSync(MIGRATIONS_DIR).filter((f) => NAME.test(f)).sort();
  }
  getMigrationName(m: string): string {
    // Recorded without extension so a later switch to compiled .js keeps the history valid.
    return m.replace(/\.(ts|js)$/, '');
  }
  async getMigration(m: string): Promise<Knex.Migration> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(MIGRATIONS_DIR, m));
  }
}

/**
 * Applies pending migrations. knex holds a lock row while migrating; a second process that
 * starts at the same moment waits for the first to finish instead of failing or racing.
 */
export async function migrateLatest(db: Db, opts: { waitMs?: number } = {}): Promise<string[]> {
  const deadline = Date.now() + (opts.waitMs ?? 120_000);
  for (;;) {
    try {
      const [, applied] = await db.migrate.latest({ migrationSource: new DirectorySource() });
      return applied as string[];
    } catch (err: any) {
      // Two processes on a fresh database may also collide creating knex's own tables.
      const locked =
        err?.name === 'MigrationLocked' ||
        /already locked|already exists|ER_TABLE_EXISTS_ERROR|Duplicate entry/i.test(String(err?.message ?? err?.code));
      if (!locked || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Rolls back every migration (used by tests that prove each `down` works on both dialects). */
export async function rollbackAll(db: Db): Promise<void> {
  await db.migrate.rollback({ migrationSource: new DirectorySource() }, true);
}
