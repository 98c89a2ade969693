import type { Knex } from 'knex';
import { time } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  // When units last became available on this row (added, or a reservation given back): what the
  // allocation sweep looks at to re-try backorders, which reservations alone must not trigger.
  await knex.schema.alterTable('inventory', (t) => {
    time(t, 'restocked_at');
    t.index(['restocked_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('inventory', (t) => {
    t.dropIndex(['restocked_at']);
    t.dropColumn('restocked_at');
  });
}
