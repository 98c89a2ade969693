import type { Knex } from 'knex';
import { createTable, ref, time, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // One row per order of a channel: (owner, source, external id) is unique, so a repeated or
  // out-of-order update changes the order and never duplicates it. `source` is 'store:<id>' for
  // a store connection and 'direct' for the order API and spreadsheet import.
  await createTable(knex, 'orders', (t) => {
    t.increments('id');
    ref(t, 'owner_id', 'owners').notNullable();
    ref(t, 'store_id', 'stores');
    t.string('source', 32).notNullable();
    t.string('channel', 24).notNullable();
    t.string('external_id', 64).notNullable();
    t.string('status', 16).notNullable();
    t.string('hold_reason', 32);
    t.string('hold_detail', 1000);
    t.boolean('manual_hold').notNullable().defaultTo(false);
    t.boolean('paid').notNullable().defaultTo(true);
    t.string('platform_status', 48);
    time(t, 'platform_updated_at');
    t.boolean('cold_chain').notNullable().defaultTo(false);
    // personal data: sealed with WMS_DATA_KEY; masked copies for lists; purged after retention
    t.text('receiver_name_sealed');
    t.text('receiver_phone_sealed');
    t.text('receiver_address_sealed');
    t.string('receiver_name_masked', 64);
    t.string('receiver_phone_masked', 32);
    t.string('receiver_address_masked', 64);
    t.string('province', 32);
    t.string('city', 32);
    t.string('district', 32);
    t.string('division_code', 12);
    t.string('township_code', 16);
    t.integer('total_fen');
    t.string('currency', 3);
    t.string('buyer_note', 500);
    t.string('body_hash', 64);
    t.boolean('intercept').notNullable().defaultTo(false);
    time(t, 'placed_at');
    time(t, 'released_at');
    time(t, 'cancelled_at');
    time(t, 'shipped_at');
    time(t, 'pii_purged_at');
    t.integer('version').notNullable().defaultTo(0);
    timestamps(t);
    t.unique(['owner_id', 'source', 'external_id']);
    t.index(['status', 'id']);
    t.index(['owner_id', 'status']);
    t.index(['store_id', 'status']);
  });
  await createTable(knex, 'order_lines', (t) => {
    t.increments('id');
    ref(t, 'order_id', 'orders').notNullable();
    t.integer('line_no').notNullable();
    t.string('external_line_id', 64);
    t.string('listing_code', 100);
    t.string('variant_id', 64);
    t.string('title', 200);
    t.integer('platform_qty').notNullable();
    ref(t, 'sku_id', 'skus');
    t.integer('factor').notNullable().defaultTo(1);
    t.integer('qty').notNullable();
    t.integer('price_fen');
    t.index(['order_id']);
    t.index(['sku_id']);
  });
  // Every transition of every order, with who or what caused it.
  await createTable(knex, 'order_events', (t) => {
    t.increments('id');
    ref(t, 'order_id', 'orders').notNullable();
    t.string('event', 32).notNullable();
    t.string('from_status', 16);
    t.string('to_status', 16);
    t.string('actor', 64).notNullable();
    t.string('message', 1000);
    time(t, 'created_at').notNullable();
    t.index(['order_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('order_events');
  await knex.schema.dropTable('order_lines');
  await knex.schema.dropTable('orders');
}
