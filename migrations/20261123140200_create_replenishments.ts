import type { Knex } from 'knex';
import { createTable, ref, time, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // Stock to bring from bulk storage to a pick face, because orders wait for it (backorders) or
  // a wave is emptying the face.
  await createTable(knex, 'replenishments', (t) => {
    t.increments('id');
    ref(t, 'owner_id', 'owners').notNullable();
    ref(t, 'sku_id', 'skus').notNullable();
    ref(t, 'lot_id', 'lots').notNullable();
    ref(t, 'from_location_id', 'locations').notNullable();
    ref(t, 'to_location_id', 'locations').notNullable();
    t.integer('qty').notNullable();
    t.string('status', 16).notNullable();
    t.string('reason', 200).notNullable();
    t.integer('wave_id').unsigned();
    t.string('done_by', 100);
    time(t, 'done_at');
    timestamps(t);
    t.index(['status', 'sku_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('replenishments');
}
