import type { MessageKey, TFunction } from './i18n';

/** Printers and print jobs as the API sends them (server/printing/printing.routes.ts). */

export const PRINTER_LANGUAGES = ['zpl', 'tspl', 'escpos', 'pdf'] as const;
export type PrinterLanguage = (typeof PRINTER_LANGUAGES)[number];
export const PAPER_SIZES = ['100x150', '76x130', '100x180'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];
export const PRINTER_STATES = ['unknown', 'ready', 'paper_out', 'head_open', 'paused', 'offline', 'error'] as const;
export type PrinterState = (typeof PRINTER_STATES)[number];

export interface Printer {
  id: number;
  name: string;
  language: PrinterLanguage;
  transport: 'tcp' | 'browser';
  host: string | null;
  port: number | null;
  paperSize: PaperSize;
  dpi: number;
  station: string | null;
  statusCheck: boolean;
  active: boolean;
  state: PrinterState;
  stateDetail: string | null;
  stateAt: string | null;
}

export interface PrinterStatus {
  printerId: number;
  state: string;
  detail: string | null;
  problems: string[];
  checkedAt: string;
}

export const PRINT_JOB_STATUSES = ['queued', 'sending', 'retrying', 'printed', 'ready', 'failed', 'cancelled'] as const;
export type PrintJobStatus = (typeof PRINT_JOB_STATUSES)[number];
/** The jobs that still need someone (the list's default). */
export const OPEN_JOB_STATUSES: PrintJobStatus[] = ['queued', 'sending', 'retrying', 'failed', 'ready'];

export interface PrintJob {
  id: number;
  printerId: number;
  printerName: string | null;
  kind: 'waybill' | 'test';
  parcelId: number | null;
  waybillNo: string | null;
  status: PrintJobStatus;
  attempts: number;
  problem: string | null;
  lastError: string | null;
  reprintOf: number | null;
  printedAt: string | null;
  createdAt: string | null;
}

export const canRetry = (j: PrintJob) => j.status === 'failed';
export const canCancel = (j: PrintJob) => j.status === 'queued' || j.status === 'retrying' || j.status === 'ready' || j.status === 'failed';
export const canReprint = (j: PrintJob) => j.status === 'printed' || j.status === 'failed' || j.status === 'cancelled';
export const canOpenPdf = (j: PrintJob) => j.status === 'ready';

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'plain';

export const STATE_TONE: Record<PrinterState, Tone> = {
  unknown: 'plain',
  ready: 'ok',
  paper_out: 'warn',
  head_open: 'warn',
  paused: 'warn',
  offline: 'bad',
  error: 'bad',
};

export const JOB_TONE: Record<PrintJobStatus, Tone> = {
  queued: 'info',
  sending: 'info',
  retrying: 'warn',
  printed: 'ok',
  ready: 'info',
  failed: 'bad',
  cancelled: 'plain',
};

const isState = (s: string): s is PrinterState => (PRINTER_STATES as readonly string[]).includes(s);

/** What the printer's state tells the operator to do. */
export function stateText(t: TFunction, p: Pick<Printer, 'state' | 'language' | 'transport'>): string {
  if (p.transport === 'browser') return t('pstate.browser');
  if (p.state === 'unknown' && p.language === 'pdf') return t('pstate.unknownPdf');
  return t(`pstate.${isState(p.state) ? p.state : 'error'}`);
}

const PROBLEMS = ['paper_out', 'head_open', 'paused', 'offline', 'no_answer', 'dropped', 'uncertain', 'document', 'inactive', 'error'] as const;

/** A job's problem code in words; unknown codes are shown as they are. */
export function problemText(t: TFunction, problem: string | null): string {
  if (!problem) return '';
  if ((PROBLEMS as readonly string[]).includes(problem)) return t(`pproblem.${problem}` as MessageKey);
  return t('pproblem.unknown', { code: problem });
}

/** Problems whose words say all there is: the raw message beside them would only repeat it. */
const SELF_EXPLAINED = new Set(['paper_out', 'head_open', 'paused', 'inactive']);
export const showLastError = (j: Pick<PrintJob, 'status' | 'problem' | 'lastError'>) =>
  !!j.lastError && (j.status === 'printed' || j.problem === 'document' || ((j.status === 'failed' || j.status === 'retrying') && !SELF_EXPLAINED.has(j.problem ?? '')));

/** A browser printer has no state of its own; the rest by what they last reported. */
export const printerTone = (p: Pick<Printer, 'state' | 'transport'>): Tone => (p.transport === 'browser' ? 'plain' : (STATE_TONE[p.state] ?? 'plain'));

export function isPrinterState(s: string): s is PrinterState {
  return isState(s);
}
