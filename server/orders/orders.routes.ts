import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { ValidationFailed } from '../http/errors';
import { withUpload } from '../http/upload';
import { Id, ListQuery, pageOf, z } from '../http/zod';
import { cancelOrder, correctReceiver, createApiOrder, forceAllocate, getOrder, listOrders, loadOrder, setManualHold } from './orders.service';
import { retryWriteBack } from '../stores/writeback';
import { importOrders } from './order-import.service';
import { HOLD_REASONS, ORDER_STATUSES } from './orders.model';

const STAFF = ['admin', 'supervisor', 'operator'] as const;
const MANAGE = ['admin', 'supervisor', 'seller'] as const;
const FILE_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

const OrderLine = z.object({
  lineNo: z.number(),
  externalLineId: z.string().nullable().openapi({ description: "the platform's own line id (Shopify line item, Taobao sub-order oid); the line number for API and spreadsheet orders" }),
  skuCode: z.string().nullable().openapi({ description: 'the warehouse SKU (or kit); null while the listing is unmapped' }),
  skuName: z.string().nullable(),
  qty: z.number().openapi({ description: 'warehouse units: platformQty × factor' }),
  listingCode: z.string().nullable(),
  variantId: z.string().nullable(),
  title: z.string().nullable(),
  platformQty: z.number(),
  factor: z.number(),
  priceFen: z.number().nullable(),
  mapped: z.boolean(),
});
const Receiver = z.object({
  name: z.string().nullable(),
  phone: z.string().nullable(),
  province: z.string().nullable(),
  city: z.string().nullable(),
  district: z.string().nullable(),
  address: z.string().nullable(),
  divisionCode: z.string().nullable(),
  masked: z.boolean().openapi({ description: 'true in lists and for roles that do not need the full receiver' }),
  purged: z.boolean().openapi({ description: 'the personal data was erased after the retention period' }),
});
const HistoryEntry = z.object({ event: z.string(), fromStatus: z.string().nullable(), toStatus: z.string().nullable(), actor: z.string(), message: z.string().nullable(), at: z.string().nullable() });
const Order = z
  .object({
    id: z.number(),
    ownerId: z.number(),
    storeId: z.number().nullable(),
    channel: z.string(),
    externalId: z.string(),
    status: z.enum(ORDER_STATUSES),
    holdReason: z.enum(HOLD_REASONS).nullable(),
    holdDetail: z.string().nullable().openapi({ description: 'what to fix (held), or what stock is short (backorder)' }),
    paid: z.boolean(),
    platformStatus: z.string().nullable(),
    coldChain: z.boolean(),
    intercept: z.boolean().openapi({ description: 'cancelled after packing: the parcel must be stopped, not manifested' }),
    receiver: Receiver,
    lines: z.array(OrderLine),
    totalFen: z.number().nullable(),
    currency: z.string().nullable(),
    buyerNote: z.string().nullable(),
    placedAt: z.string().nullable(),
    releasedAt: z.string().nullable().openapi({ description: 'when it became ready for allocation (paid, nothing to fix)' }),
    cancelledAt: z.string().nullable(),
    shippedAt: z.string().nullable(),
    writebackStatus: z
      .enum(['pending', 'done', 'failed', 'not_needed'])
      .nullable()
      .openapi({ description: 'whether the store platform was told the carrier and waybill: pending (queued or retrying), done, failed (see writebackError; a supervisor retries), not_needed (not a store order); null until shipped' }),
    writebackError: z.string().nullable().openapi({ description: "the platform's reason when failed, or the outage being retried" }),
    writtenBackAt: z.string().nullable(),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
    allocatedAt: z.string().nullable(),
    history: z.array(HistoryEntry).optional(),
    allocations: z
      .array(z.object({ skuCode: z.string(), lotNo: z.string(), expiresAt: z.string().nullable(), locationCode: z.string(), qty: z.number(), pickedQty: z.number(), status: z.string() }))
      .optional()
      .openapi({ description: 'the lots and locations reserved for the order (kits per component), first-expiring first' }),
  })
  .openapi('Order');

const Text = (max: number) => z.string().trim().max(max);
const CreateOrder = z
  .object({
    ownerId: Id.optional(),
    externalId: z.string().trim().min(1).max(64),
    receiver: z
      .object({
        name: Text(64).min(1),
        phone: Text(40).min(1),
        province: Text(32).nullish(),
        city: Text(32).nullish(),
        district: Text(32).nullish().openapi({ description: 'an address without a district is held for correction' }),
        address: Text(300).min(1),
      })
      .strict(),
    lines: z
      .array(z.object({ skuCode: z.string().trim().min(1).max(64), qty: z.number().int().min(1).max(100_000), priceFen: z.number().int().min(0).nullish() }).strict())
      .min(1)
      .max(500),
    coldChain: z.boolean().optional(),
    paid: z.boolean().optional().openapi({ description: 'default true; an unpaid order is stored but not released to the warehouse' }),
    buyerNote: Text(500).nullish(),
    placedAt: z.string().datetime({ offset: true }).nullish(),
  })
  .strict()
  .openapi('CreateOrder');

