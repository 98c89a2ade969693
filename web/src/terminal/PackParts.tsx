import { useEffect, useState, type KeyboardEvent } from 'react';
import { useI18n, type MessageKey } from '../i18n';
import { printerTone, stateText, type Printer } from '../printing';
import { askPrinter, getPrinter, type CartonOption, type PackOrder, type PackStation, type Tote } from './packApi';

/** The pieces of the pack station screen: station bar, tote, items, carton, weight (the parcel is PackParcel.tsx). */

/**
 * The station's printer and its state: the printer is asked (ZPL ~HS, TSPL status) when the
 * station is chosen and every minute; the record, which print jobs also update, every 15 s.
 */
export function useStationPrinter(printerId: number | null): Printer | null {
  const [printer, setPrinter] = useState<Printer | null>(null);
  useEffect(() => {
    setPrinter(null);
    if (!printerId) return;
    let live = true;
    let round = 0;
    const load = async () => {
      try {
        let p = await getPrinter(printerId);
        if (p.transport === 'tcp' && p.language !== 'pdf' && p.active && round % 4 === 0) {
          await askPrinter(printerId).catch(() => undefined);
          p = await getPrinter(printerId);
        }
        round++;
        if (live) setPrinter(p);
      } catch {
        // the network: the last state stays on screen
      }
    };
    void load();
    const timer = setInterval(load, 15_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [printerId]);
  return printer;
}

export function StationBar({ station, printer, onChange }: { station: PackStation; printer: Printer | null; onChange: () => void }) {
  const { t } = useI18n();
  const tone = printer ? printerTone(printer) : 'plain';
  return (
    <div className="pack-station" data-testid="pack-station">
      <span className="pack-station-name">
        <span className="muted">{t('pack.station')}</span> <strong data-testid="pack-station-code">{station.code}</strong> <span className="pack-station-title">{station.name}</span>
      </span>
      <span className={`pack-printer pack-tone-${tone}`} data-testid="pack-printer" data-state={printer?.state ?? 'none'}>
        <span className="muted">{t('pack.printer')}</span>{' '}
        {station.printerId ? (
          <>
            <strong data-testid="pack-printer-name">{printer?.name ?? station.printerName ?? `#${station.printerId}`}</strong>
            {printer && <span className="pack-printer-state"> · {stateText(t, printer)}</span>}
          </>
        ) : (
          <strong>{t('pack.noPrinter')}</strong>
        )}
      </span>
      <button type="button" className="btn btn-quiet" onClick={onChange} data-testid="pack-station-change">
        {t('term.change')}
      </button>
    </div>
  );
}

export function StationChoice({ stations, onChoose }: { stations: PackStation[]; onChoose: (s: PackStation) => void }) {
  const { t } = useI18n();
  return (
    <section className="pack-stations" data-testid="pack-stations">
      <h2 className="pack-h">{t('pack.stationTitle')}</h2>
      <p className="muted">{stations.length ? t('pack.stationHint') : t('pack.noStations')}</p>
      <ul className="term-choices">
        {stations.map((s) => (
          <li key={s.id}>
            <button type="button" className="btn btn-big btn-block" onClick={() => onChoose(s)} data-testid={`pack-station-${s.code}`}>
              <strong>{s.code}</strong> · {s.name}
              {s.printerName ? ` · ${s.printerName}` : ''}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ToteView({ tote, onOpen, onLeave }: { tote: Tote; onOpen: (orderId: number, slotNo: number | null) => void; onLeave: () => void }) {
  const { t } = useI18n();
  return (
    <section className="pack-tote" data-testid="pack-tote" aria-label={`${t('pack.tote')} ${tote.toteCode}`}>
      <p className="pack-tote-head">
        <strong data-testid="pack-tote-code">{tote.toteCode}</strong>
        <span className="muted"> · {t('pack.toteWave', { wave: tote.waveId, batch: tote.batchNo })}</span>
      </p>
      <div className="term-lines">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('pack.toteSlot')}</th>
              <th scope="col">{t('pack.toteOrder')}</th>
              <th scope="col" className="num">
                {t('pack.toteUnits')}
              </th>
              <th scope="col">{t('pack.toteState')}</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {tote.orders.map((o) => (
              <tr key={o.orderId} className={o.packed ? 'is-done' : o.readyToPack ? '' : 'pack-muted'} data-testid={`pack-tote-order-${o.externalId}`}>
                <td className="pack-slot">{o.slotNo ?? '—'}</td>
                <td>{o.externalId}</td>
                <td className="num">{o.units}</td>
                <td>{o.packed ? t('pack.packedBadge') : o.readyToPack ? t('pack.ready') : t('pack.toteSorted', { sorted: o.sortedUnits, units: o.units })}</td>
                <td>
                  <button type="button" className="btn btn-quiet" onClick={() => onOpen(o.orderId, o.slotNo)}>
                    {t('pack.openOrder')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {tote.orders.every((o) => o.packed) && <p className="pack-ok-note">{t('pack.toteDone')}</p>}
      <button type="button" className="btn" onClick={onLeave} data-testid="pack-tote-leave">
        {t('pack.leaveTote')}
      </button>
    </section>
  );
}

/** Every line of the order with its scan count; the line scanned last is marked. */
export function ItemList({ order, scanned, lastSkuId }: { order: PackOrder; scanned: Map<number, number>; lastSkuId: number | null }) {
  const { t } = useI18n();
  return (
    <ul className="pack-items" data-testid="pack-items" aria-label={t('pack.item')}>
      {order.items.map((i) => {
        const n = scanned.get(i.skuId) ?? 0;
        const done = n === i.qty;
        return (
          <li key={i.skuId} className={'pack-item' + (done ? ' is-done' : '') + (i.skuId === lastSkuId ? ' is-last' : '')} data-testid={`pack-item-${i.skuCode}`} data-done={done}>
            {i.imageUrl ? <img className="pack-item-img" src={i.imageUrl} alt="" loading="lazy" /> : <span className="pack-item-img pack-item-noimg" aria-hidden="true" />}
            <span className="pack-item-text">
              <span className="pack-item-name">{i.name}</span>
              <span className="pack-item-spec muted">
                {i.skuCode}
                {i.spec ? ` · ${i.spec}` : ''}
                {i.barcodes.some((b) => b.units > 1) ? ` · ${i.barcodes.filter((b) => b.units > 1).map((b) => t('pack.caseOf', { units: b.units })).join(', ')}` : ''}
              </span>
            </span>
            <span className="pack-item-count" aria-label={`${t('pack.scanned')} ${n} / ${t('pack.qty')} ${i.qty}`}>
              <strong data-testid={`pack-scanned-${i.skuCode}`}>{n}</strong>
              <span className="pack-item-of">/{i.qty}</span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}

export function CartonPicker({ options, suggested, reason, value, onChoose }: { options: CartonOption[]; suggested: string | null; reason: string; value: string | null; onChoose: (code: string) => void }) {
  const { t } = useI18n();
  return (
    <fieldset className="pack-cartons" data-testid="pack-cartons">
      <legend>{t('pack.carton')}</legend>
      {options.length === 0 && <p className="muted">{t('pack.noCartons')}</p>}
      <div className="pack-carton-list" role="radiogroup" aria-label={t('pack.carton')}>
        {options.map((c) => (
          <button
            key={c.code}
            type="button"
            role="radio"
            aria-checked={value === c.code}
            className={'btn pack-carton' + (value === c.code ? ' is-on' : '') + (c.fits ? '' : ' is-nofit')}
            onClick={() => onChoose(c.code)}
            data-testid={`pack-carton-${c.code}`}
            title={c.why ?? undefined}
          >
            <strong>{c.code}</strong>
            <span className="pack-carton-size">
              {c.lengthMm}×{c.widthMm}×{c.heightMm}
            </span>
            {c.code === suggested && <span className="pack-badge">{t('pack.suggested')}</span>}
            {!c.fits && <span className="pack-badge pack-badge-warn">{t('pack.noFit')}</span>}
          </button>
        ))}
      </div>
      <p className="pack-reason" data-testid="pack-carton-reason">
        <strong>{suggested ? t('pack.suggestedWhy', { code: suggested }) : t('pack.noSuggestion')}</strong>
        {reason && <span className="muted small pack-reason-detail">{reason}</span>}
      </p>
      <p className="muted small">{t('pack.cartonHint')}</p>
    </fieldset>
  );
}

/** Enter in the weight field hands the focus back to the scan field (the next scan must not land here). */
const backToScan = (e: KeyboardEvent<HTMLInputElement>) => {
  if (e.key !== 'Enter') return;
  e.preventDefault();
  e.currentTarget.blur();
};

/** The weight, typed (or written here by a scale), in the unit shown beside it. */
export function WeightField(props: { text: string; unit: 'g' | 'kg'; estimated: boolean; note: string; invalid: boolean; onText: (v: string) => void; onUnit: (u: 'g' | 'kg') => void }) {
  const { t } = useI18n();
  const { text, unit, estimated, note, invalid } = props;
  return (
    <div className="pack-weight">
      <label htmlFor="pack-weight" className="pack-weight-label">
        {t('pack.weight')} ({t(unit === 'kg' ? 'pack.unitKgLong' : 'pack.unitGLong')})
        <span className={'pack-badge' + (estimated ? ' pack-badge-warn' : '')} data-testid="pack-weight-flag" data-estimated={estimated}>
          {estimated ? t('pack.estimated') : t('pack.weighed')}
        </span>
      </label>
      <div className="pack-weight-row">
        <input
          id="pack-weight"
          className="pack-weight-input"
          inputMode="decimal"
          autoComplete="off"
          value={text}
          aria-invalid={invalid}
          aria-describedby="pack-weight-note"
          onChange={(e) => props.onText(e.target.value)}
          onKeyDown={backToScan}
          data-testid="pack-weight"
        />
        <div className="pack-unit" role="radiogroup" aria-label={t('pack.weight')}>
          {(['g', 'kg'] as const).map((u) => (
            <button key={u} type="button" role="radio" aria-checked={unit === u} className={'btn' + (unit === u ? ' is-on' : '')} onClick={() => props.onUnit(u)} data-testid={`pack-unit-${u}`}>
              {t(u === 'kg' ? 'pack.unitKg' : 'pack.unitG')}
            </button>
          ))}
        </div>
      </div>
      <p id="pack-weight-note" className={'small ' + (invalid ? 'term-missing' : 'muted')}>
        {invalid ? t('pack.weightZero') : note}
      </p>
    </div>
  );
}

/** The pack error title in the packer's words (the server's own message follows as a line). */
export function packErrorKey(code: string): MessageKey | null {
  const key = `pack.err.${code}`;
  return (PACK_ERROR_CODES as readonly string[]).includes(code) ? (key as MessageKey) : null;
}

const PACK_ERROR_CODES = [
  'CARRIER_UNAVAILABLE',
  'CARRIER_REFUSED',
  'PACK_IN_PROGRESS',
  'ORDER_ALREADY_PACKED',
  'ORDER_NOT_PICKED',
  'ORDER_NOT_SORTED',
  'NOTHING_TO_PACK',
  'NOT_FOUND',
  'NO_CARRIER',
  'SCAN_MISMATCH',
  'SENDER_INCOMPLETE',
  'ORDER_CANCELLED',
  'ORDER_INTERCEPTED',
  'ORDER_CHANGED',
  'PARCEL_BUSY',
  'PARCEL_VOIDED',
  'PRINTER_INACTIVE',
  'IDEMPOTENCY_IN_PROGRESS',
] as const;
