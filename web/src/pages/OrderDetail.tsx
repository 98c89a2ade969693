import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api';
import { useI18n, type Lang, type MessageKey, type TFunction } from '../i18n';
import { isManager, type SessionUser } from '../session';
import { CANCELLABLE, EDITABLE, listingOf, localText, platformName, type Order, type OrderEvent, type OrderStatus, type Store } from '../orders';
import { Badge, ErrorBox, Link, Notice, PageTitle } from '../components/ui';
import { HoldReasonBadge, OrderStatusBadge } from '../components/OrderBadges';
import { MapListingForm, useOwnerSkus, type OwnerSkus } from '../components/MapListingForm';
import { CancelBox, HoldBox, ReceiverForm } from './OrderFixes';
import { ordersListUrl } from './OrdersPage';

const EVENTS = ['received', 'held', 'released', 'fixed', 'updated', 'update_ignored', 'cancelled', 'intercept', 'cancel_after_ship', 'backorder', 'allocated', 'in_wave', 'picked', 'sorted'] as const;
const FIX_TEXT: Record<string, MessageKey> = {
  unmapped_listing: 'fix.unmapped_listing',
  address: 'fix.address',
  phone: 'fix.phone',
  invalid_line: 'fix.invalid_line',
  manual: 'fix.manual',
  short_pick: 'fix.short_pick',
};
/** The server's history messages (English), said in the reader's language; a detail follows in `{x}`. */
const HISTORY: Array<[RegExp, MessageKey]> = [
  [/^platform status (.+)$/, 'history.platformStatus'],
  [/^paid, nothing to fix: ready for allocation$/, 'history.readyPaid'],
  [/^nothing left to fix: ready for allocation$/, 'history.ready'],
  [/^receiver corrected$/, 'history.receiverCorrected'],
  [/^listing mapping added$/, 'history.mappingAdded'],
  [/^held by hand(?:: (.+))?$/, 'history.heldByHand'],
  [/^released by hand$/, 'history.releasedByHand'],
  [/^cancelled on the platform after packing/, 'history.interceptPlatform'],
  [/^cancelled after packing: parcel to be intercepted(?: \((.+)\))?$/, 'history.intercept'],
  [/^cancelled on the platform$/, 'history.cancelledPlatform'],
  [/^cancelled(?:: (.+))?$/, 'history.cancelled'],
  [/^the platform cancelled an order already shipped$/, 'history.cancelAfterShip'],
  [/^the platform changed an order cancelled here/, 'history.updateIgnored'],
];

function historyText(t: TFunction, lang: Lang, message: string): string {
  for (const [re, key] of HISTORY) {
    const m = re.exec(message);
    if (m) return t(key, { x: m[1] ?? '' }).replace(/[（(：:]\s*[）)]?$/, '');
  }
  return localText(lang, message);
}

/** After a mapping the release runs in a job: look again this often, this many times. */
const POLL_MS = 1500;
const POLLS = 8;

