import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import type { SessionUser } from '../session';
import { localText, platformName, PLATFORMS, type Platform, type Store } from '../orders';
import { Badge, ErrorBox, Field, fieldErrors, Link, Notice, PageTitle, TableWrap } from '../components/ui';
import { useOwners } from '../components/OwnerSelect';
import { ActiveBadge, StoreHealth, SyncButton, useNow, useRefresh } from '../components/StoreHealth';
import { StoreForm } from './StoreForm';
import { StoreMappings } from './StoreMappings';

const REFRESH_MS = 5000;
const DAY_MS = 24 * 3600 * 1000;

/** A `datetime-local` value (local time, minutes) for an instant. */
const localInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

/** Read a period again (orders changed then): the repair when the store and the hub disagree. */
function Resync({ store }: { store: Store }) {
  const { t } = useI18n();
  const [from, setFrom] = useState(() => localInput(Date.now() - DAY_MS));
  const [to, setTo] = useState(() => localInput(Date.now()));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState('');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone('');
    try {
      const res = await api<{ jobId: number }>(`/api/v1/stores/${store.id}/sync`, { method: 'POST', body: { from: new Date(from).toISOString(), to: new Date(to).toISOString() } });
      setDone(t('stores.resyncStarted', { id: res.jobId }));
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form-grid" onSubmit={submit} data-testid="resync-form">
      <Field label={t('stores.from')} errors={fieldErrors(error, 'from')}>
        {(p) => <input {...p} type="datetime-local" required value={from} max={to} onChange={(e) => setFrom(e.target.value)} data-testid="resync-from" />}
      </Field>
      <Field label={t('stores.to')} errors={fieldErrors(error, 'to')}>
        {(p) => <input {...p} type="datetime-local" required value={to} min={from} onChange={(e) => setTo(e.target.value)} data-testid="resync-to" />}
      </Field>
      <div className="form-actions">
        <ErrorBox error={error} />
        <Notice>{done}</Notice>
        <button type="submit" className="btn" disabled={busy} data-testid="resync-submit">
          {t('stores.resync')}
        </button>
      </div>
    </form>
  );
}

function Webhook({ store }: { store: Store }) {
  const { t } = useI18n();
  const url = window.location.origin + store.webhookPath;
  const [copied, setCopied] = useState(false);
  const platform = (PLATFORMS as readonly string[]).includes(store.platform) ? (store.platform as Platform) : null;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <>
      <p>{platform ? t(`stores.webhookHow.${platform}`) : t('stores.webhookHelp')}</p>
      <div className="copy-box">
        <code className="copy-url" data-testid="store-webhook">
          {url}
        </code>
        <button type="button" className="btn" onClick={copy}>
          {copied ? t('stores.copied') : t('stores.copy')}
        </button>
      </div>
    </>
  );
}

export function StoreDetailPage({ user, params }: { user: SessionUser; params: Record<string, string> }) {
  const { t, date, lang } = useI18n();
  const staff = user.role !== 'seller';
  const canEdit = user.role !== 'operator';
  const owners = useOwners(staff && canEdit);
  const [store, setStore] = useState<Store | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  useNow(15_000);

  const load = useCallback(() => {
    api<Store>(`/api/v1/stores/${params.id}`)
      .then((s) => {
        setStore(s);
        setError(null);
      })
      .catch((err: ApiError) => setError(err));
  }, [params.id]);
  useEffect(load, [load]);
  useRefresh(load, REFRESH_MS);

  if (!store) {
    return (
      <section>
        <p className="back">
          <Link to="/stores">{t('stores.back')}</Link>
        </p>
        {error ? <ErrorBox error={error} /> : <p>{t('common.loading')}</p>}
      </section>
    );
  }

  return (
    <section className="store-page" data-testid="store-page">
      <p className="back">
        <Link to="/stores">{t('stores.back')}</Link>
      </p>
      <PageTitle>{store.name}</PageTitle>
      <div className="order-head">
        <Badge tone="info">{platformName(t, store.platform)}</Badge>
        <ActiveBadge store={store} />
      </div>
      <Notice>{notice}</Notice>
      <section className={'panel' + (store.failures > 0 && store.lastError ? ' store-card-bad' : '')} aria-labelledby="health-title">
        <h2 id="health-title">{t('stores.health')}</h2>
        <div className="store-health-grid">
          <StoreHealth store={store} />
          <dl className="facts store-facts">
            <dt>{t('stores.lastSync')}</dt>
            <dd>{store.lastSyncAt ? date(store.lastSyncAt) : t('stores.never')}</dd>
            <dt>{t('stores.cursor')}</dt>
            <dd>{store.cursor ? date(store.cursor) : '—'}</dd>
            <dt>{t('stores.baseUrl')}</dt>
            <dd className="mono wrap">{store.baseUrl}</dd>
          </dl>
        </div>
        {canEdit && (
          <div className="button-row">
            <SyncButton store={store} big onStarted={() => window.setTimeout(load, 1500)} />
          </div>
        )}
      </section>
      <h2 className="section-title">{t('mapping.title')}</h2>
      <StoreMappings store={store} canEdit={canEdit} />
      <h2 className="section-title">{t('stores.settings')}</h2>
      <div className="order-columns">
        <div>
          <section className="panel" aria-labelledby="rejects-title">
            <h2 id="rejects-title">{t('stores.rejects')}</h2>
            <p className="hint">{t('stores.rejectsHelp')}</p>
            {store.rejects.length === 0 ? (
              <p className="muted">{t('stores.rejectsNone')}</p>
            ) : (
              <TableWrap label={t('stores.rejects')} testId="store-rejects">
                <thead>
                  <tr>
                    <th scope="col">{t('orders.number')}</th>
                    <th scope="col">{t('skuImport.problem')}</th>
                    <th scope="col">{t('stores.seenAt')}</th>
                  </tr>
                </thead>
                <tbody>
                  {store.rejects.map((r, i) => (
                    <tr key={i}>
                      <td className="mono">{r.externalId ?? '—'}</td>
                      <td className="error-text wrap">{localText(lang, r.reason)}</td>
                      <td className="nowrap">{date(r.seenAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </TableWrap>
            )}
          </section>
          <section className="panel" aria-labelledby="webhook-title">
            <h2 id="webhook-title">{t('stores.webhook')}</h2>
            <Webhook store={store} />
          </section>
        </div>
        <div>
          {canEdit && (
            <section className="panel" aria-labelledby="resync-title">
              <h2 id="resync-title">{t('stores.resyncTitle')}</h2>
              <p className="hint">{t('stores.resyncHelp')}</p>
              <Resync store={store} />
            </section>
          )}
          {canEdit && (
            <details className="panel" data-testid="store-edit">
              <summary>{t('stores.edit')}</summary>
              <StoreForm
                store={store}
                staff={staff}
                owners={owners}
                onSaved={(s) => {
                  setStore(s);
                  setNotice(t('skuForm.saved', { name: s.name }));
                }}
              />
            </details>
          )}
        </div>
      </div>
    </section>
  );
}
