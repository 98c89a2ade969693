import type { Tx } from '../db/knex';
import { nowDb, toIso } from '../db/time';
import type { Caller } from '../auth/principal';
import type { Principal } from '../auth/principal';
import { whereOwner } from '../auth/scope';
import { paginate, PageParams } from '../db/cursor';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | number | null;
  ownerId?: number | null;
  details?: Record<string, unknown>;
}

/** Writes one audit row inside the caller's transaction: the change and its record commit together. */
export async function audit(trx: Tx, caller: Caller, e: AuditEntry): Promise<void> {
  const p = caller.principal;
  await trx('audit_log').insert({
    at: nowDb(),
    user_id: p.userId,
    api_key_id: p.apiKeyId,
    actor: p.name,
    action: e.action,
    entity: e.entity,
    entity_id: e.entityId == null ? null : String(e.entityId),
    owner_id: e.ownerId ?? null,
    request_id: caller.requestId,
    details: e.details ? JSON.stringify(e.details) : null,
  });
}

export async function listAudit(
  db: Tx,
  principal: Principal,
  filter: { entity?: string; entityId?: string; ownerId?: number } & PageParams,
) {
  const q = db('audit_log').select('*');
  whereOwner(q, principal);
  if (filter.entity) q.where('entity', filter.entity);
  if (filter.entityId) q.where('entity_id', filter.entityId);
  if (filter.ownerId) q.where('owner_id', filter.ownerId);
  const page = await paginate<any>(q, filter);
  return {
    items: page.items.map((r) => ({
      id: Number(r.id),
      at: toIso(r.at),
      actor: r.actor,
      userId: r.user_id,
      apiKeyId: r.api_key_id,
      action: r.action,
      entity: r.entity,
      entityId: r.entity_id,
      ownerId: r.owner_id,
      requestId: r.request_id,
      details: r.details ? JSON.parse(r.details) : null,
    })),
    nextCursor: page.nextCursor,
  };
}
