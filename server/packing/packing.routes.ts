import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { Id, ListQuery, pageOf, z } from '../http/zod';
import { packOrder } from './pack.service';
import { stationRoutes } from './stations.routes';
import { getParcel, listParcels, parcelLabel, voidParcel, PARCEL_STATUSES } from './parcels.service';

const FLOOR = ['admin', 'supervisor', 'operator'] as const;

const Parcel = z
  .object({
    id: z.number(),
    orderId: z.number(),
    orderExternalId: z.string().nullable(),
    ownerId: z.number(),
    status: z.enum(PARCEL_STATUSES),
    carrierCode: z.string().nullable(),
    carrierName: z.string().nullable(),
    carrierReason: z.string().openapi({ description: 'why the rules chose this carrier (or who chose it by hand)' }),
    carrierOverrideBy: z.string().nullable(),
    waybillNo: z.string().nullable(),
    routingCode: z.string().nullable(),
    sortCenter: z.string().nullable(),
    weightG: z.number(),
    cartonCode: z.string().nullable(),
    pieces: z.number(),
    temperature: z.string(),
    lastErrorKind: z.string().nullable(),
    lastError: z.string().nullable(),
    packedBy: z.string(),
    labelledAt: z.string().nullable(),
    voidedAt: z.string().nullable(),
    items: z.array(z.object({ skuCode: z.string(), name: z.string(), lotNo: z.string(), qty: z.number() })),
    waybills: z.array(z.object({ waybillNo: z.string(), carrierCode: z.string(), routingCode: z.string().nullable(), status: z.string(), createdAt: z.string().nullable(), voidedAt: z.string().nullable() })),
    printJobs: z.array(z.object({ id: z.number(), status: z.string(), problem: z.string().nullable(), waybillNo: z.string().nullable(), reprintOf: z.number().nullable() })),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('Parcel');

const Pack = z
  .object({
    scans: z.array(z.string().trim().min(1).max(64)).min(1).max(2000).openapi({ description: 'every unit scanned (a case barcode counts its case)' }),
    cartonCode: z.string().trim().max(32).nullish(),
    weightG: z.number().int().positive().max(100_000),
    printerId: Id.nullish(),
    carrierCode: z.string().max(32).nullish().openapi({ description: "supervisors only: this carrier instead of the rules' choice" }),
    partial: z.boolean().optional().openapi({
      description:
        'a split order: this carton holds only the scanned items and more cartons follow (each gets its own waybill). The order stays picked until the carton that holds the rest; a partial carton that holds all that is left is the last one',
    }),
  })
  .strict()
  .openapi('PackOrder');

export function packingRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  const idParam = z.object({ id: Id });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/orders/:id/pack',
    summary: "Pack a picked order: the scans must match its picked items exactly (or, with partial, be some of them: a split order's carton); the carrier is chosen by rule, the waybill requested and the label queued to printerId",
    tag: 'packing',
    roles: FLOOR,
    params: idParam,
    body: Pack,
    response: {
      status: 201,
      description: 'The parcel',
      schema: z.object({
        parcelId: z.number(),
        carrierCode: z.string(),
        waybillNo: z.string(),
        routingCode: z.string().nullable(),
        printJobId: z.number().nullable(),
        status: z.enum(['packed', 'partly_packed']).openapi({ description: 'packed: the order is packed; partly_packed: a carton of a split order, `remaining` still to pack' }),
        remaining: z.array(z.object({ skuCode: z.string(), name: z.string(), qty: z.number() })),
      }),
    },
    handler: async ({ params, body, caller }) => ({ status: 201, body: await packOrder(ctx, caller, params.id, body) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/parcels',
    summary: 'Parcels; filter by order, status or waybill number',
    tag: 'packing',
    roles: [...FLOOR, 'seller', 'carrier'],
    query: ListQuery.extend({ orderId: Id.optional(), status: z.string().max(100).optional(), waybillNo: z.string().max(64).optional() }),
    response: { status: 200, description: 'Parcels', schema: pageOf(Parcel) },
    handler: async ({ query, caller }) => ({ body: await listParcels(ctx, caller, query) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/parcels/:id',
    summary: 'One parcel: carrier and why, waybill (and voided ones), items, print jobs',
    tag: 'packing',
    roles: [...FLOOR, 'seller', 'carrier'],
    params: idParam,
    response: { status: 200, description: 'The parcel', schema: Parcel },
    handler: async ({ params, caller }) => ({ body: await getParcel(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/parcels/:id/label',
    summary: "The parcel's waybill label (privacy waybill: receiver's name and phone masked)",
    tag: 'packing',
    roles: FLOOR,
    params: idParam,
    query: z.object({
      format: z.enum(['pdf', 'zpl', 'tspl', 'escpos']).default('pdf'),
      size: z.enum(['76x130', '100x150', '100x180']).default('100x150'),
      dpi: z.coerce.number().pipe(z.union([z.literal(203), z.literal(300)])).default(203),
    }),
    response: { status: 200, description: 'The label', contentTypes: ['application/pdf', 'application/x-zpl', 'application/x-tspl', 'application/x-escpos'] },
    handler: async ({ params, query, caller }) => {
      const out = await parcelLabel(ctx, caller, params.id, query.format, query.size, query.dpi);
      return { raw: { contentType: out.contentType, data: out.data, filename: `parcel-${params.id}.${out.extension}` } };
    },
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/parcels/:id/void',
    summary: 'Void the waybill at the carrier and here (the order goes back to picked); with reissue, a new waybill for the same parcel, optionally from another carrier (supervisors)',
    tag: 'packing',
    roles: FLOOR,
    params: idParam,
    body: z.object({ reissue: z.boolean().optional(), carrierCode: z.string().max(32).nullish(), printerId: Id.nullish(), reason: z.string().max(500).nullish() }).strict(),
    response: { status: 200, description: 'The parcel', schema: Parcel },
    handler: async ({ params, body, caller }) => ({ body: await voidParcel(ctx, caller, params.id, body) }),
  });
  stationRoutes(r, registry, ctx);
  return r;
}
