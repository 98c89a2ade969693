import type { Knex } from 'knex';
import { NotFound } from '../http/errors';
import type { Principal } from './principal';

/**
 * Tenancy in one place. A seller sees only its owner's data, a carrier only its carrier's.
 * Anything outside that is reported as 404, never 403, so that ids of other tenants cannot
 * be probed. Routes apply `scopeRequest` to their input; repositories apply `whereOwner`.
 */
export function ownerBound(p: Principal): boolean {
  return p.role === 'seller' || p.role === 'carrier';
}

/** The owner ids this principal may see: null = all. A carrier sees no owner's data. */
export function visibleOwnerId(p: Principal): number | null {
  if (p.role === 'seller') return p.ownerId ?? -1;
  if (p.role === 'carrier') return -1;
  return null;
}

export function visibleCarrierId(p: Principal): number | null {
  return p.role === 'carrier' ? (p.carrierId ?? -1) : null;
}

export function whereOwner<Q extends Knex.QueryBuilder>(q: Q, p: Principal, column = 'owner_id'): Q {
  const owner = visibleOwnerId(p);
  if (owner !== null) q.where(column, owner);
  return q;
}

/**
 * Rows that belong both to an owner and to a carrier (parcels): a carrier sees its own carrier's,
 * whoever owns them; a seller its own owner's; the hub's roles every one.
 */
export function whereOwnerOrCarrier<Q extends Knex.QueryBuilder>(q: Q, p: Principal, ownerColumn = 'owner_id', carrierColumn = 'carrier_id'): Q {
  if (p.role === 'carrier') q.where(carrierColumn, p.carrierId ?? -1);
  else whereOwner(q, p, ownerColumn);
  return q;
}

export function whereCarrier<Q extends Knex.QueryBuilder>(q: Q, p: Principal, column = 'carrier_id'): Q {
  const carrier = visibleCarrierId(p);
  if (carrier !== null) q.where(column, carrier);
  return q;
}

/**
 * Applied by the route helper to every validated body and query: an `ownerId` (or
 * `carrierId`) naming another tenant is a 404; when absent, a bound principal's own is implied.
 */
export function scopeInput(p: Principal, input: Record<string, unknown> | undefined): void {
  if (!input || typeof input !== 'object') return;
  const owner = visibleOwnerId(p);
  if (owner !== null) {
    if ('ownerId' in input && input.ownerId !== undefined && input.ownerId !== null && Number(input.ownerId) !== owner) {
      throw new NotFound('owner');
    }
    if (p.role === 'seller') input.ownerId = owner;
  }
  const carrier = visibleCarrierId(p);
  if (carrier !== null) {
    if ('carrierId' in input && input.carrierId !== undefined && input.carrierId !== null && Number(input.carrierId) !== carrier) {
      throw new NotFound('carrier');
    }
    input.carrierId = carrier;
  }
}

/** Whether one row (by its owner id) is visible; used after loading a single resource. */
export function assertOwnerVisible(p: Principal, ownerId: number | null | undefined, what: string): void {
  const owner = visibleOwnerId(p);
  if (owner !== null && Number(ownerId) !== owner) throw new NotFound(what);
}
