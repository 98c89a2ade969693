import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Trx } from '../db/transaction';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { BusinessRule, Conflict, NotFound } from '../http/errors';
import { paginate, PageParams } from '../db/cursor';
import { audit } from '../audit';
import { actorOf } from '../orders/orders.model';
import { renderLabels, type RenderedLabels } from '../../printers/render';
import type { WaybillSize } from '../../printers/documents/waybill';
import { loadPrinter } from './printers.service';
import { testPage, waybillDocument } from './documents';

export const PRINT_JOB_STATUSES = ['queued', 'sending', 'retrying', 'printed', 'ready', 'failed', 'cancelled'] as const;
export type PrintJobStatus = (typeof PRINT_JOB_STATUSES)[number];
/** a job in these may still print */
const WAITING: PrintJobStatus[] = ['queued', 'retrying'];

export function presentPrintJob(r: any) {
  return {
    id: Number(r.id),
    printerId: Number(r.printer_id),
    printerName: r.printer_name ?? null,
    kind: r.kind as 'waybill' | 'test',
    parcelId: r.parcel_id ? Number(r.parcel_id) : null,
    waybillNo: r.waybill_no ?? null,
    status: r.status as PrintJobStatus,
    attempts: Number(r.attempts),
    problem: r.problem ?? null,
    lastError: r.last_error ?? null,
    reprintOf: r.reprint_of ? Number(r.reprint_of) : null,
    bytes: r.bytes === null || r.bytes === undefined ? null : Number(r.bytes),
    createdBy: r.created_by,
    printedAt: toIso(r.printed_at),
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  };
}

export interface PrintRequest {
  printerId: number;
  kind: 'waybill' | 'test';
  parcelId?: number | null;
  waybillNo?: string | null;
  reprintOf?: number | null;
  createdBy: string;
}

/** Records the job and its outbox entry in the caller's transaction: the label is printed after commit, or never. */
export async function queuePrint(ctx: AppContext, trx: Trx, req: PrintRequest): Promise<number> {
  const printer = await trx('printers').where({ id: req.printerId }).first();
  if (!printer) throw new NotFound('printer');
  if (printer.status !== 'active') throw new BusinessRule('PRINTER_INACTIVE', `Printer ${printer.name} is switched off in the registry`);
  const now = nowDb();
  const [id] = await trx('print_jobs').insert({
    printer_id: req.printerId,
    kind: req.kind,
    parcel_id: req.parcelId ?? null,
    waybill_no: req.waybillNo ?? null,
    // a browser printer has nothing to send: the PDF waits for the operator's download
    status: printer.transport === 'browser' ? 'ready' : 'queued',
    attempts: 0,
    reprint_of: req.reprintOf ?? null,
    created_by: req.createdBy,
    created_at: now,
    updated_at: now,
  });
  const jobId = Number(id);
  if (printer.transport !== 'browser') await ctx.queue.enqueue(trx, 'print.send', { printJobId: jobId }, { dedupeKey: `print:${jobId}:${now}` });
  return jobId;
}

async function loadJob(db: Tx, id: number, forUpdate = false) {
  const q = db('print_jobs').join('printers', 'printers.id', 'print_jobs.printer_id').where('print_jobs.id', id).select('print_jobs.*', 'printers.name as printer_name');
  if (forUpdate) q.forUpdate();
  const row = await q.first();
  if (!row) throw new NotFound('print job');
  return row;
}

export async function getPrintJob(ctx: AppContext, id: number) {
  return presentPrintJob(await loadJob(ctx.db, id));
}

export async function listPrintJobs(ctx: AppContext, f: PageParams & { status?: string; printerId?: number; parcelId?: number }) {
  const q = ctx.db('print_jobs').join('printers', 'printers.id', 'print_jobs.printer_id').select('print_jobs.*', 'printers.name as printer_name');
  if (f.status) q.whereIn('print_jobs.status', f.status.split(','));
  if (f.printerId) q.where('print_jobs.printer_id', f.printerId);
  if (f.parcelId) q.where('print_jobs.parcel_id', f.parcelId);
  const page = await paginate<any>(q, f, 'print_jobs.id');
  return { items: page.items.map(presentPrintJob), nextCursor: page.nextCursor };
}

