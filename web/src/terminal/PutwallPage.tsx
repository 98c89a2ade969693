import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api';
import { useI18n } from '../i18n';
import { getUser } from '../session';
import { ScanField, useScanInput } from './useScanInput';
import { normalizeCode, sameCode, type Entry } from './scanTiming';
import { Flash, isNetworkError, ResultPanel, useResult } from './parts';
import { enqueue, useOutbox, type OutboxEvent } from './outbox';
import { getTote, PUTWALL_SCAN, type SlotAnswer, type Tote } from './pickApi';
import { OutboxBar, refusalText, Refusals } from './PickParts';

/**
 * The put-wall: scan the tote of a picked multi-unit batch, then take its units out one by
 * one; each scan answers the slot of the order it belongs to, shown as large as the screen
 * allows. A slot with all its units is ready to pack (green). The scan is booked through the
 * outbox: with no network it waits there — and the next scan is refused until it is answered,
 * because the slot of the unit in hand is what the operator needs to know.
 */

interface PutwallSaved {
  v: 1;
  tote: Tote | null;
  last: SlotAnswer | null;
}

const EMPTY: PutwallSaved = { v: 1, tote: null, last: null };
const storeKey = (user: string) => `wms.terminal.putwall.${user}`;

function load(user: string): PutwallSaved {
  try {
    const raw = localStorage.getItem(storeKey(user));
    const v = raw ? (JSON.parse(raw) as PutwallSaved) : null;
    return v && v.v === 1 ? v : EMPTY;
  } catch {
    return EMPTY;
  }
}

function save(user: string, s: PutwallSaved): void {
  try {
    if (s.tote) localStorage.setItem(storeKey(user), JSON.stringify(s));
    else localStorage.removeItem(storeKey(user));
  } catch {
    // the step then lasts as long as the page
  }
}

const slotState = (o: Tote['orders'][number]): 'ready' | 'packed' | 'sorting' | 'waiting' =>
  o.packed ? 'packed' : o.readyToPack || (o.units > 0 && o.sortedUnits >= o.units) ? 'ready' : o.sortedUnits > 0 ? 'sorting' : 'waiting';

