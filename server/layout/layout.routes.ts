import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { withUpload } from '../http/upload';
import { Id, ListQuery, pageOf, Temperature, z } from '../http/zod';
import { LOCATION_TYPES } from './layout.model';
import { updateWarehouse, createLocation, createWarehouse, createZone, getLocation, listLocations, listWarehouses, listZones } from './layout.service';
import { importLocations } from './locations.import';

const STAFF = ['admin', 'supervisor', 'operator'] as const;
const MANAGERS = ['admin', 'supervisor'] as const;
const Code = (max: number) => z.string().trim().min(1).max(max).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits and . _ - only');
const Metres = z.number().min(0).max(100000);

const Warehouse = z
  .object({
    id: z.number(),
    code: z.string(),
    name: z.string(),
    address: z.string().nullable(),
    province: z.string().nullable(),
    city: z.string().nullable(),
    district: z.string().nullable(),
    contactName: z.string().nullable(),
    phone: z.string().nullable(),
    createdAt: z.string().nullable(),
  })
  .openapi('Warehouse');
const Sender = {
  address: z.string().trim().max(500).nullish().openapi({ description: 'street and number of the dispatch point: the sender address on waybills' }),
  province: z.string().trim().max(40).nullish(),
  city: z.string().trim().max(60).nullish(),
  district: z.string().trim().max(60).nullish(),
  contactName: z.string().trim().max(100).nullish(),
  phone: z.string().trim().max(40).nullish().openapi({ description: "the hub's phone, used when an owner has none" }),
};
const Zone = z.object({ id: z.number(), warehouseId: z.number(), code: z.string(), name: z.string(), temperature: Temperature }).openapi('Zone');
const LocationType = z.enum(LOCATION_TYPES).openapi('LocationType');
const Location = z
  .object({
    id: z.number(),
    warehouseId: z.number(),
    code: z.string(),
    zone: z.string(),
    temperature: Temperature,
    type: LocationType,
    x: z.number().nullable().openapi({ description: 'metres' }),
    y: z.number().nullable().openapi({ description: 'metres' }),
    pickSeq: z.number().int().nullable(),
    status: z.string(),
  })
  .openapi('Location');

const CreateLocation = z
  .object({
    code: Code(64),
    zone: Code(32),
    temperature: Temperature,
    type: LocationType,
    x: Metres.nullish(),
    y: Metres.nullish(),
    pickSeq: z.number().int().min(0).max(10_000_000).nullish(),
    warehouseId: Id.optional(),
  })
  .strict()
  .openapi('CreateLocation');

const ImportResult = z
  .object({
    created: z.number(),
    updated: z.number(),
    unchanged: z.number(),
    errors: z.array(z.object({ row: z.number(), column: z.string().nullable(), code: z.string(), message: z.string() })),
    encoding: z.string(),
    ignoredColumns: z.array(z.string()),
    dryRun: z.boolean(),
  })
  .openapi('ImportResult');

export function layoutRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/warehouses',
    summary: 'Create a warehouse',
    tag: 'layout',
    roles: ['admin'],
    body: z.object({ code: Code(32), name: z.string().trim().min(1).max(200), ...Sender }).strict(),
    response: { status: 201, description: 'The warehouse', schema: Warehouse },
    handler: async ({ body, caller }) => ({ body: await createWarehouse(ctx, caller, body) }),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/api/v1/warehouses/:id',
    summary: "Change a warehouse's name or its dispatch address and phone (the sender on waybills)",
    tag: 'layout',
    roles: ['admin', 'supervisor'],
    params: z.object({ id: Id }),
    body: z.object({ name: z.string().trim().min(1).max(200).optional(), ...Sender }).strict(),
    response: { status: 200, description: 'The warehouse', schema: Warehouse },
    handler: async ({ params, body, caller }) => ({ body: await updateWarehouse(ctx, caller, params.id, body) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/warehouses',
    summary: 'List warehouses',
    tag: 'layout',
    roles: STAFF,
    response: { status: 200, description: 'Warehouses', schema: pageOf(Warehouse) },
    handler: async () => ({ body: await listWarehouses(ctx) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/zones',
    summary: 'Create a zone with its temperature class',
    tag: 'layout',
    roles: MANAGERS,
    body: z.object({ code: Code(32), name: z.string().trim().max(200).optional(), temperature: Temperature, warehouseId: Id.optional() }).strict(),
    response: { status: 201, description: 'The zone', schema: Zone },
    handler: async ({ body, caller }) => ({ body: await createZone(ctx, caller, body) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/zones',
    summary: 'List zones',
    tag: 'layout',
    roles: STAFF,
    query: z.object({ warehouseId: Id.optional() }),
    response: { status: 200, description: 'Zones', schema: pageOf(Zone) },
    handler: async ({ query }) => ({ body: await listZones(ctx, query) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/locations',
    summary: 'Create a location (its zone is created with the given temperature when new)',
    tag: 'layout',
    roles: MANAGERS,
    body: CreateLocation,
    response: { status: 201, description: 'The location', schema: Location },
    handler: async ({ body, caller }) => ({ body: await createLocation(ctx, caller, body) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/locations/import',
    summary: 'Import locations from CSV (UTF-8 or GBK; columns code, zone, temperature, type, x, y, pick_seq)',
    tag: 'layout',
    roles: MANAGERS,
    rawBody: { contentTypes: ['text/csv', 'multipart/form-data'], description: 'The CSV file, raw or as the file part of a form' },
    query: z.object({ dryRun: z.enum(['true', 'false', '1', '0']).optional() }),
    response: { status: 200, description: 'What was created, updated, left unchanged, and each refused row', schema: ImportResult },
    handler: async ({ req, query, caller }) => {
      const dryRun = query.dryRun === 'true' || query.dryRun === '1';
      const body = await withUpload(req, { limit: ctx.config.uploadLimitBytes, dataDir: ctx.config.dataDir }, (file) => importLocations(ctx, caller, file.path, dryRun));
      return { body };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/locations',
    summary: 'List locations',
    tag: 'layout',
    roles: STAFF,
    query: ListQuery.extend({
      zone: z.string().max(32).optional(),
      type: LocationType.optional(),
      temperature: Temperature.optional(),
      q: z.string().max(64).optional(),
      warehouseId: Id.optional(),
    }),
    response: { status: 200, description: 'Locations', schema: pageOf(Location) },
    handler: async ({ query }) => ({ body: await listLocations(ctx, query) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/locations/:id',
    summary: 'One location',
    tag: 'layout',
    roles: STAFF,
    params: z.object({ id: Id }),
    response: { status: 200, description: 'The location', schema: Location },
    handler: async ({ params }) => ({ body: await getLocation(ctx, params.id) }),
  });
  return r;
}
