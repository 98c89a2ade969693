import type { Knex } from 'knex';
import { createTable, ref, time } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // Stock per location × SKU × lot. Changed only by conditional atomic updates, and every
  // change also writes a ledger row: on_hand always equals the sum of the ledger.
  await createTable(knex, 'inventory', (t) => {
    t.increments('id');
    ref(t, 'owner_id', 'owners').notNullable();
    ref(t, 'sku_id', 'skus').notNullable();
    ref(t, 'lot_id', 'lots').notNullable();
    ref(t, 'location_id', 'locations').notNullable();
    t.integer('on_hand').notNullable().defaultTo(0);
    t.integer('allocated').notNullable().defaultTo(0);
    time(t, 'updated_at').notNullable();
    t.unique(['location_id', 'sku_id', 'lot_id']);
    t.index(['sku_id', 'lot_id']);
    t.index(['owner_id']);
  });
  await createTable(knex, 'stock_movements', (t) => {
    t.bigIncrements('id');
    time(t, 'at').notNullable();
    ref(t, 'owner_id', 'owners').notNullable();
    ref(t, 'sku_id', 'skus').notNullable();
    ref(t, 'lot_id', 'lots').notNullable();
    ref(t, 'location_id', 'locations').notNullable();
    t.integer('qty_delta').notNullable();
    t.string('kind', 16).notNullable();
    t.string('reason', 200);
    t.string('ref_type', 32);
    t.string('ref_id', 64);
    t.string('move_group', 36);
    t.integer('user_id').unsigned();
    t.integer('api_key_id').unsigned();
    t.string('actor', 100).notNullable();
    t.string('request_id', 64);
    t.index(['location_id', 'sku_id', 'lot_id']);
    t.index(['sku_id', 'id']);
    t.index(['ref_type', 'ref_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('stock_movements');
  await knex.schema.dropTable('inventory');
}
