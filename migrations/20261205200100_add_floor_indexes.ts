import type { Knex } from 'knex';

// The supervisor floor counts today's labels and picks per person: without these
// indexes each refresh scans every parcel and pick task the hub ever had.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('parcels', (t) => {
    t.index(['labelled_at'], 'parcels_labelled_at_index');
  });
  await knex.schema.alterTable('pick_tasks', (t) => {
    t.index(['done_at'], 'pick_tasks_done_at_index');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('pick_tasks', (t) => {
    t.dropIndex(['done_at'], 'pick_tasks_done_at_index');
  });
  await knex.schema.alterTable('parcels', (t) => {
    t.dropIndex(['labelled_at'], 'parcels_labelled_at_index');
  });
}
