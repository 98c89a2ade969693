import type { Knex } from 'knex';
import { createTable, ref, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // The cartons a hub stocks, by inner size: the pack station suggests the smallest that holds
  // an order's items.
  await createTable(knex, 'cartons', (t) => {
    t.increments('id');
    ref(t, 'warehouse_id', 'warehouses').notNullable();
    t.string('code', 32).notNullable();
    t.string('name', 100).notNullable();
    t.integer('length_mm').notNullable();
    t.integer('width_mm').notNullable();
    t.integer('height_mm').notNullable();
    t.integer('max_weight_g');
    t.integer('tare_g').notNullable().defaultTo(0);
    t.string('status', 16).notNullable().defaultTo('active');
    timestamps(t);
    t.unique(['warehouse_id', 'code']);
  });
  // A pack station: its label printer and the cartons at hand there (none listed: all of the
  // warehouse's cartons).
  await createTable(knex, 'pack_stations', (t) => {
    t.increments('id');
    ref(t, 'warehouse_id', 'warehouses').notNullable();
    t.string('code', 32).notNullable();
    t.string('name', 100).notNullable();
    ref(t, 'printer_id', 'printers');
    t.text('carton_codes');
    t.string('status', 16).notNullable().defaultTo('active');
    timestamps(t);
    t.unique(['warehouse_id', 'code']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('pack_stations');
  await knex.schema.dropTable('cartons');
}
