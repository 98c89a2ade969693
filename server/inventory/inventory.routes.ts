import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { requireOneOf } from '../http/validate';
import { Id, ListQuery, pageOf, z } from '../http/zod';
import { ADJUSTMENT_REASONS, adjustStock, expiringStock, inventoryTotals, ledgerOf, listInventory, moveInventory } from './inventory.service';
import { suggestPutaway } from './putaway.service';
import { listLots, renderLotLabel, setLotHold } from './lots.service';
import { createCount, decideCount, getCount, listCounts, submitCount } from './counts.service';

const STAFF = ['admin', 'supervisor', 'operator'] as const;
const READERS = [...STAFF, 'seller'] as const;
const Code = z.string().trim().min(1).max(64);

const Stock = z
  .object({
    id: z.number(),
    ownerId: z.number(),
    skuId: z.number(),
    skuCode: z.string(),
    skuName: z.string(),
    lotId: z.number(),
    lotNo: z.string(),
    expiresAt: z.string().nullable(),
    lotStatus: z.enum(['released', 'hold']),
    locationCode: z.string(),
    onHand: z.number(),
    allocated: z.number(),
    available: z.number(),
  })
  .openapi('Stock');
const Lot = z
  .object({ id: z.number(), ownerId: z.number(), skuId: z.number(), skuCode: z.string().optional(), lotNo: z.string(), producedAt: z.string().nullable(), expiresAt: z.string().nullable(), status: z.enum(['released', 'hold']), holdReason: z.string().nullable() })
  .openapi('Lot');
const Item = { ownerId: Id.optional(), skuCode: Code.optional(), barcode: Code.optional(), lotNo: z.string().trim().max(64).nullish() };
const Qty = z.number().int().min(1).max(1_000_000);

const needsItem = (input: { barcode?: string; skuCode?: string }) => requireOneOf(input, ['barcode', 'skuCode'], 'give skuCode or scan a barcode');

const MoveBody = z
  .object({ ...Item, fromLocationCode: Code, toLocationCode: Code, qty: Qty.openapi({ description: 'units (unlike receipts, where qty counts scans of the barcode)' }), override: z.boolean().optional() })
  .strict();
const MoveResult = z.object({ moveGroup: z.string(), skuCode: z.string(), lotNo: z.string(), qty: z.number(), from: Stock, to: Stock }).openapi('MoveResult');

