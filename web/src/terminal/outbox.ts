import { useEffect, useRef, useSyncExternalStore } from 'react';
import { api, ApiError } from '../api';
import { getToken, getUser } from '../session';
import { newKey } from './termApi';

/**
 * The terminal's outbox: bookings (pick confirmations, put-wall scans, dock scans) are written to
 * localStorage first and sent from there, in order, one at a time. A scan made while the
 * network is down stays here until `online` fires or the retry timer finds the server again;
 * each entry carries its own Idempotency-Key, so sending it again after a lost answer books it
 * once. Nothing is ever dropped silently: an answer that refuses an entry is kept in a list of
 * refusals until someone on the floor has read it.
 *
 * Entries belong to the user who scanned them and are only sent with that user's session
 * (another picker's scans must not be booked in someone else's name).
 */

const QUEUE_KEY = 'wms.terminal.outbox';
const REFUSED_KEY = 'wms.terminal.outbox.refused';
const RETRY_MS = 4000;

export type OutboxKind = 'pick.confirm' | 'pick.skip' | 'pick.short' | 'putwall.scan' | 'dock.scan';

export interface OutboxEntry {
  /** Also the Idempotency-Key. */
  id: string;
  user: string;
  kind: OutboxKind;
  path: string;
  body: unknown;
  /** What the screen needs to make sense of the answer (task, batch, barcode, units). */
  meta: Record<string, string | number | boolean | null>;
  queuedAt: number;
  attempts: number;
  /** Why the last attempt did not get through (a network error, a server error). */
  lastError?: string;
}

export interface Refusal {
  entry: OutboxEntry;
  code: string;
  message: string;
  at: number;
}

export type OutboxEvent =
  | { type: 'sent'; entry: OutboxEntry; response: unknown }
  | { type: 'refused'; entry: OutboxEntry; error: ApiError }
  | { type: 'stalled'; entry: OutboxEntry; error: ApiError };

function readList<T>(key: string): T[] {
  try {
    const raw = localStorage.getItem(key);
    const v = raw ? (JSON.parse(raw) as unknown) : [];
    return Array.isArray(v) ? (v as T[]) : [];
  } catch {
    return [];
  }
}

function writeList<T>(key: string, list: T[]): void {
  try {
    if (list.length) localStorage.setItem(key, JSON.stringify(list));
    else localStorage.removeItem(key);
  } catch {
    // storage full or unavailable: the in-memory copy below still holds the entries for this page
  }
}

let memQueue: OutboxEntry[] | null = null;
let memRefused: Refusal[] | null = null;
const queue = (): OutboxEntry[] => (memQueue ??= readList<OutboxEntry>(QUEUE_KEY));
const refusedList = (): Refusal[] => (memRefused ??= readList<Refusal>(REFUSED_KEY));

function saveQueue(list: OutboxEntry[]): void {
  memQueue = list;
  writeList(QUEUE_KEY, list);
  changed();
}

function saveRefused(list: Refusal[]): void {
  memRefused = list;
  writeList(REFUSED_KEY, list);
  changed();
}

const listeners = new Set<() => void>();
const eventListeners = new Set<(e: OutboxEvent) => void>();
let version = 0;
function changed(): void {
  version++;
  for (const l of listeners) l();
}
function emit(e: OutboxEvent): void {
  for (const l of eventListeners) l(e);
}

const me = (): string => getUser()?.username ?? '';

/** The waiting entries of the user logged in now, oldest first. */
export function pendingEntries(user = me()): OutboxEntry[] {
  return queue().filter((e) => e.user === user);
}

/** Entries another user left on this device (sent when they log in again). */
export function othersPending(user = me()): OutboxEntry[] {
  return queue().filter((e) => e.user !== user);
}

export function refusals(user = me()): Refusal[] {
  return refusedList().filter((r) => r.entry.user === user);
}

export function dismissRefusal(id: string): void {
  saveRefused(refusedList().filter((r) => r.entry.id !== id));
}

