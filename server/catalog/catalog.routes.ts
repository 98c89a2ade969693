import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { withUpload } from '../http/upload';
import { ValidationFailed } from '../http/errors';
import { Id, ListQuery, pageOf, Temperature, z } from '../http/zod';
import { CaseUnit, KitComponentInput, SkuFields } from './catalog.model';
import { createSku, getSku, listSkus, updateSku } from './skus.service';
import { getImportReport, importSkus } from './sku-import.service';
import { errorReport, skuTemplate } from './sku-import.files';
import { renderSkuLabel } from './sku-label.service';

const CATALOG_ROLES = ['admin', 'supervisor', 'operator', 'seller'] as const;
const EDIT_ROLES = ['admin', 'supervisor', 'seller'] as const;

const Sku = z
  .object({
    id: z.number(),
    ownerId: z.number(),
    skuCode: z.string(),
    name: z.string(),
    barcode: z.string().nullable(),
    barcodes: z.array(z.string()),
    cases: z.array(z.object({ barcode: z.string(), qty: z.number() })),
    spec: z.string().nullable(),
    unit: z.string().nullable(),
    weightG: z.number(),
    lengthMm: z.number().nullable(),
    widthMm: z.number().nullable(),
    heightMm: z.number().nullable(),
    temperature: Temperature,
    shelfLifeDays: z.number().nullable(),
    lotTracked: z.boolean(),
    origin: z.string().nullable(),
    kit: z.boolean(),
    components: z.array(z.object({ skuId: z.number(), skuCode: z.string(), qty: z.number() })),
    status: z.enum(['active', 'inactive']),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('Sku');

const Barcodes = {
  barcode: z.string().trim().max(64).nullish(),
  barcodes: z.array(z.string().trim().min(1).max(64)).max(20).optional(),
  cases: z.array(CaseUnit).max(10).optional(),
  components: z.array(KitComponentInput).max(50).optional().openapi({ description: 'makes the SKU a kit of these SKUs of the same owner' }),
};

const CreateSku = SkuFields.extend({ ownerId: Id.optional(), ...Barcodes, status: z.enum(['active', 'inactive']).optional() }).strict().openapi('CreateSku');
const PatchSku = SkuFields.omit({ skuCode: true }).partial().extend({ ...Barcodes, status: z.enum(['active', 'inactive']).optional() }).strict().openapi('PatchSku');

const ImportResult = z
  .object({
    created: z.number(),
    updated: z.number(),
    unchanged: z.number(),
    errors: z.array(z.object({ row: z.number(), column: z.string().nullable(), code: z.string(), message: z.string(), messageZh: z.string() })),
    errorCount: z.number(),
    errorsTruncated: z.boolean(),
    encoding: z.string(),
    ignoredColumns: z.array(z.string()),
    dryRun: z.boolean(),
    reportId: z.string(),
  })
  .openapi('SkuImportResult');

const FILE_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

export function catalogRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/skus',
    summary: 'Create a SKU (a seller creates for its own owner)',
    tag: 'catalog',
    roles: EDIT_ROLES,
    body: CreateSku,
    response: { status: 201, description: 'The SKU', schema: Sku },
    handler: async ({ body, caller }) => {
      if (!body.ownerId) throw new ValidationFailed([{ field: 'ownerId', code: 'required', message: 'ownerId is required' }]);
      return { body: await createSku(ctx, caller, { ...body, ownerId: body.ownerId }) };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/skus',
    summary: 'List SKUs; q matches code, name or an exact barcode',
    tag: 'catalog',
    roles: CATALOG_ROLES,
    query: ListQuery.extend({ ownerId: Id.optional(), q: z.string().max(100).optional(), status: z.enum(['active', 'inactive']).optional(), temperature: Temperature.optional() }),
    response: { status: 200, description: 'SKUs', schema: pageOf(Sku) },
    handler: async ({ query, caller }) => ({ body: await listSkus(ctx, caller, query) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/skus/import-template',
    summary: 'The SKU upload template with Chinese headers',
    tag: 'catalog',
    roles: EDIT_ROLES,
    query: z.object({ format: z.enum(['csv', 'xlsx']).default('xlsx') }),
    response: { status: 200, description: 'The template file', contentTypes: FILE_TYPES },
    handler: async ({ query, caller }) => ({ raw: await skuTemplate(query.format, caller.principal.role !== 'seller') }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/skus/import',
    summary: 'Import SKUs from CSV (UTF-8 or GBK) or XLSX; ?dryRun=true applies nothing',
    tag: 'catalog',
    roles: EDIT_ROLES,
    rawBody: { contentTypes: [...FILE_TYPES, 'multipart/form-data'], description: 'The file, raw or as the file part of a form' },
    query: z.object({ dryRun: z.enum(['true', 'false', '1', '0']).optional(), ownerId: Id.optional() }),
    response: { status: 200, description: 'Counts and each refused row', schema: ImportResult },
    handler: async ({ req, query, caller }) => {
      const dryRun = query.dryRun === 'true' || query.dryRun === '1';
      const body = await withUpload(req, { limit: ctx.config.uploadLimitBytes, dataDir: ctx.config.dataDir }, (file) =>
        importSkus(ctx, caller, file.path, { ownerId: query.ownerId, dryRun, filename: file.filename }),
      );
      return { body };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/skus/imports/:reportId/errors',
    summary: 'Download the error report of an import',
    tag: 'catalog',
    roles: EDIT_ROLES,
    params: z.object({ reportId: z.string().uuid() }),
    query: z.object({ format: z.enum(['csv', 'xlsx']).default('csv') }),
    response: { status: 200, description: 'The errors, one line each', contentTypes: FILE_TYPES },
    handler: async ({ params, query, caller }) => {
      const report = await getImportReport(ctx, caller, params.reportId);
      return { raw: await errorReport(query.format, report.errors) };
    },
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/skus/:id',
    summary: 'One SKU',
    tag: 'catalog',
    roles: CATALOG_ROLES,
    params: z.object({ id: Id }),
    response: { status: 200, description: 'The SKU', schema: Sku },
    handler: async ({ params, caller }) => ({ body: await getSku(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/skus/:id/label',
    summary: 'The SKU barcode label as PDF (CJK font embedded) or printer bytes (ZPL, TSPL, ESC/POS)',
    tag: 'catalog',
    roles: CATALOG_ROLES,
    params: z.object({ id: Id }),
    query: z.object({
      format: z.enum(['pdf', 'zpl', 'tspl', 'escpos']).default('pdf'),
      size: z.enum(['60x40', '100x50']).default('60x40'),
      copies: z.coerce.number().int().min(1).max(500).default(1),
      dpi: z.enum(['203', '300']).default('203'),
    }),
    response: { status: 200, description: 'The label', contentTypes: ['application/pdf', 'application/x-zpl', 'application/x-tspl', 'application/x-escpos'] },
    handler: async ({ params, query, caller, res }) => {
      const label = await renderSkuLabel(ctx, caller, params.id, { format: query.format, size: query.size, copies: query.copies, dpi: Number(query.dpi) as 203 | 300 });
      // Characters the printer cannot print were replaced visibly; say so rather than hide it.
      if (label.warnings.length) res.setHeader('X-Label-Warnings', encodeURIComponent(label.warnings.map((w) => w.message).join('; ')).slice(0, 2000));
      return { raw: { contentType: label.contentType, data: label.data, filename: label.filename } };
    },
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/api/v1/skus/:id',
    summary: 'Change a SKU (barcodes, cases and components given replace the current ones)',
    tag: 'catalog',
    roles: EDIT_ROLES,
    params: z.object({ id: Id }),
    body: PatchSku,
    response: { status: 200, description: 'The SKU', schema: Sku },
    handler: async ({ params, body, caller }) => ({ body: await updateSku(ctx, caller, params.id, body) }),
  });
  return r;
}
