import type { Request, Response, Router } from 'express';
import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import type { Caller, Principal, Role } from '../auth/principal';
import { scopeInput } from '../auth/scope';
import { Forbidden, Unauthorized } from './errors';
import { parseOrThrow } from './validate';
import { ErrorBody } from './zod';

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface RouteInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  caller: Caller;
  req: Request;
  res: Response;
}

export interface RouteResult {
  status?: number;
  body?: unknown;
  /** Non-JSON answers (CSV, PDF, printer bytes). */
  raw?: { contentType: string; data: Buffer | string; filename?: string };
}

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType> {
  method: Method;
  /** Express-style path, e.g. /api/v1/owners/:id */
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed; 'public' needs no credentials. Default: any authenticated caller. */
  roles?: readonly Role[] | 'public';
  body?: B;
  /** For uploads: the raw body is documented with these media types instead of a JSON schema. */
  rawBody?: { contentTypes: string[]; description: string };
  query?: Q;
  params?: P;
  response: { status: number; description: string; schema?: z.ZodType; contentTypes?: string[] };
  handler: (input: RouteInput<z.infer<B>, z.infer<Q>, z.infer<P>>) => Promise<RouteResult | void>;
}

const ERROR_RESPONSES: RouteConfig['responses'] = {
  400: { description: 'Malformed or invalid input', content: { 'application/json': { schema: ErrorBody } } },
  401: { description: 'No or bad credentials', content: { 'application/json': { schema: ErrorBody } } },
  403: { description: 'Role not allowed', content: { 'application/json': { schema: ErrorBody } } },
  404: { description: 'Not found, or not visible to this caller', content: { 'application/json': { schema: ErrorBody } } },
};

/**
 * Thin routes: authenticate → role check → validate (zod) → tenancy scope → handler.
 * The same schemas register the route in the OpenAPI document.
 */
export function defineRoute<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType>(
  router: Router,
  registry: OpenAPIRegistry,
  spec: RouteSpec<B, Q, P>,
): void {
  registry.registerPath({
    method: spec.method,
    path: spec.path.replace(/:([A-Za-z_]+)/g, '{$1}'),
    summary: spec.summary,
    tags: [spec.tag],
    security: spec.roles === 'public' ? [] : [{ bearer: [] }],
    description: spec.roles && spec.roles !== 'public' ? `Roles: ${spec.roles.join(', ')}` : undefined,
    request: {
      params: spec.params as any,
      query: spec.query as any,
      body: spec.body
        ? { content: { 'application/json': { schema: spec.body } }, required: true }
        : spec.rawBody
          ? {
              description: spec.rawBody.description,
              content: Object.fromEntries(spec.rawBody.contentTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
            }
          : undefined,
    },
    responses: {
      [spec.response.status]: {
        description: spec.response.description,
        // JSON by its schema; files (PDF, CSV, printer languages) as binary
        content:
          spec.response.schema || spec.response.contentTypes
            ? {
                ...Object.fromEntries((spec.response.contentTypes ?? []).map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
                ...(spec.response.schema ? { 'application/json': { schema: spec.response.schema } } : {}),
              }
            : undefined,
      },
      ...ERROR_RESPONSES,
    },
  });

  router[spec.method](spec.path, async (req: Request, res: Response) => {
    const principal: Principal | undefined = (req as any).principal;
    if (spec.roles !== 'public') {
      if (!principal) throw (req as any).authError ?? new Unauthorized();
      if (spec.roles && !spec.roles.includes(principal.role)) throw new Forbidden();
    }
    // Tenancy is checked on what the client sent, before a schema could drop a field.
    if (principal) {
      scopeInput(principal, { ...(req.query as any) });
      if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) scopeInput(principal, { ...req.body });
    }
    const params = spec.params ? parseOrThrow(spec.params, req.params, 'params') : (req.params as any);
    const query = spec.query ? parseOrThrow(spec.query, req.query ?? {}, 'query') : (req.query as any);
    const body = (spec.body ? parseOrThrow(spec.body, req.body ?? {}, 'body') : undefined) as z.infer<B>;
    if (principal) {
      scopeInput(principal, query);
      scopeInput(principal, body as any);
    }
    const caller: Caller = { principal: principal!, requestId: String(res.locals.requestId) };
    const result = await spec.handler({ body, query, params, caller, req, res });
    if (res.headersSent) return;
    const status = result?.status ?? spec.response.status;
    if (result?.raw) {
      // attachment() guesses a type from the file name, so the declared type is set after it
      if (result.raw.filename) res.attachment(result.raw.filename);
      res.status(status).type(result.raw.contentType);
      res.send(result.raw.data);
    } else if (result?.body === undefined) {
      res.status(status).end();
    } else {
      res.status(status).json(result.body);
    }
  });
}
