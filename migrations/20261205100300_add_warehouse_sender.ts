import type { Knex } from 'knex';

// The hub's dispatch address and phone: the sender carriers need on every waybill request.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('warehouses', (t) => {
    t.string('contact_name', 100);
    t.string('phone', 40);
    t.string('province', 40);
    t.string('city', 60);
    t.string('district', 60);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('warehouses', (t) => {
    t.dropColumn('contact_name');
    t.dropColumn('phone');
    t.dropColumn('province');
    t.dropColumn('city');
    t.dropColumn('district');
  });
}
