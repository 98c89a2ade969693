import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { BadRequest, ValidationFailed } from '../http/errors';
import { withUpload } from '../http/upload';
import { Id, ListQuery, pageOf, z } from '../http/zod';
import { inTransaction } from '../db/transaction';
import { PLATFORM_NAMES } from '../../integrations/platforms';
import { createStore, getStore, listStores, loadStore, updateStore } from './stores.service';
import { deleteMapping, importMappings, listMappings, putMapping, unmappedListings } from './mappings.service';
import { receiveWebhook } from './webhooks.service';
import { OVERLAP_MS } from './sync';

const MANAGE = ['admin', 'supervisor', 'seller'] as const;
const FILE_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];
const When = z.string().datetime({ offset: true });

const Store = z
  .object({
    id: z.number(),
    ownerId: z.number(),
    platform: z.string(),
    name: z.string(),
    baseUrl: z.string(),
    active: z.boolean(),
    syncEverySeconds: z.number(),
    credentialNames: z.array(z.string()).openapi({ description: 'the names of the stored credentials; their values are never returned' }),
    cursor: z.string().nullable().openapi({ description: 'orders changed before this instant are stored' }),
    lastSyncAt: z.string().nullable(),
    lastSuccessAt: z.string().nullable(),
    lagSeconds: z.number().nullable(),
    lastError: z.string().nullable(),
    lastErrorAt: z.string().nullable(),
    failures: z.number(),
    ordersSeen: z.number(),
    heldOrders: z.number(),
    rejects: z.array(z.object({ externalId: z.string().nullable(), reason: z.string(), seenAt: z.string().nullable() })),
    webhookPath: z.string(),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('Store');

const Credentials = z.record(z.string(), z.string().max(2000)).openapi({
  description: 'per platform: shopify {accessToken, apiSecret}; woocommerce {consumerKey, consumerSecret, webhookSecret}; taobao {appKey, appSecret, session}',
});
const BaseUrl = z.string().trim().url().max(500).refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

const CreateStore = z
  .object({
    ownerId: Id.optional(),
    platform: z.enum(PLATFORM_NAMES as [string, ...string[]]),
    name: z.string().trim().min(1).max(100),
    baseUrl: BaseUrl,
    credentials: Credentials,
    syncFrom: When.nullish().openapi({ description: 'the first sync reads orders changed since then (default: 3 days back)' }),
    syncEverySeconds: z.number().int().min(10).max(24 * 3600).optional(),
    active: z.boolean().optional(),
  })
  .strict()
  .openapi('CreateStore');

const PatchStore = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    baseUrl: BaseUrl.optional(),
    credentials: Credentials.optional(),
    active: z.boolean().optional(),
    syncEverySeconds: z.number().int().min(10).max(24 * 3600).optional(),
  })
  .strict();

const SyncRequest = z
  .object({
    from: When.optional().openapi({ description: 'read again the orders changed since then (drift repair); with `to`' }),
    to: When.optional(),
  })
  .strict();

const Mapping = z
  .object({ id: z.number(), storeId: z.number(), listingCode: z.string(), skuId: z.number(), skuCode: z.string(), skuName: z.string(), factor: z.number(), createdAt: z.string().nullable(), updatedAt: z.string().nullable() })
  .openapi('ListingMapping');
const PutMapping = z
  .object({
    listingCode: z.string().trim().min(1).max(100).openapi({ description: "the listing's SKU code on the platform, or its variant id" }),
    skuCode: z.string().trim().min(1).max(64).openapi({ description: 'a warehouse SKU or kit of the store owner' }),
    factor: z.number().int().min(1).max(10_000).optional().openapi({ description: 'warehouse units per unit sold (a "5 kg" listing of a 1 kg SKU: 5)' }),
  })
  .strict();
const ImportResult = z.object({
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  errors: z.array(z.object({ row: z.number(), column: z.string().nullable(), code: z.string(), message: z.string() })),
  encoding: z.string(),
  dryRun: z.boolean(),
});

