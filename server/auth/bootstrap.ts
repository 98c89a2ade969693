import type { Db } from '../db/knex';
import { nowDb } from '../db/time';
import { isUniqueViolation } from '../db/errors';
import { hashPassword, randomPassword } from './passwords';

/**
 * First start: the `admin` user gets WMS_ADMIN_PASSWORD, or a random password printed once.
 * Safe when several processes start together (the username is unique).
 */
export async function ensureAdmin(db: Db, password: string | undefined, print: (line: string) => void): Promise<void> {
  if (await db('users').where({ username: 'admin' }).first('id')) return;
  const chosen = password ?? randomPassword();
  const now = nowDb();
  try {
    await db('users').insert({ username: 'admin', password_hash: await hashPassword(chosen), role: 'admin', active: true, display_name: 'Administrator', created_at: now, updated_at: now });
  } catch (err) {
    if (isUniqueViolation(err)) return;
    throw err;
  }
  if (!password) {
    print('');
    print('  First start: created user "admin" with password: ' + chosen);
    print('  It is shown only this once. Set WMS_ADMIN_PASSWORD to choose it yourself.');
    print('');
  }
}
