import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api';
import { useI18n } from '../i18n';
import { getUser } from '../session';
import { ScanField, useScanInput } from './useScanInput';
import { normalizeCode, sameCode, typedQuantity, type Entry } from './scanTiming';
import { Big, Flash, isNetworkError, ResultPanel, useResult } from './parts';
import { enqueue, pendingEntries, useOutbox, type OutboxEntry, type OutboxEvent } from './outbox';
import { batchTasks, claimBatch, confirmPath, itemCodes, judgeScan, shortPath, skipPath, type Confirmed, type ItemCodes, type PickTask } from './pickApi';
import { batchEntries, codesKey, EMPTY, inWalkingOrder, isOpen, loadPick, OutboxBar, progressOf, ProgressBar, rebase, refusalText, Refusals, savePick, type Counted, type PickSaved } from './PickParts';

/**
 * The picker: claim a batch, then one task per screen in walking order — the location very
 * large, scan it; the item, its lot and how many, scan each unit (a case counts its case).
 * Scans are judged on the spot against the task's codes and counted here; when the count is
 * reached (or Enter confirms a part) the confirmation goes to the outbox, which books it on
 * the server with its Idempotency-Key, now or when the network is back. The step in progress
 * lives in localStorage, so a reload or a new login lands on it again.
 */

