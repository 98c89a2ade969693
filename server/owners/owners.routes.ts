import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { Id, ListQuery, pageOf, z } from '../http/zod';
import { createOwner, getOwner, listOwners, updateOwner } from './owners.service';

const Code = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits and . _ - only');
const Phone = z.string().trim().max(40).regex(/^[0-9+\- ()]{5,40}$/, 'a phone number');

const Owner = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    contactName: z.string().nullable(),
    minShelfLifeDays: z.number().openapi({ description: 'the least remaining shelf life, in days, a lot must have to be allocated (at shipping)' }),
    phone: z.string().nullable(),
    status: z.enum(['active', 'inactive']),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Owner');

const CreateOwner = z
  .object({ code: Code, name: z.string().trim().min(1).max(200), contactName: z.string().trim().max(100).nullish(), phone: Phone.nullish(), minShelfLifeDays: z.number().int().min(0).max(3650).optional() })
  .strict()
  .openapi('CreateOwner');

const PatchOwner = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    contactName: z.string().trim().max(100).nullish(),
    phone: Phone.nullish(),
    status: z.enum(['active', 'inactive']).optional(),
    minShelfLifeDays: z.number().int().min(0).max(3650).optional(),
  })
  .strict()
  .openapi('PatchOwner');

export function ownerRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/owners',
    summary: 'Register an owner (co-op, farm or shop whose stock the hub holds)',
    tag: 'owners',
    roles: ['admin', 'supervisor'],
    body: CreateOwner,
    response: { status: 201, description: 'The owner', schema: Owner },
    handler: async ({ body, caller }) => ({ body: await createOwner(ctx, caller, body) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/owners',
    summary: 'List owners (a seller sees only its own)',
    tag: 'owners',
    roles: ['admin', 'supervisor', 'operator', 'seller'],
    query: ListQuery.extend({ q: z.string().max(100).optional() }),
    response: { status: 200, description: 'Owners', schema: pageOf(Owner) },
    handler: async ({ query, caller }) => ({ body: await listOwners(ctx, caller, query) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/owners/:id',
    summary: 'One owner',
    tag: 'owners',
    roles: ['admin', 'supervisor', 'operator', 'seller'],
    params: z.object({ id: Id }),
    response: { status: 200, description: 'The owner', schema: Owner },
    handler: async ({ params, caller }) => ({ body: await getOwner(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/api/v1/owners/:id',
    summary: 'Change an owner',
    tag: 'owners',
    roles: ['admin', 'supervisor'],
    params: z.object({ id: Id }),
    body: PatchOwner,
    response: { status: 200, description: 'The owner', schema: Owner },
    handler: async ({ params, body, caller }) => ({ body: await updateOwner(ctx, caller, params.id, body) }),
  });
  return r;
}
