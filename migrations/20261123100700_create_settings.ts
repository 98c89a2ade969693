import type { Knex } from 'knex';
import { createTable, time } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // Hub-wide facts written once (demo seeded, bootstrap done) and small settings.
  await createTable(knex, 'settings', (t) => {
    t.string('name', 100).primary();
    t.text('value').notNullable();
    time(t, 'updated_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('settings');
}
