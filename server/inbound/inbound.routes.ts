import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { ValidationFailed } from '../http/errors';
import { requireOneOf } from '../http/validate';
import { Id, ListQuery, pageOf, z } from '../http/zod';
import { closeAsn, completeAsn, createAsn, getAsn, listAsns } from './asns.service';
import { receiveOnAsn, receiveWithoutAsn } from './receiving.service';

const STAFF = ['admin', 'supervisor', 'operator'] as const;
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');
const Qty = z.number().int().min(1).max(100_000);

const AsnLine = z.object({
  id: z.number(),
  skuId: z.number(),
  skuCode: z.string(),
  skuName: z.string(),
  lotTracked: z.boolean(),
  lotNo: z.string().nullable(),
  expectedQty: z.number(),
  receivedQty: z.number(),
  diff: z.number().openapi({ description: 'received − expected: over (+) or short (−)' }),
});
const Asn = z
  .object({
    id: z.number(),
    ownerId: z.number(),
    reference: z.string(),
    expectedAt: z.string().nullable(),
    status: z.enum(['announced', 'receiving', 'received', 'closed']),
    lines: z.array(AsnLine),
    createdAt: z.string().nullable(),
    receivedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
  })
  .openapi('Asn');

const CreateAsn = z
  .object({
    ownerId: Id.optional(),
    reference: z.string().trim().min(1).max(64),
    expectedAt: z.string().datetime({ offset: true }).or(Day).nullish(),
    lines: z.array(z.object({ skuCode: z.string().trim().min(1).max(64), qty: Qty, lotNo: z.string().trim().max(64).nullish() }).strict()).min(1).max(1000),
  })
  .strict()
  .openapi('CreateAsn');

const ReceiptFields = {
  barcode: z.string().trim().min(1).max(64).optional(),
  skuCode: z.string().trim().min(1).max(64).optional(),
  qty: Qty.openapi({ description: 'scans of the barcode (a case barcode counts its case quantity), or units of skuCode' }),
  lotNo: z.string().trim().max(64).nullish(),
  producedAt: Day.nullish(),
  expiresAt: Day.nullish(),
  locationCode: z.string().trim().min(1).max(64),
  override: z.boolean().optional().openapi({ description: 'supervisor: store at another temperature class' }),
};
const Receipt = z.object(ReceiptFields).strict().openapi('Receipt');
const ReceiptResult = z
  .object({
    movementId: z.number(),
    units: z.number(),
    sku: z.object({ id: z.number(), skuCode: z.string(), name: z.string(), spec: z.string().nullable(), lotTracked: z.boolean(), temperature: z.string() }),
    lot: z.object({ id: z.number(), lotNo: z.string(), producedAt: z.string().nullable(), expiresAt: z.string().nullable(), status: z.string() }).passthrough(),
    locationCode: z.string(),
    line: AsnLine.optional(),
    asn: Asn.optional(),
  })
  .openapi('ReceiptResult');

const needsItem = (input: { barcode?: string; skuCode?: string }) => requireOneOf(input, ['barcode', 'skuCode'], 'scan a barcode or give skuCode');

export function inboundRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/asns',
    summary: 'Announce a delivery (ASN)',
    tag: 'inbound',
    roles: ['admin', 'supervisor', 'seller'],
    body: CreateAsn,
    response: { status: 201, description: 'The ASN', schema: Asn },
    handler: async ({ body, caller }) => {
      if (!body.ownerId) throw new ValidationFailed([{ field: 'ownerId', code: 'required', message: 'ownerId is required' }]);
      return { body: await createAsn(ctx, caller, { ...body, ownerId: body.ownerId }) };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/asns',
    summary: 'ASNs; q is an exact reference (a scanned ASN barcode); status may list several, comma-separated',
    tag: 'inbound',
    roles: [...STAFF, 'seller'],
    query: ListQuery.extend({ ownerId: Id.optional(), status: z.string().regex(/^[a-z,]+$/).optional(), q: z.string().max(64).optional() }),
    response: { status: 200, description: 'ASNs', schema: pageOf(Asn) },
    handler: async ({ query, caller }) => ({ body: await listAsns(ctx, caller, query) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/asns/:id',
    summary: 'One ASN with its lines and over/short',
    tag: 'inbound',
    roles: [...STAFF, 'seller'],
    params: z.object({ id: Id }),
    response: { status: 200, description: 'The ASN', schema: Asn },
    handler: async ({ params, caller }) => ({ body: await getAsn(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/asns/:id/receipts',
    summary: 'Receive by scan against the ASN: goods land on the given (dock) location',
    tag: 'inbound',
    roles: STAFF,
    params: z.object({ id: Id }),
    body: Receipt,
    response: { status: 201, description: 'What was received, the lot, and the updated ASN line', schema: ReceiptResult },
    handler: async ({ params, body, caller }) => {
      needsItem(body);
      return { body: await receiveOnAsn(ctx, caller, params.id, body) };
    },
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/asns/:id/complete',
    summary: 'All of the delivery is in: the ASN becomes received, with over/short per line',
    tag: 'inbound',
    roles: STAFF,
    params: z.object({ id: Id }),
    response: { status: 200, description: 'The ASN', schema: Asn },
    handler: async ({ params, caller }) => ({ body: await completeAsn(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/asns/:id/close',
    summary: 'Close the ASN: no more receipts',
    tag: 'inbound',
    roles: ['admin', 'supervisor'],
    params: z.object({ id: Id }),
    response: { status: 200, description: 'The ASN', schema: Asn },
    handler: async ({ params, caller }) => ({ body: await closeAsn(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/receipts',
    summary: 'Receive without an ASN (supervisor)',
    tag: 'inbound',
    roles: ['admin', 'supervisor'],
    body: z.object({ ownerId: Id, ...ReceiptFields }).strict().openapi('ReceiptWithoutAsn'),
    response: { status: 201, description: 'What was received', schema: ReceiptResult },
    handler: async ({ body, caller }) => {
      needsItem(body);
      return { body: await receiveWithoutAsn(ctx, caller, body.ownerId, body) };
    },
  });
  return r;
}
