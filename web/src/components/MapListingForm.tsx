import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, ApiError, type Page, type Sku } from '../api';
import { detailText, useI18n } from '../i18n';
import type { Mapping } from '../orders';
import { ErrorBox, fieldErrors } from './ui';

export interface OwnerSkus {
  skus: Sku[];
  /** All of the owner's products are loaded (else the picker also takes a typed code). */
  complete: boolean;
  loading: boolean;
}

const LIMIT = 500;

/** The owner's active products to map listings to, loaded once for all the forms of a page. */
export function useOwnerSkus(ownerId: number | null | undefined): OwnerSkus {
  const [state, setState] = useState<OwnerSkus>({ skus: [], complete: false, loading: true });
  useEffect(() => {
    if (!ownerId) return;
    const ctrl = new AbortController();
    api<Page<Sku>>('/api/v1/skus', { query: { ownerId, status: 'active', limit: LIMIT }, signal: ctrl.signal })
      .then((p) => setState({ skus: p.items, complete: !p.nextCursor, loading: false }))
      .catch(() => !ctrl.signal.aborted && setState({ skus: [], complete: false, loading: false }));
    return () => ctrl.abort();
  }, [ownerId]);
  return state;
}

interface Props {
  storeId: number;
  /** The listing to map; without it the form asks for the listing code too. */
  listingCode?: string;
  skus: OwnerSkus;
  onMapped: (m: Mapping) => void;
  testId?: string;
}

/** "This listing is my product …, N per unit sold": one mapping, in one step. */
export function MapListingForm({ storeId, listingCode, skus, onMapped, testId = 'map-form' }: Props) {
  const { t, lang } = useI18n();
  const id = useId();
  const [listing, setListing] = useState(listingCode ?? '');
  const [skuCode, setSkuCode] = useState('');
  const [factor, setFactor] = useState('1');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [factorBad, setFactorBad] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const n = Number(factor);
    if (!/^\d{1,5}$/.test(factor) || n < 1) {
      setFactorBad(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ applied: string; mapping: Mapping }>(`/api/v1/stores/${storeId}/mappings`, { method: 'POST', body: { listingCode: listing.trim(), skuCode: skuCode.trim(), factor: n } });
      onMapped(res.mapping);
      if (listingCode === undefined) {
        setListing('');
        setSkuCode('');
        setFactor('1');
      }
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const skuErrors = fieldErrors(error, 'skuCode');
  const listingErrors = fieldErrors(error, 'listingCode');
  // a select while loading too, so that the control does not change kind under the finger
  const select = skus.loading || (skus.complete && skus.skus.length > 0);
  return (
    <form className="map-form" onSubmit={submit} data-testid={testId}>
      {listingCode === undefined && (
        <div className={'field map-listing' + (listingErrors.length ? ' field-invalid' : '')}>
          <label htmlFor={`${id}-listing`}>{t('mapping.listing')}</label>
          <input
            id={`${id}-listing`}
            required
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            value={listing}
            onChange={(e) => setListing(e.target.value)}
            aria-invalid={listingErrors.length ? true : undefined}
            aria-describedby={`${id}-listing-hint`}
            data-testid={`${testId}-listing`}
          />
          <span className="hint" id={`${id}-listing-hint`}>
            {listingErrors.length ? <span className="field-error">{listingErrors.map((d) => detailText(lang, d)).join('; ')}</span> : t('mapping.listingHint')}
          </span>
        </div>
      )}
      <div className={'field map-sku' + (skuErrors.length ? ' field-invalid' : '')}>
        <label htmlFor={`${id}-sku`}>{t('mapping.sku')}</label>
        {select ? (
          <select
            id={`${id}-sku`}
            required
            disabled={skus.loading}
            value={skuCode}
            onChange={(e) => setSkuCode(e.target.value)}
            data-testid={`${testId}-sku`}
            aria-invalid={skuErrors.length ? true : undefined}
          >
            <option value="">{skus.loading ? t('common.loading') : t('mapping.chooseSku')}</option>
            {skus.skus.map((s) => (
              <option key={s.id} value={s.skuCode}>
                {s.name} · {s.skuCode}
              </option>
            ))}
          </select>
        ) : (
          <>
            <input
              id={`${id}-sku`}
              required
              maxLength={64}
              autoComplete="off"
              list={`${id}-skus`}
              value={skuCode}
              placeholder={t('mapping.skuPlaceholder')}
              onChange={(e) => setSkuCode(e.target.value)}
              data-testid={`${testId}-sku`}
              aria-invalid={skuErrors.length ? true : undefined}
            />
            <datalist id={`${id}-skus`}>
              {skus.skus.map((s) => (
                <option key={s.id} value={s.skuCode}>
                  {s.name}
                </option>
              ))}
            </datalist>
          </>
        )}
        {skuErrors.length > 0 && <span className="field-error">{skuErrors.map((d) => detailText(lang, d)).join('; ')}</span>}
        {!skus.loading && skus.skus.length === 0 && <span className="hint">{t('mapping.noSkus')}</span>}
      </div>
      <div className={'field map-factor' + (factorBad ? ' field-invalid' : '')}>
        <label htmlFor={`${id}-factor`}>{t('mapping.factor')}</label>
        <input
          id={`${id}-factor`}
          inputMode="numeric"
          value={factor}
          onChange={(e) => {
            setFactor(e.target.value.replace(/\D/g, ''));
            setFactorBad(false);
          }}
          aria-invalid={factorBad || undefined}
          aria-describedby={`${id}-factor-hint`}
          data-testid={`${testId}-factor`}
        />
        <span className="hint" id={`${id}-factor-hint`}>
          {factorBad ? <span className="field-error">{t('mapping.factorBad')}</span> : t('mapping.factorHint')}
        </span>
      </div>
      <div className="map-submit">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid={`${testId}-submit`}>
          {busy ? t('common.saving') : t('mapping.map')}
        </button>
      </div>
      {error && !skuErrors.length && !listingErrors.length && (
        <div className="map-error">
          <ErrorBox error={error} />
        </div>
      )}
    </form>
  );
}
