import type { Knex } from 'knex';
import { createTable, ref, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'skus', (t) => {
    t.increments('id');
    ref(t, 'owner_id', 'owners').notNullable();
    t.string('sku_code', 64).notNullable();
    t.string('name', 200).notNullable();
    t.string('spec', 200);
    t.string('unit', 20);
    t.integer('weight_g').notNullable();
    t.integer('length_mm');
    t.integer('width_mm');
    t.integer('height_mm');
    t.string('temperature', 16).notNullable();
    t.integer('shelf_life_days');
    t.boolean('lot_tracked').notNullable().defaultTo(false);
    t.string('origin', 200);
    t.boolean('is_kit').notNullable().defaultTo(false);
    t.string('status', 16).notNullable().defaultTo('active');
    timestamps(t);
    t.unique(['owner_id', 'sku_code']);
  });
  // Several barcodes per SKU; a case barcode counts `qty` units per scan. Unique per owner, so
  // that a scan identifies exactly one SKU of that owner.
  await createTable(knex, 'sku_barcodes', (t) => {
    t.increments('id');
    ref(t, 'owner_id', 'owners').notNullable();
    ref(t, 'sku_id', 'skus').notNullable();
    t.string('barcode', 64).notNullable();
    t.integer('qty').notNullable().defaultTo(1);
    t.string('kind', 16).notNullable();
    t.integer('position').notNullable().defaultTo(0);
    t.unique(['owner_id', 'barcode']);
    t.index(['sku_id']);
    t.index(['barcode']);
  });
  await createTable(knex, 'kit_components', (t) => {
    ref(t, 'kit_sku_id', 'skus').notNullable();
    ref(t, 'component_sku_id', 'skus').notNullable();
    t.integer('qty').notNullable();
    t.primary(['kit_sku_id', 'component_sku_id']);
    t.index(['component_sku_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('kit_components');
  await knex.schema.dropTable('sku_barcodes');
  await knex.schema.dropTable('skus');
}