export function PickPage() {
  const { t } = useI18n();
  const res = useResult();
  const user = getUser()?.username ?? '';
  const [s, setS] = useState<PickSaved>(() => loadPick(user));
  const sRef = useRef(s);
  const update = (f: (prev: PickSaved) => PickSaved) =>
    setS((prev) => {
      const next = f(prev);
      sRef.current = next;
      return next;
    });
  useEffect(() => savePick(user, s), [user, s]);
  const [busy, setBusy] = useState(false);
  const [askShort, setAskShort] = useState(false);
  /** Answers received so far: a task list fetched while one arrived is stale. */
  const answers = useRef(0);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } finally {
      setBusy(false);
    }
  };

  /** The server's task list with the waiting bookings applied; offline, the local list stays. */
  const resync = async (): Promise<void> => {
    const batch = sRef.current.batch;
    if (!batch) return;
    for (let attempt = 0; attempt < 3; attempt++) {
      const seen = answers.current;
      let server: PickTask[];
      try {
        server = await batchTasks(batch.waveId, batch.batchNo);
      } catch {
        return;
      }
      if (answers.current !== seen) continue;
      const pending = batchEntries(pendingEntries(), batch);
      const tasks = rebase(server, pending);
      const finished = !pending.length && server.length > 0 && !server.some(isOpen);
      update((prev) => {
        if (!prev.batch || prev.batch.waveId !== batch.waveId || prev.batch.batchNo !== batch.batchNo) return prev;
        const current = inWalkingOrder(tasks).find(isOpen);
        return {
          ...prev,
          tasks,
          finished,
          locTaskId: current && prev.locTaskId === current.id ? prev.locTaskId : null,
          counted: current && prev.counted?.taskId === current.id ? prev.counted : null,
        };
      });
      return;
    }
  };

  const onEvent = (e: OutboxEvent) => {
    if (!e.entry.kind.startsWith('pick.') || e.type === 'stalled') return;
    answers.current++;
    const batch = sRef.current.batch;
    const mine = !!batch && e.entry.meta.waveId === batch.waveId && e.entry.meta.batchNo === batch.batchNo;
    if (e.type === 'refused') {
      const txt = refusalText(t, e.error);
      res.fail(t('outbox.refusedOne', { what: txt.title }), e.entry.meta.expected ? String(e.entry.meta.expected) : undefined);
      if (mine) void resync();
      return;
    }
    if (!mine) return;
    if (e.entry.kind === 'pick.confirm' && e.entry.meta.units === null) {
      const r = e.response as Confirmed;
      res.ok(t('pick.counted', { n: r.task.pickedQty, of: r.task.qty }), [r.task.skuName]);
      void resync();
    } else if (e.entry.kind === 'pick.short') void resync();
  };

  const outbox = useOutbox(onEvent);
  const pendingBatch = batchEntries(outbox.pending, s.batch);

  const ordered = inWalkingOrder(s.tasks);
  const open = ordered.filter(isOpen);
  const task = open[0] ?? null;
  const next = open[1] ?? null;
  const counted: Counted[] = task && s.counted?.taskId === task.id ? s.counted.items : [];
  const countedUnits = counted.reduce((n, c) => n + c.scans * c.perScan, 0);
  const remaining = task ? task.qty - task.pickedQty : 0;
  const atItem = !!task && s.locTaskId === task.id;
  const checking = !!task && pendingBatch.some((e) => e.meta.taskId === task.id && e.meta.units === null);
  const done = !!s.batch && !task;

  // The item's codes are fetched while the picker walks to its location (and the next one's).
  const loading = useRef(new Map<string, Promise<ItemCodes | null>>());
  const loadCodes = (tk: PickTask): Promise<ItemCodes | null> => {
    const k = codesKey(tk);
    const have = sRef.current.codes[k];
    if (have) return Promise.resolve(have);
    let p = loading.current.get(k);
    if (!p) {
      p = itemCodes(tk)
        .then((c) => {
          if (c) update((prev) => ({ ...prev, codes: { ...prev.codes, [k]: c } }));
          return c;
        })
        .catch(() => null)
        .finally(() => loading.current.delete(k));
      loading.current.set(k, p);
    }
    return p;
  };
  useEffect(() => {
    if (task) void loadCodes(task);
    if (next) void loadCodes(next);
  }, [task?.id, next?.id]);

  // Back on this screen (reload, login after the session ended): the server's view, once.
  useEffect(() => {
    if (s.batch) void resync();
  }, []);
  // Every task done here and nothing waiting: ask the server whether the batch is finished.
  useEffect(() => {
    if (done && !s.finished && !pendingBatch.length) void resync();
  }, [done, s.finished, pendingBatch.length]);

  const claim = (waveId?: number) =>
    run(async () => {
      try {
        const c = await claimBatch(waveId);
        const batch = { waveId: c.waveId, batchNo: c.batchNo, kind: c.kind, toteCode: c.tasks[0]?.toLocationCode ?? '' };
        const tasks = rebase(c.tasks, batchEntries(pendingEntries(), batch));
        update(() => ({ ...EMPTY, batch, tasks }));
        setAskShort(false);
        const first = inWalkingOrder(tasks).find(isOpen);
        res.ok(t('pick.claimed', { wave: c.waveId, batch: c.batchNo, n: tasks.filter(isOpen).length }), first ? [t('pick.goTo', { code: first.locationCode })] : []);
      } catch (e) {
        if (e instanceof ApiError && e.code === 'NO_WORK') return res.info(t('pick.err.NO_WORK'), [t('pick.noWorkHint')]);
        if (isNetworkError(e)) return res.network(t('pick.claimOffline'), [t('pick.claimOfflineHint')]);
        const txt = refusalText(t, e as ApiError);
        res.fail(txt.title, t('pick.expectWave'));
      }
    });

  const meta = (tk: PickTask, units: number | null): OutboxEntry['meta'] => ({ waveId: tk.waveId, batchNo: tk.batchNo, taskId: tk.id, units, expected: `${tk.skuName} (${tk.skuCode}) @ ${tk.locationCode}` });

  /** Hands the counted scans of the current task to the outbox; the task moves on here at once. */
  const sendCounted = (tk: PickTask, items: Counted[]): number => {
    const entries = items.map((c) => enqueue('pick.confirm', confirmPath(tk.id), { locationCode: tk.locationCode, barcode: c.barcode, qty: c.scans }, meta(tk, c.scans * c.perScan)));
    const units = items.reduce((n, c) => n + c.scans * c.perScan, 0);
    update((prev) => {
      const tasks = rebase(prev.tasks, entries);
      const finishedTask = tasks.find((x) => x.id === tk.id);
      return { ...prev, tasks, counted: null, locTaskId: finishedTask && isOpen(finishedTask) ? prev.locTaskId : null };
    });
    return units;
  };

  const completeTask = (tk: PickTask, items: Counted[]) => {
    sendCounted(tk, items);
    const after = open.filter((x) => x.id !== tk.id)[0];
    res.ok(t('pick.taskDone', { n: tk.qty, name: tk.skuName }), [after ? t('pick.goTo', { code: after.locationCode }) : t('pick.lastTaskDone')]);
  };

  const scanLocation = (tk: PickTask, v: string) => {
    if (!v) return res.fail(t('pick.promptLocation'), t('pick.expectLocation', { code: tk.locationCode }));
    if (sameCode(v, tk.locationCode)) {
      update((prev) => ({ ...prev, locTaskId: tk.id, counted: null }));
      return res.ok(t('pick.atLocation', { code: tk.locationCode }), [t('pick.promptItemN', { n: tk.qty - tk.pickedQty, name: tk.skuName })]);
    }
    if (judgeScan(v, sRef.current.codes[codesKey(tk)] ?? null).kind === 'item') return res.fail(t('pick.locationFirst'), t('pick.expectLocation', { code: tk.locationCode }));
    return res.fail(t('pick.wrongLocation', { code: v }), t('pick.expectLocation', { code: tk.locationCode }));
  };

  const countScan = (tk: PickTask, v: string, known: ItemCodes | null) => {
    const verdict = judgeScan(v, known);
    const expectItem = `${tk.skuName} (${tk.skuCode})`;
    if (verdict.kind === 'wrong') return res.fail(t('pick.wrongItem', { code: v }), expectItem);
    if (verdict.kind === 'wrongLot') return res.fail(t('pick.wrongLot', { code: v }), t('pick.expectLot', { lot: tk.lotNo }));
    const st = sRef.current;
    const items = st.counted?.taskId === tk.id ? st.counted.items : [];
    const have = items.reduce((n, c) => n + c.scans * c.perScan, 0);
    const left = tk.qty - tk.pickedQty;
    if (verdict.kind === 'unknown') {
      // The codes could not be loaded: the server judges this scan (one at a time).
      if (items.length) sendCounted(tk, items);
      enqueue('pick.confirm', confirmPath(tk.id), { locationCode: tk.locationCode, barcode: v, qty: 1 }, meta(tk, null));
      return res.info(t('pick.checkingScan', { code: v }));
    }
    const total = have + verdict.perScan;
    if (total > left) return res.fail(t('pick.tooMany', { n: total, max: left }), t('pick.expectQty', { n: left - have }));
    const found = items.find((c) => c.barcode === v);
    const nextItems = found ? items.map((c) => (c === found ? { ...c, scans: c.scans + 1 } : c)) : [...items, { barcode: v, scans: 1, perScan: verdict.perScan }];
    if (total === left) return completeTask(tk, nextItems);
    update((prev) => ({ ...prev, counted: { taskId: tk.id, items: nextItems } }));
    res.ok(t('pick.counted', { n: tk.pickedQty + total, of: tk.qty }), verdict.perScan > 1 ? [t('pick.caseCounted', { n: verdict.perScan })] : []);
  };

  const scanItem = (tk: PickTask, entry: Entry, v: string) => {
    const st = sRef.current;
    const items = st.counted?.taskId === tk.id ? st.counted.items : [];
    if (!v) {
      if (!items.length) return res.info(t('pick.promptItemN', { n: tk.qty - tk.pickedQty, name: tk.skuName }));
      const units = sendCounted(tk, items);
      return res.ok(t('pick.partSent', { n: units }), [t('pick.stillToPick', { n: tk.qty - tk.pickedQty - units })]);
    }
    if (sameCode(v, tk.locationCode)) return res.info(t('pick.atLocation', { code: tk.locationCode }), [t('pick.promptItemN', { n: tk.qty - tk.pickedQty, name: tk.skuName })]);
    // A number typed by hand: that many scans of the code scanned last.
    const n = typedQuantity(entry);
    if (n !== null) {
      const last = items[items.length - 1];
      if (!last) return res.fail(t('pick.scanItemFirst'), t('pick.expectItemOf', { name: tk.skuName }));
      const others = items.slice(0, -1).reduce((u, c) => u + c.scans * c.perScan, 0);
      const left = tk.qty - tk.pickedQty;
      if (others + n * last.perScan > left) return res.fail(t('pick.tooMany', { n: others + n * last.perScan, max: left }), t('pick.expectQty', { n: left - others }));
      const nextItems = [...items.slice(0, -1), { ...last, scans: n }];
      if (others + n * last.perScan === left) return completeTask(tk, nextItems);
      update((prev) => ({ ...prev, counted: { taskId: tk.id, items: nextItems } }));
      return res.info(t('pick.counted', { n: tk.pickedQty + others + n * last.perScan, of: tk.qty }));
    }
    const known = st.codes[codesKey(tk)];
    if (known) return countScan(tk, v, known);
    return run(async () => countScan(tk, v, await loadCodes(tk)));
  };

  const skip = () => {
    if (!task) return;
    setAskShort(false);
    if (counted.length) sendCounted(task, counted);
    const e = enqueue('pick.skip', skipPath(task.id), undefined, meta(task, 0));
    update((prev) => ({ ...prev, tasks: rebase(prev.tasks, [e]), locTaskId: null, counted: null }));
    const after = open.filter((x) => x.id !== task.id)[0];
    res.info(t('pick.skipped', { code: task.locationCode }), [t('pick.goTo', { code: (after ?? task).locationCode })]);
  };

  const short = () => {
    if (!task) return;
    setAskShort(false);
    const sent = counted.length ? sendCounted(task, counted) : 0;
    const missing = task.qty - task.pickedQty - sent;
    const e = enqueue('pick.short', shortPath(task.id), { reason: 'not at the pick face' }, meta(task, 0));
    update((prev) => ({ ...prev, tasks: rebase(prev.tasks, [e]), locTaskId: null, counted: null }));
    res.info(t('pick.shorted', { n: missing, name: task.skuName }), [t('pick.shortedHint')]);
  };

  const onEntry = (entry: Entry) => {
    const v = normalizeCode(entry.value);
    if (!s.batch) {
      if (!v) return claim();
      const m = /^W?(\d{1,9})$/i.exec(v);
      if (!m) return res.fail(t('pick.notAWave', { code: v }), t('pick.expectWave'));
      return claim(Number(m[1]));
    }
    if (!task) {
      if (pendingBatch.length) return res.fail(t('pick.waitSending', { n: pendingBatch.length }), t('pick.expectNetwork'));
      if (!s.finished) return res.info(t('pick.checkingBatch'));
      if (!v) return claim();
      return res.fail(t('pick.batchDoneScan'), t('pick.expectNextBatch'));
    }
    if (checking) return res.fail(t('pick.waitCheck'), t('pick.expectNetwork'));
    if (askShort) setAskShort(false);
    if (!atItem) return scanLocation(task, v);
    return scanItem(task, entry, v);
  };

  const scan = useScanInput(onEntry, { busy });

  let prompt = t('pick.promptClaim');
  if (task) prompt = atItem ? t('pick.promptItem') : t('pick.promptLocation');
  else if (done) prompt = s.finished && !pendingBatch.length ? t('pick.promptNextBatch') : t('pick.promptWait');

  const progress = progressOf(s.tasks, countedUnits);
  const multi = s.batch?.kind === 'multi';

  return (
    <div className={'term-screen pick-screen' + (res.result?.tone === 'error' ? ' is-error' : '')} data-testid="term-pick" data-step={!s.batch ? 'claim' : task ? (atItem ? 'item' : 'location') : 'done'}>
      <Flash result={res.result} />
      <OutboxBar pending={outbox.pending.length} stalled={outbox.stalled} others={outbox.others} />
      {s.batch && (
        <p className="pick-batch muted" data-testid="pick-batch">
          {t('pick.batchLine', { wave: s.batch.waveId, batch: s.batch.batchNo, kind: t(multi ? 'pick.kindMulti' : 'pick.kindSingle') })}
        </p>
      )}
      {s.batch && <ProgressBar p={progress} />}
      {task && !atItem && (
        <section className="pick-task" data-testid="pick-task" data-task-id={task.id}>
          <Big label={t('pick.goToLabel')} testId="pick-location" tone="accent">
            {task.locationCode}
          </Big>
          <p className="pick-preview">
            <span data-testid="pick-preview-name">{task.skuName}</span> · {t('pick.qtyShort', { n: remaining })}
          </p>
        </section>
      )}
      {task && atItem && (
        <section className="pick-task pick-task-item" data-testid="pick-task" data-task-id={task.id}>
          <p className="pick-at">
            {t('pick.atShort')} <strong data-testid="pick-location">{task.locationCode}</strong>
          </p>
          <p className="term-item-name pick-item-name" data-testid="pick-item-name">
            {task.skuName}
          </p>
          <p className="term-item-spec">{[task.skuCode, task.spec].filter(Boolean).join(' · ')}</p>
          {task.lotTracked && task.lotNo && (
            <p className="pick-lot" data-testid="pick-lot">
              {t('term.lot')} <strong>{task.lotNo}</strong>
              {task.expiresAt ? ` · ${t('term.expiresShort', { date: task.expiresAt.slice(0, 10) })}` : ''}
            </p>
          )}
          <div className="pick-qty">
            <span className="pick-qty-label">{t('pick.toPick')}</span>
            <span className="pick-qty-value" data-testid="pick-qty">
              <span data-testid="pick-counted">{countedUnits}</span>
              <span className="pick-qty-sep">/</span>
              <span data-testid="pick-remaining">{remaining}</span>
            </span>
          </div>
        </section>
      )}
      <ScanField scan={scan} label={prompt} />
      <ResultPanel result={res.result} />
      <Refusals list={outbox.refused} describe={(r) => `${refusalText(t, r).title} — ${r.message}${r.entry.meta.expected ? ` (${String(r.entry.meta.expected)})` : ''}`} />
      {checking && <p className="pick-checking" data-testid="pick-checking">{t('pick.waitCheck')}</p>}
      {task && next && (
        <p className="pick-next" data-testid="pick-next">
          {t('pick.next')} <strong>{next.locationCode}</strong> · {next.skuName}
        </p>
      )}
      {task && askShort && (
        <section className="term-confirm-complete" data-testid="pick-short-ask">
          <p className="term-done-title">{t('pick.shortAsk', { n: remaining - countedUnits, name: task.skuName, code: task.locationCode })}</p>
          <div className="term-actions">
            <button type="button" className="btn btn-danger btn-big" onClick={short} data-testid="pick-short-yes">
              {t('pick.shortYes')}
            </button>
            <button type="button" className="btn btn-big" onClick={() => setAskShort(false)} data-testid="pick-short-no">
              {t('pick.shortNo')}
            </button>
          </div>
        </section>
      )}
      {task && (
        <div className="term-actions pick-actions">
          {atItem && countedUnits > 0 && (
            <button type="button" className="btn btn-primary btn-big" onClick={() => onEntry({ value: '', source: 'typed' })} data-testid="pick-confirm">
              {t('pick.confirmPart', { n: countedUnits })}
            </button>
          )}
          <button type="button" className="btn btn-big" onClick={() => setAskShort(true)} disabled={askShort} data-testid="pick-short">
            {t('pick.short')}
          </button>
          <button type="button" className="btn btn-big" onClick={skip} data-testid="pick-skip">
            {t('pick.skip')}
          </button>
        </div>
      )}
      {!s.batch && (
        <button type="button" className="btn btn-primary btn-big btn-block" onClick={() => claim()} disabled={busy} data-testid="pick-claim">
          {t('pick.claim')}
        </button>
      )}
      {done && (
        <section className="term-done pick-done" data-testid="pick-done" data-finished={s.finished && !pendingBatch.length}>
          {pendingBatch.length > 0 ? (
            <p className="term-done-title" data-testid="pick-done-waiting">
              {t('pick.waitSending', { n: pendingBatch.length })}
            </p>
          ) : !s.finished ? (
            <p className="term-done-title">{t('pick.checkingBatch')}</p>
          ) : (
            <>
              <p className="term-done-title">{t('pick.batchDone')}</p>
              <Big label={t('pick.tote')} testId="pick-tote" tone="accent">
                {s.batch?.toteCode}
              </Big>
              <p className="pick-take" data-testid="pick-take">
                {t(multi ? 'pick.takeToPutwall' : 'pick.takeToPacking')}
              </p>
              <button type="button" className="btn btn-primary btn-big btn-block" onClick={() => claim()} disabled={busy} data-testid="pick-next-batch">
                {t('pick.nextBatch')}
              </button>
            </>
          )}
        </section>
      )}
    </div>
  );
}
