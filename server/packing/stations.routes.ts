import type { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { Id, z } from '../http/zod';
import { createCarton, createStation, listCartons, listStations, updateCarton, updateStation } from './stations.service';
import { getTote, packLookup, verifyScans } from './station.service';

const FLOOR = ['admin', 'supervisor', 'operator'] as const;
const MANAGE = ['admin', 'supervisor'] as const;

const Carton = z
  .object({
    id: z.number(),
    warehouseId: z.number(),
    code: z.string(),
    name: z.string(),
    lengthMm: z.number(),
    widthMm: z.number(),
    heightMm: z.number(),
    maxWeightG: z.number().nullable(),
    tareG: z.number(),
    status: z.enum(['active', 'inactive']),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('Carton');

const CartonBody = z
  .object({
    warehouseId: Id.optional(),
    code: z.string().trim().min(1).max(32),
    name: z.string().trim().min(1).max(100),
    lengthMm: z.number().int().min(1).max(5000).openapi({ description: 'inner length' }),
    widthMm: z.number().int().min(1).max(5000),
    heightMm: z.number().int().min(1).max(5000),
    maxWeightG: z.number().int().min(1).max(1_000_000).nullish(),
    tareG: z.number().int().min(0).max(100_000).optional(),
    active: z.boolean().optional(),
  })
  .strict();

const Station = z
  .object({
    id: z.number(),
    warehouseId: z.number(),
    code: z.string(),
    name: z.string(),
    printerId: z.number().nullable(),
    printerName: z.string().nullable(),
    cartonCodes: z.array(z.string()).openapi({ description: 'the cartons at this station; empty: all of the warehouse' }),
    status: z.enum(['active', 'inactive']),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('PackStation');

const StationBody = z
  .object({
    warehouseId: Id.optional(),
    code: z.string().trim().min(1).max(32),
    name: z.string().trim().min(1).max(100),
    printerId: Id.nullish(),
    cartonCodes: z.array(z.string().trim().min(1).max(32)).max(100).optional(),
    active: z.boolean().optional(),
  })
  .strict();

const ToteOrder = z.object({
  orderId: z.number(),
  externalId: z.string(),
  status: z.string(),
  slotNo: z.number().nullable(),
  units: z.number(),
  sortedUnits: z.number(),
  readyToPack: z.boolean(),
  packed: z.boolean(),
});
const Tote = z
  .object({
    toteCode: z.string(),
    waveId: z.number(),
    batchNo: z.number(),
    kind: z.enum(['single', 'multi']),
    status: z.string(),
    picker: z.string().nullable(),
    temperature: z.string(),
    orders: z.array(ToteOrder),
  })
  .openapi('Tote');

const PackOrderView = z
  .object({
    orderId: z.number(),
    externalId: z.string(),
    ownerId: z.number(),
    ownerName: z.string(),
    status: z.string(),
    waveId: z.number().nullable(),
    batchNo: z.number().nullable(),
    slotNo: z.number().nullable(),
    temperature: z.string(),
    units: z.number(),
    itemsWeightG: z.number(),
    items: z.array(
      z.object({
        skuId: z.number(),
        skuCode: z.string(),
        name: z.string(),
        spec: z.string().nullable(),
        imageUrl: z.string().nullable(),
        qty: z.number(),
        weightG: z.number(),
        lengthMm: z.number().nullable(),
        widthMm: z.number().nullable(),
        heightMm: z.number().nullable(),
        barcodes: z.array(z.object({ barcode: z.string(), units: z.number() })),
      }),
    ),
    cartons: z.object({
      suggested: z.string().nullable(),
      reason: z.string(),
      options: z.array(z.object({ code: z.string(), name: z.string(), lengthMm: z.number(), widthMm: z.number(), heightMm: z.number(), maxWeightG: z.number().nullable(), tareG: z.number(), fits: z.boolean(), why: z.string().nullable() })),
    }),
    parcels: z.array(z.any()).openapi({ description: 'the order’s parcels, as GET /api/v1/parcels presents them' }),
  })
  .openapi('PackOrderView');

/** Cartons, pack stations, and the lookups of the pack station and put-wall terminals. */
export function stationRoutes(r: Router, registry: OpenAPIRegistry, ctx: AppContext): void {
  const byId = z.object({ id: Id });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/cartons',
    summary: 'Cartons the hub packs into, smallest first',
    tag: 'packing',
    roles: FLOOR,
    query: z.object({ warehouseId: Id.optional(), status: z.string().regex(/^[a-z,]+$/).optional() }),
    response: { status: 200, description: 'Cartons', schema: z.object({ items: z.array(Carton), nextCursor: z.string().nullable() }) },
    handler: async ({ query }) => ({ body: await listCartons(ctx, query) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/cartons',
    summary: 'Add a carton type (inner size, weight limit, own weight)',
    tag: 'packing',
    roles: MANAGE,
    body: CartonBody,
    response: { status: 201, description: 'The carton', schema: Carton },
    handler: async ({ body, caller }) => ({ status: 201, body: await createCarton(ctx, caller, body) }),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/api/v1/cartons/:id',
    summary: 'Change a carton type',
    tag: 'packing',
    roles: MANAGE,
    params: byId,
    body: CartonBody.omit({ warehouseId: true }).partial(),
    response: { status: 200, description: 'The carton', schema: Carton },
    handler: async ({ params, body, caller }) => ({ body: await updateCarton(ctx, caller, params.id, body) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/pack-stations',
    summary: 'Pack stations with their label printer and cartons',
    tag: 'packing',
    roles: FLOOR,
    response: { status: 200, description: 'Stations', schema: z.object({ items: z.array(Station), nextCursor: z.string().nullable() }) },
    handler: async () => ({ body: await listStations(ctx) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/pack-stations',
    summary: 'Add a pack station',
    tag: 'packing',
    roles: MANAGE,
    body: StationBody,
    response: { status: 201, description: 'The station', schema: Station },
    handler: async ({ body, caller }) => ({ status: 201, body: await createStation(ctx, caller, body) }),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/api/v1/pack-stations/:id',
    summary: "Change a pack station (its printer, its cartons)",
    tag: 'packing',
    roles: MANAGE,
    params: byId,
    body: StationBody.omit({ warehouseId: true }).partial(),
    response: { status: 200, description: 'The station', schema: Station },
    handler: async ({ params, body, caller }) => ({ body: await updateStation(ctx, caller, params.id, body) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/totes/:code',
    summary: 'A picked batch by its tote label: its orders, their put-wall slots and how far each is sorted',
    tag: 'picking',
    roles: FLOOR,
    params: z.object({ code: z.string().trim().min(1).max(64) }),
    response: { status: 200, description: 'The tote', schema: Tote },
    handler: async ({ params, caller }) => ({ body: await getTote(ctx, caller, params.code) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/pack/lookup',
    summary: "The pack station's scan: an order number opens the order; a tote label answers the tote, or with slot (put-wall) or barcode (single-unit tote) the order to pack",
    tag: 'packing',
    roles: FLOOR,
    query: z.object({ code: z.string().trim().min(1).max(64), barcode: z.string().trim().min(1).max(64).optional(), slot: z.coerce.number().int().min(1).max(10_000).optional(), stationId: Id.optional() }),
    response: { status: 200, description: 'A tote or an order to pack', schema: z.union([z.object({ kind: z.literal('tote'), tote: Tote }), z.object({ kind: z.literal('order'), order: PackOrderView })]) },
    handler: async ({ query, caller }) => ({ body: await packLookup(ctx, caller, query) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/orders/:id/pack/verify',
    summary: 'Check pack scans: send every scan so far, newest last; the answer says whether the newest belongs and how far each line is (nothing is stored)',
    tag: 'packing',
    roles: FLOOR,
    params: byId,
    body: z.object({ scans: z.array(z.string().trim().min(1).max(64)).max(2000) }).strict().openapi('VerifyPackScans'),
    response: {
      status: 200,
      description: 'The lines and the verdict on the newest scan',
      schema: z.object({
        lines: z.array(z.object({ skuId: z.number(), skuCode: z.string(), name: z.string(), qty: z.number(), scanned: z.number() })),
        complete: z.boolean(),
        last: z.object({ barcode: z.string(), accepted: z.boolean(), skuCode: z.string().nullable(), units: z.number(), message: z.string().nullable() }).nullable(),
        problems: z.array(z.object({ code: z.string(), skuCode: z.string().optional(), barcode: z.string().optional(), expected: z.number().optional(), scanned: z.number().optional(), message: z.string() })),
      }),
    },
    handler: async ({ params, body, caller }) => ({ body: await verifyScans(ctx, caller, params.id, body.scans) }),
  });
}
