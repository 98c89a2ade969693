import type { Knex } from 'knex';
import { createTable, ref, time, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // A wave: allocated orders of one temperature class released to the floor together, in
  // batches (a picker's trip): single-unit orders picked in bulk, multi-unit orders into a tote
  // and sorted at the put-wall, one slot per order.
  await createTable(knex, 'waves', (t) => {
    t.increments('id');
    t.string('status', 16).notNullable();
    t.string('temperature', 16).notNullable();
    t.string('carrier_code', 32);
    t.integer('order_count').notNullable();
    t.integer('unit_count').notNullable();
    t.integer('route_cm').notNullable().defaultTo(0);
    t.string('created_by', 100).notNullable();
    time(t, 'completed_at');
    timestamps(t);
    t.index(['status']);
  });
  await createTable(knex, 'wave_batches', (t) => {
    t.increments('id');
    ref(t, 'wave_id', 'waves').notNullable();
    t.integer('batch_no').notNullable();
    t.string('kind', 8).notNullable();
    ref(t, 'tote_location_id', 'locations').notNullable();
    t.string('picker', 100);
    t.string('status', 16).notNullable();
    t.integer('route_cm').notNullable().defaultTo(0);
    timestamps(t);
    t.unique(['wave_id', 'batch_no']);
  });
  await createTable(knex, 'wave_orders', (t) => {
    t.increments('id');
    ref(t, 'wave_id', 'waves').notNullable();
    ref(t, 'batch_id', 'wave_batches').notNullable();
    ref(t, 'order_id', 'orders').notNullable();
    t.integer('slot_no');
    t.integer('units').notNullable();
    t.integer('sorted_units').notNullable().defaultTo(0);
    t.string('status', 16).notNullable();
    t.unique(['wave_id', 'order_id']);
    t.index(['order_id']);
    t.index(['batch_id']);
  });
  // Pick tasks (location → tote) and put-back tasks (tote → location, after a cancellation).
  await createTable(knex, 'pick_tasks', (t) => {
    t.increments('id');
    t.string('kind', 8).notNullable();
    ref(t, 'wave_id', 'waves').notNullable();
    ref(t, 'batch_id', 'wave_batches').notNullable();
    t.integer('seq').notNullable();
    ref(t, 'owner_id', 'owners').notNullable();
    ref(t, 'sku_id', 'skus').notNullable();
    ref(t, 'lot_id', 'lots').notNullable();
    ref(t, 'location_id', 'locations').notNullable();
    ref(t, 'to_location_id', 'locations').notNullable();
    t.integer('qty').notNullable();
    t.integer('done_qty').notNullable().defaultTo(0);
    t.string('status', 16).notNullable();
    t.string('picker', 100);
    time(t, 'done_at');
    timestamps(t);
    t.index(['wave_id', 'status']);
    t.index(['batch_id', 'seq']);
  });
  await knex.schema.alterTable('allocations', (t) => {
    t.integer('pick_task_id').unsigned();
    // units of this allocation already put into the order's put-wall slot
    t.integer('sorted_qty').notNullable().defaultTo(0);
    t.index(['pick_task_id']);
  });
  await knex.schema.alterTable('orders', (t) => {
    t.integer('wave_id').unsigned();
    t.index(['wave_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => {
    t.dropIndex(['wave_id']);
    t.dropColumn('wave_id');
  });
  await knex.schema.alterTable('allocations', (t) => {
    t.dropIndex(['pick_task_id']);
    t.dropColumn('sorted_qty');
    t.dropColumn('pick_task_id');
  });
  await knex.schema.dropTable('pick_tasks');
  await knex.schema.dropTable('wave_orders');
  await knex.schema.dropTable('wave_batches');
  await knex.schema.dropTable('waves');
}
