import type { Knex } from 'knex';
import { createTable, ref, time, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // A hand-over list: parcels of one carrier leaving one warehouse. While open, `open_key`
  // (warehouse:carrier) is set and unique, so there is at most one open manifest per carrier per
  // warehouse even when two docks open one at the same moment; closing clears it.
  await createTable(knex, 'manifests', (t) => {
    t.increments('id');
    t.string('manifest_no', 40).notNullable().unique();
    ref(t, 'warehouse_id', 'warehouses').notNullable();
    ref(t, 'carrier_id', 'carriers').notNullable();
    t.string('status', 16).notNullable();
    t.string('open_key', 40).unique();
    // frozen at close
    t.integer('parcel_count');
    t.integer('total_weight_g');
    t.string('created_by', 100).notNullable();
    t.string('closed_by', 100);
    time(t, 'closed_at');
    // the carrier's side of the hand-over
    t.string('received_by', 100);
    t.integer('counted_count');
    t.text('handover_note');
    t.string('handover_actor', 100);
    time(t, 'handed_over_at');
    t.text('resolution');
    t.string('resolved_by', 100);
    time(t, 'resolved_at');
    timestamps(t);
    t.index(['carrier_id', 'status']);
  });
  // `received` is the carrier's answer: null until the hand-over, false for a parcel reported
  // missing (which may then go on a later manifest). A parcel is on at most one manifest where it
  // is not missing: the scan checks that under the parcel's row lock.
  await createTable(knex, 'manifest_parcels', (t) => {
    t.increments('id');
    ref(t, 'manifest_id', 'manifests').notNullable();
    ref(t, 'parcel_id', 'parcels').notNullable();
    ref(t, 'order_id', 'orders').notNullable();
    t.string('waybill_no', 64).notNullable();
    t.integer('weight_g').notNullable();
    t.string('scanned_by', 100).notNullable();
    time(t, 'scanned_at').notNullable();
    t.boolean('received');
    t.index(['manifest_id']);
    t.index(['parcel_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('manifest_parcels');
  await knex.schema.dropTable('manifests');
}
