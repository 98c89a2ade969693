import type { Knex } from 'knex';

// Whether a shipped order's carrier and waybill reached its store platform: pending (queued or
// retrying), done, failed (with the platform's words, for a supervisor to fix and retry), or
// not_needed (an order from the order API or a spreadsheet has no platform to tell). Null until
// the order ships.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => {
    t.string('writeback_status', 16);
    t.string('writeback_error', 1000);
    // as server/db/schema.ts time(): UTC with milliseconds
    t.datetime('written_back_at', { precision: 3 });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (t) => {
    t.dropColumn('writeback_status');
    t.dropColumn('writeback_error');
    t.dropColumn('written_back_at');
  });
}
