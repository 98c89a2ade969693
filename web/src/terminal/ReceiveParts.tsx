import { useId, type KeyboardEvent } from 'react';
import { useI18n } from '../i18n';
import type { Asn, Receipt } from './termApi';
import { dateOnly } from './termApi';
import type { ScannedItem } from './termApi';

/** The pieces of the receiving screen: ASN lines, the item being counted, the summary. */

export interface Pending {
  barcode: string;
  item: ScannedItem;
  /** Scans of the barcode, or the number typed (a case barcode counts cases). */
  count: number;
  lotNo: string;
  producedAt: string;
  expiresAt: string;
  /** The receiver types the expiry printed on the goods instead of having it derived. */
  expiryMode: boolean;
}

export const needsLot = (p: Pending | null): boolean => !!p && p.item.sku.lotTracked && !p.lotNo;

/** Enter in a date field hands the focus back to the scan field (the next scan must not land here). */
const backToScan = (e: KeyboardEvent<HTMLInputElement>) => {
  if (e.key !== 'Enter') return;
  e.preventDefault();
  e.currentTarget.blur();
};

/** Expected, received and remaining per line; the line of the item in hand is marked. */
export function AsnLines({ asn, activeSkuId, showDiff }: { asn: Asn; activeSkuId?: number; showDiff?: boolean }) {
  const { t } = useI18n();
  return (
    <div className="term-lines" role="region" aria-label={t('term.lines')} tabIndex={-1}>
      <table data-testid="asn-lines">
        <thead>
          <tr>
            <th scope="col">{t('term.lineItem')}</th>
            <th scope="col" className="num">
              {t('term.lineExpected')}
            </th>
            <th scope="col" className="num">
              {t('term.lineReceived')}
            </th>
            <th scope="col" className="num">
              {showDiff ? t('term.lineDiff') : t('term.lineRemaining')}
            </th>
          </tr>
        </thead>
        <tbody>
          {asn.lines.map((l) => {
            const remaining = Math.max(0, l.expectedQty - l.receivedQty);
            const diff = l.receivedQty - l.expectedQty;
            return (
              <tr key={l.id} className={l.skuId === activeSkuId ? 'is-active' : remaining === 0 ? 'is-done' : ''} data-testid={`asn-line-${l.skuCode}`}>
                <td>
                  <span className="term-line-name">{l.skuName}</span>
                  <span className="term-line-code">
                    {l.skuCode}
                    {l.lotNo ? ` · ${t('term.lot')} ${l.lotNo}` : ''}
                  </span>
                </td>
                <td className="num">{l.expectedQty}</td>
                <td className="num" data-testid={`asn-line-received-${l.skuCode}`}>
                  {l.receivedQty}
                </td>
                {showDiff ? (
                  <td className={'num ' + (diff > 0 ? 'term-over' : diff < 0 ? 'term-short' : 'term-even')} data-testid={`asn-line-diff-${l.skuCode}`}>
                    {diff > 0 ? `+${diff}` : diff < 0 ? `−${-diff}` : '0'}
                  </td>
                ) : (
                  <td className="num">{remaining}</td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The item in hand: big name, how many, and the lot fields when the product is lot-tracked. */
export function PendingItem({ pending, onChange, onClearLot }: { pending: Pending; onChange: (p: Pending) => void; onClearLot: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const { sku, perScan } = pending.item;
  const units = pending.count * perScan;
  const set = (count: number) => onChange({ ...pending, count: Math.max(1, Math.min(99999, count)) });
  return (
    <section className="term-item" data-testid="term-item" aria-label={t('term.itemInHand')}>
      <p className="term-item-name" data-testid="term-item-name">
        {sku.name}
      </p>
      <p className="term-item-spec">
        {[sku.spec, sku.skuCode, t(`temp.${sku.temperature}`)].filter(Boolean).join(' · ')}
      </p>
      <div className="term-qty">
        <button type="button" className="btn term-qty-btn" onClick={() => set(pending.count - 1)} aria-label={t('term.fewer')}>
          −
        </button>
        <span className="term-qty-value" data-testid="term-qty">
          {pending.count}
        </span>
        <button type="button" className="btn term-qty-btn" onClick={() => set(pending.count + 1)} aria-label={t('term.more')}>
          ＋
        </button>
      </div>
      <p className="term-qty-units" data-testid="term-units">
        {perScan > 1 ? t('term.caseUnits', { count: pending.count, per: perScan, units }) : t('term.units', { units })}
      </p>
      {sku.lotTracked && (
        <div className="term-lot">
          <p className="term-lot-no">
            {t('term.lot')}:{' '}
            {pending.lotNo ? (
              <>
                <strong data-testid="term-lot">{pending.lotNo}</strong>{' '}
                <button type="button" className="btn btn-quiet" onClick={onClearLot}>
                  {t('term.change')}
                </button>
              </>
            ) : (
              <strong className="term-missing">{t('term.lotMissing')}</strong>
            )}
          </p>
          <div className="term-dates">
            <label htmlFor={`${id}-prod`}>{t('term.producedAt')}</label>
            <input
              id={`${id}-prod`}
              type="date"
              value={pending.producedAt}
              onChange={(e) => onChange({ ...pending, producedAt: e.target.value })}
              onKeyDown={backToScan}
              data-testid="term-produced"
            />
            {pending.expiryMode ? (
              <>
                <label htmlFor={`${id}-exp`}>{t('term.expiresAt')}</label>
                <input
                  id={`${id}-exp`}
                  type="date"
                  value={pending.expiresAt}
                  onChange={(e) => onChange({ ...pending, expiresAt: e.target.value })}
                  onKeyDown={backToScan}
                  data-testid="term-expires"
                />
              </>
            ) : (
              <button type="button" className="btn btn-quiet term-expiry-toggle" onClick={() => onChange({ ...pending, expiryMode: true })} data-testid="term-expiry-mode">
                {t('term.typeExpiry')}
              </button>
            )}
            <p className="hint">{pending.expiryMode ? t('term.expiryTyped') : t('term.expiryDerived')}</p>
          </div>
        </div>
      )}
    </section>
  );
}

/** What was just received, with what to do next (print the lot label, put it away now). */
export function LastReceipt({ receipt, onPrint, onPutaway, printing }: { receipt: Receipt; onPrint: () => void; onPutaway: () => void; printing: boolean }) {
  const { t } = useI18n();
  return (
    <section className="term-last" data-testid="term-last" aria-label={t('term.lastReceipt')}>
      <p className="term-last-title">{t('term.lastReceipt')}</p>
      <p>
        <strong>{receipt.sku.name}</strong> × {receipt.units} → {receipt.locationCode}
      </p>
      {receipt.lot.lotNo && (
        <p className="muted">
          {t('term.lot')} {receipt.lot.lotNo}
          {receipt.lot.expiresAt ? ` · ${t('term.expiresShort', { date: dateOnly(receipt.lot.expiresAt) })}` : ''}
        </p>
      )}
      <div className="term-actions">
        {receipt.lot.lotNo && (
          <button type="button" className="btn btn-big" onClick={onPrint} disabled={printing} data-testid="term-print-lot">
            {printing ? t('label.busy') : t('term.printLot')}
          </button>
        )}
        <button type="button" className="btn btn-big" onClick={onPutaway} data-testid="term-putaway-now">
          {t('term.putawayNow')}
        </button>
      </div>
    </section>
  );
}
