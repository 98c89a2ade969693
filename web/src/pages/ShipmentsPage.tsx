import { Fragment, useEffect, useState } from 'react';
import { api, ApiError, fetchFile, saveFile } from '../api';
import { useI18n } from '../i18n';
import { usePaged } from '../usePaged';
import type { SessionUser } from '../session';
import { Badge, ErrorBox, Field, Link, ListFooter, PageTitle, TableWrap } from '../components/ui';
import { OwnerSelect, ownerLabel, useOwners } from '../components/OwnerSelect';
import { kg } from '../terminal/dockApi';
// the page's own phone layout; the shared sheets are imported in main.tsx

/**
 * A day's shipments: the parcels the carriers confirmed receiving on manifests handed over that
 * day (Beijing time), with waybill numbers and the latest tracking; a row opens the parcel's
 * tracking events. A seller sees its own owner's (the server filters); admin and supervisor any
 * owner's, or all. The day's list downloads as CSV, fetched with the session's token.
 */

const TRACKING_STATUSES = ['picked_up', 'in_transit', 'out_for_delivery', 'delivered', 'exception', 'other'] as const;
type TrackingStatus = (typeof TRACKING_STATUSES)[number];

interface Shipment {
  parcelId: number;
  orderId: number;
  orderExternalId: string | null;
  ownerId: number;
  carrierId: number;
  carrierCode: string;
  carrierName: string;
  waybillNo: string;
  weightG: number;
  handedOverAt: string | null;
  trackingStatus: TrackingStatus | null;
  trackingAt: string | null;
}

interface TrackingEvent {
  status: TrackingStatus;
  carrierStatusCode: string | null;
  description: string;
  location: string | null;
  occurredAt: string | null;
  source: 'poll' | 'push';
}

interface ParcelTracking {
  parcelId: number;
  waybillNo: string | null;
  trackingStatus: TrackingStatus | null;
  trackingAt: string | null;
  checkedAt: string | null;
  /** oldest first */
  items: TrackingEvent[];
}

const TONE: Record<TrackingStatus, 'ok' | 'warn' | 'bad' | 'info' | 'plain'> = {
  picked_up: 'info',
  in_transit: 'info',
  out_for_delivery: 'warn',
  delivered: 'ok',
  exception: 'bad',
  other: 'plain',
};

const HOUR = 3600_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Today in Asia/Shanghai, the day the API counts in (no daylight saving there: always UTC+8). */
const shanghaiToday = () => new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 10);

/** A moment in Beijing time, "2026-12-06 15:04", whatever the browser's zone (as the CSV writes it). */
function beijing(iso: string | null | undefined): string {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(ms) ? new Date(ms + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ') : '';
}

const asError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, 'NETWORK_ERROR', String(e)));

interface Filters {
  date: string;
  ownerId: string;
}

/** The day and owner come from the address, so that "back" from an order returns to the same list. */
function filtersFromUrl(staff: boolean): Filters {
  const p = new URLSearchParams(window.location.search);
  const date = p.get('date') ?? '';
  const ownerId = p.get('ownerId') ?? '';
  return { date: DAY.test(date) ? date : shanghaiToday(), ownerId: staff && /^\d+$/.test(ownerId) ? ownerId : '' };
}

function urlOf(f: Filters): string {
  const p = new URLSearchParams({ date: f.date });
  if (f.ownerId) p.set('ownerId', f.ownerId);
  return `/shipments?${p}`;
}

function TrackingBadge({ status }: { status: TrackingStatus | null }) {
  const { t } = useI18n();
  return (
    <span data-testid="ship-status" data-status={status ?? 'none'}>
      <Badge tone={status ? (TONE[status] ?? 'plain') : 'plain'}>{t(status ? `track.status.${status}` : 'track.status.none')}</Badge>
    </span>
  );
}

