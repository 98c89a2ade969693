import type { Knex } from 'knex';
import { createTable, time } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // Append-only: who changed what, when. No foreign keys so that history outlives its rows.
  await createTable(knex, 'audit_log', (t) => {
    t.bigIncrements('id');
    time(t, 'at').notNullable();
    t.integer('user_id').unsigned();
    t.integer('api_key_id').unsigned();
    t.string('actor', 100).notNullable();
    t.string('action', 64).notNullable();
    t.string('entity', 64).notNullable();
    t.string('entity_id', 64);
    t.integer('owner_id').unsigned();
    t.string('request_id', 64);
    t.text('details');
    t.index(['entity', 'entity_id']);
    t.index(['owner_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
}
