import { useState } from 'react';
import { ApiError } from '../api';
import { useI18n } from '../i18n';
import { isManager, type Role } from '../session';
import { ScanField, useScanInput } from './useScanInput';
import { normalizeCode, sameCode, typedQuantity, type Entry } from './scanTiming';
import { Big, Context, Flash, isNetworkError, ResultPanel, Steps, Unsent, useResult } from './parts';
import { dateOnly, findItem, findLocation, newKey, postMove, stockAt, type MoveBody, type Outgoing, type Stock } from './termApi';

/** Moving stock: scan the from-location (its stock is listed) → the item → how many → the to-location. */

const STEPS = ['term.stepFrom', 'term.stepItem', 'term.stepQty', 'term.stepTo'] as const;
type Step = 0 | 1 | 2 | 3;

function StockList({ stock, chosen, onChoose }: { stock: Stock[]; chosen: Stock | null; onChoose: (s: Stock) => void }) {
  const { t } = useI18n();
  return (
    <div className="term-lines" role="region" aria-label={t('term.stockHere')} tabIndex={-1}>
      <table data-testid="stock-list">
        <thead>
          <tr>
            <th scope="col">{t('term.lineItem')}</th>
            <th scope="col" className="num">
              {t('term.available')}
            </th>
          </tr>
        </thead>
        <tbody>
          {stock.map((s) => (
            <tr key={`${s.skuId}-${s.lotId}`} className={chosen && chosen.lotId === s.lotId && chosen.skuId === s.skuId ? 'is-active' : ''}>
              <td>
                <button type="button" className="term-row-btn" onClick={() => onChoose(s)} data-testid={`stock-${s.skuCode}`}>
                  <span className="term-line-name">{s.skuName}</span>
                  <span className="term-line-code">
                    {[s.skuCode, s.lotNo ? `${t('term.lot')} ${s.lotNo}` : '', s.expiresAt ? t('term.expiresShort', { date: dateOnly(s.expiresAt) }) : '', s.lotStatus === 'hold' ? t('term.onHold') : '']
                      .filter(Boolean)
                      .join(' · ')}
                  </span>
                </button>
              </td>
              <td className="num">
                <strong>{s.available}</strong>
                {s.allocated > 0 && <span className="term-line-code">{t('term.allocatedOf', { n: s.allocated, total: s.onHand })}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function MovePage({ role }: { role: Role }) {
  const { t } = useI18n();
  const res = useResult();
  const [step, setStep] = useState<Step>(0);
  const [from, setFrom] = useState('');
  const [stock, setStock] = useState<Stock[]>([]);
  const [lotChoices, setLotChoices] = useState<Stock[]>([]);
  const [chosen, setChosen] = useState<Stock | null>(null);
  const [qty, setQty] = useState(0);
  const [unsent, setUnsent] = useState<Outgoing<MoveBody> | null>(null);
  const [busy, setBusy] = useState(false);
  /** A location refused for its temperature class, which a supervisor may confirm by scanning it again. */
  const [force, setForce] = useState('');

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (e) {
      res.fail(e);
    } finally {
      setBusy(false);
    }
  };

  const scanFrom = (v: string) =>
    run(async () => {
      const loc = await findLocation(v);
      if (!loc) return res.fail(t('term.unknownLocation', { code: normalizeCode(v) }), t('term.expectFrom'));
      const rows = await stockAt(loc.code);
      if (!rows.length) return res.fail(t('term.emptyLocation', { code: loc.code }), t('term.expectFromStock'));
      setFrom(loc.code);
      setStock(rows);
      setChosen(null);
      setLotChoices([]);
      setStep(1);
      res.ok(t('term.fromSet', { code: loc.code }), [t('term.itemsHere', { n: rows.length })]);
    });

  const choose = (row: Stock) => {
    setChosen(row);
    setLotChoices([]);
    if (row.available <= 0) return res.fail(t('term.noneAvailable', { name: row.skuName, code: from }), t('term.expectItemHere', { code: from }));
    setQty(row.available);
    setStep(2);
    res.ok(row.skuName, [row.lotNo ? `${t('term.lot')} ${row.lotNo}` : '', t('term.promptMoveQty', { max: row.available })].filter(Boolean));
  };

  const scanItem = (entry: Entry) => {
    const v = normalizeCode(entry.value);
    if (!v || typedQuantity(entry)) return res.fail(t('term.promptItem'), t('term.expectItemHere', { code: from }));
    if (lotChoices.length) {
      const byLot = lotChoices.find((s) => s.lotNo === entry.value.trim() || s.lotNo === v);
      if (byLot) return choose(byLot);
    }
    const lotScan = /^LOT(\d+)$/i.exec(v);
    if (lotScan) {
      const row = stock.find((s) => s.lotId === Number(lotScan[1]));
      return row ? choose(row) : res.fail(t('term.lotNotHere', { code: from }), t('term.expectItemHere', { code: from }));
    }
    return run(async () => {
      const item = await findItem(v);
      const rows = item ? stock.filter((s) => s.skuId === item.sku.id) : [];
      if (!item) return res.fail(t('term.unknownBarcode', { code: v }), t('term.expectItemHere', { code: from }));
      if (!rows.length) return res.fail(t('term.notHere', { name: item.sku.name, code: from }), t('term.expectItemHere', { code: from }));
      if (rows.length === 1) return choose(rows[0]);
      setLotChoices(rows);
      res.ask(t('term.chooseLot', { name: item.sku.name }));
    });
  };

  const send = (body: MoveBody, key = newKey()) =>
    run(async () => {
      try {
        await postMove({ body, key });
        setUnsent(null);
        setChosen(null);
        setStep(1);
        res.ok(t('term.moveDone', { qty: body.qty, name: chosen?.skuName ?? body.skuCode ?? '', from: body.fromLocationCode, to: body.toLocationCode }), [t('term.promptNextItem', { code: body.fromLocationCode })]);
        const rows = await stockAt(body.fromLocationCode).catch(() => null);
        if (rows) setStock(rows);
      } catch (e) {
        if (isNetworkError(e)) {
          setUnsent({ body, key });
          return res.network(t('term.unsentTitle'));
        }
        const code = e instanceof ApiError ? e.code : '';
        if (code === 'INSUFFICIENT_STOCK') {
          setStep(2);
          return res.fail(e, t('term.expectQtyMax', { max: chosen?.available ?? 0 }));
        }
        if (code === 'TEMPERATURE_MISMATCH' && isManager(role) && !body.override) {
          setForce(body.toLocationCode);
          return res.fail(e, t('term.forceHint', { code: body.toLocationCode }));
        }
        res.fail(e, code === 'UNKNOWN_LOCATION' || code === 'TEMPERATURE_MISMATCH' ? t('term.expectTo') : undefined);
      }
    });

  const scanTo = (v: string) => {
    if (!chosen) return;
    if (!v) return res.fail(t('term.promptTo'), t('term.expectTo'));
    if (sameCode(v, from)) return res.fail(t('term.sameLocation', { code: from }), t('term.expectTo'));
    const forced = sameCode(v, force);
    setForce('');
    return run(async () => {
      const loc = await findLocation(v);
      if (!loc) return res.fail(t('term.unknownLocation', { code: normalizeCode(v) }), t('term.expectTo'));
      await send({ skuCode: chosen.skuCode, lotNo: chosen.lotNo, fromLocationCode: from, toLocationCode: loc.code, qty, ...(forced ? { override: true } : {}) });
    });
  };

  const onEntry = (entry: Entry) => {
    if (unsent) return entry.value ? res.fail(t('term.unsentFirst'), t('term.expectRetry')) : send(unsent.body, unsent.key);
    if (step === 0) return entry.value ? scanFrom(entry.value) : res.fail(t('term.promptFrom'), t('term.expectFrom'));
    if (step === 1) return scanItem(entry);
    if (step === 2 && chosen) {
      const n = typedQuantity(entry);
      if (n && n > chosen.available) return res.fail(t('term.tooMany', { n, max: chosen.available }), t('term.expectQtyMax', { max: chosen.available }));
      if (n || !entry.value) {
        if (n) setQty(n);
        setStep(3);
        return res.info(t('term.qtySet', { count: n ?? qty }), [t('term.promptTo')]);
      }
      // A location scanned right away: move the quantity shown.
      return scanTo(entry.value);
    }
    return scanTo(entry.value);
  };

  const scan = useScanInput(onEntry, { busy });

  const prompts = [t('term.promptFrom'), lotChoices.length ? t('term.promptLotChoice') : t('term.promptItem'), t('term.promptMoveQty', { max: chosen?.available ?? 0 }), t('term.promptTo')];

  return (
    <div className={'term-screen' + (res.result?.tone === 'error' ? ' is-error' : '')} data-testid="term-move">
      <Flash result={res.result} />
      <Steps steps={[...STEPS]} current={step} />
      {from && step > 0 && <Context label={t('term.from')} value={from} onChange={() => (setStep(0), setChosen(null))} testId="term-from" />}
      <ScanField scan={scan} label={prompts[step]} />
      <ResultPanel result={res.result} />
      {unsent && <Unsent busy={busy} onRetry={() => send(unsent.body, unsent.key)} onDiscard={() => (setUnsent(null), res.clear())} />}
      {lotChoices.length > 0 && step === 1 && (
        <ul className="term-choices" data-testid="lot-choices">
          {lotChoices.map((s) => (
            <li key={s.lotId}>
              <button type="button" className="btn btn-big btn-block" onClick={() => choose(s)}>
                {t('term.lot')} {s.lotNo || '—'} · {s.available}
                {s.expiresAt ? ` · ${t('term.expiresShort', { date: dateOnly(s.expiresAt) })}` : ''}
              </button>
            </li>
          ))}
        </ul>
      )}
      {chosen && step >= 2 && (
        <section className="term-item" data-testid="term-item">
          <p className="term-item-name">{chosen.skuName}</p>
          <p className="term-item-spec">{[chosen.skuCode, chosen.lotNo ? `${t('term.lot')} ${chosen.lotNo}` : ''].filter(Boolean).join(' · ')}</p>
          <Big label={t('term.qty')} testId="term-qty">
            {qty}
          </Big>
          <p className="term-qty-units">{t('term.ofAvailable', { max: chosen.available, code: from })}</p>
          <button type="button" className="btn btn-big btn-block" onClick={() => (setChosen(null), setStep(1), res.clear())} data-testid="term-cancel">
            {t('term.cancelItem')}
          </button>
        </section>
      )}
      {step > 0 && stock.length > 0 && <StockList stock={stock} chosen={chosen} onChoose={choose} />}
    </div>
  );
}
