import type { Knex } from 'knex';
import { createTable, ref, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'warehouses', (t) => {
    t.increments('id');
    t.string('code', 32).notNullable().unique();
    t.string('name', 200).notNullable();
    t.string('address', 500);
    timestamps(t);
  });
  await createTable(knex, 'zones', (t) => {
    t.increments('id');
    ref(t, 'warehouse_id', 'warehouses').notNullable();
    t.string('code', 32).notNullable();
    t.string('name', 200).notNullable();
    t.string('temperature', 16).notNullable();
    timestamps(t);
    t.unique(['warehouse_id', 'code']);
  });
  await createTable(knex, 'locations', (t) => {
    t.increments('id');
    ref(t, 'warehouse_id', 'warehouses').notNullable();
    ref(t, 'zone_id', 'zones').notNullable();
    t.string('code', 64).notNullable();
    t.string('type', 16).notNullable();
    // Position in metres (decimetre precision is plenty for walking distances); stored as
    // integer centimetres so that no float creeps into comparisons.
    t.integer('x_cm');
    t.integer('y_cm');
    t.integer('pick_seq');
    t.string('status', 16).notNullable().defaultTo('active');
    timestamps(t);
    t.unique(['warehouse_id', 'code']);
    t.index(['zone_id']);
    t.index(['warehouse_id', 'pick_seq']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('locations');
  await knex.schema.dropTable('zones');
  await knex.schema.dropTable('warehouses');
}
