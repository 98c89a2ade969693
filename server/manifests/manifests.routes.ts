import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { Id, ListQuery, pageOf, z } from '../http/zod';
import { renderLabels } from '../../printers/render';
import { manifestPages } from '../../printers/documents/manifest';
import { csvBuffer } from '../tabular/write';
import { CARRIER_SYNC_STATUSES, retryCarrierHandover } from './carrier-sync';
import { closeManifest, dockScan, getManifest, handOver, listManifests, MANIFEST_STATUSES, openManifest, removeFromManifest, resolveDispute, scanIntoManifest, type Manifest } from './manifests.service';

const DOCK = ['admin', 'supervisor', 'operator'] as const;
const VIEW = ['admin', 'supervisor', 'operator', 'carrier'] as const;

const ManifestParcel = z.object({
  parcelId: z.number(),
  orderId: z.number(),
  orderExternalId: z.string().nullable(),
  waybillNo: z.string(),
  weightG: z.number(),
  scannedBy: z.string(),
  scannedAt: z.string().nullable(),
  received: z.boolean().nullable().openapi({ description: "the carrier's answer: null before the hand-over, false when reported missing" }),
  carrierConfirmed: z.boolean().nullable().openapi({ description: "the carrier API's answer to the hand-over call: null not asked (or the carrier has no such call), false refused" }),
  carrierDetail: z.string().nullable().openapi({ description: "the carrier's words when it refused" }),
});

const CarrierHandover = z.object({
  status: z.enum(CARRIER_SYNC_STATUSES).nullable().openapi({
    description: "the hand-over call to the carrier's API after closing: not_needed (the carrier's API has none), pending, done, partial (some parcels refused), failed; null while open",
  }),
  error: z.string().nullable(),
  syncedAt: z.string().nullable(),
});

const Manifest = z
  .object({
    id: z.number(),
    manifestNo: z.string(),
    warehouseId: z.number(),
    warehouseName: z.string().nullable(),
    carrierId: z.number(),
    carrierCode: z.string().nullable(),
    carrierName: z.string().nullable(),
    status: z.enum(MANIFEST_STATUSES),
    parcelCount: z.number(),
    totalWeightG: z.number(),
    createdBy: z.string(),
    createdAt: z.string().nullable(),
    closedBy: z.string().nullable(),
    closedAt: z.string().nullable(),
    receivedBy: z.string().nullable(),
    countedCount: z.number().nullable(),
    handoverNote: z.string().nullable(),
    handedOverAt: z.string().nullable(),
    missingWaybillNos: z.array(z.string()),
    resolution: z.string().nullable(),
    resolvedBy: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    carrierHandover: CarrierHandover,
    parcels: z.array(ManifestParcel).optional().openapi({ description: 'in the order scanned (not in lists)' }),
  })
  .openapi('Manifest');

const ScanResult = z
  .object({
    manifestId: z.number(),
    manifestNo: z.string(),
    parcelId: z.number(),
    orderId: z.number(),
    orderExternalId: z.string(),
    waybillNo: z.string(),
    lane: z.string().openapi({ description: "the cage or lane the parcel goes to: the carrier, and for the local carrier the township route" }),
    parcelCount: z.number(),
    totalWeightG: z.number(),
  })
  .openapi('ManifestScan');

function manifestCsv(m: Manifest): Buffer {
  const rows: unknown[][] = [['manifest_no', 'carrier', 'status', 'waybill_no', 'order', 'weight_g', 'scanned_at', 'received']];
  for (const p of m.parcels ?? []) rows.push([m.manifestNo, m.carrierCode, m.status, p.waybillNo, p.orderExternalId, p.weightG, p.scannedAt, p.received === null ? '' : p.received ? 'yes' : 'missing']);
  return csvBuffer(rows);
}

