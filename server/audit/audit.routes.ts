import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { Id, ListQuery, pageOf, z } from '../http/zod';
import { listAudit } from './index';

const AuditRow = z
  .object({
    id: z.number(),
    at: z.string().nullable(),
    actor: z.string(),
    userId: z.number().nullable(),
    apiKeyId: z.number().nullable(),
    action: z.string(),
    entity: z.string(),
    entityId: z.string().nullable(),
    ownerId: z.number().nullable(),
    requestId: z.string().nullable(),
    details: z.unknown(),
  })
  .openapi('AuditRow');

export function auditRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/audit',
    summary: 'Audit trail: who changed what, when (a seller sees its own owner’s)',
    tag: 'audit',
    roles: ['admin', 'supervisor', 'seller'],
    query: ListQuery.extend({ entity: z.string().max(64).optional(), entityId: z.string().max(64).optional(), ownerId: Id.optional() }),
    response: { status: 200, description: 'Audit rows, oldest first', schema: pageOf(AuditRow) },
    handler: async ({ query, caller }) => ({ body: await listAudit(ctx.db, caller.principal, query) }),
  });
  return r;
}
