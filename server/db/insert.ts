import type { Tx } from './knex';
import { dialectOf } from './knex';

/**
 * Inserts rows and returns their new ids by a unique key column. On SQLite the rows of one
 * insert inside our transaction get consecutive rowids ending at the one returned (a single
 * connection, no other writer), so no look-up is needed; MySQL may interleave auto-increment
 * values with concurrent inserts, so there the ids are read back by key.
 */
export async function insertReturningIds<K extends string | number>(
  trx: Tx,
  table: string,
  rows: Array<Record<string, unknown>>,
  key: { column: string; scope?: Record<string, unknown> },
): Promise<Map<K, number>> {
  const ids = new Map<K, number>();
  if (!rows.length) return ids;
  const [last] = await trx(table).insert(rows);
  if (dialectOf(trx) === 'sqlite') {
    const first = Number(last) - rows.length + 1;
    rows.forEach((r, i) => ids.set(r[key.column] as K, first + i));
    return ids;
  }
  const q = trx(table).whereIn(key.column, rows.map((r) => r[key.column] as any)).select('id', key.column);
  if (key.scope) q.where(key.scope);
  for (const r of await q) ids.set(r[key.column] as K, Number(r.id));
  return ids;
}