export async function cancelPrintJob(ctx: AppContext, caller: Caller, id: number) {
  return inTransaction(ctx.db, async (trx) => {
    const job = await loadJob(trx, id, true);
    if (job.status === 'sending') throw new Conflict('PRINT_JOB_SENDING', 'The label is being sent to the printer right now');
    if (!WAITING.includes(job.status) && job.status !== 'ready' && job.status !== 'failed') throw new Conflict('PRINT_JOB_FINISHED', `The print job is already ${job.status}`);
    await trx('print_jobs').where({ id }).update({ status: 'cancelled', updated_at: nowDb() });
    await audit(trx, caller, { action: 'print_job.cancel', entity: 'print_job', entityId: id });
    return presentPrintJob(await loadJob(trx, id));
  });
}

/** A failed job goes back to the queue as it is (same job, no second label for one that printed). */
export async function retryPrintJob(ctx: AppContext, caller: Caller, id: number) {
  return inTransaction(ctx.db, async (trx) => {
    const job = await loadJob(trx, id, true);
    if (job.status !== 'failed') throw new Conflict('PRINT_JOB_NOT_FAILED', `Only a failed print job can be retried; this one is ${job.status}`);
    await trx('print_jobs').where({ id }).update({ status: 'queued', problem: null, updated_at: nowDb() });
    await ctx.queue.enqueue(trx, 'print.send', { printJobId: id }, { dedupeKey: `print:${id}:${nowDb()}` });
    await audit(trx, caller, { action: 'print_job.retry', entity: 'print_job', entityId: id });
    return presentPrintJob(await loadJob(trx, id));
  });
}

/** A reprint is a new job that says what it reprints, so the count of labels stays honest. */
export async function reprint(ctx: AppContext, caller: Caller, id: number, printerId?: number) {
  return inTransaction(ctx.db, async (trx) => {
    const job = await loadJob(trx, id);
    if (job.parcel_id) {
      const parcel = await trx('parcels').where({ id: job.parcel_id }).first();
      if (parcel.status !== 'labelled' || parcel.waybill_no !== job.waybill_no) throw new Conflict('WAYBILL_VOIDED', `Waybill ${job.waybill_no} is no longer the parcel's: it must not be printed`);
    }
    const newId = await queuePrint(ctx, trx, { printerId: printerId ?? Number(job.printer_id), kind: job.kind, parcelId: job.parcel_id, waybillNo: job.waybill_no, reprintOf: id, createdBy: actorOf(caller.principal) });
    await audit(trx, caller, { action: 'print_job.reprint', entity: 'print_job', entityId: newId, details: { of: id } });
    return presentPrintJob(await loadJob(trx, newId));
  });
}

export async function testPrint(ctx: AppContext, caller: Caller, printerId: number) {
  return inTransaction(ctx.db, async (trx) => {
    const id = await queuePrint(ctx, trx, { printerId, kind: 'test', createdBy: actorOf(caller.principal) });
    return presentPrintJob(await loadJob(trx, id));
  });
}

/** The bytes of a job in its printer's language, as they are (or were) sent. */
export async function renderJob(ctx: AppContext, job: any, printer: any, format?: 'pdf' | 'zpl' | 'tspl' | 'escpos'): Promise<RenderedLabels> {
  const label = job.kind === 'test' ? testPage(printer) : await waybillDocument(ctx, ctx.db, Number(job.parcel_id), printer.paper_size as WaybillSize);
  return renderLabels([label], format ?? printer.language, { dpi: Number(printer.dpi) as 203 | 300, title: job.waybill_no ?? `print job ${job.id}` });
}

/** A browser printer's PDF; fetching it is what prints it, so a `ready` job becomes `printed`. */
export async function printJobDocument(ctx: AppContext, id: number) {
  const job = await loadJob(ctx.db, id);
  if (job.status === 'cancelled') throw new Conflict('PRINT_JOB_CANCELLED', 'The print job was cancelled');
  const printer = await loadPrinter(ctx.db, Number(job.printer_id));
  const doc = await renderJob(ctx, job, printer, 'pdf');
  await ctx.db('print_jobs').where({ id, status: 'ready' }).update({ status: 'printed', printed_at: nowDb(), bytes: doc.data.length, attempts: Number(job.attempts) + 1, updated_at: nowDb() });
  return doc;
}
