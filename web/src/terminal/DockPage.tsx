import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from '../api';
import { useI18n } from '../i18n';
import { ScanField, useScanInput } from './useScanInput';
import { normalizeCode, type Entry } from './scanTiming';
import { Flash, ResultPanel, useErrorText, useResult } from './parts';
import { enqueue, isStalled, pendingEntries, useOutbox, type OutboxEvent } from './outbox';
import { OutboxBar, Refusals } from './PickParts';
import { closeManifest, DOCK_SCAN, getManifest, kg, listManifests, manifestErrorText, manifestFile, refusalHeadline, splitLane, type DockAnswer, type Manifest } from './dockApi';

/**
 * The dock: each packed parcel's waybill is scanned as it goes out, and the answer is its lane
 * (the carrier's cage; for the local carrier the township route), as large as the screen allows,
 * with the running count of the carrier's manifest. A parcel that must not go (cancelled order,
 * voided waybill, scanned twice, not ours) turns the screen red, with the error buzz and what to
 * do with it in words.
 *
 * Scans go through the outbox: with no network a scan waits there (the parcel goes on the hold
 * shelf) and is sent when the network is back; its lane then appears in the "sent after" list,
 * and a refusal after the wait is kept until read. Nothing is dropped silently.
 */

type Answer = { kind: 'ok'; a: DockAnswer } | { kind: 'refused'; code: string; waybillNo: string; title: string; message: string };

/** The answer to a scan that waited in the outbox: its lane, or why it was refused. */
interface Late {
  id: string;
  waybillNo: string;
  lane?: string;
  refusal?: string;
}

const isToday = (iso: string | null) => !!iso && new Date(iso).toDateString() === new Date().toDateString();