export function storeRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  const storeId = z.object({ id: Id });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/stores',
    summary: 'Connect a store on a platform (credentials are sealed and never returned)',
    tag: 'stores',
    roles: MANAGE,
    body: CreateStore,
    response: { status: 201, description: 'The store', schema: Store },
    handler: async ({ body, caller }) => {
      if (!body.ownerId) throw new ValidationFailed([{ field: 'ownerId', code: 'required', message: 'ownerId is required' }]);
      return { body: await createStore(ctx, caller, { ...body, ownerId: body.ownerId }) };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/stores',
    summary: 'Store connections with their sync health',
    tag: 'stores',
    roles: [...MANAGE, 'operator'],
    query: ListQuery.extend({ ownerId: Id.optional(), platform: z.string().max(24).optional() }),
    response: { status: 200, description: 'Stores', schema: pageOf(Store) },
    handler: async ({ query, caller }) => ({ body: await listStores(ctx, caller, query) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/stores/:id',
    summary: 'One store: cursor, last success, lag, last error in words, records the platform sent that could not be read',
    tag: 'stores',
    roles: [...MANAGE, 'operator'],
    params: storeId,
    response: { status: 200, description: 'The store', schema: Store },
    handler: async ({ params, caller }) => ({ body: await getStore(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/api/v1/stores/:id',
    summary: 'Change a store: name, address, credentials (replaced whole), active, interval',
    tag: 'stores',
    roles: MANAGE,
    params: storeId,
    body: PatchStore,
    response: { status: 200, description: 'The store', schema: Store },
    handler: async ({ params, body, caller }) => ({ body: await updateStore(ctx, caller, params.id, body) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/stores/:id/sync',
    summary: 'Sync now (also while automatic syncing is paused); with from/to, read that period again to repair drift (the cursor is not moved)',
    tag: 'stores',
    roles: MANAGE,
    params: storeId,
    body: SyncRequest,
    response: { status: 202, description: 'The sync job', schema: z.object({ jobId: z.number(), storeId: z.number(), from: z.string().nullable(), to: z.string().nullable() }) },
    handler: async ({ params, body, caller }) => {
      if ((body.from && !body.to) || (!body.from && body.to)) throw new ValidationFailed([{ field: body.from ? 'to' : 'from', code: 'required', message: 'give both from and to, or neither' }]);
      if (body.from && body.to && Date.parse(body.from) >= Date.parse(body.to)) throw new ValidationFailed([{ field: 'to', code: 'invalid', message: 'to must be after from' }]);
      if (body.to && Date.parse(body.to) > Date.now() + OVERLAP_MS) throw new ValidationFailed([{ field: 'to', code: 'invalid', message: 'to is in the future' }]);
      const store = await loadStore(ctx.db, caller, params.id);
      const payload = body.from
        ? { storeId: Number(store.id), manual: true, from: new Date(body.from).toISOString(), to: new Date(body.to!).toISOString() }
        : { storeId: Number(store.id), manual: true };
      const jobId = await inTransaction(ctx.db, (trx) => ctx.queue.enqueue(trx, 'stores.sync', payload, { maxAttempts: 5 }));
      return { body: { jobId, storeId: Number(store.id), from: payload.from ?? null, to: payload.to ?? null } };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/stores/:id/mappings',
    summary: "The store's listing mappings",
    tag: 'stores',
    roles: [...MANAGE, 'operator'],
    params: storeId,
    query: ListQuery,
    response: { status: 200, description: 'Mappings', schema: pageOf(Mapping) },
    handler: async ({ params, query, caller }) => ({ body: await listMappings(ctx, caller, params.id, query) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/stores/:id/mappings',
    summary: 'Map a listing to a warehouse SKU or kit (creates or changes); held orders waiting for it are released',
    tag: 'stores',
    roles: MANAGE,
    params: storeId,
    body: PutMapping,
    response: { status: 200, description: 'The mapping and whether it was created, updated or unchanged', schema: z.object({ applied: z.enum(['created', 'updated', 'unchanged']), mapping: Mapping }) },
    handler: async ({ params, body, caller }) => {
      const res = await putMapping(ctx, caller, params.id, body);
      return { status: res.applied === 'created' ? 201 : 200, body: res };
    },
  });
  defineRoute(r, registry, {
    method: 'delete',
    path: '/api/v1/stores/:id/mappings/:mappingId',
    summary: 'Remove a mapping (orders already mapped keep their SKUs)',
    tag: 'stores',
    roles: MANAGE,
    params: z.object({ id: Id, mappingId: Id }),
    response: { status: 204, description: 'Removed' },
    handler: async ({ params, caller }) => {
      await deleteMapping(ctx, caller, params.id, params.mappingId);
    },
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/stores/:id/mappings/import',
    summary: 'Upload mappings as CSV (UTF-8 or GBK) or XLSX: listing_code, sku_code, factor',
    tag: 'stores',
    roles: MANAGE,
    params: storeId,
    rawBody: { contentTypes: [...FILE_TYPES, 'multipart/form-data'], description: 'The file, raw or as the file part of a form' },
    query: z.object({ dryRun: z.enum(['true', 'false', '1', '0']).optional() }),
    response: { status: 200, description: 'Counts and each refused row', schema: ImportResult },
    handler: async ({ req, params, query, caller }) => {
      const dryRun = query.dryRun === 'true' || query.dryRun === '1';
      const body = await withUpload(req, { limit: ctx.config.uploadLimitBytes, dataDir: ctx.config.dataDir }, (file) => importMappings(ctx, caller, params.id, file.path, dryRun));
      return { body };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/stores/:id/unmapped',
    summary: 'Listings that held orders are waiting for, with how many orders each holds',
    tag: 'stores',
    roles: [...MANAGE, 'operator'],
    params: storeId,
    response: {
      status: 200,
      description: 'Unmapped listings',
      schema: z.object({ items: z.array(z.object({ listingCode: z.string().nullable(), variantId: z.string().nullable(), title: z.string().nullable(), orders: z.number() })) }),
    },
    handler: async ({ params, caller }) => ({ body: await unmappedListings(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/webhooks/:platform/:storeId',
    summary: "A platform's webhook: verified by the platform's own signature with the store's secret; no bearer token",
    tag: 'stores',
    roles: 'public',
    params: z.object({ platform: z.string().max(24), storeId: Id }),
    rawBody: { contentTypes: ['application/json', 'application/x-www-form-urlencoded'], description: "The platform's delivery, byte for byte" },
    response: { status: 200, description: 'Accepted, a re-delivery already taken, or a topic not used', schema: z.object({ status: z.enum(['accepted', 'duplicate', 'ignored']), topic: z.string(), orders: z.number() }) },
    handler: async ({ req, params }) => {
      if (!Buffer.isBuffer(req.body)) throw new BadRequest('MALFORMED_WEBHOOK', 'The webhook has no body');
      const query = Object.fromEntries(Object.entries(req.query ?? {}).map(([k, v]) => [k, String(v)]));
      return { body: await receiveWebhook(ctx, params.platform, params.storeId, { headers: req.headers, rawBody: req.body, query }) };
    },
  });
  return r;
}
