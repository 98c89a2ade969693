import { useState, type FormEvent } from 'react';
import type { Owner } from '../api';
import { useI18n } from '../i18n';
import type { SessionUser } from '../session';
import { usePaged } from '../usePaged';
import { HOLD_REASONS, localText, ORDER_STATUSES, type HoldReason, type Order, type OrderStatus, type Store } from '../orders';
import { ErrorBox, FilterSelect, Link, ListFooter, PageTitle, TableWrap } from '../components/ui';
import { OwnerSelect, ownerLabel, useOwners } from '../components/OwnerSelect';
import { StoreSelect, useStoreList } from '../components/StoreSelect';
import { HoldReasonBadge, OrderStatusBadge } from '../components/OrderBadges';

interface Filters {
  q: string;
  status: string;
  holdReason: string;
  storeId: string;
  ownerId: string;
}

const FILTER_KEYS: Array<keyof Filters> = ['q', 'status', 'holdReason', 'storeId', 'ownerId'];

/** Filters come from the address (a link from a store's "held orders", or back from an order). */
function filtersFromUrl(staff: boolean): Filters {
  const p = new URLSearchParams(window.location.search);
  const id = (k: string) => (/^\d+$/.test(p.get(k) ?? '') ? p.get(k)! : '');
  const status = p.get('status') ?? '';
  const holdReason = p.get('holdReason') ?? '';
  return {
    q: (p.get('q') ?? '').slice(0, 64),
    status: (ORDER_STATUSES as readonly string[]).includes(status) ? status : '',
    holdReason: (HOLD_REASONS as readonly string[]).includes(holdReason) ? holdReason : '',
    storeId: id('storeId'),
    ownerId: staff ? id('ownerId') : '',
  };
}

/** The list as last shown, for the way back from an order. */
let lastListUrl = '/orders';
export const ordersListUrl = () => lastListUrl;

function urlOf(f: Filters): string {
  const p = new URLSearchParams();
  for (const k of FILTER_KEYS) if (f[k]) p.set(k, f[k]);
  const s = p.toString();
  return '/orders' + (s ? `?${s}` : '');
}

function Filter({ value, onChange, owners, stores, staff }: { value: Filters; onChange: (f: Filters) => void; owners: Owner[]; stores: Store[]; staff: boolean }) {
  const { t } = useI18n();
  const [q, setQ] = useState(value.q);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onChange({ ...value, q: q.trim() });
  };
  const held = value.status === 'held';
  return (
    <>
      <div className="quick-filter" role="group" aria-label={t('orders.quick')}>
        <button type="button" className="btn" aria-pressed={!value.status && !value.holdReason} onClick={() => onChange({ ...value, status: '', holdReason: '' })} data-testid="quick-all">
          {t('orders.quickAll')}
        </button>
        <button type="button" className="btn" aria-pressed={held} onClick={() => onChange({ ...value, status: 'held' })} data-testid="quick-held">
          {t('orders.quickHeld')}
        </button>
      </div>
      <form className="filters order-filters" onSubmit={submit} role="search" aria-label={t('orders.filters')}>
        <div className="field field-grow">
          <label htmlFor="order-q">{t('orders.search')}</label>
          <div className="search-box">
            <input id="order-q" type="search" enterKeyHint="search" autoComplete="off" maxLength={64} value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('orders.searchPlaceholder')} data-testid="order-search" />
            <button type="submit" className="btn btn-primary" data-testid="order-search-submit">
              {t('common.search')}
            </button>
          </div>
          {value.q && (
            <span className="hint">
              {t('orders.searchingFor', { q: value.q })}{' '}
              <button
                type="button"
                className="btn-link"
                onClick={() => {
                  setQ('');
                  onChange({ ...value, q: '' });
                }}
              >
                {t('skus.clearSearch')}
              </button>
            </span>
          )}
        </div>
        <FilterSelect
          id="f-order-status"
          testId="filter-status"
          label={t('orders.status')}
          value={value.status as OrderStatus | ''}
          options={ORDER_STATUSES}
          optionLabel={(s) => t(`ostatus.${s}`)}
          onChange={(status) => onChange({ ...value, status, holdReason: status === 'held' || !status ? value.holdReason : '' })}
        />
        <FilterSelect
          id="f-hold"
          testId="filter-hold"
          label={t('orders.holdReason')}
          value={value.holdReason as HoldReason | ''}
          options={HOLD_REASONS}
          optionLabel={(r) => t(`hold.${r}`)}
          onChange={(holdReason) => onChange({ ...value, holdReason, status: holdReason ? 'held' : value.status })}
        />
        {stores.length > 0 && (
          <div className="field">
            <label htmlFor="f-store">{t('orders.store')}</label>
            <StoreSelect id="f-store" testId="filter-store" stores={stores} value={value.storeId} onChange={(storeId) => onChange({ ...value, storeId })} />
          </div>
        )}
        {staff && (
          <div className="field">
            <label htmlFor="f-order-owner">{t('skus.owner')}</label>
            <OwnerSelect id="f-order-owner" testId="filter-owner" owners={owners} value={value.ownerId} emptyLabel={t('skus.allOwners')} onChange={(ownerId) => onChange({ ...value, ownerId })} />
          </div>
        )}
      </form>
    </>
  );
}

