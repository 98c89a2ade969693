import type { Knex } from 'knex';
import { createTable, ref, time, timestamps } from '../server/db/schema';

export async function up(knex: Knex): Promise<void> {
  await createTable(knex, 'users', (t) => {
    t.increments('id');
    t.string('username', 64).notNullable().unique();
    t.string('password_hash', 255).notNullable();
    t.string('role', 16).notNullable();
    ref(t, 'owner_id', 'owners');
    ref(t, 'carrier_id', 'carriers');
    t.string('display_name', 100);
    t.string('badge', 64).unique();
    t.boolean('active').notNullable().defaultTo(true);
    timestamps(t);
  });
  // Login tokens: only a hash is stored, so a copied database does not hand out sessions.
  await createTable(knex, 'sessions', (t) => {
    t.string('token_hash', 64).primary();
    ref(t, 'user_id', 'users').notNullable();
    time(t, 'expires_at').notNullable();
    time(t, 'created_at').notNullable();
    t.index(['expires_at']);
  });
  await createTable(knex, 'api_keys', (t) => {
    t.increments('id');
    t.string('name', 100).notNullable();
    t.string('key_hash', 64).notNullable().unique();
    t.string('prefix', 16).notNullable();
    t.string('role', 16).notNullable();
    ref(t, 'owner_id', 'owners');
    ref(t, 'carrier_id', 'carriers');
    ref(t, 'created_by', 'users');
    time(t, 'last_used_at');
    time(t, 'revoked_at');
    timestamps(t);
  });
  await createTable(knex, 'login_failures', (t) => {
    t.bigIncrements('id');
    t.string('username', 64).notNullable();
    t.string('ip', 64).notNullable();
    time(t, 'at').notNullable();
    t.index(['username', 'at']);
    t.index(['ip', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('login_failures');
  await knex.schema.dropTable('api_keys');
  await knex.schema.dropTable('sessions');
  await knex.schema.dropTable('users');
}
