import { useState } from 'react';
import { ApiError, fetchFile, withQuery } from '../api';
import { useI18n } from '../i18n';
import { navigate } from '../router';
import { useOwners } from '../components/OwnerSelect';
import { ScanField, useScanInput } from './useScanInput';
import { normalizeCode, sameCode, typedQuantity, type Entry } from './scanTiming';
import { Context, Flash, isNetworkError, ResultPanel, Steps, Unsent, useResult } from './parts';
import { completeAsn, dateOnly, findAsns, findItem, findLocation, findLot, newKey, postReceipt, today, type Asn, type Outgoing, type Receipt, type ReceiptBody } from './termApi';
import { AsnLines, LastReceipt, needsLot, PendingItem, type Pending } from './ReceiveParts';

/** Receiving at the dock: ASN → dock → items (lot, date, count) → complete. */

const DOCK_KEY = 'wms.terminal.dock';
const STEPS = ['term.stepAsn', 'term.stepDock', 'term.stepItem'] as const;
type Step = 0 | 1 | 2;

function rememberedDock(): string {
  try {
    return localStorage.getItem(DOCK_KEY) ?? '';
  } catch {
    return '';
  }
}

export function ReceivePage() {
  const { t } = useI18n();
  const res = useResult();
  const owners = useOwners(true);
  const [step, setStep] = useState<Step>(0);
  const [asn, setAsn] = useState<Asn | null>(null);
  const [choices, setChoices] = useState<Asn[]>([]);
  const [dock, setDock] = useState('');
  const [pending, setPending] = useState<Pending | null>(null);
  const [last, setLast] = useState<(Receipt & { barcode: string }) | null>(null);
  const [unsent, setUnsent] = useState<Outgoing<ReceiptBody> | null>(null);
  const [done, setDone] = useState<Asn | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [printing, setPrinting] = useState(false);
  const defaultDock = rememberedDock();

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } finally {
      setBusy(false);
    }
  };

  const reset = () => {
    setStep(0);
    setAsn(null);
    setChoices([]);
    setPending(null);
    setLast(null);
    setUnsent(null);
    setDone(null);
    setConfirming(false);
  };

  const chooseAsn = (a: Asn) => {
    setAsn(a);
    setChoices([]);
    setStep(dock ? 2 : 1);
    res.ok(t('term.asnFound', { ref: a.reference }), [t('term.asnLines', { n: a.lines.length })]);
  };

  const scanAsn = (value: string) => {
    if (!value) return res.fail(t('term.promptAsn'), t('term.expectAsn'));
    return run(async () => {
      try {
        const found = await findAsns(normalizeCode(value));
        if (found.length === 1) chooseAsn(found[0]);
        else if (found.length > 1) {
          setChoices(found);
          res.ask(t('term.asnChoose', { ref: value }));
        } else res.fail(t('term.asnNotFound', { ref: value }), t('term.expectAsn'));
      } catch (e) {
        res.fail(e, t('term.expectAsn'));
      }
    });
  };

  const scanDock = (value: string) => {
    const code = value || defaultDock;
    if (!code) return res.fail(t('term.promptDock'), t('term.expectDock'));
    return run(async () => {
      try {
        const loc = await findLocation(code);
        if (!loc) return res.fail(t('term.unknownLocation', { code }), t('term.expectDock'));
        if (loc.type !== 'dock') return res.fail(t('term.notDock', { code: loc.code }), t('term.expectDock'));
        setDock(loc.code);
        try {
          localStorage.setItem(DOCK_KEY, loc.code);
        } catch {
          // remembered for this page only
        }
        setStep(2);
        res.ok(t('term.dockSet', { code: loc.code }), [t('term.promptItem')]);
      } catch (e) {
        res.fail(e, t('term.expectDock'));
      }
    });
  };

  const scanNewItem = (entry: Entry) => {
    if (!asn) return;
    if (!entry.value) return res.fail(t('term.promptItem'), t('term.expectItem'));
    if (typedQuantity(entry)) return res.fail(t('term.itemFirst'), t('term.expectItem'));
    return run(async () => {
      try {
        const item = await findItem(entry.value, asn.ownerId);
        if (!item) return res.fail(t('term.unknownBarcode', { code: entry.value }), t('term.expectItem'));
        if (!asn.lines.some((l) => l.skuId === item.sku.id)) return res.fail(t('term.notOnAsn', { name: item.sku.name, ref: asn.reference }), t('term.expectItem'));
        setPending({ barcode: normalizeCode(entry.value), item, count: 1, lotNo: '', producedAt: today(), expiresAt: '', expiryMode: false });
        res.ok(item.sku.name, [item.sku.lotTracked ? t('term.promptLot') : t('term.promptQty')]);
      } catch (e) {
        res.fail(e, t('term.expectItem'));
      }
    });
  };

  const send = (body: ReceiptBody, key = newKey()) => {
    if (!asn) return;
    return run(async () => {
      try {
        const r = await postReceipt(asn.id, { body, key });
        setAsn(r.asn);
        setLast({ ...r, barcode: body.barcode });
        setPending(null);
        setUnsent(null);
        res.ok(t('term.received', { units: r.units, name: r.sku.name }), [
          r.lot.lotNo ? `${t('term.lot')} ${r.lot.lotNo}${r.lot.expiresAt ? ' · ' + t('term.expiresShort', { date: dateOnly(r.lot.expiresAt) }) : ''}` : '',
          t('term.lineProgress', { received: r.line.receivedQty, expected: r.line.expectedQty }),
        ].filter(Boolean));
      } catch (e) {
        if (isNetworkError(e)) {
          setUnsent({ body, key });
          return res.network(t('term.unsentTitle'));
        }
        const code = e instanceof ApiError ? e.code : '';
        if (code === 'UNKNOWN_BARCODE' || code === 'NOT_ON_ASN') {
          setPending(null);
          return res.fail(e, t('term.expectItem'));
        }
        if (code === 'LOT_REQUIRED' || code === 'LOT_MISMATCH') {
          setPending((p) => p && { ...p, lotNo: '' });
          return res.fail(e, t('term.expectLot'));
        }
        if (code === 'UNKNOWN_LOCATION') {
          setStep(1);
          return res.fail(e, t('term.expectDock'));
        }
        if (code === 'ASN_CLOSED' || code === 'ASN_RECEIVED') {
          reset();
          return res.fail(e, t('term.expectAsn'));
        }
        res.fail(e);
      }
    });
  };

  const confirm = () => {
    if (!pending || !asn) return;
    if (needsLot(pending)) return res.fail(t('term.promptLot'), t('term.expectLot'));
    const body: ReceiptBody = { barcode: pending.barcode, qty: pending.count, locationCode: dock };
    if (pending.item.sku.lotTracked) {
      body.lotNo = pending.lotNo;
      if (pending.producedAt) body.producedAt = pending.producedAt;
      if (pending.expiryMode && pending.expiresAt) body.expiresAt = pending.expiresAt;
    }
    return send(body);
  };

  const scanWithItem = (entry: Entry, p: Pending) => {
    const v = entry.value;
    if (v && sameCode(v, p.barcode)) {
      const next = { ...p, count: p.count + 1 };
      setPending(next);
      return res.ok(t('term.countUp', { count: next.count }), [t('term.units', { units: next.count * p.item.perScan })]);
    }
    if (needsLot(p)) {
      if (!v) return res.fail(t('term.promptLot'), t('term.expectLot'));
      const withLot = { ...p, lotNo: v };
      setPending(withLot);
      res.ok(t('term.lotSet', { lot: v }), [t('term.promptQty')]);
      return run(async () => {
        const known = asn ? await findLot(p.item.sku.skuCode, asn.ownerId, v).catch(() => null) : null;
        if (!known) return;
        const producedAt = dateOnly(known.producedAt);
        const expiresAt = dateOnly(known.expiresAt);
        setPending((cur) => (cur && cur.lotNo === v ? { ...cur, producedAt, expiresAt, expiryMode: !producedAt && !!expiresAt } : cur));
        res.ok(t('term.lotSet', { lot: v }), [t('term.lotKnown', { date: producedAt || expiresAt }), t('term.promptQty')]);
      });
    }
    if (!v) return confirm();
    const n = typedQuantity(entry);
    if (n) {
      setPending({ ...p, count: n });
      return res.info(t('term.qtySet', { count: n }), [t('term.units', { units: n * p.item.perScan }), t('term.enterConfirms')]);
    }
    res.fail(t('term.finishFirst', { name: p.item.sku.name }), t('term.expectConfirm'));
  };

  const complete = () =>
    asn &&
    run(async () => {
      try {
        const a = await completeAsn(asn.id);
        setDone(a);
        setConfirming(false);
        setPending(null);
        const short = a.lines.filter((l) => l.diff < 0).length;
        const over = a.lines.filter((l) => l.diff > 0).length;
        res.ok(t('term.asnDone', { ref: a.reference }), [short || over ? t('term.asnDiffs', { short, over }) : t('term.asnExact')]);
      } catch (e) {
        res.fail(e);
      }
    });

  const onEntry = (entry: Entry) => {
    if (unsent) return entry.value ? res.fail(t('term.unsentFirst'), t('term.expectRetry')) : send(unsent.body, unsent.key);
    if (done) {
      reset();
      return entry.value ? scanAsn(entry.value) : res.clear();
    }
    if (confirming) {
      if (!entry.value) return complete();
      setConfirming(false);
    }
    if (step === 0) return scanAsn(entry.value);
    if (step === 1) return scanDock(entry.value);
    if (pending) return scanWithItem(entry, pending);
    return scanNewItem(entry);
  };

  const scan = useScanInput(onEntry, { busy });

  const printLot = async (lotId: number) => {
    setPrinting(true);
    try {
      const { blob } = await fetchFile(`/api/v1/lots/${lotId}/label`, { query: { format: 'pdf' }, fallbackName: `lot-${lotId}.pdf` });
      const url = URL.createObjectURL(blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' }));
      if (!window.open(url, '_blank')) res.info(t('label.blocked'));
      setTimeout(() => URL.revokeObjectURL(url), 120_000);
    } catch (e) {
      res.fail(e);
    } finally {
      setPrinting(false);
      scan.focus();
    }
  };

  let prompt = t('term.promptAsn');
  if (done) prompt = t('term.promptNextAsn');
  else if (confirming) prompt = t('term.promptConfirmComplete');
  else if (step === 1) prompt = defaultDock ? t('term.promptDockDefault', { code: defaultDock }) : t('term.promptDock');
  else if (step === 2) prompt = !pending ? t('term.promptItem') : needsLot(pending) ? t('term.promptLot') : t('term.promptQtyConfirm');
  const owner = asn ? owners.find((o) => o.id === asn.ownerId) : undefined;

  return (
    <div className={'term-screen' + (res.result?.tone === 'error' ? ' is-error' : '')} data-testid="term-receive">
      <Flash result={res.result} />
      <Steps steps={[...STEPS]} current={done ? 3 : step} />
      {asn && <Context label={t('term.asn')} value={asn.reference} sub={owner?.name} onChange={reset} testId="term-asn" />}
      {dock && step > 0 && <Context label={t('term.dock')} value={dock} onChange={() => setStep(1)} testId="term-dock" />}
      <ScanField scan={scan} label={prompt} />
      <ResultPanel result={res.result} />
      {unsent && <Unsent busy={busy} onRetry={() => send(unsent.body, unsent.key)} onDiscard={() => (setUnsent(null), res.clear())} />}
      {choices.length > 0 && (
        <ul className="term-choices" data-testid="asn-choices">
          {choices.map((a) => (
            <li key={a.id}>
              <button type="button" className="btn btn-big btn-block" onClick={() => chooseAsn(a)}>
                {a.reference} · {owners.find((o) => o.id === a.ownerId)?.name ?? `#${a.ownerId}`}
              </button>
            </li>
          ))}
        </ul>
      )}
      {pending && step === 2 && !done && (
        <>
          <PendingItem pending={pending} onChange={setPending} onClearLot={() => setPending({ ...pending, lotNo: '' })} />
          <div className="term-actions">
            <button type="button" className="btn btn-primary btn-big" onClick={confirm} disabled={busy || needsLot(pending)} data-testid="term-confirm">
              {busy ? t('term.sending') : t('term.confirm')}
            </button>
            <button type="button" className="btn btn-big" onClick={() => (setPending(null), res.clear())} data-testid="term-cancel">
              {t('term.cancelItem')}
            </button>
          </div>
        </>
      )}
      {last && <LastReceipt receipt={last} printing={printing} onPrint={() => printLot(last.lot.id)} onPutaway={() => navigate(withQuery('/terminal/putaway', { from: last.locationCode, barcode: last.barcode, lot: last.lot.lotNo || undefined }))} />}
      {done && (
        <section className="term-done" data-testid="term-done">
          <p className="term-done-title">{t('term.asnStatus', { ref: done.reference, status: t(`term.status.${done.status}`) })}</p>
          <AsnLines asn={done} showDiff />
          <button type="button" className="btn btn-primary btn-big btn-block" onClick={reset} data-testid="term-next-asn">
            {t('term.nextAsn')}
          </button>
        </section>
      )}
      {asn && !done && (
        <>
          <AsnLines asn={asn} activeSkuId={pending?.item.sku.id} />
          {confirming ? (
            <div className="term-confirm-complete" data-testid="term-confirm-complete">
              <p>{t('term.completeQuestion', { ref: asn.reference })}</p>
              <div className="term-actions">
                <button type="button" className="btn btn-primary btn-big" onClick={complete} disabled={busy} data-testid="term-complete-yes">
                  {t('term.completeYes')}
                </button>
                <button type="button" className="btn btn-big" onClick={() => setConfirming(false)}>
                  {t('term.completeNo')}
                </button>
              </div>
            </div>
          ) : (
            <button type="button" className="btn btn-big btn-block term-complete" onClick={() => setConfirming(true)} disabled={!!pending} data-testid="term-complete">
              {t('term.complete')}
            </button>
          )}
        </>
      )}
    </div>
  );
}
