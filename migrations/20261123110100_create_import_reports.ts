import type { Knex } from 'knex';
import { createTable, time } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // The outcome of a file import, kept so that the seller can download the error report later
  // from any API process.
  await createTable(knex, 'import_reports', (t) => {
    t.string('id', 36).primary();
    t.string('kind', 32).notNullable();
    t.integer('owner_id').unsigned();
    t.integer('user_id').unsigned();
    t.integer('api_key_id').unsigned();
    t.string('filename', 255);
    t.text('summary').notNullable();
    t.text('errors', 'longtext').notNullable();
    time(t, 'created_at').notNullable();
    t.index(['owner_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('import_reports');
}