const ImportResult = z.object({
  orders: z.number(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  held: z.number(),
  errors: z.array(z.object({ row: z.number(), column: z.string().nullable(), code: z.string(), message: z.string() })),
  heldOrders: z.array(z.object({ externalId: z.string(), holdReason: z.string().nullable(), holdDetail: z.string().nullable() })),
  encoding: z.string(),
  dryRun: z.boolean(),
});

export function orderRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  const byId = z.object({ id: Id });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/orders',
    summary: 'Create an order (the order API): 201 new; 200 the same body again; 409 a different body under an existing externalId',
    tag: 'orders',
    roles: MANAGE,
    body: CreateOrder,
    response: { status: 201, description: 'The order, with its status and hold reason', schema: Order },
    handler: async ({ body, caller }) => {
      if (!body.ownerId) throw new ValidationFailed([{ field: 'ownerId', code: 'required', message: 'ownerId is required' }]);
      const res = await createApiOrder(ctx, caller, { ...body, ownerId: body.ownerId });
      return { status: res.created ? 201 : 200, body: res.order };
    },
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/orders/import',
    summary: 'Import orders from CSV (UTF-8 or GBK) or XLSX: one row per line; ?dryRun=true applies nothing',
    tag: 'orders',
    roles: MANAGE,
    rawBody: { contentTypes: [...FILE_TYPES, 'multipart/form-data'], description: 'The file, raw or as the file part of a form' },
    query: z.object({ dryRun: z.enum(['true', 'false', '1', '0']).optional(), ownerId: Id.optional() }),
    response: { status: 200, description: 'Counts, held orders and each refused row', schema: ImportResult },
    handler: async ({ req, query, caller }) => {
      const dryRun = query.dryRun === 'true' || query.dryRun === '1';
      const body = await withUpload(req, { limit: ctx.config.uploadLimitBytes, dataDir: ctx.config.dataDir }, (file) => importOrders(ctx, caller, file.path, { ownerId: query.ownerId, dryRun }));
      return { body };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/orders',
    summary: 'Orders (receivers masked); status may list several, comma-separated; q is an exact externalId',
    tag: 'orders',
    roles: [...STAFF, 'seller'],
    query: ListQuery.extend({
      status: z.string().regex(/^[a-z_,]+$/).optional(),
      ownerId: Id.optional(),
      storeId: Id.optional(),
      holdReason: z.enum(HOLD_REASONS).optional(),
      channel: z.string().max(24).optional(),
      q: z.string().max(64).optional(),
    }),
    response: { status: 200, description: 'Orders', schema: pageOf(Order) },
    handler: async ({ query, caller }) => ({ body: await listOrders(ctx, caller, query) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/orders/:id',
    summary: 'One order with its lines, hold reason and history; the receiver in full for admin, supervisor and the seller',
    tag: 'orders',
    roles: [...STAFF, 'seller'],
    params: byId,
    response: { status: 200, description: 'The order', schema: Order },
    handler: async ({ params, caller }) => ({ body: await getOrder(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/orders/:id/cancel',
    summary: 'Cancel before packing; after packing the parcel is flagged for interception; a shipped order is 409',
    tag: 'orders',
    roles: MANAGE,
    params: byId,
    body: z.object({ reason: z.string().trim().max(200).nullish() }).strict(),
    response: { status: 200, description: 'The order', schema: Order },
    handler: async ({ params, body, caller }) => ({ body: await cancelOrder(ctx, caller, params.id, body?.reason) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/orders/:id/allocate',
    summary: 'Allocate now (FEFO, whole order): allocated, or backorder with the shortage in holdDetail; 409 when the order is not waiting for allocation',
    tag: 'orders',
    roles: ['admin', 'supervisor'],
    params: byId,
    response: { status: 200, description: 'The order', schema: Order },
    handler: async ({ params, caller }) => ({ body: await forceAllocate(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/orders/:id/hold',
    summary: 'Hold an order by hand (not yet allocated)',
    tag: 'orders',
    roles: ['admin', 'supervisor'],
    params: byId,
    body: z.object({ reason: z.string().trim().max(200).nullish() }).strict(),
    response: { status: 200, description: 'The order', schema: Order },
    handler: async ({ params, body, caller }) => ({ body: await setManualHold(ctx, caller, params.id, true, body?.reason) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/orders/:id/release',
    summary: 'Lift a hand hold and judge the order again: released when nothing is left to fix, else held with the remaining reason',
    tag: 'orders',
    roles: ['admin', 'supervisor', 'seller'],
    params: byId,
    response: { status: 200, description: 'The order', schema: Order },
    handler: async ({ params, caller }) => ({ body: await setManualHold(ctx, caller, params.id, false) }),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/api/v1/orders/:id/receiver',
    summary: "Correct the receiver (the fix for an address or phone hold); the order is judged again",
    tag: 'orders',
    roles: MANAGE,
    params: byId,
    body: z
      .object({ name: Text(64).min(1).optional(), phone: Text(40).min(1).optional(), province: Text(32).nullish(), city: Text(32).nullish(), district: Text(32).nullish(), address: Text(300).min(1).optional() })
      .strict(),
    response: { status: 200, description: 'The order', schema: Order },
    handler: async ({ params, body, caller }) => ({ body: await correctReceiver(ctx, caller, params.id, body) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/orders/:id/writeback',
    summary: 'Retry a failed write-back of the carrier and waybill to the store platform (after fixing its cause, e.g. renewed credentials); 409 unless it failed',
    tag: 'orders',
    roles: ['admin', 'supervisor'],
    params: byId,
    response: { status: 202, description: 'The order, its write-back pending again', schema: Order },
    handler: async ({ params, caller }) => {
      await retryWriteBack(ctx, caller, params.id, (trx) => loadOrder(trx, caller, params.id, true));
      return { status: 202, body: await getOrder(ctx, caller, params.id) };
    },
  });
  return r;
}
