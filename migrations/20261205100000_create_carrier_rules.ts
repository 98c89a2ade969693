import type { Knex } from 'knex';
import { createTable, ref, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // A carrier's prices by destination and weight band; a carrier with rates serves only the
  // destinations its rates name (a row without province serves everywhere).
  await createTable(knex, 'carrier_rates', (t) => {
    t.increments('id');
    ref(t, 'carrier_id', 'carriers').notNullable();
    t.string('province', 40);
    t.string('city', 60);
    t.integer('max_weight_g');
    t.integer('first_weight_g').notNullable();
    t.integer('first_fen').notNullable();
    t.integer('extra_fen_per_kg').notNullable();
    timestamps(t);
    t.index(['carrier_id']);
  });
  // An owner's carriers in order of preference; a preferred carrier that can serve wins over price.
  await createTable(knex, 'owner_carrier_prefs', (t) => {
    t.increments('id');
    ref(t, 'owner_id', 'owners').notNullable();
    ref(t, 'carrier_id', 'carriers').notNullable();
    t.integer('rank').notNullable();
    t.unique(['owner_id', 'carrier_id']);
  });
  // The local carrier's number range: the next number is taken by a conditional update.
  await createTable(knex, 'carrier_number_ranges', (t) => {
    t.increments('id');
    ref(t, 'carrier_id', 'carriers').notNullable().unique();
    t.string('prefix', 8).notNullable();
    t.bigInteger('range_start').notNullable();
    t.bigInteger('range_end').notNullable();
    t.bigInteger('next_value').notNullable();
    timestamps(t);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('carrier_number_ranges');
  await knex.schema.dropTable('owner_carrier_prefs');
  await knex.schema.dropTable('carrier_rates');
}
