import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { durationText, localText, relativeTime, type Store } from '../orders';
import { Badge, ErrorBox, Link } from './ui';

/** Re-renders every `ms` so that "5 minutes ago" stays true while the page is open. */
export function useNow(ms = 30_000): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(timer);
  }, [ms]);
  return now;
}

/** Looks again every `ms` while the page is visible (a store's sync runs in the background). */
export function useRefresh(refresh: () => void, ms: number): void {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    const timer = window.setInterval(() => {
      if (document.visibilityState === 'visible') latest.current();
    }, ms);
    return () => window.clearInterval(timer);
  }, [ms]);
}

export function ActiveBadge({ store }: { store: Store }) {
  const { t } = useI18n();
  return <Badge tone={store.active ? 'ok' : 'plain'}>{t(store.active ? 'stores.active' : 'stores.paused')}</Badge>;
}

/** How the connection is doing, in words: failing (red, with the error), in sync, or waiting. */
export function StoreHealth({ store }: { store: Store }) {
  const { t, lang, date } = useI18n();
  // useNow re-renders the page now and then; the time itself is read here
  const now = Date.now();
  const failing = store.failures > 0 && !!store.lastError;
  return (
    <div className="store-health">
      {failing ? (
        <p className="store-state store-state-bad" data-testid="store-error">
          <span className="dot dot-bad" aria-hidden="true" /> <strong>{t('stores.failing', { n: store.failures })}</strong>{' '}
          <span className="store-error-text">{localText(lang, store.lastError)}</span>{' '}
          {store.lastErrorAt && <span className="muted small">({relativeTime(lang, store.lastErrorAt, now)})</span>}
        </p>
      ) : store.lastSuccessAt ? (
        <p className="store-state store-state-ok" data-testid="store-ok">
          <span className="dot dot-ok" aria-hidden="true" /> {t('stores.inSync')}
        </p>
      ) : (
        <p className="store-state" data-testid="store-waiting">
          <span className="spinner spinner-small" aria-hidden="true" /> {store.active ? t('stores.waitingFirst') : t('stores.pausedText')}
        </p>
      )}
      <dl className="facts store-facts">
        <dt>{t('stores.lastSuccess')}</dt>
        <dd title={date(store.lastSuccessAt)}>{store.lastSuccessAt ? relativeTime(lang, store.lastSuccessAt, now) : t('stores.never')}</dd>
        <dt>{t('stores.lag')}</dt>
        <dd>{store.lagSeconds === null ? '—' : durationText(t, store.lagSeconds)}</dd>
        <dt>{t('stores.heldOrders')}</dt>
        <dd>
          {store.heldOrders > 0 ? (
            <Link to={`/orders?status=held&storeId=${store.id}`} className="held-link" data-testid="store-held">
              {t('stores.heldCount', { n: store.heldOrders })}
            </Link>
          ) : (
            <span data-testid="store-held">0</span>
          )}
        </dd>
        <dt>{t('stores.ordersSeen')}</dt>
        <dd>{store.ordersSeen.toLocaleString()}</dd>
      </dl>
    </div>
  );
}

/** "Sync now": a background job; the page looks again shortly after. */
export function SyncButton({ store, onStarted, big }: { store: Store; onStarted: () => void; big?: boolean }) {
  const { t } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [started, setStarted] = useState(false);
  const sync = async () => {
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/stores/${store.id}/sync`, { method: 'POST', body: {} });
      setStarted(true);
      onStarted();
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className={'btn' + (big ? ' btn-big' : '')} onClick={sync} disabled={busy} data-testid="store-sync">
        {busy ? t('stores.syncing') : t('stores.syncNow')}
      </button>
      {started && (
        <span className="hint sync-started" role="status">
          {t('stores.syncStarted')}
        </span>
      )}
      <ErrorBox error={error} />
    </>
  );
}
