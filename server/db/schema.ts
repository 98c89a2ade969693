import type { Knex } from 'knex';

/**
 * Helpers for migrations that must run unchanged on SQLite and MySQL/MariaDB.
 * Dialect branches live here and nowhere else in the migrations.
 */
export function isMysql(knex: Knex): boolean {
  return String((knex as any).client.config.client).includes('mysql');
}

export async function createTable(
  knex: Knex,
  name: string,
  build: (t: Knex.CreateTableBuilder) => void,
): Promise<void> {
  await knex.schema.createTable(name, (t) => {
    if (isMysql(knex)) {
      t.engine('InnoDB');
      t.charset('utf8mb4');
      t.collate('utf8mb4_unicode_ci');
    }
    build(t);
  });
}

/** created_at / updated_at as UTC text with milliseconds (see server/db/time.ts). */
export function timestamps(t: Knex.CreateTableBuilder): void {
  t.datetime('created_at', { precision: 3 }).notNullable();
  t.datetime('updated_at', { precision: 3 }).notNullable();
}

export function time(t: Knex.CreateTableBuilder, name: string): Knex.ColumnBuilder {
  return t.datetime(name, { precision: 3 });
}

/** A foreign key column to an `increments` id. */
export function ref(t: Knex.CreateTableBuilder, column: string, table: string): Knex.ColumnBuilder {
  const c = t.integer(column).unsigned();
  t.foreign(column).references(`${table}.id`);
  return c;
}