/** One parcel's tracking events, newest on top (as the order history shows its events). */
function TrackingEvents({ parcelId, waybillNo }: { parcelId: number; waybillNo: string }) {
  const { t } = useI18n();
  const [tracking, setTracking] = useState<ParcelTracking | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    const ctrl = new AbortController();
    api<ParcelTracking>(`/api/v1/parcels/${parcelId}/tracking`, { signal: ctrl.signal })
      .then(setTracking)
      .catch((e) => ctrl.signal.aborted || setError(asError(e)));
    return () => ctrl.abort();
  }, [parcelId]);

  return (
    <div className="ship-events" aria-label={t('ship.events', { waybill: waybillNo })}>
      <ErrorBox error={error} testId="ship-events-error" />
      {!tracking && !error && <p aria-live="polite">{t('common.loading')}</p>}
      {tracking && tracking.items.length === 0 && (
        <p className="muted" data-testid="ship-no-events">
          {t('ship.noEvents')}
        </p>
      )}
      {tracking && tracking.items.length > 0 && (
        <ol className="timeline">
          {[...tracking.items].reverse().map((e, i) => (
            <li key={i} data-testid="ship-event" data-status={e.status}>
              <span className="timeline-when">{beijing(e.occurredAt)}</span>
              <span className="timeline-what">
                <strong>{t(`track.status.${(TRACKING_STATUSES as readonly string[]).includes(e.status) ? e.status : 'other'}`)}</strong>
                {e.location && <span className="muted"> · {e.location}</span>}
              </span>
              <span className="timeline-msg">{e.description}</span>
            </li>
          ))}
        </ol>
      )}
      {tracking && <p className="muted small">{tracking.checkedAt ? t('ship.checkedAt', { at: beijing(tracking.checkedAt) }) : t('ship.notChecked')}</p>}
    </div>
  );
}

