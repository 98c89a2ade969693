import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { z } from '../http/zod';
import { withTimeout } from '../util/timeout';

const Health = z
  .object({
    status: z.enum(['ok', 'degraded', 'unavailable']),
    database: z.enum(['sqlite', 'mysql']),
    queue: z.enum(['inline', 'redis']),
    version: z.string(),
    checks: z.object({ database: z.boolean(), queue: z.boolean() }),
  })
  .openapi('Health');

async function databaseUp(ctx: AppContext): Promise<boolean> {
  try {
    await withTimeout(ctx.db.raw('select 1'), 3000, 'database health check timed out');
    return true;
  } catch {
    return false;
  }
}

export function healthRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/health',
    summary: 'Liveness and dependencies (no auth). 503 when the database is unreachable.',
    tag: 'health',
    roles: 'public',
    response: { status: 200, description: 'Healthy (or degraded: the queue is down, jobs wait in the outbox)', schema: Health },
    handler: async () => {
      const [db, queue] = await Promise.all([databaseUp(ctx), ctx.queue.healthy()]);
      const body = {
        status: db ? (queue ? 'ok' : 'degraded') : 'unavailable',
        database: ctx.config.database.kind,
        queue: ctx.queue.kind,
        version: ctx.config.version,
        checks: { database: db, queue },
        ...(db ? {} : { error: { code: 'DATABASE_UNAVAILABLE', message: 'The database is not reachable', details: [] } }),
      };
      return { status: db ? 200 : 503, body };
    },
  });
  return r;
}
