import type { Knex } from 'knex';
import { createTable, time } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'idempotency_keys', (t) => {
    t.bigIncrements('id');
    // principal (user or api key) + the client's key: two callers may pick the same key.
    t.string('scope_key', 191).notNullable().unique();
    t.string('request_hash', 64).notNullable();
    t.string('state', 16).notNullable();
    t.integer('status_code');
    t.text('response_body', 'mediumtext');
    time(t, 'created_at').notNullable();
    t.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('idempotency_keys');
}
