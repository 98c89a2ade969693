import type { Knex } from 'knex';
import { createTable, ref, time, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // A parcel is recorded before its carrier is called, so a failed or unanswered waybill request
  // leaves a record of what happened (status, last error) instead of nothing.
  await createTable(knex, 'parcels', (t) => {
    t.increments('id');
    ref(t, 'order_id', 'orders').notNullable();
    ref(t, 'owner_id', 'owners').notNullable();
    t.string('status', 16).notNullable();
    ref(t, 'carrier_id', 'carriers').notNullable();
    t.text('carrier_reason').notNullable();
    t.string('carrier_override_by', 100);
    t.integer('weight_g').notNullable();
    t.string('carton_code', 32);
    t.integer('pieces').notNullable().defaultTo(1);
    t.string('temperature', 16).notNullable();
    // our reference for the carrier request; a new one only when a new waybill is wanted
    t.string('request_ref', 64).notNullable();
    t.string('waybill_no', 64);
    t.string('routing_code', 64);
    t.string('sort_center', 64);
    t.string('last_error_kind', 16);
    t.text('last_error');
    t.string('packed_by', 100).notNullable();
    time(t, 'labelled_at');
    time(t, 'voided_at');
    timestamps(t);
    t.index(['order_id']);
    t.index(['status']);
    t.index(['waybill_no']);
  });
  // Every waybill a parcel ever had: a voided one stays, marked, so it can never reach a manifest.
  await createTable(knex, 'waybills', (t) => {
    t.increments('id');
    ref(t, 'parcel_id', 'parcels').notNullable();
    ref(t, 'carrier_id', 'carriers').notNullable();
    t.string('waybill_no', 64).notNullable();
    t.string('routing_code', 64);
    t.string('status', 16).notNullable();
    t.string('request_ref', 64).notNullable();
    time(t, 'voided_at');
    timestamps(t);
    t.unique(['carrier_id', 'waybill_no']);
    t.index(['parcel_id']);
  });
  await createTable(knex, 'parcel_items', (t) => {
    t.increments('id');
    ref(t, 'parcel_id', 'parcels').notNullable();
    ref(t, 'sku_id', 'skus').notNullable();
    ref(t, 'lot_id', 'lots').notNullable();
    t.integer('qty').notNullable();
    t.index(['parcel_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('parcel_items');
  await knex.schema.dropTable('waybills');
  await knex.schema.dropTable('parcels');
}
