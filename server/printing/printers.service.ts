import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { isUniqueViolation } from '../db/errors';
import { BusinessRule, Conflict, NotFound, ValidationFailed } from '../http/errors';
import { audit } from '../audit';
import { queryStatus, type StatusFormat } from '../../printers/transport/status';
import { PrinterConnectionError } from '../../printers/transport/tcp9100';

export const PRINTER_LANGUAGES = ['zpl', 'tspl', 'escpos', 'pdf'] as const;
export type PrinterLanguage = (typeof PRINTER_LANGUAGES)[number];
export const PAPER_SIZES = ['76x130', '100x150', '100x180'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

export interface PrinterInput {
  name: string;
  language: PrinterLanguage;
  transport?: 'tcp' | 'browser';
  host?: string | null;
  port?: number | null;
  paperSize?: PaperSize;
  dpi?: 203 | 300;
  station?: string | null;
  statusCheck?: boolean;
  active?: boolean;
}

/**
 * A printer's state as the operator should read it: what a status query or the last job met.
 * `offline` covers refused and unanswered connections alike.
 */
export type PrinterState = 'unknown' | 'ready' | 'paper_out' | 'head_open' | 'paused' | 'offline' | 'error';

export function stateOf(problems: string[]): PrinterState {
  if (problems.includes('paper-out') || problems.includes('ribbon-out') || problems.includes('paper-jam')) return 'paper_out';
  if (problems.includes('head-open') || problems.includes('cover-open')) return 'head_open';
  if (problems.includes('paused')) return 'paused';
  if (problems.includes('offline')) return 'offline';
  return problems.filter((p) => p !== 'paper-near-end').length ? 'error' : 'ready';
}

export function presentPrinter(r: any) {
  return {
    id: Number(r.id),
    name: r.name,
    language: r.language as PrinterLanguage,
    transport: r.transport as 'tcp' | 'browser',
    host: r.host ?? null,
    port: r.port === null || r.port === undefined ? null : Number(r.port),
    paperSize: r.paper_size as PaperSize,
    dpi: Number(r.dpi),
    station: r.station ?? null,
    statusCheck: !!r.status_check,
    active: r.status === 'active',
    state: r.state as PrinterState,
    stateDetail: r.state_detail ?? null,
    stateAt: toIso(r.state_at),
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  };
}

function checkTransport(language: string, transport: string, host: string | null | undefined) {
  if (transport === 'tcp' && !host) throw new ValidationFailed([{ field: 'host', code: 'required', message: 'a network printer needs its host (IP address or name)' }]);
  if (transport === 'browser' && language !== 'pdf') throw new ValidationFailed([{ field: 'transport', code: 'invalid', message: 'only PDF can be printed from the browser' }]);
}

export async function createPrinter(ctx: AppContext, caller: Caller, input: PrinterInput) {
  // a PDF printer without a host is the office's browser; with one, a network printer that takes PDF
  const transport = input.transport ?? (input.language === 'pdf' && !input.host ? 'browser' : 'tcp');
  checkTransport(input.language, transport, input.host);
  return inTransaction(ctx.db, async (trx) => {
    const now = nowDb();
    try {
      const [id] = await trx('printers').insert({
        name: input.name,
        language: input.language,
        transport,
        host: transport === 'tcp' ? input.host : null,
        port: transport === 'tcp' ? (input.port ?? 9100) : null,
        paper_size: input.paperSize ?? '100x150',
        dpi: input.dpi ?? 203,
        station: input.station ?? null,
        status_check: input.statusCheck ?? input.language !== 'pdf',
        state: 'unknown',
        status: input.active === false ? 'inactive' : 'active',
        created_at: now,
        updated_at: now,
      });
      const row = id ? await trx('printers').where({ id }).first() : await trx('printers').where({ name: input.name }).first();
      await audit(trx, caller, { action: 'printer.create', entity: 'printer', entityId: row.id, details: { name: input.name, language: input.language, transport } });
      return presentPrinter(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict('DUPLICATE_PRINTER', `A printer named ${input.name} exists`);
      throw err;
    }
  });
}

export async function updatePrinter(ctx: AppContext, caller: Caller, id: number, patch: Partial<PrinterInput>) {
  return inTransaction(ctx.db, async (trx) => {
    const row = await trx('printers').where({ id }).forUpdate().first();
    if (!row) throw new NotFound('printer');
    const next = {
      language: patch.language ?? row.language,
      transport: patch.transport ?? row.transport,
      host: patch.host === undefined ? row.host : patch.host,
    };
    checkTransport(next.language, next.transport, next.host);
    await trx('printers').where({ id }).update({
      name: patch.name ?? row.name,
      language: next.language,
      transport: next.transport,
      host: next.transport === 'tcp' ? next.host : null,
      port: next.transport === 'tcp' ? (patch.port ?? row.port ?? 9100) : null,
      paper_size: patch.paperSize ?? row.paper_size,
      dpi: patch.dpi ?? row.dpi,
      station: patch.station === undefined ? row.station : patch.station,
      status_check: patch.statusCheck === undefined ? row.status_check : patch.statusCheck,
      status: patch.active === undefined ? row.status : patch.active ? 'active' : 'inactive',
      updated_at: nowDb(),
    });
    await audit(trx, caller, { action: 'printer.update', entity: 'printer', entityId: id, details: { fields: Object.keys(patch) } });
    return presentPrinter(await trx('printers').where({ id }).first());
  });
}

export async function loadPrinter(db: Tx, id: number) {
  const row = await db('printers').where({ id }).first();
  if (!row) throw new NotFound('printer');
  return row;
}

export async function listPrinters(ctx: AppContext, filter: { station?: string }) {
  const q = ctx.db('printers').orderBy('id');
  if (filter.station) q.where('station', filter.station);
  return { items: (await q).map(presentPrinter), nextCursor: null };
}

export async function recordState(db: Tx, printerId: number, state: PrinterState, detail: string | null) {
  await db('printers').where({ id: printerId }).update({ state, state_detail: detail, state_at: nowDb() });
}

/**
 * Asks the printer itself. A browser printer has no state to read; a network printer that does
 * not answer is `offline` (a Zebra out of media does not answer either: the detail says so).
 */
export async function readPrinterState(ctx: AppContext, row: any): Promise<{ state: PrinterState; detail: string | null; problems: string[] }> {
  if (row.transport !== 'tcp') return { state: 'ready', detail: 'printed from the browser', problems: [] };
  if (row.language === 'pdf') return { state: 'unknown', detail: 'PDF printers report no status', problems: [] };
  try {
    const s = await queryStatus(row.host, Number(row.port), row.language as StatusFormat, { timeoutMs: Math.min(3000, ctx.config.printerTimeoutMs) });
    const state = stateOf(s.problems);
    const result = { state, detail: s.problems.length ? s.problems.join(', ') : null, problems: s.problems as string[] };
    await recordState(ctx.db, Number(row.id), result.state, result.detail);
    return result;
  } catch (err) {
    const detail = err instanceof PrinterConnectionError || err instanceof Error ? err.message : String(err);
    await recordState(ctx.db, Number(row.id), 'offline', detail);
    return { state: 'offline', detail, problems: ['offline'] };
  }
}

export async function printerStatus(ctx: AppContext, id: number) {
  const row = await loadPrinter(ctx.db, id);
  if (row.status !== 'active') throw new BusinessRule('PRINTER_INACTIVE', `Printer ${row.name} is switched off in the registry`);
  const s = await readPrinterState(ctx, row);
  return { printerId: id, state: s.state, detail: s.detail, problems: s.problems, checkedAt: new Date().toISOString() };
}
