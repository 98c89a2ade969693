import type { Knex } from 'knex';
import { createTable, ref, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // Every unit of stock belongs to a lot. SKUs without lot tracking keep their stock in one lot
  // with an empty number, so inventory rows and the ledger never need a null lot.
  await createTable(knex, 'lots', (t) => {
    t.increments('id');
    ref(t, 'owner_id', 'owners').notNullable();
    ref(t, 'sku_id', 'skus').notNullable();
    t.string('lot_no', 64).notNullable();
    t.date('produced_at');
    t.date('expires_at');
    t.string('status', 16).notNullable().defaultTo('released');
    t.string('hold_reason', 200);
    timestamps(t);
    t.unique(['sku_id', 'lot_no']);
    t.index(['owner_id', 'expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('lots');
}
