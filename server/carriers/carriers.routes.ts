import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { Id, Temperature, z } from '../http/zod';
import { CARRIER_ADAPTERS } from '../../integrations/carriers';
import { createCarrier, getCarrier, listCarriers, updateCarrier } from './carriers.service';
import { getPreferences, listRates, previewSelection, putPreferences, putRates } from './select.service';

const MANAGE = ['admin', 'supervisor'] as const;

const Carrier = z
  .object({
    id: z.number(),
    code: z.string(),
    name: z.string(),
    adapter: z.string(),
    baseUrl: z.string().nullable(),
    coldChain: z.boolean(),
    active: z.boolean(),
    settings: z.record(z.string(), z.unknown()),
    hasCredentials: z.boolean().openapi({ description: 'credentials are sealed and never returned' }),
    numberRange: z.object({ prefix: z.string(), rangeStart: z.number(), rangeEnd: z.number(), next: z.number(), remaining: z.number() }).nullable(),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('Carrier');

const BaseUrl = z.string().trim().url().max(500).refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');
const CreateCarrier = z
  .object({
    code: z.string().trim().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, - and _ (at most 32)'),
    name: z.string().trim().min(1).max(200),
    adapter: z.string().openapi({ description: `one of ${CARRIER_ADAPTERS.join(', ')}` }),
    baseUrl: BaseUrl.nullish(),
    credentials: z.record(z.string(), z.string().max(2000)).optional(),
    settings: z.record(z.string(), z.unknown()).optional().openapi({ description: 'per adapter; local: {prefix, rangeStart, rangeEnd, routes?}' }),
    coldChain: z.boolean().optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .openapi('CreateCarrier');
const PatchCarrier = CreateCarrier.omit({ code: true, adapter: true }).partial().strict();

const Rate = z
  .object({
    province: z.string().trim().max(40).nullish(),
    city: z.string().trim().max(60).nullish(),
    maxWeightG: z.number().int().positive().nullish(),
    firstWeightG: z.number().int().positive().default(1000),
    firstFen: z.number().int().min(0),
    extraFenPerKg: z.number().int().min(0).default(0),
  })
  .strict()
  .openapi('CarrierRate');

const Considered = z.object({ code: z.string(), eligible: z.boolean(), why: z.string(), costFen: z.number().nullable() });

export function carrierRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  const idParam = z.object({ id: Id });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/carriers',
    summary: 'Add a carrier connection (an adapter with its credentials and settings; local: a number range the hub manages)',
    tag: 'carriers',
    roles: MANAGE,
    body: CreateCarrier,
    response: { status: 201, description: 'The carrier', schema: Carrier },
    handler: async ({ body, caller }) => ({ status: 201, body: await createCarrier(ctx, caller, body) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/carriers',
    summary: 'Carriers (a carrier user sees its own)',
    tag: 'carriers',
    roles: [...MANAGE, 'operator', 'seller', 'carrier'],
    response: { status: 200, description: 'Carriers', schema: z.object({ items: z.array(Carrier), nextCursor: z.string().nullable() }) },
    handler: async ({ caller }) => ({ body: await listCarriers(ctx, caller) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/carriers/:id',
    summary: 'One carrier',
    tag: 'carriers',
    roles: [...MANAGE, 'operator', 'seller', 'carrier'],
    params: idParam,
    response: { status: 200, description: 'The carrier', schema: Carrier },
    handler: async ({ params, caller }) => ({ body: await getCarrier(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/api/v1/carriers/:id',
    summary: 'Change a carrier (credentials replaced whole; a local range may only move forward)',
    tag: 'carriers',
    roles: MANAGE,
    params: idParam,
    body: PatchCarrier,
    response: { status: 200, description: 'The carrier', schema: Carrier },
    handler: async ({ params, body, caller }) => ({ body: await updateCarrier(ctx, caller, params.id, body) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/carriers/:id/rates',
    summary: "The carrier's cost table by destination and weight band",
    tag: 'carriers',
    roles: [...MANAGE, 'operator'],
    params: idParam,
    response: { status: 200, description: 'Rates', schema: z.object({ items: z.array(Rate), nextCursor: z.null() }) },
    handler: async ({ params, caller }) => ({ body: await listRates(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'put',
    path: '/api/v1/carriers/:id/rates',
    summary: 'Replace the cost table. A carrier with rates serves only the places they name (no province = everywhere); one without rates serves everywhere at unknown cost',
    tag: 'carriers',
    roles: MANAGE,
    params: idParam,
    body: z.object({ rates: z.array(Rate).max(2000) }).strict(),
    response: { status: 200, description: 'Rates', schema: z.object({ items: z.array(Rate), nextCursor: z.null() }) },
    handler: async ({ params, body, caller }) => ({ body: await putRates(ctx, caller, params.id, body.rates.map((x) => ({ ...x, province: x.province ?? null, city: x.city ?? null, maxWeightG: x.maxWeightG ?? null }))) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/carriers/select',
    summary: 'Which carrier the rules choose for a parcel, and why (each carrier considered, with its reason)',
    tag: 'carriers',
    roles: [...MANAGE, 'operator', 'seller'],
    body: z.object({ ownerId: Id, province: z.string().max(40).nullable(), city: z.string().max(60).nullable(), weightG: z.number().int().positive(), temperature: Temperature }).strict(),
    response: { status: 200, description: 'The choice', schema: z.object({ carrierCode: z.string().nullable(), costFen: z.number().nullable(), reason: z.string(), considered: z.array(Considered) }) },
    handler: async ({ body, caller }) => ({ body: await previewSelection(ctx, caller, body) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/owners/:id/carrier-preferences',
    summary: "The owner's carriers in order of preference",
    tag: 'carriers',
    roles: [...MANAGE, 'seller'],
    params: idParam,
    response: { status: 200, description: 'Preferences', schema: z.object({ ownerId: z.number(), carrierCodes: z.array(z.string()) }) },
    handler: async ({ params, caller }) => ({ body: await getPreferences(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'put',
    path: '/api/v1/owners/:id/carrier-preferences',
    summary: "Set the owner's carriers in order of preference: the first that can take a parcel is chosen, before price",
    tag: 'carriers',
    roles: [...MANAGE, 'seller'],
    params: idParam,
    body: z.object({ carrierCodes: z.array(z.string().max(32)).max(20) }).strict(),
    response: { status: 200, description: 'Preferences', schema: z.object({ ownerId: z.number(), carrierCodes: z.array(z.string()) }) },
    handler: async ({ params, body, caller }) => ({ body: await putPreferences(ctx, caller, params.id, body.carrierCodes) }),
  });
  return r;
}
