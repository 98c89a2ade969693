import type { Knex } from 'knex';
import { createTable, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'carriers', (t) => {
    t.increments('id');
    t.string('code', 32).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('adapter', 32).notNullable();
    t.string('base_url', 500);
    t.text('credentials_enc');
    t.text('settings');
    t.boolean('cold_chain').notNullable().defaultTo(false);
    t.string('status', 16).notNullable().defaultTo('active');
    timestamps(t);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('carriers');
}