/** Where the parcel goes, as far as the list may show it (the receiver is masked here). */
const placeOf = (o: Order) => [o.receiver.province, o.receiver.city, o.receiver.district].filter(Boolean).join(' ');

export function OrdersPage({ user }: { user: SessionUser }) {
  const { t, date, lang } = useI18n();
  const staff = user.role !== 'seller';
  const canEdit = user.role !== 'operator';
  const owners = useOwners(staff);
  const stores = useStoreList();
  const [filters, setFiltersState] = useState<Filters>(() => {
    const f = filtersFromUrl(staff);
    lastListUrl = urlOf(f);
    return f;
  });
  const setFilters = (f: Filters) => {
    setFiltersState(f);
    // kept in the address so that "back" from an order returns to the same list
    lastListUrl = urlOf(f);
    window.history.replaceState(null, '', lastListUrl);
  };
  const list = usePaged<Order>('/api/v1/orders', {
    q: filters.q || undefined,
    status: filters.status || undefined,
    holdReason: filters.holdReason || undefined,
    storeId: filters.storeId || undefined,
    ownerId: filters.ownerId || undefined,
  });
  const storeName = (id: number | null) => (id === null ? null : (stores.find((s) => s.id === id)?.name ?? `#${id}`));
  const ownerOf = (id: number) => {
    const o = owners.find((x) => x.id === id);
    return o ? ownerLabel(o) : `#${id}`;
  };
  const filtered = FILTER_KEYS.some((k) => filters[k]);

  return (
    <section>
      <PageTitle>{t('orders.title')}</PageTitle>
      {canEdit ? (
        <div className="sku-tools">
          <Link to="/orders/import" className="btn btn-big" data-testid="orders-upload">
            {t('orders.upload')}
          </Link>
          <Link to="/stores" className="btn btn-big" data-testid="orders-stores">
            {t('orders.toStores')}
          </Link>
        </div>
      ) : (
        <p className="muted">{t('common.readOnly')}</p>
      )}
      <Filter value={filters} onChange={setFilters} owners={owners} stores={stores} staff={staff} />
      <ErrorBox error={list.error} />
      {!list.loading && !list.error && list.items.length === 0 ? (
        <div className="panel empty-state" data-testid="orders-empty">
          <p>{filters.status === 'held' && !filters.q ? t('orders.noneHeld') : filtered ? t('orders.noMatch') : t('orders.empty')}</p>
        </div>
      ) : (
        <TableWrap label={t('orders.title')} testId="orders-table">
          <thead>
            <tr>
              <th scope="col">{t('orders.number')}</th>
              <th scope="col">{t('orders.status')}</th>
              <th scope="col">{t('orders.receiver')}</th>
              <th scope="col">{t('orders.items')}</th>
              <th scope="col">{t('orders.source')}</th>
              {staff && <th scope="col">{t('skus.owner')}</th>}
              <th scope="col">{t('orders.placed')}</th>
            </tr>
          </thead>
          <tbody className="order-rows">
            {list.items.map((o) => (
              <tr key={o.id} className="order-row" data-testid="order-row">
                <td className="order-no">
                  <Link to={`/orders/${o.id}`} className="order-link" data-testid="order-open">
                    {o.externalId}
                  </Link>
                  {o.coldChain && <span className="muted small"> · {t('orders.coldChain')}</span>}
                </td>
                <td className="order-state" data-label={t('orders.status')}>
                  <OrderStatusBadge status={o.status} />
                  {o.holdReason && (
                    <>
                      {' '}
                      <HoldReasonBadge reason={o.holdReason} />
                    </>
                  )}
                  {o.intercept && <span className="badge badge-bad">{t('order.intercept')}</span>}
                  {o.status === 'held' && o.holdDetail && <span className="hold-detail-short">{localText(lang, o.holdDetail)}</span>}
                </td>
                <td className="order-receiver" data-label={t('orders.receiver')}>
                  {o.receiver.name ?? ''}
                  <span className="muted small block">{placeOf(o)}</span>
                </td>
                <td className="order-items" data-label={t('orders.items')}>
                  {o.lines.slice(0, 2).map((l) => (
                    <span key={l.lineNo} className="block">
                      {l.skuName ?? l.title ?? l.listingCode ?? l.skuCode} × {l.qty}
                    </span>
                  ))}
                  {o.lines.length > 2 && <span className="muted small">{t('orders.moreLines', { n: o.lines.length - 2 })}</span>}
                </td>
                <td className="order-source" data-label={t('orders.source')}>
                  {storeName(o.storeId) ?? t(`channel.${o.channel === 'import' ? 'import' : o.channel === 'api' ? 'api' : 'other'}`)}
                </td>
                {staff && (
                  <td className="order-owner" data-label={t('skus.owner')}>
                    {ownerOf(o.ownerId)}
                  </td>
                )}
                <td className="order-date" data-label={t('orders.placed')}>
                  {date(o.placedAt ?? o.createdAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      <ListFooter loading={list.loading} empty={false} hasMore={list.hasMore} onMore={list.loadMore} />
    </section>
  );
}
