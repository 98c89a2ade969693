import { useEffect, useState } from 'react';
import { api, ApiError, type Health, type Owner, type Page } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { pagesFor } from '../pages';
import type { SessionUser } from '../session';
import { ErrorBox, Link, PageTitle } from '../components/ui';

const CARD_TEXT: Partial<Record<string, MessageKey>> = {
  owners: 'home.ownersCard',
  skus: 'home.skusCard',
  stock: 'home.stockCard',
  orders: 'home.ordersCard',
  stores: 'home.storesCard',
  shipments: 'home.shipmentsCard',
  locations: 'home.locationsCard',
  users: 'home.usersCard',
  jobs: 'home.jobsCard',
  printers: 'home.printersCard',
  terminal: 'home.terminalCard',
};

function HealthLine() {
  const { t } = useI18n();
  const [health, setHealth] = useState<Health | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    api<Health>('/api/health')
      .then(setHealth)
      .catch(() => setFailed(true));
  }, []);
  if (failed) return <p className="health muted">{t('health.down')}</p>;
  if (!health) return null;
  return (
    <p className="health muted" data-testid="health">
      {t('health.label')}: <span className={health.status === 'ok' ? 'dot dot-ok' : 'dot dot-bad'} aria-hidden="true" /> {health.status} ·{' '}
      {health.database} · {health.queue} · v{health.version}
    </p>
  );
}

function MyOwner() {
  const { t } = useI18n();
  const [owner, setOwner] = useState<Owner | null | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    api<Page<Owner>>('/api/v1/owners', { query: { limit: 1 } })
      .then((p) => setOwner(p.items[0] ?? null))
      .catch((e: ApiError) => setError(e));
  }, []);
  if (error) return <ErrorBox error={error} />;
  if (owner === undefined) return <p>{t('common.loading')}</p>;
  if (owner === null) return <p className="muted">{t('home.noOwner')}</p>;
  return (
    <section className="panel" data-testid="my-owner">
      <h2>{t('home.myOwner')}</h2>
      <dl className="facts">
        <dt>{t('owners.name')}</dt>
        <dd>{owner.name}</dd>
        <dt>{t('owners.code')}</dt>
        <dd>{owner.code}</dd>
        <dt>{t('owners.contact')}</dt>
        <dd>{owner.contactName || '—'}</dd>
        <dt>{t('owners.phone')}</dt>
        <dd>{owner.phone || '—'}</dd>
        <dt>{t('owners.status')}</dt>
        <dd>{t(owner.status === 'active' ? 'status.active' : 'status.inactive')}</dd>
      </dl>
    </section>
  );
}

/** A seller's first steps: products usually come from a spreadsheet. */
function SellerGuide() {
  const { t } = useI18n();
  return (
    <section className="panel guide" data-testid="seller-guide" aria-labelledby="guide-title">
      <h2 id="guide-title">{t('guide.title')}</h2>
      <ol className="guide-steps">
        <li>
          <strong>{t('guide.step1')}</strong>
          <span>{t('guide.step1Text')}</span>
        </li>
        <li>
          <strong>{t('guide.step2')}</strong>
          <span>{t('guide.step2Text')}</span>
        </li>
        <li>
          <strong>{t('guide.step3')}</strong>
          <span>{t('guide.step3Text')}</span>
        </li>
      </ol>
      <div className="button-row">
        <Link to="/skus/import" className="btn btn-primary btn-big" data-testid="guide-upload">
          {t('guide.start')}
        </Link>
        <Link to="/skus/new" className="btn btn-big" data-testid="guide-new">
          {t('guide.one')}
        </Link>
      </div>
    </section>
  );
}

export function HomePage({ user }: { user: SessionUser }) {
  const { t } = useI18n();
  const cards = pagesFor(user.role).filter((p) => p.name !== 'home');
  return (
    <section>
      <PageTitle>{t('home.welcome', { name: user.displayName || user.username })}</PageTitle>
      <p className="lead">{t(`home.${user.role}`)}</p>
      {user.role === 'seller' && <SellerGuide />}
      {cards.length > 0 && (
        <ul className="cards">
          {cards.map((p) => (
            <li key={p.name}>
              <Link to={p.path} className="card" data-testid={`card-${p.name}`}>
                <span className="card-title">{t(p.label)}</span>
                <span className="card-text">{t(CARD_TEXT[p.name] ?? p.label)}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
      {user.role === 'seller' && <MyOwner />}
      <HealthLine />
    </section>
  );
}
