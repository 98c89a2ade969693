import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { Id, z } from '../http/zod';
import { BadRequest, BusinessRule, Conflict, NotFound, Unavailable } from '../http/errors';
import { visibleOwnerId } from '../auth/scope';
import { csvBuffer } from '../tabular/write';
import { CarrierError } from '../../integrations/carriers/types';
import { TRACKING_STATUSES, shanghaiToday } from './events';
import { pollParcel } from './poll.service';
import { receiveCarrierPush } from './push.service';
import { parcelTracking, shipmentsCsvRows, shipmentsOfDay } from './views.service';

const FLOOR = ['admin', 'supervisor', 'operator'] as const;

const TrackingEventSchema = z
  .object({
    status: z.enum(TRACKING_STATUSES),
    carrierStatusCode: z.string().nullable().openapi({ description: "the carrier's own code for the event" }),
    description: z.string().openapi({ description: "the carrier's text" }),
    location: z.string().nullable(),
    occurredAt: z.string().nullable(),
    source: z.enum(['poll', 'push']),
  })
  .openapi('TrackingEvent');

const ParcelTracking = z
  .object({
    parcelId: z.number(),
    waybillNo: z.string().nullable(),
    trackingStatus: z.enum(TRACKING_STATUSES).nullable(),
    trackingAt: z.string().nullable(),
    checkedAt: z.string().nullable().openapi({ description: 'when the carrier was last asked' }),
    items: z.array(TrackingEventSchema).openapi({ description: 'oldest first' }),
  })
  .openapi('ParcelTracking');

const ShipmentSchema = z
  .object({
    parcelId: z.number(),
    orderId: z.number(),
    orderExternalId: z.string().nullable(),
    ownerId: z.number(),
    carrierId: z.number(),
    carrierCode: z.string(),
    carrierName: z.string(),
    waybillNo: z.string(),
    weightG: z.number(),
    handedOverAt: z.string().nullable(),
    trackingStatus: z.enum(TRACKING_STATUSES).nullable(),
    trackingAt: z.string().nullable(),
  })
  .openapi('Shipment');

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00+08:00`)) && new Date(Date.parse(`${d}T00:00:00Z`)).toISOString().startsWith(d), 'not a calendar day');

export function trackingRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/parcels/:id/tracking',
    summary: "A parcel's tracking events, oldest first (a seller sees its own owner's parcels, a carrier those it carries)",
    tag: 'tracking',
    roles: [...FLOOR, 'seller', 'carrier'],
    params: z.object({ id: Id }),
    response: { status: 200, description: 'The events and the latest status', schema: ParcelTracking },
    handler: async ({ params, caller }) => ({ body: await parcelTracking(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/parcels/:id/track',
    summary: 'Ask the carrier about this parcel now; new events are stored (events seen before are not stored twice)',
    tag: 'tracking',
    roles: FLOOR,
    params: z.object({ id: Id }),
    response: { status: 200, description: 'What was added, and the tracking as it now stands', schema: ParcelTracking.extend({ added: z.number() }) },
    handler: async ({ params, caller }) => {
      const p = await ctx.db('parcels').where({ id: params.id }).first('id', 'status', 'waybill_no', 'carrier_id');
      if (!p) throw new NotFound('parcel');
      if (!p.waybill_no || p.status === 'voided') throw new Conflict('PARCEL_NOT_TRACKABLE', `Parcel ${p.id} has no live waybill to track`);
      let added = 0;
      try {
        added = (await pollParcel(ctx, Number(p.id), { claim: false }))?.added ?? 0;
      } catch (err: any) {
        const carrier = await ctx.db('carriers').where({ id: p.carrier_id }).first('name');
        if (err instanceof CarrierError && !err.retryable) throw new BusinessRule('CARRIER_REFUSED', `${carrier?.name ?? 'The carrier'} refused the tracking query for ${p.waybill_no}: ${err.message}`);
        throw new Unavailable('CARRIER_UNAVAILABLE', `${carrier?.name ?? 'The carrier'} could not be reached for ${p.waybill_no}: try again later (${err?.message ?? err})`);
      }
      return { body: { ...(await parcelTracking(ctx, caller, Number(p.id))), added } };
    },
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/webhooks/carriers/:carrierId',
    summary: "A carrier's tracking push (Kuaidi100 订阅推送: form `param` + `sign` = MD5(param + salt), the salt from the carrier's credentials); no bearer token. Unsigned or forged: 401, nothing stored",
    tag: 'tracking',
    roles: 'public',
    params: z.object({ carrierId: Id }),
    rawBody: { contentTypes: ['application/x-www-form-urlencoded'], description: "The carrier's push, byte for byte" },
    response: {
      status: 200,
      description: "The answer the carrier expects (Kuaidi100: {result: true, returnCode: '200', message: '成功'})",
      schema: z.object({ result: z.boolean(), returnCode: z.string(), message: z.string() }),
    },
    handler: async ({ req, params }) => {
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new BadRequest('MALFORMED_PUSH', 'The push has no body');
      const out = await receiveCarrierPush(ctx, params.carrierId, { rawBody: req.body, contentType: String(req.headers['content-type'] ?? '') });
      return { body: out.answer };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/shipments',
    summary: "The parcels handed over to carriers on one day (Asia/Shanghai), with their latest tracking status; a seller sees its own owner's, admin and supervisor any owner's",
    tag: 'tracking',
    roles: ['admin', 'supervisor', 'seller'],
    query: z.object({
      date: Day.optional().openapi({ description: 'YYYY-MM-DD, Beijing time; default today' }),
      ownerId: Id.optional(),
      format: z.enum(['json', 'csv']).default('json'),
    }),
    response: { status: 200, description: "The day's shipments", schema: z.object({ items: z.array(ShipmentSchema), nextCursor: z.null() }), contentTypes: ['text/csv'] },
    handler: async ({ query, caller }) => {
      const date = query.date ?? shanghaiToday();
      // the route helper already refused another owner's id; a seller's own is implied
      const own = visibleOwnerId(caller.principal);
      const ownerId = own !== null ? own : query.ownerId;
      const items = await shipmentsOfDay(ctx, { date, ownerId });
      if (query.format === 'csv') return { raw: { contentType: 'text/csv; charset=utf-8', data: csvBuffer(shipmentsCsvRows(items)), filename: `shipments-${date}.csv` } };
      return { body: { items, nextCursor: null } };
    },
  });
  return r;
}
