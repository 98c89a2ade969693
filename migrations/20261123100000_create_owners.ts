import type { Knex } from 'knex';
import { createTable, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'owners', (t) => {
    t.increments('id');
    t.string('code', 64).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('contact_name', 100);
    t.string('phone', 40);
    t.string('status', 16).notNullable().defaultTo('active');
    timestamps(t);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('owners');
}
