import { Router } from 'express';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { AppContext } from '../context';
import { defineRoute } from '../http/route';
import { Id, ListQuery, pageOf, z } from '../http/zod';
import { createPrinter, listPrinters, loadPrinter, presentPrinter, printerStatus, updatePrinter, PAPER_SIZES, PRINTER_LANGUAGES } from './printers.service';
import { cancelPrintJob, getPrintJob, listPrintJobs, printJobDocument, reprint, retryPrintJob, testPrint, PRINT_JOB_STATUSES } from './print-jobs.service';

const MANAGE = ['admin', 'supervisor'] as const;
const FLOOR = ['admin', 'supervisor', 'operator'] as const;

const Printer = z
  .object({
    id: z.number(),
    name: z.string(),
    language: z.enum(PRINTER_LANGUAGES),
    transport: z.enum(['tcp', 'browser']),
    host: z.string().nullable(),
    port: z.number().nullable(),
    paperSize: z.enum(PAPER_SIZES),
    dpi: z.number(),
    station: z.string().nullable(),
    statusCheck: z.boolean(),
    active: z.boolean(),
    state: z.enum(['unknown', 'ready', 'paper_out', 'head_open', 'paused', 'offline', 'error']).openapi({ description: 'the last state read from the printer or met by a job' }),
    stateDetail: z.string().nullable(),
    stateAt: z.string().nullable(),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('Printer');

const CreatePrinter = z
  .object({
    name: z.string().trim().min(1).max(100),
    language: z.enum(PRINTER_LANGUAGES),
    transport: z.enum(['tcp', 'browser']).optional().openapi({ description: 'default: tcp when a host is given, browser for a PDF printer without one' }),
    host: z.string().trim().min(1).max(200).nullish(),
    port: z.number().int().min(1).max(65535).nullish(),
    paperSize: z.enum(PAPER_SIZES).optional(),
    dpi: z.union([z.literal(203), z.literal(300)]).optional(),
    station: z.string().trim().max(64).nullish(),
    statusCheck: z.boolean().optional().openapi({ description: 'ask the printer for its state before each job (default true for thermal printers)' }),
    active: z.boolean().optional(),
  })
  .strict()
  .openapi('CreatePrinter');

const PrintJob = z
  .object({
    id: z.number(),
    printerId: z.number(),
    printerName: z.string().nullable(),
    kind: z.enum(['waybill', 'test']),
    parcelId: z.number().nullable(),
    waybillNo: z.string().nullable(),
    status: z.enum(PRINT_JOB_STATUSES),
    attempts: z.number(),
    problem: z.string().nullable().openapi({ description: 'paper_out, head_open, paused, offline, no_answer, dropped, uncertain, document, ...' }),
    lastError: z.string().nullable(),
    reprintOf: z.number().nullable(),
    bytes: z.number().nullable(),
    createdBy: z.string(),
    printedAt: z.string().nullable(),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('PrintJob');

export function printingRoutes(ctx: AppContext, registry: OpenAPIRegistry): Router {
  const r = Router();
  const idParam = z.object({ id: Id });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/printers',
    summary: 'Register a printer: ZPL, TSPL or ESC/POS on raw TCP (port 9100), or PDF (network, or printed from the browser)',
    tag: 'printers',
    roles: MANAGE,
    body: CreatePrinter,
    response: { status: 201, description: 'The printer', schema: Printer },
    handler: async ({ body, caller }) => ({ status: 201, body: await createPrinter(ctx, caller, body as any) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/printers',
    summary: 'Printers with their last known state',
    tag: 'printers',
    roles: FLOOR,
    query: z.object({ station: z.string().max(64).optional() }),
    response: { status: 200, description: 'Printers', schema: z.object({ items: z.array(Printer), nextCursor: z.string().nullable() }) },
    handler: async ({ query }) => ({ body: await listPrinters(ctx, query) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/printers/:id',
    summary: 'One printer',
    tag: 'printers',
    roles: FLOOR,
    params: idParam,
    response: { status: 200, description: 'The printer', schema: Printer },
    handler: async ({ params }) => ({ body: presentPrinter(await loadPrinter(ctx.db, params.id)) }),
  });
  defineRoute(r, registry, {
    method: 'patch',
    path: '/api/v1/printers/:id',
    summary: 'Change a printer',
    tag: 'printers',
    roles: MANAGE,
    params: idParam,
    body: CreatePrinter.partial().strict(),
    response: { status: 200, description: 'The printer', schema: Printer },
    handler: async ({ params, body, caller }) => ({ body: await updatePrinter(ctx, caller, params.id, body as any) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/printers/:id/status',
    summary: 'Ask the printer now (ZPL ~HS, TSPL <ESC>!?, ESC/POS DLE EOT): ready, paper out, head open, paused, offline',
    tag: 'printers',
    roles: FLOOR,
    params: idParam,
    response: { status: 200, description: 'The state', schema: z.object({ printerId: z.number(), state: z.string(), detail: z.string().nullable(), problems: z.array(z.string()), checkedAt: z.string() }) },
    handler: async ({ params }) => ({ body: await printerStatus(ctx, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/printers/:id/test',
    summary: 'Print a test page (Chinese text, a Code 128 and a QR code) through the print queue',
    tag: 'printers',
    roles: FLOOR,
    params: idParam,
    response: { status: 202, description: 'The print job', schema: PrintJob },
    handler: async ({ params, caller }) => ({ status: 202, body: await testPrint(ctx, caller, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/print-jobs',
    summary: 'Print jobs, newest last; filter by status (comma-separated), printer or parcel',
    tag: 'printers',
    roles: FLOOR,
    query: ListQuery.extend({ status: z.string().max(100).optional(), printerId: Id.optional(), parcelId: Id.optional() }),
    response: { status: 200, description: 'Print jobs', schema: pageOf(PrintJob) },
    handler: async ({ query }) => ({ body: await listPrintJobs(ctx, query) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/print-jobs/:id',
    summary: 'One print job',
    tag: 'printers',
    roles: FLOOR,
    params: idParam,
    response: { status: 200, description: 'The print job', schema: PrintJob },
    handler: async ({ params }) => ({ body: await getPrintJob(ctx, params.id) }),
  });
  defineRoute(r, registry, {
    method: 'get',
    path: '/api/v1/print-jobs/:id/document',
    summary: "The job's label as PDF (a browser printer's job: downloading it is printing it)",
    tag: 'printers',
    roles: FLOOR,
    params: idParam,
    response: { status: 200, description: 'PDF', contentTypes: ['application/pdf'] },
    handler: async ({ params }) => {
      const doc = await printJobDocument(ctx, params.id);
      return { raw: { contentType: doc.contentType, data: doc.data, filename: `print-job-${params.id}.pdf` } };
    },
  });
  for (const [action, summary, fn] of [
    ['cancel', 'Cancel a job that has not printed', cancelPrintJob],
    ['retry', 'Send a failed job again (the same job: no second label if the first came out)', retryPrintJob],
  ] as const) {
    defineRoute(r, registry, {
      method: 'post',
      path: `/api/v1/print-jobs/:id/${action}`,
      summary,
      tag: 'printers',
      roles: FLOOR,
      params: idParam,
      response: { status: 200, description: 'The print job', schema: PrintJob },
      handler: async ({ params, caller }) => ({ body: await fn(ctx, caller, params.id) }),
    });
  }
  defineRoute(r, registry, {
    method: 'post',
    path: '/api/v1/print-jobs/:id/reprint',
    summary: 'Print the same label again as a new job (counted as a reprint), optionally on another printer',
    tag: 'printers',
    roles: FLOOR,
    params: idParam,
    body: z.object({ printerId: Id.optional() }).strict(),
    response: { status: 201, description: 'The new print job', schema: PrintJob },
    handler: async ({ params, body, caller }) => ({ status: 201, body: await reprint(ctx, caller, params.id, body.printerId) }),
  });
  return r;
}