/** Puts a booking in the outbox and starts sending it; returns the entry. */
export function enqueue(kind: OutboxKind, path: string, body: unknown, meta: OutboxEntry['meta'] = {}): OutboxEntry {
  const entry: OutboxEntry = { id: newKey(), user: me(), kind, path, body, meta, queuedAt: Date.now(), attempts: 0 };
  saveQueue([...queue(), entry]);
  void flush();
  return entry;
}

/** A 5xx, a request still running under the same key, or a session that ended: try again later. */
function worthRetrying(e: ApiError): boolean {
  return e.status === 0 || e.status >= 500 || e.status === 401 || e.code === 'IDEMPOTENCY_IN_PROGRESS' || e.code === 'IDEMPOTENCY_RETRY' || e.code === 'RATE_LIMITED';
}

let flushing: Promise<void> | null = null;
let stalled = false;

/**
 * Sends the current user's entries in order. Stops at the first one that cannot get through
 * (the next ones wait behind it: a skip must not overtake the confirmation before it).
 */
export function flush(): Promise<void> {
  if (flushing) return flushing;
  flushing = (async () => {
    // First a tick: `flushing` must be set before the `finally` below can clear it.
    await Promise.resolve();
    try {
      for (;;) {
        const user = me();
        if (!user || !getToken()) return;
        const entry = queue().find((e) => e.user === user);
        if (!entry) {
          stalled = false;
          return;
        }
        try {
          const response = await api<unknown>(entry.path, { method: 'POST', body: entry.body, idempotencyKey: entry.id });
          stalled = false;
          saveQueue(queue().filter((e) => e.id !== entry.id));
          emit({ type: 'sent', entry, response });
        } catch (err) {
          const e = err instanceof ApiError ? err : new ApiError(0, 'NETWORK_ERROR', String((err as Error)?.message ?? err));
          if (worthRetrying(e)) {
            const updated = { ...entry, attempts: entry.attempts + 1, lastError: e.code };
            stalled = true;
            saveQueue(queue().map((x) => (x.id === entry.id ? updated : x)));
            emit({ type: 'stalled', entry: updated, error: e });
            return;
          }
          saveQueue(queue().filter((x) => x.id !== entry.id));
          // A refusal answered at once is shown by the screen that scanned it; one that comes
          // after a wait (or with no screen listening) is kept until someone has read it.
          if (entry.attempts > 0 || eventListeners.size === 0) saveRefused([...refusedList(), { entry, code: e.code, message: e.message, at: Date.now() }]);
          emit({ type: 'refused', entry, error: e });
        }
      }
    } finally {
      flushing = null;
    }
  })();
  return flushing;
}

/** True while the last attempt to send failed and entries are waiting. */
export const isStalled = (): boolean => stalled && pendingEntries().length > 0;

/** Waits until the user's outbox is empty (true) or sending stalls (false). */
export async function drain(): Promise<boolean> {
  await flush();
  return pendingEntries().length === 0;
}

// Sending restarts when the browser says the network is back, and on a timer (a Wi-Fi that
// comes back does not always fire `online`). Started by the first screen that uses the outbox.
let started = false;
function start(): void {
  if (started || typeof window === 'undefined') return;
  started = true;
  window.addEventListener('online', () => void flush());
  window.addEventListener('storage', (e) => {
    if (e.key === QUEUE_KEY) memQueue = null;
    if (e.key === REFUSED_KEY) memRefused = null;
    if (e.key === QUEUE_KEY || e.key === REFUSED_KEY) changed();
  });
  setInterval(() => {
    if (pendingEntries().length) void flush();
  }, RETRY_MS);
}

function subscribe(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/**
 * The outbox as a screen sees it: the waiting entries of this user, the refusals not yet read,
 * and every answer as it arrives (`onEvent`).
 */
export function useOutbox(onEvent?: (e: OutboxEvent) => void) {
  useSyncExternalStore(subscribe, () => version, () => version);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    start();
    const l = (e: OutboxEvent) => handler.current?.(e);
    eventListeners.add(l);
    void flush();
    return () => {
      eventListeners.delete(l);
    };
  }, []);
  return { pending: pendingEntries(), others: othersPending(), refused: refusals(), stalled: isStalled() };
}
