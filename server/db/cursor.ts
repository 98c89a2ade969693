import type { Knex } from 'knex';
import { BadRequest } from '../http/errors';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageParams {
  limit?: number;
  cursor?: string;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

function decodeCursor(cursor: string): number {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof v?.after === 'number' && Number.isInteger(v.after)) return v.after;
  } catch {
    // fall through
  }
  throw new BadRequest('INVALID_CURSOR', 'cursor is not one this server issued');
}

/** Keyset pagination on an integer id column: stable under concurrent inserts. */
export async function paginate<Row extends { id: number }>(
  query: Knex.QueryBuilder,
  params: PageParams,
  idColumn = 'id',
): Promise<Page<Row>> {
  const limit = Math.min(params.limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  if (params.cursor) query.where(idColumn, '>', decodeCursor(params.cursor));
  const rows: Row[] = await query.orderBy(idColumn, 'asc').limit(limit + 1);
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: more && last ? Buffer.from(JSON.stringify({ after: Number(last.id) })).toString('base64url') : null,
  };
}