export function manifestRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  const byId = z.object({ id: Id });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/manifests',
    summary: "Open a manifest for a carrier (one open per carrier per warehouse; a second is 409 naming the open one)",
    tag: 'manifests',
    roles: DOCK,
    body: z.object({ carrierId: Id, warehouseId: Id.optional() }).strict(),
    response: { status: 201, description: 'The new, open manifest', schema: Manifest },
    handler: async ({ body, caller }) => ({ status: 201, body: await openManifest(ctx, caller, body) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/manifests',
    summary: "Manifests (a carrier's users and keys see only their own)",
    tag: 'manifests',
    roles: VIEW,
    query: ListQuery.extend({ carrierId: Id.optional(), status: z.string().max(100).optional() }),
    response: { status: 200, description: 'Manifests', schema: pageOf(Manifest) },
    handler: async ({ query, caller }) => ({ body: await listManifests(ctx, caller, query) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/manifests/:id',
    summary: 'One manifest with its parcels, as JSON, the hand-over sheet as PDF, or CSV',
    tag: 'manifests',
    roles: VIEW,
    params: byId,
    query: z.object({ format: z.enum(['json', 'pdf', 'csv']).default('json') }),
    response: { status: 200, description: 'The manifest', schema: Manifest, contentTypes: ['application/json', 'application/pdf', 'text/csv'] },
    handler: async ({ params, query, caller }) => {
      const m = await getManifest(ctx, caller, params.id);
      if (query.format === 'json') return { body: m };
      if (query.format === 'csv') return { raw: { contentType: 'text/csv; charset=utf-8', data: manifestCsv(m), filename: `${m.manifestNo}.csv` } };
      const sheet = manifestPages({
        manifestNo: m.manifestNo,
        carrierName: m.carrierName ?? m.carrierCode ?? '',
        warehouseName: m.warehouseName ?? '',
        status: m.status,
        closedAt: m.closedAt,
        parcelCount: m.parcelCount,
        totalWeightG: m.totalWeightG,
        parcels: m.parcels ?? [],
        receivedBy: m.receivedBy,
        countedCount: m.countedCount,
      });
      const out = await renderLabels(sheet, 'pdf', { title: m.manifestNo });
      return { raw: { contentType: 'application/pdf', data: out.data, filename: `${m.manifestNo}.pdf` } };
    },
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/manifests/:id/scan',
    summary: "A dock scan: the parcel of this waybill goes on the open manifest, and the answer names its lane. Not ours, voided, another carrier's, a cancelled order's, scanned twice or on another manifest: refused",
    tag: 'manifests',
    roles: DOCK,
    params: byId,
    body: z.object({ waybillNo: z.string().trim().min(1).max(64) }).strict(),
    response: { status: 200, description: 'The parcel added and the running totals', schema: ScanResult },
    handler: async ({ params, body, caller }) => ({ body: await scanIntoManifest(ctx, caller, params.id, body.waybillNo) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/dock/scan',
    summary: "Outbound sort: a packed parcel scanned at the dock goes on its carrier's open manifest (opened when there is none) and the answer names its cage or lane",
    tag: 'manifests',
    roles: DOCK,
    body: z.object({ waybillNo: z.string().trim().min(1).max(64), warehouseId: Id.optional() }).strict(),
    response: { status: 200, description: 'The parcel added, its lane and the manifest totals', schema: ScanResult.extend({ manifestOpened: z.boolean() }) },
    handler: async ({ body, caller }) => ({ body: await dockScan(ctx, caller, body) }),
  });
  defineRoute(r, registry, {
    method: 'delete',
    path: '/api/v1/manifests/:id/parcels/:parcelId',
    summary: 'Take a parcel off an open manifest',
    tag: 'manifests',
    roles: DOCK,
    params: z.object({ id: Id, parcelId: Id }),
    response: { status: 200, description: 'The manifest', schema: Manifest },
    handler: async ({ params, caller }) => ({ body: await removeFromManifest(ctx, caller, params.id, params.parcelId) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/manifests/:id/close',
    summary: 'Close: the list, count and weight are frozen. An empty manifest, or one with a voided or cancelled parcel on it, is refused',
    tag: 'manifests',
    roles: DOCK,
    params: byId,
    response: { status: 200, description: 'The closed manifest', schema: Manifest },
    handler: async ({ params, caller }) => ({ body: await closeManifest(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/manifests/:id/handover',
    summary: "The carrier confirms a closed manifest: who received it and the count; fewer counted than listed names the missing waybills (the manifest is then disputed). The received parcels' orders are shipped",
    tag: 'manifests',
    roles: ['admin', 'supervisor', 'carrier'],
    params: byId,
    body: z
      .object({
        receivedBy: z.string().trim().min(1).max(100),
        countedCount: z.number().int().min(0).max(100_000),
        missingWaybillNos: z.array(z.string().trim().min(1).max(64)).max(10_000).optional(),
        note: z.string().max(2000).nullish(),
      })
      .strict(),
    response: { status: 200, description: 'The manifest', schema: Manifest },
    handler: async ({ params, body, caller }) => ({ body: await handOver(ctx, caller, params.id, body) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/manifests/:id/resolve',
    summary: 'A supervisor resolves a disputed manifest; waybills found after all are received and ship',
    tag: 'manifests',
    roles: ['admin', 'supervisor'],
    params: byId,
    body: z.object({ resolution: z.string().trim().min(1).max(2000), foundWaybillNos: z.array(z.string().trim().min(1).max(64)).max(10_000).optional() }).strict(),
    response: { status: 200, description: 'The manifest', schema: Manifest },
    handler: async ({ params, body, caller }) => ({ body: await resolveDispute(ctx, caller, params.id, body) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/manifests/:id/carrier-handover/retry',
    summary: "Send the hand-over call to the carrier's API again, for the parcels it has not confirmed (after a failure or a partial refusal)",
    tag: 'manifests',
    roles: ['admin', 'supervisor'],
    params: byId,
    response: { status: 202, description: 'Queued; the manifest', schema: Manifest },
    handler: async ({ params, caller }) => {
      await retryCarrierHandover(ctx, caller, params.id);
      return { status: 202, body: await getManifest(ctx, caller, params.id) };
    },
  });
  return r;
}
