import type { Knex } from 'knex';
import { createTable, ref, time, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'printers', (t) => {
    t.increments('id');
    t.string('name', 100).notNullable().unique();
    t.string('language', 8).notNullable();
    t.string('transport', 8).notNullable();
    t.string('host', 200);
    t.integer('port');
    t.string('paper_size', 16).notNullable();
    t.integer('dpi').notNullable();
    t.string('station', 64);
    // ask the printer for its state before each job (some cheap printers never answer)
    t.boolean('status_check').notNullable().defaultTo(true);
    // the last state read from the printer or met by a print job
    t.string('state', 16).notNullable().defaultTo('unknown');
    t.text('state_detail');
    time(t, 'state_at');
    t.string('status', 16).notNullable().defaultTo('active');
    timestamps(t);
  });
  // One row per label (or test page) to print. `status`: queued → sending → printed; retrying
  // after a printer fault; failed after the last try; cancelled; ready (browser printers: the
  // PDF waits to be downloaded).
  await createTable(knex, 'print_jobs', (t) => {
    t.increments('id');
    ref(t, 'printer_id', 'printers').notNullable();
    t.string('kind', 16).notNullable();
    t.integer('parcel_id').unsigned();
    t.string('waybill_no', 64);
    t.string('status', 16).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.string('problem', 32);
    t.text('last_error');
    t.integer('reprint_of').unsigned();
    t.integer('bytes');
    t.string('created_by', 100).notNullable();
    time(t, 'printed_at');
    timestamps(t);
    t.index(['status']);
    t.index(['parcel_id']);
    t.index(['printer_id', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('print_jobs');
  await knex.schema.dropTable('printers');
}
