import type { Knex } from 'knex';
import { createTable, ref, time } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // The least remaining shelf life a co-op allows at shipping (e.g. 3 days for berries).
  await knex.schema.alterTable('owners', (t) => {
    t.integer('min_shelf_life_days').notNullable().defaultTo(0);
  });
  // Which lot at which location is reserved for which order line (kits: per component).
  // Each row's qty is also counted in inventory.allocated of that stock row.
  await createTable(knex, 'allocations', (t) => {
    t.increments('id');
    ref(t, 'order_id', 'orders').notNullable();
    ref(t, 'order_line_id', 'order_lines').notNullable();
    ref(t, 'owner_id', 'owners').notNullable();
    ref(t, 'sku_id', 'skus').notNullable();
    ref(t, 'lot_id', 'lots').notNullable();
    ref(t, 'location_id', 'locations').notNullable();
    ref(t, 'inventory_id', 'inventory').notNullable();
    t.integer('qty').notNullable();
    t.integer('picked_qty').notNullable().defaultTo(0);
    // open → picked → shipped, or released (cancelled / re-allocated)
    t.string('status', 16).notNullable();
    time(t, 'created_at').notNullable();
    time(t, 'updated_at').notNullable();
    t.index(['order_id']);
    t.index(['inventory_id', 'status']);
  });
  await knex.schema.alterTable('orders', (t) => {
    time(t, 'allocated_at');
    // when an order last came short: stock changed after this is worth another try
    time(t, 'backorder_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => {
    t.dropColumn('backorder_at');
    t.dropColumn('allocated_at');
  });
  await knex.schema.dropTable('allocations');
  await knex.schema.alterTable('owners', (t) => {
    t.dropColumn('min_shelf_life_days');
  });
}
