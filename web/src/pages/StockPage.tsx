import { useI18n } from '../i18n';
import type { SessionUser } from '../session';
import { usePaged } from '../usePaged';
import { Badge, ErrorBox, ListFooter, PageTitle, TableWrap } from '../components/ui';

interface StockTotal {
  ownerId: number;
  skuId: number;
  skuCode: string;
  skuName: string;
  onHand: number;
  allocated: number;
  available: number;
}

interface StockRow {
  id: number;
  skuCode: string;
  skuName: string;
  lotNo: string;
  expiresAt: string | null;
  lotStatus: 'released' | 'hold';
  locationCode: string;
  onHand: number;
}

const EXPIRING_DAYS = 7;

/** A seller's stock per product and what expires soon; staff see every owner's. */
export function StockPage({ user }: { user: SessionUser }) {
  const { t } = useI18n();
  const totals = usePaged<StockTotal>('/api/v1/inventory/totals', { by: 'sku' });
  const expiring = usePaged<StockRow>('/api/v1/inventory/expiring', { days: EXPIRING_DAYS });
  const staff = user.role !== 'seller';
  return (
    <section>
      <PageTitle>{t('stock.title')}</PageTitle>
      <p className="muted">{t('stock.lead')}</p>
      <ErrorBox error={totals.error ?? expiring.error} />
      <TableWrap label={t('stock.title')} testId="stock-table">
        <thead>
          <tr>
            {staff && <th scope="col">{t('stock.owner')}</th>}
            <th scope="col">{t('stock.sku')}</th>
            <th scope="col" className="num">{t('stock.onHand')}</th>
            <th scope="col" className="num">{t('stock.allocated')}</th>
            <th scope="col" className="num">{t('stock.available')}</th>
          </tr>
        </thead>
        <tbody>
          {totals.items.map((s) => (
            <tr key={`${s.ownerId}-${s.skuId}`}>
              {staff && <td>{s.ownerId}</td>}
              <td>
                <strong>{s.skuName}</strong>
                <div className="mono muted">{s.skuCode}</div>
              </td>
              <td className="num">{s.onHand}</td>
              <td className="num">{s.allocated}</td>
              <td className="num">
                <strong>{s.available}</strong>
              </td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
      {!totals.loading && totals.items.length === 0 && <p className="muted">{t('stock.empty')}</p>}
      <h2>{t('stock.expiringTitle', { days: EXPIRING_DAYS })}</h2>
      {!expiring.loading && expiring.items.length === 0 ? (
        <p className="muted">{t('stock.expiringNone', { days: EXPIRING_DAYS })}</p>
      ) : (
        <TableWrap label={t('stock.expiringTitle', { days: EXPIRING_DAYS })} testId="expiring-table">
          <thead>
            <tr>
              <th scope="col">{t('stock.sku')}</th>
              <th scope="col">{t('stock.lot')}</th>
              <th scope="col">{t('stock.expiresAt')}</th>
              <th scope="col">{t('stock.location')}</th>
              <th scope="col" className="num">{t('stock.onHand')}</th>
            </tr>
          </thead>
          <tbody>
            {expiring.items.map((r) => (
              <tr key={r.id}>
                <td>{r.skuName}</td>
                <td className="mono">
                  {r.lotNo || '-'} {r.lotStatus === 'hold' && <Badge tone="warn">{t('stock.onHold')}</Badge>}
                </td>
                <td>{r.expiresAt}</td>
                <td className="mono">{r.locationCode}</td>
                <td className="num">{r.onHand}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      <ListFooter loading={expiring.loading} empty={false} hasMore={expiring.hasMore} onMore={expiring.loadMore} />
    </section>
  );
}