export function PutwallPage() {
  const { t } = useI18n();
  const res = useResult();
  const user = getUser()?.username ?? '';
  const [s, setS] = useState<PutwallSaved>(() => load(user));
  const sRef = useRef(s);
  const update = (f: (prev: PutwallSaved) => PutwallSaved) =>
    setS((prev) => {
      const next = f(prev);
      sRef.current = next;
      return next;
    });
  useEffect(() => save(user, s), [user, s]);
  const [busy, setBusy] = useState(false);

  const onEvent = (e: OutboxEvent) => {
    if (e.entry.kind !== 'putwall.scan' || e.type === 'stalled') return;
    if (e.type === 'refused') {
      const txt = refusalText(t, e.error, 'putwall');
      update((prev) => ({ ...prev, last: null }));
      return res.fail(txt.title, t('putwall.expectItem'));
    }
    const a = e.response as SlotAnswer;
    update((prev) => ({
      ...prev,
      last: a,
      tote: prev.tote && {
        ...prev.tote,
        orders: prev.tote.orders.map((o) => (o.orderId === a.orderId ? { ...o, sortedUnits: a.sortedUnits, readyToPack: a.readyToPack || (a.slotComplete && o.status === 'picked') } : o)),
      },
    }));
    if (a.slotComplete) res.ok(t('putwall.slotComplete', { slot: a.slotNo }), [t('putwall.readyToPack', { order: a.externalId })]);
    else res.ok(t('putwall.putIn', { slot: a.slotNo }), [t('putwall.sorted', { n: a.sortedUnits, of: a.units, order: a.externalId })]);
  };
  const outbox = useOutbox(onEvent);
  const waiting = outbox.pending.filter((e) => e.kind === 'putwall.scan');

  const openTote = (code: string) =>
    (async () => {
      setBusy(true);
      try {
        const tote = await getTote(code);
        if (tote.kind !== 'multi') {
          return res.fail(t('putwall.singleTote', { code: tote.toteCode }), t('putwall.expectMultiTote'));
        }
        update(() => ({ v: 1, tote, last: null }));
        const left = tote.orders.filter((o) => slotState(o) === 'waiting' || slotState(o) === 'sorting').length;
        res.ok(t('putwall.toteOpen', { code: tote.toteCode, n: tote.orders.length }), [left ? t('putwall.promptItem') : t('putwall.allSorted')]);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'NOT_FOUND') return res.fail(t('putwall.noTote', { code }), t('putwall.expectTote'));
        if (isNetworkError(e)) return res.network(t('putwall.toteOffline'), [t('putwall.toteOfflineHint')]);
        res.fail(e, t('putwall.expectTote'));
      } finally {
        setBusy(false);
      }
    })();

  // Back on this screen: the tote's slots as the server has them now.
  useEffect(() => {
    const tote = s.tote;
    if (!tote) return;
    getTote(tote.toteCode)
      .then((fresh) => update((prev) => (prev.tote?.toteCode === fresh.toteCode ? { ...prev, tote: fresh } : prev)))
      .catch(() => undefined);
  }, []);

  const onEntry = (entry: Entry) => {
    const v = normalizeCode(entry.value);
    const tote = sRef.current.tote;
    if (!tote) {
      if (!v) return res.fail(t('putwall.promptTote'), t('putwall.expectTote'));
      return void openTote(v);
    }
    if (!v) return res.info(t('putwall.promptItem'));
    if (sameCode(v, tote.toteCode)) return res.info(t('putwall.toteOpen', { code: tote.toteCode, n: tote.orders.length }), [t('putwall.promptItem')]);
    if (/^TOTE-/i.test(v)) return void openTote(v);
    if (waiting.length) return res.fail(t('putwall.waitLast'), t('putwall.expectNetwork'));
    enqueue('putwall.scan', PUTWALL_SCAN, { waveId: tote.waveId, batchNo: tote.batchNo, barcode: v }, { waveId: tote.waveId, batchNo: tote.batchNo, barcode: v });
    update((prev) => ({ ...prev, last: null }));
  };

  const scan = useScanInput(onEntry, { busy });
  const tote = s.tote;
  const last = s.last;
  const lastOrder = last && tote?.orders.find((o) => o.orderId === last.orderId);
  const ready = tote ? tote.orders.filter((o) => ['ready', 'packed'].includes(slotState(o))).length : 0;
  const prompt = !tote ? t('putwall.promptTote') : waiting.length ? t('putwall.promptWait') : t('putwall.promptItem');

  return (
    <div className={'term-screen putwall-screen' + (res.result?.tone === 'error' ? ' is-error' : '')} data-testid="term-putwall">
      <Flash result={res.result} />
      <OutboxBar pending={outbox.pending.length} stalled={outbox.stalled} others={outbox.others} />
      {tote && (
        <div className="term-context">
          <span className="term-context-label">{t('pick.tote')}</span>
          <span className="term-context-main">
            <strong className="term-context-value" data-testid="putwall-tote">
              {tote.toteCode}
            </strong>
            <span className="term-context-sub">{t('putwall.toteLine', { wave: tote.waveId, batch: tote.batchNo, ready, n: tote.orders.length })}</span>
          </span>
          <button type="button" className="btn btn-quiet term-context-change" onClick={() => (update(() => EMPTY), res.clear())} data-testid="putwall-change">
            {t('term.change')}
          </button>
        </div>
      )}
      {waiting.length > 0 && (
        <section className="putwall-waiting" data-testid="putwall-waiting">
          <p className="term-done-title">{t(outbox.stalled ? 'putwall.waitingOffline' : 'putwall.checking', { code: String(waiting[0].meta.barcode ?? '') })}</p>
        </section>
      )}
      {last && !waiting.length && (
        <section className={'putwall-slot' + (last.slotComplete ? ' is-ready' : '')} data-testid="putwall-result" data-slot={last.slotNo} data-ready={last.slotComplete}>
          <span className="putwall-slot-label">{t('putwall.slot')}</span>
          <span className="putwall-slot-no" data-testid="putwall-slot">
            {last.slotNo}
          </span>
          <span className="putwall-slot-count" data-testid="putwall-slot-count">
            {t('putwall.sorted', { n: last.sortedUnits, of: last.units, order: last.externalId })}
          </span>
          {last.slotComplete && (
            <span className="putwall-ready" data-testid="putwall-ready">
              ✓ {t('putwall.readyShort')}
            </span>
          )}
          {!last.slotComplete && lastOrder && <span className="sr-only">{lastOrder.externalId}</span>}
        </section>
      )}
      <ScanField scan={scan} label={prompt} />
      <ResultPanel result={res.result} />
      <Refusals list={outbox.refused} describe={(r) => `${refusalText(t, r, r.entry.kind === 'putwall.scan' ? 'putwall' : undefined).title} — ${r.message}`} />
      {tote && (
        <section className="putwall-slots" aria-label={t('putwall.slots')}>
          <h2 className="putwall-slots-title">{t('putwall.slots')}</h2>
          <ul data-testid="putwall-slots">
            {tote.orders.map((o) => {
              const st = slotState(o);
              return (
                <li key={o.orderId} className={`putwall-slot-row is-${st}` + (last?.orderId === o.orderId ? ' is-last' : '')} data-testid={`putwall-row-${o.slotNo ?? 'none'}`} data-state={st}>
                  <span className="putwall-row-no">{o.slotNo ?? '—'}</span>
                  <span className="putwall-row-order">{o.externalId}</span>
                  <span className="putwall-row-count">
                    {o.sortedUnits}/{o.units}
                  </span>
                  <span className="putwall-row-state">{t(`putwall.state.${st}`)}</span>
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </div>
  );
}
