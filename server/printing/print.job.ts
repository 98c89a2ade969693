import type { AppContext } from '../context';
import type { JobInfo, JobSpec } from '../queue/registry';
import { nowDb } from '../db/time';
import { sendRaw, PrinterConnectionError } from '../../printers/transport/tcp9100';
import { readPrinterState, recordState } from './printers.service';
import { renderJob } from './print-jobs.service';

/** a printer that is off or out of paper is tried again for about half an hour, then the job is failed (and can be retried by hand) */
const MAX_ATTEMPTS = 12;
const backoffMs = (attempt: number) => Math.min(2000 * 2 ** (attempt - 1), 5 * 60 * 1000);

class PrintFault extends Error {}

async function fail(ctx: AppContext, id: number, info: JobInfo, problem: string, message: string): Promise<never> {
  const last = info.attempt >= info.maxAttempts;
  await ctx.db('print_jobs').where({ id }).whereIn('status', ['sending', 'queued', 'retrying']).update({ status: last ? 'failed' : 'retrying', problem, last_error: message, updated_at: nowDb() });
  throw new PrintFault(message);
}

/**
 * Sends one print job to its printer. A job is claimed by moving it to `sending` first; a job
 * found already in `sending` was interrupted between sending and recording (a crash, a lost
 * database): it may have printed, so it is not sent again but failed with that said, and the
 * operator reprints if no label came out. That is the one window where the system cannot know,
 * and it errs towards a missing label (visible at the station) over a second label for one parcel.
 */
async function sendPrintJob(ctx: AppContext, payload: { printJobId: number }, info: JobInfo): Promise<void> {
  const id = payload.printJobId;
  const job = await ctx.db('print_jobs').where({ id }).first();
  if (!job) return;
  if (job.status === 'sending') {
    await ctx.db('print_jobs').where({ id, status: 'sending' }).update({ status: 'failed', problem: 'uncertain', last_error: 'interrupted while sending: check whether the label came out, and reprint if not', updated_at: nowDb() });
    return;
  }
  if (job.status !== 'queued' && job.status !== 'retrying') return; // printed, cancelled, ready, failed: nothing to do
  const printer = await ctx.db('printers').where({ id: job.printer_id }).first();
  if (printer.status !== 'active') await fail(ctx, id, info, 'inactive', `printer ${printer.name} is switched off in the registry`);

  let rendered;
  try {
    rendered = await renderJob(ctx, job, printer);
  } catch (err: any) {
    // nothing a retry can fix (a voided waybill, erased receiver): failed at once, with the reason
    await ctx.db('print_jobs').where({ id }).whereIn('status', ['queued', 'retrying']).update({ status: 'failed', problem: 'document', last_error: String(err?.message ?? err), updated_at: nowDb() });
    return;
  }

  if (printer.status_check) {
    const s = await readPrinterState(ctx, printer);
    if (s.state !== 'ready' && s.state !== 'unknown') await fail(ctx, id, info, s.state, `printer ${printer.name}: ${s.detail ?? s.state}`);
  }

  const claimed = await ctx.db('print_jobs').where({ id }).whereIn('status', ['queued', 'retrying']).update({ status: 'sending', attempts: Number(job.attempts) + 1, updated_at: nowDb() });
  if (!claimed) return; // cancelled meanwhile
  try {
    await sendRaw(printer.host, Number(printer.port), rendered.data, { timeoutMs: ctx.config.printerTimeoutMs });
  } catch (err: any) {
    const code = err instanceof PrinterConnectionError ? err.code : 'EIO';
    const problem = code === 'ECONNRESET' || code === 'EPIPE' ? 'dropped' : code === 'ETIMEDOUT' ? 'no_answer' : 'offline';
    await recordState(ctx.db, Number(printer.id), 'offline', String(err?.message ?? err));
    await fail(ctx, id, info, problem, String(err?.message ?? err));
  }
  await ctx.db('print_jobs').where({ id, status: 'sending' }).update({
    status: 'printed',
    problem: null,
    last_error: rendered.warnings.length ? rendered.warnings.map((w) => w.message).join('; ').slice(0, 1000) : null,
    bytes: rendered.data.length,
    printed_at: nowDb(),
    updated_at: nowDb(),
  });
  if (printer.state !== 'ready') await recordState(ctx.db, Number(printer.id), 'ready', null);
}

export const printJob: JobSpec<{ printJobId: number }> = {
  handler: sendPrintJob,
  maxAttempts: MAX_ATTEMPTS,
  backoffMs,
  timeoutMs: 90_000,
};
