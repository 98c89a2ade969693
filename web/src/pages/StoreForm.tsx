import { useState, type FormEvent } from 'react';
import { api, ApiError, type Owner } from '../api';
import { useI18n, type MessageKey } from '../i18n';
import { CREDENTIALS, PLATFORMS, platformName, type Platform, type Store } from '../orders';
import { ErrorBox, Field, fieldErrors, OtherDetails } from '../components/ui';
import { OwnerSelect } from '../components/OwnerSelect';

/**
 * Connect a store, or change one. Credentials are write-only: the API never sends them back, so
 * on a change they are typed again only to replace them.
 */

const CRED_LABEL: Record<string, MessageKey> = {
  accessToken: 'cred.accessToken',
  apiSecret: 'cred.apiSecret',
  consumerKey: 'cred.consumerKey',
  consumerSecret: 'cred.consumerSecret',
  webhookSecret: 'cred.webhookSecret',
  appKey: 'cred.appKey',
  appSecret: 'cred.appSecret',
  session: 'cred.session',
};

const isPlatform = (p: string): p is Platform => (PLATFORMS as readonly string[]).includes(p);

interface Props {
  /** The store to change; without it the form connects a new one. */
  store?: Store;
  staff: boolean;
  owners: Owner[];
  onSaved: (s: Store) => void;
  onCancel?: () => void;
}

export function StoreForm({ store, staff, owners, onSaved, onCancel }: Props) {
  const { t } = useI18n();
  const [ownerId, setOwnerId] = useState('');
  const [platform, setPlatform] = useState<Platform>(store && isPlatform(store.platform) ? store.platform : 'shopify');
  const [name, setName] = useState(store?.name ?? '');
  const [baseUrl, setBaseUrl] = useState(store?.baseUrl ?? '');
  const [active, setActive] = useState(store?.active ?? true);
  const [replace, setReplace] = useState(!store);
  const [creds, setCreds] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const names = CREDENTIALS[platform];
  const credentials = () => Object.fromEntries(names.map((n) => [n, (creds[n] ?? '').trim()]));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = store
        ? await api<Store>(`/api/v1/stores/${store.id}`, {
            method: 'PATCH',
            body: { name: name.trim(), baseUrl: baseUrl.trim(), active, ...(replace ? { credentials: credentials() } : {}) },
          })
        : await api<Store>('/api/v1/stores', {
            method: 'POST',
            body: { ownerId: staff && ownerId ? Number(ownerId) : undefined, platform, name: name.trim(), baseUrl: baseUrl.trim(), credentials: credentials() },
          });
      setCreds({});
      onSaved(saved);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const shown = ['ownerId', 'platform', 'name', 'baseUrl', 'active', ...names.map((n) => `credentials.${n}`)];
  return (
    <form className="form-grid store-form" onSubmit={submit} data-testid="store-form" autoComplete="off">
      {!store && staff && (
        <Field label={t('skus.owner')} errors={fieldErrors(error, 'ownerId')}>
          {(p) => <OwnerSelect {...p} testId="store-owner" owners={owners} value={ownerId} onChange={setOwnerId} emptyLabel={t('skuForm.chooseOwner')} required />}
        </Field>
      )}
      {store ? (
        <div className="field">
          <span className="field-label">{t('stores.platform')}</span>
          <strong className="field-fixed">{platformName(t, store.platform)}</strong>
        </div>
      ) : (
        <Field label={t('stores.platform')} errors={fieldErrors(error, 'platform')}>
          {(p) => (
            <select
              {...p}
              value={platform}
              onChange={(e) => {
                setPlatform(e.target.value as Platform);
                setCreds({});
              }}
              data-testid="store-platform"
            >
              {PLATFORMS.map((pl) => (
                <option key={pl} value={pl}>
                  {platformName(t, pl)}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <Field label={t('stores.name')} hint={t('stores.nameHint')} errors={fieldErrors(error, 'name')}>
        {(p) => <input {...p} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} data-testid="store-name" />}
      </Field>
      <div className="store-url">
        <Field label={t('stores.baseUrl')} hint={t(`stores.baseUrlHint.${platform}`)} errors={fieldErrors(error, 'baseUrl')}>
          {(p) => <input {...p} type="url" inputMode="url" required maxLength={500} value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} placeholder="https://" data-testid="store-url" />}
        </Field>
      </div>
      <fieldset className="credentials">
        <legend>{t('stores.credentials')}</legend>
        <p className="hint">{t('stores.credentialsHelp')}</p>
        {store && (
          <label className="check">
            <input type="checkbox" checked={replace} onChange={(e) => setReplace(e.target.checked)} data-testid="store-replace-credentials" />
            <span>{t('stores.replaceCredentials')}</span>
          </label>
        )}
        {replace && (
          <div className="form-grid">
            {names.map((n) => (
              <Field key={`${platform}-${n}`} label={CRED_LABEL[n] ? t(CRED_LABEL[n]) : n} errors={fieldErrors(error, `credentials.${n}`)}>
                {(p) => (
                  <input
                    {...p}
                    type="password"
                    required
                    autoComplete="new-password"
                    spellCheck={false}
                    maxLength={2000}
                    value={creds[n] ?? ''}
                    onChange={(e) => setCreds((c) => ({ ...c, [n]: e.target.value }))}
                    data-testid={`store-cred-${n}`}
                  />
                )}
              </Field>
            ))}
          </div>
        )}
      </fieldset>
      {store && (
        <label className="check">
          <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} data-testid="store-active" />
          <span>{t('stores.activeLabel')}</span>
        </label>
      )}
      <div className="form-actions">
        <ErrorBox error={error} testId="store-error-box" />
        <OtherDetails error={error} shown={shown} />
        <div className="button-row">
          <button type="submit" className="btn btn-primary btn-big" disabled={busy} data-testid="store-submit">
            {busy ? t('common.saving') : store ? t('common.save') : t('stores.connect')}
          </button>
          {onCancel && (
            <button type="button" className="btn btn-big" onClick={onCancel}>
              {t('common.cancel')}
            </button>
          )}
        </div>
      </div>
    </form>
  );
}