export function ShipmentsPage({ user }: { user: SessionUser }) {
  const { t } = useI18n();
  const staff = user.role !== 'seller';
  const owners = useOwners(staff);
  const [filters, setFiltersState] = useState<Filters>(() => filtersFromUrl(staff));
  const [open, setOpen] = useState<number[]>([]);
  const [downloading, setDownloading] = useState(false);
  const [fileError, setFileError] = useState<ApiError | null>(null);
  const setFilters = (f: Filters) => {
    setFiltersState(f);
    setOpen([]);
    setFileError(null);
    window.history.replaceState(null, '', urlOf(f));
  };
  const query = { date: filters.date, ownerId: filters.ownerId || undefined };
  const list = usePaged<Shipment>('/api/v1/shipments', query);
  const toggle = (parcelId: number) => setOpen((ids) => (ids.includes(parcelId) ? ids.filter((id) => id !== parcelId) : [...ids, parcelId]));
  const ownerOf = (id: number) => {
    const o = owners.find((x) => x.id === id);
    return o ? ownerLabel(o) : `#${id}`;
  };

  const download = async () => {
    setDownloading(true);
    setFileError(null);
    try {
      const { blob, filename } = await fetchFile('/api/v1/shipments', { query: { ...query, format: 'csv' }, fallbackName: `shipments-${filters.date}.csv` });
      saveFile(blob, filename);
    } catch (e) {
      setFileError(asError(e));
    } finally {
      setDownloading(false);
    }
  };

  const empty = !list.loading && !list.error && list.items.length === 0;
  const columns = staff ? 7 : 6;
  return (
    <section className="shipments" data-testid="shipments">
      <PageTitle>{t('ship.title')}</PageTitle>
      <p className="lead">{t('ship.lead')}</p>
      <div className="filters">
        <Field label={t('ship.date')}>
          {(p) => (
            <input
              {...p}
              type="date"
              value={filters.date}
              max={shanghaiToday()}
              required
              // a cleared or half-typed day keeps the last whole one
              onChange={(e) => DAY.test(e.target.value) && setFilters({ ...filters, date: e.target.value })}
              data-testid="ship-date"
            />
          )}
        </Field>
        {staff && (
          <Field label={t('skus.owner')}>
            {(p) => <OwnerSelect {...p} testId="ship-owner" owners={owners} value={filters.ownerId} emptyLabel={t('skus.allOwners')} onChange={(ownerId) => setFilters({ ...filters, ownerId })} />}
          </Field>
        )}
      </div>
      <div className="button-row">
        <button type="button" className="btn" onClick={() => void download()} disabled={downloading || list.loading || list.items.length === 0} data-testid="ship-csv">
          {t('ship.csv')}
        </button>
      </div>
      <ErrorBox error={list.error} testId="ship-error" />
      <ErrorBox error={fileError} testId="ship-csv-error" />
      {empty ? (
        <div className="panel empty-state" data-testid="ship-empty">
          <p>{t('ship.empty', { date: filters.date })}</p>
        </div>
      ) : (
        <>
          {list.items.length > 0 && (
            <p className="muted" data-testid="ship-count">
              {t('ship.count', { n: list.items.length, date: filters.date })}
            </p>
          )}
          <TableWrap label={t('ship.title')} testId="ship-table">
            <thead>
              <tr>
                <th scope="col">{t('ship.order')}</th>
                <th scope="col">{t('ship.carrier')}</th>
                <th scope="col">{t('ship.waybill')}</th>
                <th scope="col" className="num">
                  {t('ship.weight')}
                </th>
                <th scope="col">{t('ship.handedOverAt')}</th>
                <th scope="col">{t('ship.tracking')}</th>
                {staff && <th scope="col">{t('skus.owner')}</th>}
              </tr>
            </thead>
            <tbody className="ship-rows">
              {list.items.map((s) => {
                const isOpen = open.includes(s.parcelId);
                return (
                  <Fragment key={s.parcelId}>
                    <tr className="ship-row" data-testid={`ship-row-${s.waybillNo}`} data-open={String(isOpen)} onClick={() => toggle(s.parcelId)}>
                      <td className="mono" data-label={t('ship.order')}>
                        <Link to={`/orders/${s.orderId}`} onClick={(e) => e.stopPropagation()} data-testid="ship-order">
                          {s.orderExternalId ?? `#${s.orderId}`}
                        </Link>
                      </td>
                      <td data-label={t('ship.carrier')} data-testid="ship-carrier">
                        {s.carrierName}
                      </td>
                      <td className="mono" data-label={t('ship.waybill')}>
                        <button
                          type="button"
                          className="btn-link ship-toggle"
                          aria-expanded={isOpen}
                          aria-controls={`ship-events-${s.parcelId}`}
                          title={t('ship.show', { waybill: s.waybillNo })}
                          onClick={(e) => {
                            e.stopPropagation();
                            toggle(s.parcelId);
                          }}
                          data-testid="ship-toggle"
                        >
                          {s.waybillNo}
                        </button>
                      </td>
                      <td className="num" data-label={t('ship.weight')}>
                        {kg(s.weightG)}
                      </td>
                      <td className="nowrap" data-label={t('ship.handedOverAt')}>
                        {beijing(s.handedOverAt)}
                      </td>
                      <td className="nowrap" data-label={t('ship.tracking')}>
                        <TrackingBadge status={s.trackingStatus} />
                        {s.trackingAt && <span className="muted small block">{beijing(s.trackingAt)}</span>}
                      </td>
                      {staff && (
                        <td className="ship-owner" data-label={t('skus.owner')}>
                          {ownerOf(s.ownerId)}
                        </td>
                      )}
                    </tr>
                    {isOpen && (
                      <tr id={`ship-events-${s.parcelId}`} className="ship-events-row" data-testid={`ship-events-${s.waybillNo}`}>
                        <td colSpan={columns}>
                          <TrackingEvents parcelId={s.parcelId} waybillNo={s.waybillNo} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </TableWrap>
        </>
      )}
      <ListFooter loading={list.loading} empty={false} hasMore={list.hasMore} onMore={list.loadMore} />
    </section>
  );
}
