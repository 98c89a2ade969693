import type { Knex } from 'knex';
import { createTable, ref, time, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // Blind cycle counts: the counter never sees the expected quantity; the variance reaches the
  // ledger only when a supervisor approves.
  await createTable(knex, 'count_tasks', (t) => {
    t.increments('id');
    ref(t, 'location_id', 'locations').notNullable();
    t.string('status', 16).notNullable();
    t.string('created_by', 100).notNullable();
    t.string('submitted_by', 100);
    time(t, 'submitted_at');
    t.string('decided_by', 100);
    time(t, 'decided_at');
    t.string('note', 200);
    timestamps(t);
    t.index(['location_id', 'status']);
  });
  await createTable(knex, 'count_lines', (t) => {
    t.increments('id');
    ref(t, 'task_id', 'count_tasks').notNullable();
    ref(t, 'owner_id', 'owners').notNullable();
    ref(t, 'sku_id', 'skus').notNullable();
    ref(t, 'lot_id', 'lots').notNullable();
    t.integer('expected_qty').notNullable();
    t.integer('counted_qty').notNullable();
    t.index(['task_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('count_lines');
  await knex.schema.dropTable('count_tasks');
}