function Lines({ order, canMap, skus, onMapped }: { order: Order; canMap: boolean; skus: OwnerSkus; onMapped: (listing: string, sku: string) => void }) {
  const { t } = useI18n();
  return (
    <section className="panel" aria-labelledby="lines-title">
      <h2 id="lines-title">{t('order.lines')}</h2>
      <ul className="order-lines" data-testid="order-lines">
        {order.lines.map((l) => {
          const listing = listingOf(l);
          return (
            <li key={l.lineNo} className={'order-line' + (l.mapped ? '' : ' order-line-unmapped')} data-testid="order-line">
              <div className="order-line-main">
                <span className="order-line-what">
                  {l.mapped ? (
                    <>
                      <strong>{l.skuName}</strong> <span className="mono muted">{l.skuCode}</span>
                    </>
                  ) : (
                    <>
                      <Badge tone="bad">{t('order.unmapped')}</Badge> <strong>{l.title ?? listing}</strong>
                    </>
                  )}
                </span>
                <span className="order-line-qty">
                  {l.factor !== 1 ? t('order.qtyFactor', { sold: l.platformQty, factor: l.factor, qty: l.qty }) : t('order.qty', { qty: l.qty })}
                </span>
              </div>
              {order.storeId !== null && (l.listingCode || l.variantId) && (
                <div className="muted small">
                  {l.listingCode && t('order.listing', { code: l.listingCode })}
                  {l.variantId && ` · ${t('order.variant', { id: l.variantId })}`}
                  {l.mapped && l.factor !== 1 && ` · ${t('order.factor', { n: l.factor })}`}
                </div>
              )}
              {!l.mapped && canMap && listing && (
                <div className="order-line-fix">
                  <p className="small">{t('order.mapThis', { code: listing })}</p>
                  <MapListingForm storeId={order.storeId!} listingCode={listing} skus={skus} onMapped={(m) => onMapped(listing, m.skuCode)} testId={`map-line-${l.lineNo}`} />
                </div>
              )}
              {!l.mapped && !order.storeId && <p className="small">{t('order.unknownProduct')}</p>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function ReceiverFacts({ order }: { order: Order }) {
  const { t } = useI18n();
  const r = order.receiver;
  return (
    <dl className="facts" data-testid="receiver">
      <dt>{t('receiver.name')}</dt>
      <dd>{r.name ?? '—'}</dd>
      <dt>{t('receiver.phone')}</dt>
      <dd className="nowrap">{r.phone ?? '—'}</dd>
      <dt>{t('receiver.place')}</dt>
      <dd>{[r.province, r.city, r.district].filter(Boolean).join(' ') || '—'}</dd>
      <dt>{t('receiver.address')}</dt>
      <dd>{r.address ?? '—'}</dd>
    </dl>
  );
}

function History({ events }: { events: OrderEvent[] }) {
  const { t, date, lang } = useI18n();
  const status = (s: string | null) => (s ? t(`ostatus.${s as OrderStatus}`) ?? s : '');
  return (
    <ol className="timeline" data-testid="order-history">
      {[...events].reverse().map((e, i) => (
        <li key={i}>
          <span className="timeline-when">{date(e.at)}</span>
          <span className="timeline-what">
            <strong>{(EVENTS as readonly string[]).includes(e.event) ? t(`event.${e.event as (typeof EVENTS)[number]}`) : e.event}</strong>
            {e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus && <span className="muted"> · {status(e.fromStatus)} → {status(e.toStatus)}</span>}
          </span>
          {e.message && <span className="timeline-msg">{historyText(t, lang, e.message)}</span>}
          <span className="muted small">{e.actor === 'system' ? t('order.bySystem') : t('order.by', { who: e.actor.replace(/^user:/, '') })}</span>
        </li>
      ))}
    </ol>
  );
}

export function OrderDetailPage({ user, params }: { user: SessionUser; params: Record<string, string> }) {
  const { t, date, lang } = useI18n();
  const [order, setOrder] = useState<Order | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const polls = useRef<number | null>(null);
  const canEdit = user.role !== 'operator';
  const manager = isManager(user.role);
  const skus = useOwnerSkus(canEdit ? order?.ownerId : null);
  const [store, setStore] = useState<Store | null>(null);
  const storeId = order?.storeId;
  useEffect(() => {
    if (!storeId) return;
    api<Store>(`/api/v1/stores/${storeId}`)
      .then(setStore)
      .catch(() => undefined);
  }, [storeId]);

  const load = useCallback(async () => {
    try {
      const o = await api<Order>(`/api/v1/orders/${params.id}`);
      setOrder(o);
      setError(null);
      return o;
    } catch (err) {
      setError(err as ApiError);
      return null;
    }
  }, [params.id]);

  useEffect(() => {
    void load();
    return () => {
      if (polls.current) window.clearTimeout(polls.current);
    };
  }, [load]);

  const changed = (o: Order, message: string) => {
    setOrder((prev) => ({ ...o, history: o.history ?? prev?.history }));
    setNotice(message);
  };

  const mapped = (listing: string, sku: string) => {
    setNotice(t('order.mapped', { listing, sku }));
    let left = POLLS;
    const again = async () => {
      const o = await load();
      left--;
      const waiting = o && o.status === 'held' && o.lines.some((l) => !l.mapped && listingOf(l) === listing);
      if (waiting && left > 0) polls.current = window.setTimeout(again, POLL_MS);
      else if (o && o.status !== 'held') setNotice(t('order.nowStatus', { status: t(`ostatus.${o.status}`) }));
    };
    polls.current = window.setTimeout(again, POLL_MS);
  };

  if (!order) {
    return (
      <section>
        <p className="back">
          <Link to={ordersListUrl()}>{t('order.back')}</Link>
        </p>
        {error ? <ErrorBox error={error} /> : <p>{t('common.loading')}</p>}
      </section>
    );
  }

  const held = order.status === 'held';
  const editable = EDITABLE.includes(order.status);
  const receiverFix = held && (order.holdReason === 'address' || order.holdReason === 'phone');
  const canMap = canEdit && held && order.storeId !== null;
  const canCancel = canEdit && CANCELLABLE.includes(order.status) && !order.intercept;
  return (
    <section className="order-page" data-testid="order-page">
      <p className="back">
        <Link to={ordersListUrl()} data-testid="order-back">
          {t('order.back')}
        </Link>
      </p>
      <PageTitle>{t('order.title', { no: order.externalId })}</PageTitle>
      <div className="order-head">
        <OrderStatusBadge status={order.status} />
        {order.holdReason && <HoldReasonBadge reason={order.holdReason} />}
        {order.intercept && <Badge tone="bad">{t('order.intercepted')}</Badge>}
        {order.coldChain && <Badge tone="cold">{t('orders.coldChain')}</Badge>}
        {!order.paid && <Badge tone="warn">{t('order.unpaid')}</Badge>}
      </div>
      <ErrorBox error={error} />
      <div aria-live="polite">{notice && <Notice>{notice}</Notice>}</div>

      {held && (
        <section className="panel fix-panel" aria-labelledby="fix-title" data-testid="fix-panel">
          <h2 id="fix-title">{t('order.toFix')}</h2>
          {order.holdDetail && (
            <p className="hold-detail" data-testid="hold-detail">
              {localText(lang, order.holdDetail)}
            </p>
          )}
          {order.holdReason && <p>{t(FIX_TEXT[order.holdReason] ?? 'fix.manual')}</p>}
          {receiverFix && canEdit && <ReceiverForm key={order.updatedAt} order={order} onSaved={(o) => changed(o, o.status === 'held' ? t('order.stillHeld') : t('order.nowStatus', { status: t(`ostatus.${o.status}`) }))} />}
          {order.lines.some((l) => !l.mapped) && canMap && <p className="small">{t('order.mapBelow')}</p>}
        </section>
      )}

      <div className="order-columns">
        <div>
          <Lines order={order} canMap={canMap} skus={skus} onMapped={mapped} />
          <section className="panel" aria-labelledby="receiver-title">
            <h2 id="receiver-title">{t('order.receiver')}</h2>
            <ReceiverFacts order={order} />
            {order.receiver.purged ? <p className="hint">{t('receiver.purged')}</p> : order.receiver.masked && <p className="hint">{t('receiver.masked')}</p>}
            {canEdit && editable && !receiverFix && !order.receiver.purged && !order.receiver.masked && (
              <details className="receiver-edit">
                <summary>{t('receiver.correct')}</summary>
                <ReceiverForm key={order.updatedAt} order={order} onSaved={(o) => changed(o, t('receiver.saved'))} />
              </details>
            )}
          </section>
        </div>
        <div>
          <section className="panel" aria-labelledby="about-title">
            <h2 id="about-title">{t('order.about')}</h2>
            <dl className="facts">
              <dt>{t('orders.source')}</dt>
              <dd>{order.storeId ? <Link to={`/stores/${order.storeId}`}>{store ? `${store.name} · ${platformName(t, store.platform)}` : t('order.fromStore', { id: order.storeId })}</Link> : t(`channel.${order.channel === 'import' ? 'import' : order.channel === 'api' ? 'api' : 'other'}`)}</dd>
              {order.platformStatus && (
                <>
                  <dt>{t('order.platformStatus')}</dt>
                  <dd>{order.platformStatus}</dd>
                </>
              )}
              <dt>{t('orders.placed')}</dt>
              <dd>{date(order.placedAt ?? order.createdAt)}</dd>
              {order.releasedAt && (
                <>
                  <dt>{t('order.releasedAt')}</dt>
                  <dd>{date(order.releasedAt)}</dd>
                </>
              )}
              {order.cancelledAt && (
                <>
                  <dt>{t('order.cancelledAt')}</dt>
                  <dd>{date(order.cancelledAt)}</dd>
                </>
              )}
              {order.shippedAt && (
                <>
                  <dt>{t('order.shippedAt')}</dt>
                  <dd>{date(order.shippedAt)}</dd>
                </>
              )}
              {order.buyerNote && (
                <>
                  <dt>{t('order.note')}</dt>
                  <dd>{order.buyerNote}</dd>
                </>
              )}
            </dl>
          </section>
          {(canCancel || (manager && editable)) && (
            <section className="panel" aria-labelledby="actions-title">
              <h2 id="actions-title">{t('order.actions')}</h2>
              {manager && editable && <HoldBox order={order} onDone={(o) => changed(o, t('order.nowStatus', { status: t(`ostatus.${o.status}`) }))} />}
              {canCancel && <CancelBox order={order} onDone={(o) => changed(o, o.intercept ? t('order.interceptDone') : t('order.cancelled'))} />}
            </section>
          )}
          {order.history && order.history.length > 0 && (
            <section className="panel" aria-labelledby="history-title">
              <h2 id="history-title">{t('order.history')}</h2>
              <History events={order.history} />
            </section>
          )}
        </div>
      </div>
    </section>
  );
}
