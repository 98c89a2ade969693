import type { Knex } from 'knex';
import { createTable, time } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // The transactional outbox: a job row is written in the business transaction and is the
  // source of truth for the job's state, whichever queue backend carries it.
  await createTable(knex, 'outbox_jobs', (t) => {
    t.bigIncrements('id');
    t.string('type', 100).notNullable();
    t.text('payload').notNullable();
    t.string('dedupe_key', 191).unique();
    t.string('status', 16).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.integer('max_attempts').notNullable();
    time(t, 'run_after').notNullable();
    time(t, 'lease_until');
    t.text('last_error');
    t.integer('owner_id').unsigned();
    time(t, 'created_at').notNullable();
    time(t, 'updated_at').notNullable();
    time(t, 'finished_at');
    t.index(['status', 'run_after']);
    t.index(['status', 'lease_until']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('outbox_jobs');
}