export function DockPage() {
  const { t } = useI18n();
  const res = useResult();
  const errorOf = useErrorText();
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [late, setLate] = useState<Late[]>([]);
  const [open, setOpen] = useState<Manifest[] | null>(null);
  const [closedToday, setClosedToday] = useState<Manifest[]>([]);
  const [listError, setListError] = useState(false);
  const [confirm, setConfirm] = useState<Manifest | null>(null);
  const [busy, setBusy] = useState(false);
  const openRef = useRef<Manifest[] | null>(null);
  openRef.current = open;

  const loadManifests = useCallback(async () => {
    try {
      const [o, c] = await Promise.all([listManifests({ status: 'open', limit: 50 }), listManifests({ status: 'closed', limit: 50 })]);
      // The list gives an open manifest's count as 0 (counts are frozen at closing); each
      // open one (one per carrier) is read with its parcels for the running count.
      const live = await Promise.all(o.items.map((m) => getManifest(m.id).catch(() => m)));
      setOpen(live.map((m) => ({ ...m, parcels: undefined })));
      setClosedToday(c.items.filter((m) => isToday(m.closedAt)));
      setListError(false);
    } catch {
      setListError(true);
    }
  }, []);
  useEffect(() => {
    void loadManifests();
  }, [loadManifests]);

  /** The running totals of the answer's manifest, without a round trip (a new manifest: reloaded). */
  const applyTotals = (a: DockAnswer) => {
    const list = openRef.current;
    if (!list || !list.some((m) => m.id === a.manifestId)) return void loadManifests();
    setOpen(list.map((m) => (m.id === a.manifestId ? { ...m, parcelCount: a.parcelCount, totalWeightG: a.totalWeightG } : m)));
  };

  // Scans made while the outbox was stuck: their parcels went on the hold shelf, so their
  // answers belong in the "sent after" list, not in the big answer of the parcel in hand.
  const held = useRef(new Set<string>());
  const onEvent = (e: OutboxEvent) => {
    if (e.entry.kind !== 'dock.scan') return;
    const waybillNo = String(e.entry.meta.waybillNo ?? '');
    const waited = e.entry.attempts > 0 || !!e.entry.meta.held || held.current.has(e.entry.id);
    if (e.type === 'stalled') {
      for (const p of pendingEntries()) if (p.kind === 'dock.scan') held.current.add(p.id);
      if (e.entry.attempts === 1) {
        setAnswer(null);
        res.network(t('dock.queued', { waybill: waybillNo }), [t('dock.queuedHint')]);
      }
      return;
    }
    held.current.delete(e.entry.id);
    if (e.type === 'refused') {
      const title = manifestErrorText(t, e.error.code) ?? errorOf(e.error).title;
      if (waited) {
        // one that had failed to send is kept in the outbox's refusals; the others here
        if (e.entry.attempts === 0) setLate((prev) => [...prev, { id: e.entry.id, waybillNo, refusal: `${refusalHeadline(t, e.error.code)} — ${title}` }]);
        return void res.fail(t('dock.refusedTitle', { what: waybillNo }), t('dock.expectWaybill'));
      }
      setAnswer({ kind: 'refused', code: e.error.code, waybillNo, title, message: e.error.message });
      return void res.fail(refusalHeadline(t, e.error.code), t('dock.expectWaybill'));
    }
    const a = e.response as DockAnswer;
    applyTotals(a);
    if (waited) {
      setLate((prev) => [...prev, { id: e.entry.id, waybillNo: a.waybillNo, lane: a.lane }]);
      return void res.info(t('dock.sorted', { waybill: a.waybillNo, lane: a.lane }));
    }
    setAnswer({ kind: 'ok', a });
    res.ok(t('dock.sorted', { waybill: a.waybillNo, lane: a.lane }), [
      t('dock.onManifest', { no: a.manifestNo, n: a.parcelCount, kg: kg(a.totalWeightG) }),
      ...(a.manifestOpened ? [t('dock.newManifest')] : []),
    ]);
  };
  const outbox = useOutbox(onEvent);
  const waiting = outbox.pending.filter((e) => e.kind === 'dock.scan');

  const onEntry = (entry: Entry) => {
    const v = normalizeCode(entry.value);
    if (!v) return res.info(t('term.dockPrompt'));
    setConfirm(null);
    const stuck = isStalled();
    const queued = enqueue('dock.scan', DOCK_SCAN, { waybillNo: v }, { waybillNo: v, held: stuck });
    if (stuck) {
      held.current.add(queued.id);
      setAnswer(null);
      res.network(t('dock.queued', { waybill: v }), [t('dock.queuedHint')]);
    }
  };
  const scan = useScanInput(onEntry, { busy });

  const doClose = async (m: Manifest) => {
    setBusy(true);
    try {
      const closed = await closeManifest(m.id);
      setConfirm(null);
      setAnswer(null);
      res.ok(t('dock.closed', { no: closed.manifestNo, n: closed.parcelCount }), [t('dock.closedHint')]);
      await loadManifests();
    } catch (e) {
      const code = e instanceof ApiError ? e.code : '';
      const known = manifestErrorText(t, code);
      // in the floor's words, with the server's details (the waybills to take off) as lines
      res.fail(known && e instanceof ApiError ? new ApiError(e.status, e.code, known, e.details) : e);
      if (code === 'MANIFEST_CLOSED') await loadManifests();
    } finally {
      setBusy(false);
      scan.focus();
    }
  };

  const openSheet = async (m: Manifest) => {
    try {
      const { blob } = await manifestFile(m, 'pdf');
      const url = URL.createObjectURL(blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' }));
      if (!window.open(url, '_blank')) res.info(t('label.blocked'));
      else res.info(t('dock.sheetOpened', { no: m.manifestNo }));
      setTimeout(() => URL.revokeObjectURL(url), 120_000);
    } catch (e) {
      res.fail(e);
    } finally {
      scan.focus();
    }
  };

  const refused = answer?.kind === 'refused';
  return (
    <div className={'term-screen dock-screen' + (refused || res.result?.tone === 'error' ? ' is-error' : '')} data-testid="term-dock-screen">
      <Flash result={res.result} />
      <OutboxBar pending={outbox.pending.length} stalled={outbox.stalled} others={outbox.others} />
      {answer?.kind === 'ok' && (
        <section className="dock-answer is-ok" data-testid="dock-answer" data-tone="ok" data-waybill={answer.a.waybillNo}>
          <span className="dock-answer-label">{t('dock.lane')}</span>
          <span className="dock-lane" data-testid="dock-lane">
            {splitLane(answer.a.lane).cage}
          </span>
          {splitLane(answer.a.lane).route && (
            <span className="dock-route" data-testid="dock-route">
              {splitLane(answer.a.lane).route}
            </span>
          )}
          <span className="dock-count" data-testid="dock-count" data-count={answer.a.parcelCount}>
            {t('dock.onManifest', { no: answer.a.manifestNo, n: answer.a.parcelCount, kg: kg(answer.a.totalWeightG) })}
          </span>
          <span className="dock-waybill mono">{answer.a.waybillNo}</span>
        </section>
      )}
      {answer?.kind === 'refused' && (
        <section className="dock-answer is-refused" role="alert" data-testid="dock-answer" data-tone="refused" data-code={answer.code} data-waybill={answer.waybillNo}>
          <span className="dock-refusal" data-testid="dock-refusal">
            ✕ {refusalHeadline(t, answer.code)}
          </span>
          <span className="dock-reason" data-testid="dock-reason">
            {answer.title}
          </span>
          <span className="dock-waybill mono">{answer.waybillNo}</span>
          {answer.message !== answer.title && <span className="dock-detail">{answer.message}</span>}
        </section>
      )}
      {waiting.length > 0 && (
        <section className="dock-waiting" data-testid="dock-waiting" data-count={waiting.length}>
          <p className="dock-list-title">{t('dock.waitingTitle', { n: waiting.length })}</p>
          <ul>
            {waiting.map((w) => (
              <li key={w.id} className="mono">
                {String(w.meta.waybillNo ?? '')}
              </li>
            ))}
          </ul>
        </section>
      )}
      <ScanField scan={scan} label={t('term.dockPrompt')} />
      <ResultPanel result={res.result} />
      {late.length > 0 && (
        <section className="dock-late" data-testid="dock-late">
          <p className="dock-list-title">{t('dock.lateTitle')}</p>
          <ul>
            {late.map((l) => (
              <li key={l.id} className={l.refusal ? 'is-refused' : ''} data-testid={`dock-late-${l.waybillNo}`} data-refused={!!l.refusal}>
                <span>{l.refusal ? `${l.waybillNo}: ${l.refusal}` : t('dock.lateOne', { waybill: l.waybillNo, lane: l.lane ?? '' })}</span>
                <button type="button" className="btn btn-quiet" onClick={() => setLate((prev) => prev.filter((x) => x.id !== l.id))}>
                  {t('dock.lateDone')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <Refusals
        list={outbox.refused.filter((r) => r.entry.kind === 'dock.scan')}
        describe={(r) => `${String(r.entry.meta.waybillNo ?? '')}: ${refusalHeadline(t, r.code)} — ${manifestErrorText(t, r.code) ?? r.message}`}
      />

      <section className="dock-manifests" aria-labelledby="dock-manifests-title">
        <div className="dock-manifests-head">
          <h2 id="dock-manifests-title" className="dock-list-title">
            {t('dock.manifests')}
          </h2>
          <button type="button" className="btn btn-quiet" onClick={() => void loadManifests()} data-testid="dock-refresh">
            {t('dock.refresh')}
          </button>
        </div>
        {listError && (
          <p className="alert alert-error" role="alert">
            {t('dock.loadFailed')}
          </p>
        )}
        {open && !open.length && <p className="muted">{t('dock.noOpen')}</p>}
        <ul className="dock-manifest-list" data-testid="dock-manifests">
          {(open ?? []).map((m) => (
            <li key={m.id} className="dock-manifest" data-testid={`dock-manifest-${m.manifestNo}`} data-count={m.parcelCount}>
              <div className="dock-manifest-main">
                <strong>{m.carrierName ?? m.carrierCode}</strong>
                <span className="mono small">{m.manifestNo}</span>
                <span data-testid="dock-manifest-count">{t('dock.count', { n: m.parcelCount, kg: kg(m.totalWeightG) })}</span>
              </div>
              <div className="dock-manifest-actions">
                <button type="button" className="btn" onClick={() => void openSheet(m)} data-testid="dock-sheet">
                  {t('dock.sheet')}
                </button>
                <button type="button" className="btn btn-primary" onClick={() => setConfirm(m)} disabled={busy || !m.parcelCount} data-testid="dock-close">
                  {t('dock.close', { n: m.parcelCount })}
                </button>
              </div>
              {confirm?.id === m.id && (
                <div className="dock-confirm" role="group" aria-label={t('dock.closeAsk', { no: m.manifestNo, carrier: m.carrierName ?? '' })} data-testid="dock-close-confirm">
                  <p className="dock-confirm-ask">{t('dock.closeAsk', { no: m.manifestNo, carrier: m.carrierName ?? m.carrierCode ?? '' })}</p>
                  <p>{t('dock.closeCount', { n: m.parcelCount, kg: kg(m.totalWeightG) })}</p>
                  <div className="term-actions">
                    <button type="button" className="btn btn-primary btn-big" onClick={() => void doClose(m)} disabled={busy} data-testid="dock-close-yes">
                      {t('dock.closeYes', { n: m.parcelCount })}
                    </button>
                    <button type="button" className="btn btn-big" onClick={() => (setConfirm(null), scan.focus())} disabled={busy} data-testid="dock-close-no">
                      {t('dock.closeNo')}
                    </button>
                  </div>
                </div>
              )}
            </li>
          ))}
        </ul>
        {closedToday.length > 0 && (
          <>
            <h2 className="dock-list-title">{t('dock.closedToday')}</h2>
            <ul className="dock-manifest-list" data-testid="dock-closed">
              {closedToday.map((m) => (
                <li key={m.id} className="dock-manifest is-closed" data-testid={`dock-closed-${m.manifestNo}`}>
                  <div className="dock-manifest-main">
                    <strong>{m.carrierName ?? m.carrierCode}</strong>
                    <span className="mono small">{m.manifestNo}</span>
                    <span>{t('dock.count', { n: m.parcelCount, kg: kg(m.totalWeightG) })}</span>
                  </div>
                  <div className="dock-manifest-actions">
                    <button type="button" className="btn" onClick={() => void openSheet(m)} data-testid="dock-sheet">
                      {t('dock.sheet')}
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          </>
        )}
      </section>
    </div>
  );
}
