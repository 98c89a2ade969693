import { useEffect, useRef, useState } from 'react';
import { ApiError } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { ScanField, useScanInput } from './useScanInput';
import { normalizeCode, sameCode, typedQuantity, type Entry } from './scanTiming';
import { Big, Context, Flash, isNetworkError, ResultPanel, Steps, Unsent, useResult } from './parts';
import { dateOnly, findLocation, newKey, postPutaway, suggestPutaway, type MoveBody, type Outgoing, type Suggestion } from './termApi';

/** Putaway: scan the dock → scan the item → go to the suggested location (shown very large) → scan it. */

const STEPS = ['term.stepFrom', 'term.stepItem', 'term.stepTo'] as const;
type Step = 0 | 1 | 2;

const REASONS: Record<string, MessageKey> = {
  same_sku: 'term.reason.same_sku',
  empty: 'term.reason.empty',
  shared: 'term.reason.shared',
  no_free_location: 'term.reason.no_free_location',
};

export function PutawayPage({ query }: { query: URLSearchParams }) {
  const { t } = useI18n();
  const res = useResult();
  const [step, setStep] = useState<Step>(0);
  const [from, setFrom] = useState('');
  const [barcode, setBarcode] = useState('');
  const [sug, setSug] = useState<Suggestion | null>(null);
  const [qty, setQty] = useState(0);
  const [override, setOverride] = useState('');
  const [unsent, setUnsent] = useState<Outgoing<MoveBody> | null>(null);
  const [busy, setBusy] = useState(false);
  const reasonText = (r: string) => (REASONS[r] ? t(REASONS[r]) : r);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } finally {
      setBusy(false);
    }
  };

  const chooseFrom = async (code: string): Promise<boolean> => {
    try {
      const loc = await findLocation(code);
      if (!loc) {
        res.fail(t('term.unknownLocation', { code }), t('term.expectFrom'));
        return false;
      }
      setFrom(loc.code);
      setStep(1);
      setSug(null);
      res.ok(t('term.fromSet', { code: loc.code }), [t('term.promptItem')]);
      return true;
    } catch (e) {
      res.fail(e, t('term.expectFrom'));
      return false;
    }
  };

  const suggest = async (fromCode: string, code: string, lotNo?: string) => {
    try {
      const s = await suggestPutaway({ barcode: code, fromLocationCode: fromCode, ...(lotNo ? { lotNo } : {}) });
      if (s.qty <= 0) return res.fail(t('term.nothingAvailable', { name: s.sku.name, code: fromCode }), t('term.expectItem'));
      setSug(s);
      setBarcode(code);
      setQty(s.qty);
      setOverride('');
      setStep(2);
      if (s.locationCode) res.ok(t('term.goTo', { code: s.locationCode }), [s.sku.name]);
      else res.ask(t('term.noSuggestion'), [t('term.promptToAny', { temp: t(`temp.${s.sku.temperature as 'ambient'}`) })]);
    } catch (e) {
      res.fail(e, t('term.expectItem'));
    }
  };

  // Arriving from Receiving ("put away now"): the dock, the item and the lot are known.
  // Once, on arrival (the query of the first render is what counts).
  const prefilled = useRef(false);
  useEffect(() => {
    if (prefilled.current) return;
    prefilled.current = true;
    const f = query.get('from');
    const b = query.get('barcode');
    if (!f) return;
    void run(async () => {
      if ((await chooseFrom(f)) && b) await suggest(f, b, query.get('lot') ?? undefined);
    });
  }, []);

  const send = (body: MoveBody, key = newKey()) =>
    run(async () => {
      try {
        await postPutaway({ body, key });
        setUnsent(null);
        setSug(null);
        setOverride('');
        setStep(1);
        res.ok(t('term.putDone', { qty: body.qty, name: sug?.sku.name ?? body.barcode ?? '', code: body.toLocationCode }), [t('term.promptNextItem', { code: body.fromLocationCode })]);
      } catch (e) {
        if (isNetworkError(e)) {
          setUnsent({ body, key });
          return res.network(t('term.unsentTitle'));
        }
        setOverride('');
        const code = e instanceof ApiError ? e.code : '';
        if (code === 'TEMPERATURE_MISMATCH' && sug) return res.fail(e, t('term.expectTemp', { temp: t(`temp.${sug.sku.temperature as 'ambient'}`) }));
        if (code === 'NOT_AT_LOCATION' || code === 'INSUFFICIENT_STOCK' || code === 'UNKNOWN_LOT') {
          setSug(null);
          setStep(1);
          return res.fail(e, t('term.expectItem'));
        }
        res.fail(e, code === 'UNKNOWN_LOCATION' ? t('term.expectTo') : undefined);
      }
    });

  const putTo = (to: string, confirmedOverride = false) => {
    if (!sug) return;
    const body: MoveBody = { barcode, fromLocationCode: from, toLocationCode: to, qty };
    if (sug.lot.lotNo) body.lotNo = sug.lot.lotNo;
    if (confirmedOverride) body.override = true;
    return send(body);
  };

  const scanTo = (entry: Entry) => {
    if (!sug) return;
    const v = entry.value;
    const n = typedQuantity(entry);
    if (n) {
      if (n > sug.qty) return res.fail(t('term.tooMany', { n, max: sug.qty }), t('term.expectQtyMax', { max: sug.qty }));
      setQty(n);
      return res.info(t('term.qtySet', { count: n }), [t('term.promptTo')]);
    }
    if (!v) return override ? putTo(override, true) : res.fail(t('term.promptTo'), sug.locationCode ? t('term.expectSuggested', { code: sug.locationCode }) : t('term.expectTo'));
    if (sameCode(v, barcode)) return res.info(t('term.goTo', { code: sug.locationCode ?? '—' }), [t('term.promptTo')]);
    const planned = [sug.locationCode, ...sug.alternatives.map((a) => a.locationCode)].find((c) => sameCode(c, v));
    if (planned) return putTo(planned);
    if (sameCode(v, override)) return putTo(override, true);
    if (sameCode(v, from)) return res.fail(t('term.sameLocation', { code: from }), t('term.expectTo'));
    return run(async () => {
      try {
        const loc = await findLocation(v);
        if (!loc) return res.fail(t('term.unknownLocation', { code: normalizeCode(v) }), t('term.expectTo'));
        setOverride(loc.code);
        res.ask(t('term.notSuggested', { code: loc.code }), [
          sug.locationCode ? t('term.suggestedWas', { code: sug.locationCode }) : '',
          t('term.scanAgainToConfirm', { code: loc.code }),
        ].filter(Boolean));
      } catch (e) {
        res.fail(e, t('term.expectTo'));
      }
    });
  };

  const onEntry = (entry: Entry) => {
    if (unsent) return entry.value ? res.fail(t('term.unsentFirst'), t('term.expectRetry')) : send(unsent.body, unsent.key);
    if (step === 0) {
      if (!entry.value) return res.fail(t('term.promptFrom'), t('term.expectFrom'));
      return run(async () => void (await chooseFrom(entry.value)));
    }
    if (step === 1) {
      if (!entry.value || typedQuantity(entry)) return res.fail(t('term.promptItem'), t('term.expectItem'));
      if (sameCode(entry.value, from)) return res.info(t('term.fromSet', { code: from }), [t('term.promptItem')]);
      return run(() => suggest(from, normalizeCode(entry.value)));
    }
    return scanTo(entry);
  };

  const scan = useScanInput(onEntry, { busy });

  let prompt = t('term.promptFrom');
  if (step === 1) prompt = t('term.promptItem');
  if (step === 2) prompt = override ? t('term.scanAgainToConfirm', { code: override }) : t('term.promptTo');

  return (
    <div className={'term-screen' + (res.result?.tone === 'error' ? ' is-error' : '')} data-testid="term-putaway">
      <Flash result={res.result} />
      <Steps steps={[...STEPS]} current={step} />
      {from && step > 0 && <Context label={t('term.from')} value={from} onChange={() => (setStep(0), setSug(null))} testId="term-from" />}
      <ScanField scan={scan} label={prompt} />
      <ResultPanel result={res.result} />
      {unsent && <Unsent busy={busy} onRetry={() => send(unsent.body, unsent.key)} onDiscard={() => (setUnsent(null), res.clear())} />}
      {sug && step === 2 && (
        <section className="term-put" data-testid="term-suggestion">
          {sug.locationCode ? (
            <Big label={t('term.putTo')} testId="term-suggested" tone="accent">
              {sug.locationCode}
            </Big>
          ) : (
            <Big label={t('term.putTo')} testId="term-suggested" tone="warn">
              {t('term.noSuggestionShort')}
            </Big>
          )}
          <p className="term-reason">{reasonText(sug.reason)}</p>
          <p className="term-item-name">{sug.sku.name}</p>
          <p className="term-item-spec">
            {[sug.sku.skuCode, sug.lot.lotNo ? `${t('term.lot')} ${sug.lot.lotNo}` : '', sug.lot.expiresAt ? t('term.expiresShort', { date: dateOnly(sug.lot.expiresAt) }) : '', t(`temp.${sug.sku.temperature as 'ambient'}`)]
              .filter(Boolean)
              .join(' · ')}
          </p>
          <div className="term-qty">
            <button type="button" className="btn term-qty-btn" onClick={() => setQty(Math.max(1, qty - 1))} aria-label={t('term.fewer')}>
              −
            </button>
            <span className="term-qty-value" data-testid="term-qty">
              {qty}
            </span>
            <button type="button" className="btn term-qty-btn" onClick={() => setQty(Math.min(sug.qty, qty + 1))} aria-label={t('term.more')}>
              ＋
            </button>
          </div>
          <p className="term-qty-units">{t('term.ofAvailable', { max: sug.qty, code: from })}</p>
          {sug.alternatives.length > 0 && (
            <p className="term-alternatives" data-testid="term-alternatives">
              {t('term.alternatives')}: {sug.alternatives.map((a) => a.locationCode).join(' · ')}
            </p>
          )}
          {override && (
            <div className="term-actions">
              <button type="button" className="btn btn-primary btn-big" onClick={() => putTo(override, true)} disabled={busy} data-testid="term-override">
                {t('term.putHereAnyway', { code: override })}
              </button>
            </div>
          )}
          <button type="button" className="btn btn-big btn-block" onClick={() => (setSug(null), setStep(1), res.clear())} data-testid="term-cancel">
            {t('term.cancelItem')}
          </button>
        </section>
      )}
    </div>
  );
}
