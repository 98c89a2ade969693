import type { Knex } from 'knex';
import { time } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // The hand-over call to the carrier's API after a manifest is closed (where the carrier has one):
  // not_needed | pending | done | partial (some parcels refused) | failed, with the carrier's words.
  await knex.schema.alterTable('manifests', (t) => {
    t.string('carrier_sync_status', 16);
    t.text('carrier_sync_error');
    time(t, 'carrier_synced_at');
  });
  // each parcel's answer from that call: null not asked yet, true confirmed, false refused (detail says why)
  await knex.schema.alterTable('manifest_parcels', (t) => {
    t.boolean('carrier_confirmed');
    t.string('carrier_detail', 500);
  });
  // a carrier asked to push this parcel's tracking to us (Kuaidi100 订阅)
  await knex.schema.alterTable('parcels', (t) => {
    time(t, 'tracking_subscribed_at');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('parcels', (t) => {
    t.dropColumn('tracking_subscribed_at');
  });
  await knex.schema.alterTable('manifest_parcels', (t) => {
    t.dropColumn('carrier_detail');
    t.dropColumn('carrier_confirmed');
  });
  await knex.schema.alterTable('manifests', (t) => {
    t.dropColumn('carrier_sync_status');
    t.dropColumn('carrier_sync_error');
    t.dropColumn('carrier_synced_at');
  });
}
