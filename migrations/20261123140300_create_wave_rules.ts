import type { Knex } from 'knex';
import { createTable, time, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // Automatic waves: every day at `release_at` (hub time) the allocated orders of the class
  // (and carrier, once orders carry one) are released, before that carrier's cut-off.
  await createTable(knex, 'wave_rules', (t) => {
    t.increments('id');
    t.string('name', 100).notNullable();
    t.string('temperature', 16).notNullable();
    t.string('carrier_code', 32);
    t.string('release_at', 5).notNullable();
    t.string('cutoff_at', 5);
    t.integer('max_orders').notNullable();
    t.integer('max_units').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    // the hub-local day it last ran, so a rule fires once a day across every process
    t.string('last_run_day', 10);
    time(t, 'last_run_at');
    t.string('last_result', 500);
    timestamps(t);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('wave_rules');
}
