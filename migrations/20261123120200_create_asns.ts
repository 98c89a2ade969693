import type { Knex } from 'knex';
import { createTable, ref, time, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'asns', (t) => {
    t.increments('id');
    ref(t, 'owner_id', 'owners').notNullable();
    t.string('reference', 64).notNullable();
    time(t, 'expected_at');
    t.string('status', 16).notNullable();
    time(t, 'received_at');
    time(t, 'closed_at');
    timestamps(t);
    t.unique(['owner_id', 'reference']);
    t.index(['status']);
  });
  await createTable(knex, 'asn_lines', (t) => {
    t.increments('id');
    ref(t, 'asn_id', 'asns').notNullable();
    ref(t, 'sku_id', 'skus').notNullable();
    t.string('lot_no', 64);
    t.integer('expected_qty').notNullable();
    t.integer('received_qty').notNullable().defaultTo(0);
    t.index(['asn_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('asn_lines');
  await knex.schema.dropTable('asns');
}
