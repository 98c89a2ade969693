import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { Id, ListQuery, pageOf, z } from '../http/zod';
import { getJob, listJobs, retryFailed } from '../queue/outbox';
import { inTransaction } from '../db/transaction';
import { audit } from '../audit';

const Job = z
  .object({
    id: z.number(),
    type: z.string(),
    status: z.enum(['pending', 'queued', 'running', 'done', 'failed']),
    attempts: z.number(),
    maxAttempts: z.number(),
    runAfter: z.string().nullable(),
    lastError: z.string().nullable(),
    payload: z.unknown(),
    createdAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('Job');

export function jobRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/jobs',
    summary: 'Background jobs (e.g. ?status=failed)',
    tag: 'jobs',
    roles: ['admin', 'supervisor'],
    query: ListQuery.extend({ status: z.enum(['pending', 'queued', 'running', 'done', 'failed']).optional(), type: z.string().max(100).optional() }),
    response: { status: 200, description: 'Jobs', schema: pageOf(Job) },
    handler: async ({ query }) => ({ body: await listJobs(ctx.db, query) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/jobs/:id',
    summary: 'One job',
    tag: 'jobs',
    roles: ['admin', 'supervisor'],
    params: z.object({ id: Id }),
    response: { status: 200, description: 'The job', schema: Job },
    handler: async ({ params }) => ({ body: await getJob(ctx.db, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/jobs/:id/retry',
    summary: 'Retry a failed job',
    tag: 'jobs',
    roles: ['admin', 'supervisor'],
    params: z.object({ id: Id }),
    response: { status: 200, description: 'The job, pending again', schema: Job },
    handler: async ({ params, caller }) => {
      const job = await retryFailed(ctx.db, params.id);
      await inTransaction(ctx.db, (trx) => audit(trx, caller, { action: 'retry', entity: 'job', entityId: params.id, details: { type: job.type } }));
      ctx.queue.nudge();
      return { body: job };
    },
  });
  return r;
}
