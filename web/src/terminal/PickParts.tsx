import type { ApiError } from '../api';
import { useI18n, type MessageKey, type TFunction } from '../i18n';
import { dismissRefusal, type OutboxEntry, type Refusal } from './outbox';
import type { ItemCodes, PickTask } from './pickApi';

/** Pieces of the picker and put-wall screens: the batch state, its progress, the outbox bar. */

const OPEN = new Set(['open', 'skipped']);
export const isOpen = (t: PickTask): boolean => OPEN.has(t.status);

/** One code scanned at the current task, not yet handed to the outbox. */
export interface Counted {
  barcode: string;
  scans: number;
  perScan: number;
}

export interface BatchRef {
  waveId: number;
  batchNo: number;
  kind: string;
  toteCode: string;
}

/** What the picker screen keeps in localStorage, so a reload or a new login lands on the same step. */
export interface PickSaved {
  v: 1;
  batch: BatchRef | null;
  /** The server's tasks with the outbox's waiting bookings applied. */
  tasks: PickTask[];
  /** The task whose location was scanned. */
  locTaskId: number | null;
  /** Item scans of the current task not yet sent. */
  counted: { taskId: number; items: Counted[] } | null;
  /** The server said every task of the batch is done. */
  finished: boolean;
  codes: Record<string, ItemCodes>;
}

export const EMPTY: PickSaved = { v: 1, batch: null, tasks: [], locTaskId: null, counted: null, finished: false, codes: {} };

const pickKey = (user: string) => `wms.terminal.pick.${user}`;

export function loadPick(user: string): PickSaved {
  try {
    const raw = localStorage.getItem(pickKey(user));
    const v = raw ? (JSON.parse(raw) as PickSaved) : null;
    return v && v.v === 1 && Array.isArray(v.tasks) ? { ...EMPTY, ...v } : EMPTY;
  } catch {
    return EMPTY;
  }
}

export function savePick(user: string, s: PickSaved): void {
  try {
    if (s.batch) localStorage.setItem(pickKey(user), JSON.stringify(s));
    else localStorage.removeItem(pickKey(user));
  } catch {
    // no storage: the step then lasts as long as the page
  }
}

export const codesKey = (t: PickTask) => `${t.skuCode}\u0001${t.skuName}\u0001${t.lotNo}`;

/** Walking order: the batch's sequence (a skipped task went to the end of it). */
export const inWalkingOrder = (tasks: PickTask[]): PickTask[] => [...tasks].sort((a, b) => a.seq - b.seq || a.id - b.id);

const belongs = (e: OutboxEntry, b: BatchRef) => e.meta.waveId === b.waveId && e.meta.batchNo === b.batchNo;
export const batchEntries = (pending: OutboxEntry[], b: BatchRef | null): OutboxEntry[] => (b ? pending.filter((e) => e.kind.startsWith('pick.') && belongs(e, b)) : []);

/**
 * The server's tasks with the bookings still in the outbox applied, the way the server will
 * apply them: what the picker sees is what will be true once everything is sent.
 */
export function rebase(server: PickTask[], pending: OutboxEntry[]): PickTask[] {
  const tasks = server.map((t) => ({ ...t }));
  for (const e of pending) {
    const t = tasks.find((x) => x.id === e.meta.taskId);
    if (!t || !isOpen(t)) continue;
    if (e.kind === 'pick.confirm') {
      const units = Number(e.meta.units ?? 0);
      t.pickedQty = Math.min(t.qty, t.pickedQty + (units > 0 ? units : 0));
      if (t.pickedQty >= t.qty) t.status = 'done';
      else if (t.status === 'skipped') t.status = 'open';
    } else if (e.kind === 'pick.skip') {
      t.status = 'skipped';
      t.seq = Math.max(...tasks.map((x) => x.seq)) + 1;
    } else if (e.kind === 'pick.short') {
      t.status = 'short';
    }
  }
  return tasks;
}

export interface BatchProgress {
  tasks: number;
  done: number;
  units: number;
  picked: number;
}

export function progressOf(tasks: PickTask[], extraUnits = 0): BatchProgress {
  return {
    tasks: tasks.length,
    done: tasks.filter((t) => !isOpen(t)).length,
    units: tasks.reduce((s, t) => s + t.qty, 0),
    picked: tasks.reduce((s, t) => s + t.pickedQty, 0) + extraUnits,
  };
}

