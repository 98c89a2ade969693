import type { Knex } from 'knex';
import { createTable, ref, time } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // What the carrier reported about a parcel after the hand-over, polled or pushed. The same event
  // arrives many times (every poll returns the whole history, pushes repeat it): `dedupe_key`, a
  // hash of carrier, waybill, time and text, is unique so it is stored once whichever way it came.
  await createTable(knex, 'tracking_events', (t) => {
    t.increments('id');
    ref(t, 'parcel_id', 'parcels').notNullable();
    ref(t, 'carrier_id', 'carriers').notNullable();
    t.string('waybill_no', 64).notNullable();
    // picked_up | in_transit | out_for_delivery | delivered | exception | other
    t.string('status', 24).notNullable();
    t.string('carrier_status_code', 32);
    t.text('description').notNullable();
    t.string('location', 200);
    time(t, 'occurred_at').notNullable();
    // poll | push
    t.string('source', 8).notNullable();
    t.string('dedupe_key', 64).notNullable().unique();
    time(t, 'created_at').notNullable();
    t.index(['parcel_id', 'occurred_at']);
  });
  // The newest event's status and time on the parcel itself, so lists need no scan; and the poll's
  // own bookkeeping: when the carrier last answered, when the parcel is next due (also the claim
  // that keeps two sweeps from asking about the same parcel), and the last failure.
  await knex.schema.alterTable('parcels', (t) => {
    t.string('tracking_status', 24);
    time(t, 'tracking_at');
    time(t, 'tracking_checked_at');
    time(t, 'tracking_poll_after');
    t.text('tracking_error');
    t.index(['tracking_poll_after'], 'parcels_tracking_poll_after_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('parcels', (t) => {
    t.dropIndex(['tracking_poll_after'], 'parcels_tracking_poll_after_index');
    t.dropColumn('tracking_error');
    t.dropColumn('tracking_poll_after');
    t.dropColumn('tracking_checked_at');
    t.dropColumn('tracking_at');
    t.dropColumn('tracking_status');
  });
  await knex.schema.dropTable('tracking_events');
}
