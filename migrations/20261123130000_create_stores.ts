import type { Knex } from 'knex';
import { createTable, ref, time, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // A co-op's shop on a platform. Credentials are sealed with WMS_DATA_KEY (AES-GCM) and
  // never leave the server; `sync_cursor` is the end of the last window fully stored.
  await createTable(knex, 'stores', (t) => {
    t.increments('id');
    ref(t, 'owner_id', 'owners').notNullable();
    t.string('platform', 24).notNullable();
    t.string('name', 100).notNullable();
    t.string('base_url', 500).notNullable();
    t.text('credentials_sealed').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.integer('sync_every_s').notNullable().defaultTo(60);
    time(t, 'sync_cursor').notNullable();
    // one sync of a store at a time, across every worker process
    time(t, 'sync_lease_until');
    time(t, 'last_sync_at');
    time(t, 'last_success_at');
    time(t, 'last_error_at');
    t.string('last_error', 1000);
    t.integer('failures').notNullable().defaultTo(0);
    timestamps(t);
    t.unique(['owner_id', 'name']);
  });
  // Platform listings (SKU code or variant id) → a warehouse SKU or kit, with a factor.
  await createTable(knex, 'listing_mappings', (t) => {
    t.increments('id');
    ref(t, 'store_id', 'stores').notNullable();
    t.string('listing_code', 100).notNullable();
    ref(t, 'sku_id', 'skus').notNullable();
    t.integer('factor').notNullable().defaultTo(1);
    timestamps(t);
    t.unique(['store_id', 'listing_code']);
  });
  // Webhook deliveries already taken, so that a re-delivery (or a replay) does nothing twice.
  await createTable(knex, 'webhook_deliveries', (t) => {
    t.increments('id');
    ref(t, 'store_id', 'stores').notNullable();
    t.string('delivery_id', 128).notNullable();
    t.string('topic', 64);
    time(t, 'received_at').notNullable();
    t.unique(['store_id', 'delivery_id']);
  });
  // Records a platform sent that could not be read: shown on the store page, never dropped silently.
  await createTable(knex, 'store_rejects', (t) => {
    t.increments('id');
    ref(t, 'store_id', 'stores').notNullable();
    t.string('external_id', 64);
    t.string('reason', 500).notNullable();
    time(t, 'seen_at').notNullable();
    t.index(['store_id', 'seen_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('store_rejects');
  await knex.schema.dropTable('webhook_deliveries');
  await knex.schema.dropTable('listing_mappings');
  await knex.schema.dropTable('stores');
}