export function ProgressBar({ p }: { p: BatchProgress }) {
  const { t } = useI18n();
  const share = p.units ? Math.round((p.picked / p.units) * 100) : 0;
  return (
    <div className="pick-progress" data-testid="pick-progress" data-tasks-done={p.done} data-tasks={p.tasks} data-units-picked={p.picked} data-units={p.units}>
      <div className="pick-progress-text">
        <span>{t('pick.progressTasks', { done: p.done, total: p.tasks })}</span>
        <span>{t('pick.progressUnits', { done: p.picked, total: p.units })}</span>
      </div>
      <div className="pick-progress-bar" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={share} aria-label={t('pick.progress')}>
        <span style={{ width: `${share}%` }} />
      </div>
    </div>
  );
}

/**
 * Scans waiting in the outbox: how many, whether the network is the reason, and a reminder
 * that nothing is lost. Always on screen while anything waits.
 */
export function OutboxBar({ pending, stalled, others }: { pending: number; stalled: boolean; others: OutboxEntry[] }) {
  const { t } = useI18n();
  const otherUsers = [...new Set(others.map((e) => e.user))];
  if (!pending && !otherUsers.length) return null;
  return (
    <div className={'pick-outbox' + (stalled ? ' is-stalled' : '')} role="status" aria-live="polite" data-testid="outbox-waiting" data-count={pending} data-stalled={stalled}>
      {pending > 0 && (
        <p>
          <span aria-hidden="true">{stalled ? '⚠ ' : '⇡ '}</span>
          {t(stalled ? 'outbox.waitingOffline' : 'outbox.sending', { n: pending })}
        </p>
      )}
      {otherUsers.length > 0 && <p className="small">{t('outbox.others', { users: otherUsers.join(', '), n: others.length })}</p>}
    </div>
  );
}

/** Bookings the server refused after they waited in the outbox: kept until read. */
export function Refusals({ list, describe }: { list: Refusal[]; describe: (r: Refusal) => string }) {
  const { t } = useI18n();
  if (!list.length) return null;
  return (
    <section className="pick-refusals" role="alert" data-testid="outbox-refused">
      <p className="pick-refusals-title">{t('outbox.refusedTitle', { n: list.length })}</p>
      <ul>
        {list.map((r) => (
          <li key={r.entry.id}>
            <span>{describe(r)}</span>
            <button type="button" className="btn btn-quiet" onClick={() => dismissRefusal(r.entry.id)} data-testid="outbox-refused-ok">
              {t('outbox.seen')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The server's refusals of picking and sorting, in the floor's words. */
const CODE_TEXT: Record<string, MessageKey> = {
  WRONG_LOCATION: 'pick.err.WRONG_LOCATION',
  WRONG_ITEM: 'pick.err.WRONG_ITEM',
  WRONG_LOT: 'pick.err.WRONG_LOT',
  QTY_ABOVE_TASK: 'pick.err.QTY_ABOVE_TASK',
  TASK_OF_ANOTHER_PICKER: 'pick.err.TASK_OF_ANOTHER_PICKER',
  TASK_DONE: 'pick.err.TASK_DONE',
  WAVE_CLOSED: 'pick.err.WAVE_CLOSED',
  NO_WORK: 'pick.err.NO_WORK',
  NOT_FOUND: 'putwall.err.NOT_FOUND',
  NOTHING_TO_SORT: 'putwall.err.NOTHING_TO_SORT',
  NOT_PICKED_YET: 'putwall.err.NOT_PICKED_YET',
  SCAN_UNITS: 'putwall.err.SCAN_UNITS',
  NOT_A_SORT_BATCH: 'putwall.err.NOT_A_SORT_BATCH',
  NETWORK_ERROR: 'error.network',
};

/** Title in the UI language; the server's own sentence (which names codes) as the detail line. */
export function refusalText(t: TFunction, e: Pick<ApiError, 'code' | 'message'>, context?: 'putwall'): { title: string; lines: string[] } {
  let key = CODE_TEXT[e.code];
  if (context === 'putwall' && e.code === 'WRONG_ITEM') key = 'putwall.err.WRONG_ITEM';
  if (!key) return { title: e.message, lines: [] };
  return { title: t(key), lines: e.code === 'NETWORK_ERROR' || e.message === e.code ? [] : [e.message] };
}