export function inventoryRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/inventory',
    summary: 'Stock per location × SKU × lot: on hand, allocated, available',
    tag: 'inventory',
    roles: READERS,
    query: ListQuery.extend({ ownerId: Id.optional(), skuCode: z.string().max(64).optional(), locationCode: z.string().max(64).optional(), lotNo: z.string().max(64).optional() }),
    response: { status: 200, description: 'Stock rows', schema: pageOf(Stock) },
    handler: async ({ query, caller }) => ({ body: await listInventory(ctx, caller, query) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/inventory/totals',
    summary: 'Totals per SKU or per owner',
    tag: 'inventory',
    roles: READERS,
    query: z.object({ by: z.enum(['sku', 'owner']).default('sku'), ownerId: Id.optional() }),
    response: { status: 200, description: 'Totals', schema: pageOf(z.object({ ownerId: z.number(), skuId: z.number().optional(), skuCode: z.string().optional(), skuName: z.string().optional(), onHand: z.number(), allocated: z.number(), available: z.number() })) },
    handler: async ({ query, caller }) => ({ body: await inventoryTotals(ctx, caller, query.by, query.ownerId) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/inventory/expiring',
    summary: 'Stock whose lot expires within N days (or already has), soonest first',
    tag: 'inventory',
    roles: READERS,
    query: z.object({ days: z.coerce.number().int().min(0).max(3650).default(7), ownerId: Id.optional() }),
    response: { status: 200, description: 'Stock rows', schema: pageOf(Stock) },
    handler: async ({ query, caller }) => ({ body: await expiringStock(ctx, caller, query.days, query.ownerId) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/inventory/ledger',
    summary: 'The append-only stock ledger: every change with who, when, why and the document',
    tag: 'inventory',
    roles: READERS,
    query: ListQuery.extend({ ownerId: Id.optional(), skuCode: z.string().max(64).optional(), locationCode: z.string().max(64).optional(), lotNo: z.string().max(64).optional(), kind: z.string().max(16).optional() }),
    response: {
      status: 200,
      description: 'Movements, oldest first',
      schema: pageOf(z.object({ id: z.number(), at: z.string().nullable(), ownerId: z.number(), skuCode: z.string(), lotNo: z.string(), locationCode: z.string(), qtyDelta: z.number(), kind: z.string(), reason: z.string().nullable(), refType: z.string().nullable(), refId: z.string().nullable(), moveGroup: z.string().nullable(), actor: z.string() })),
    },
    handler: async ({ query, caller }) => ({ body: await ledgerOf(ctx, caller, query) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/inventory/adjustments',
    summary: 'Adjust stock with a reason (negative: only available units)',
    tag: 'inventory',
    roles: ['admin', 'supervisor'],
    body: z
      .object({ ...Item, locationCode: Code, qtyDelta: z.number().int().min(-1_000_000).max(1_000_000).refine((n) => n !== 0, 'must not be 0'), reason: z.enum(ADJUSTMENT_REASONS), note: z.string().max(200).optional() })
      .strict()
      .openapi('Adjustment'),
    response: { status: 201, description: 'The ledger row and the stock after', schema: z.object({ movementId: z.number(), stock: Stock }) },
    handler: async ({ body, caller }) => {
      needsItem(body);
      return { body: await adjustStock(ctx, caller, body) };
    },
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/inventory/moves',
    summary: 'Move available stock between locations',
    tag: 'inventory',
    roles: STAFF,
    body: MoveBody.openapi('Move'),
    response: { status: 201, description: 'Both stock rows after the move', schema: MoveResult },
    handler: async ({ body, caller }) => {
      needsItem(body);
      return { body: await moveInventory(ctx, caller, body, 'move') };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/putaway/suggestion',
    summary: 'Where to put away a received lot: same SKU first, then the closest empty location of its temperature class',
    tag: 'inventory',
    roles: STAFF,
    query: z.object({ ...Item, fromLocationCode: Code }),
    response: {
      status: 200,
      description: 'The suggestion and alternatives',
      schema: z.object({ sku: z.object({ id: z.number(), skuCode: z.string(), name: z.string(), temperature: z.string() }), lot: Lot, qty: z.number(), locationCode: z.string().nullable(), reason: z.string(), alternatives: z.array(z.object({ locationCode: z.string(), reason: z.string() })) }),
    },
    handler: async ({ query, caller }) => {
      needsItem(query);
      return { body: await suggestPutaway(ctx, caller, query) };
    },
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/putaway',
    summary: 'Put away: move from the dock to a storage location (a supervisor may override the temperature class)',
    tag: 'inventory',
    roles: STAFF,
    body: MoveBody.openapi('Putaway'),
    response: { status: 201, description: 'Both stock rows after the move', schema: MoveResult },
    handler: async ({ body, caller }) => {
      needsItem(body);
      return { body: await moveInventory(ctx, caller, body, 'putaway') };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/lots',
    summary: 'Lots with production and expiry dates and hold status',
    tag: 'inventory',
    roles: READERS,
    query: ListQuery.extend({ ownerId: Id.optional(), skuCode: z.string().max(64).optional(), lotNo: z.string().max(64).optional(), status: z.enum(['released', 'hold']).optional() }),
    response: { status: 200, description: 'Lots', schema: pageOf(Lot) },
    handler: async ({ query, caller }) => ({ body: await listLots(ctx, caller, query) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/lots/:id/hold',
    summary: 'Quality hold: the lot cannot be allocated until released',
    tag: 'inventory',
    roles: STAFF,
    params: z.object({ id: Id }),
    body: z.object({ reason: z.string().trim().min(1).max(200) }).strict(),
    response: { status: 200, description: 'The lot', schema: Lot },
    handler: async ({ params, body, caller }) => ({ body: await setLotHold(ctx, caller, params.id, true, body.reason) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/lots/:id/release',
    summary: 'Release a held lot',
    tag: 'inventory',
    roles: ['admin', 'supervisor'],
    params: z.object({ id: Id }),
    response: { status: 200, description: 'The lot', schema: Lot },
    handler: async ({ params, caller }) => ({ body: await setLotHold(ctx, caller, params.id, false) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/lots/:id/label',
    summary: 'The lot label (SKU, lot, expiry, a barcode naming the lot)',
    tag: 'inventory',
    roles: READERS,
    params: z.object({ id: Id }),
    query: z.object({ format: z.enum(['pdf', 'zpl', 'tspl', 'escpos']).default('pdf'), copies: z.coerce.number().int().min(1).max(500).default(1), dpi: z.enum(['203', '300']).default('203') }),
    response: { status: 200, description: 'The label', contentTypes: ['application/pdf', 'application/x-zpl', 'application/x-tspl', 'application/x-escpos'] },
    handler: async ({ params, query, caller }) => {
      const label = await renderLotLabel(ctx, caller, params.id, { format: query.format, copies: query.copies, dpi: Number(query.dpi) as 203 | 300 });
      return { raw: { contentType: label.contentType, data: label.data, filename: label.filename } };
    },
  });
  const CountTask = z
    .object({
      id: z.number(),
      locationCode: z.string(),
      status: z.enum(['open', 'submitted', 'approved', 'rejected']),
      createdAt: z.string().nullable(),
      submittedAt: z.string().nullable(),
      submittedBy: z.string().nullable(),
      decidedAt: z.string().nullable(),
      decidedBy: z.string().nullable(),
      lines: z.array(z.object({ ownerId: z.number(), skuCode: z.string(), skuName: z.string(), lotNo: z.string(), expectedQty: z.number(), countedQty: z.number(), variance: z.number() })).nullable().openapi({ description: 'null for the counter (blind count) and while open' }),
    })
    .openapi('CountTask');
  const CountId = z.object({ id: Id });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/counts',
    summary: 'Create a blind cycle count task for a location',
    tag: 'inventory',
    roles: ['admin', 'supervisor'],
    body: z.object({ locationCode: Code }).strict(),
    response: { status: 201, description: 'The task', schema: CountTask },
    handler: async ({ body, caller }) => ({ body: await createCount(ctx, caller, body.locationCode) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/counts',
    summary: 'Count tasks (the newest 200)',
    tag: 'inventory',
    roles: STAFF,
    query: z.object({ status: z.enum(['open', 'submitted', 'approved', 'rejected']).optional() }),
    response: { status: 200, description: 'Tasks', schema: pageOf(CountTask) },
    handler: async ({ query, caller }) => ({ body: await listCounts(ctx, caller, query.status) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/counts/:id',
    summary: 'One count task (an operator never sees expected quantities)',
    tag: 'inventory',
    roles: STAFF,
    params: CountId,
    response: { status: 200, description: 'The task', schema: CountTask },
    handler: async ({ params, caller }) => ({ body: await getCount(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/counts/:id/submit',
    summary: 'Submit what was counted (once); what is not listed counts as 0',
    tag: 'inventory',
    roles: STAFF,
    params: CountId,
    body: z.object({ lines: z.array(z.object({ ...Item, qty: z.number().int().min(0).max(1_000_000) }).strict()).max(1000) }).strict(),
    response: { status: 200, description: 'The task', schema: CountTask },
    handler: async ({ params, body, caller }) => {
      body.lines.forEach(needsItem);
      return { body: await submitCount(ctx, caller, params.id, body.lines) };
    },
  });
  for (const [action, approve] of [['approve', true], ['reject', false]] as const) {
    defineRoute(r, registry, {
      method: 'post',
      path: `/api/v1/counts/:id/${action}`,
      summary: approve ? 'Approve: post each variance through the ledger' : 'Reject: a recount is needed',
      tag: 'inventory',
      roles: ['admin', 'supervisor'],
      params: CountId,
      body: z.object({ note: z.string().max(200).optional() }).strict(),
      response: { status: 200, description: 'The task', schema: CountTask },
      handler: async ({ params, body, caller }) => ({ body: await decideCount(ctx, caller, params.id, approve, body.note) }),
    });
  }
  return r;
}
