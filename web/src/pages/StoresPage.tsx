import { useState } from 'react';
import { api, type Page } from '../api';
import { useI18n } from '../i18n';
import type { SessionUser } from '../session';
import { usePaged } from '../usePaged';
import { platformName, type Store } from '../orders';
import { Badge, ErrorBox, Link, ListFooter, Notice, PageTitle } from '../components/ui';
import { OwnerSelect, ownerLabel, useOwners } from '../components/OwnerSelect';
import { ActiveBadge, StoreHealth, SyncButton, useNow, useRefresh } from '../components/StoreHealth';
import { StoreForm } from './StoreForm';

/** The list looks again this often: a failing or first sync shows up without a reload. */
const REFRESH_MS = 5000;

export function StoresPage({ user }: { user: SessionUser }) {
  const { t } = useI18n();
  const staff = user.role !== 'seller';
  const canEdit = user.role !== 'operator';
  const owners = useOwners(staff);
  const [ownerId, setOwnerId] = useState('');
  const list = usePaged<Store>('/api/v1/stores', { ownerId: ownerId || undefined });
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState('');
  useNow(15_000);
  const { setItems } = list;

  // A quiet refresh: the loaded cards are updated in place, without emptying the list.
  const refresh = () => {
    api<Page<Store>>('/api/v1/stores', { query: { ownerId: ownerId || undefined, limit: 50 } })
      .then((page) => setItems((items) => items.map((s) => page.items.find((p) => p.id === s.id) ?? s)))
      .catch(() => undefined);
  };
  useRefresh(refresh, REFRESH_MS);

  const ownerOf = (id: number) => {
    const o = owners.find((x) => x.id === id);
    return o ? ownerLabel(o) : `#${id}`;
  };

  return (
    <section>
      <PageTitle>{t('stores.title')}</PageTitle>
      <p className="lead">{t('stores.lead')}</p>
      {canEdit ? (
        !adding && (
          <div className="sku-tools">
            <button type="button" className="btn btn-primary btn-big" onClick={() => setAdding(true)} data-testid="store-new">
              {t('stores.new')}
            </button>
          </div>
        )
      ) : (
        <p className="muted">{t('common.readOnly')}</p>
      )}
      {adding && (
        <section className="panel" aria-labelledby="store-new-title">
          <h2 id="store-new-title">{t('stores.newTitle')}</h2>
          <StoreForm
            staff={staff}
            owners={owners}
            onCancel={() => setAdding(false)}
            onSaved={(s) => {
              setAdding(false);
              setItems((items) => [s, ...items.filter((x) => x.id !== s.id)]);
              setNotice(t('stores.connected', { name: s.name }));
            }}
          />
        </section>
      )}
      <Notice>{notice}</Notice>
      {staff && (
        <div className="filters">
          <div className="field">
            <label htmlFor="stores-owner">{t('skus.owner')}</label>
            <OwnerSelect id="stores-owner" testId="stores-owner" owners={owners} value={ownerId} onChange={setOwnerId} emptyLabel={t('skus.allOwners')} />
          </div>
        </div>
      )}
      <ErrorBox error={list.error} />
      {!list.loading && !list.error && list.items.length === 0 ? (
        <div className="panel empty-state" data-testid="stores-empty">
          <p>{canEdit ? t('stores.emptyEditor') : t('common.none')}</p>
        </div>
      ) : (
        <ul className="store-cards" data-testid="stores-list">
          {list.items.map((s) => (
            <li key={s.id} className={'panel store-card' + (s.failures > 0 && s.lastError ? ' store-card-bad' : '')} data-testid="store-card">
              <div className="store-card-head">
                <h2>
                  <Link to={`/stores/${s.id}`} className="store-title" data-testid="store-open">
                    {s.name}
                  </Link>
                </h2>
                <span className="store-badges">
                  <Badge tone="info">{platformName(t, s.platform)}</Badge> <ActiveBadge store={s} />
                </span>
              </div>
              {staff && <p className="muted small store-owner">{ownerOf(s.ownerId)}</p>}
              <StoreHealth store={s} />
              <div className="button-row store-card-actions">
                {canEdit && <SyncButton store={s} onStarted={() => window.setTimeout(refresh, 1500)} />}
                <Link to={`/stores/${s.id}`} className="btn">
                  {t('stores.open')}
                </Link>
              </div>
            </li>
          ))}
        </ul>
      )}
      <ListFooter loading={list.loading} empty={false} hasMore={list.hasMore} onMore={list.loadMore} />
    </section>
  );
}
