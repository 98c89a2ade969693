import { Fragment, useEffect, useRef, useState, type FormEvent } from 'react';
import { TEMPERATURES, type Owner, type Sku, type SkuStatus, type Temperature } from '../api';
import { useI18n } from '../i18n';
import type { SessionUser } from '../session';
import { usePaged } from '../usePaged';
import { Badge, ErrorBox, FilterSelect, Link, ListFooter, PageTitle, TableWrap } from '../components/ui';
import { OwnerSelect, ownerLabel, useOwners } from '../components/OwnerSelect';
import { LabelPrint } from '../components/LabelPrint';
import { cleanCode } from './skuDraft';

const SKU_STATUSES: readonly SkuStatus[] = ['active', 'inactive'];

export const TEMP_TONE = { ambient: 'plain', chilled: 'cold', frozen: 'frozen' } as const;

interface Filters {
  q: string;
  status: string;
  temperature: string;
  ownerId: string;
}

const isTyping = (el: EventTarget | null) => el instanceof HTMLElement && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));

function SearchBar({ value, onChange, owners, staff }: { value: Filters; onChange: (f: Filters) => void; owners: Owner[]; staff: boolean }) {
  const { t } = useI18n();
  const [q, setQ] = useState(value.q);
  const input = useRef<HTMLInputElement>(null);

  // A scanner (keyboard wedge) types into whatever has focus: keys typed outside any box go to the search box.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key.length !== 1 || e.key === ' ' || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || !input.current) return;
      e.preventDefault();
      input.current.focus();
      setQ((prev) => prev + e.key);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const term = q.trim();
    // A scanned or typed barcode (digits only) is searched without spaces or full-width digits.
    const cleaned = /^[\d\s\uff10-\uff19]+$/.test(term) ? cleanCode(term) : term;
    setQ(cleaned);
    onChange({ ...value, q: cleaned });
    // The next scan replaces the code instead of adding to it.
    input.current?.select();
  };
  const clear = () => {
    setQ('');
    onChange({ ...value, q: '' });
    input.current?.focus();
  };

  return (
    <form className="filters sku-filters" onSubmit={submit} role="search" aria-label={t('skus.filters')}>
      <div className="field field-grow sku-search">
        <label htmlFor="sku-q">{t('skus.search')}</label>
        <div className="search-box">
          <input
            ref={input}
            id="sku-q"
            type="search"
            enterKeyHint="search"
            autoComplete="off"
            data-testid="sku-search"
            placeholder={t('skus.searchPlaceholder')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            maxLength={100}
          />
          <button type="submit" className="btn btn-primary" data-testid="sku-search-submit">
            {t('common.search')}
          </button>
        </div>
        {value.q && (
          <span className="hint">
            {t('skus.searchingFor', { q: value.q })}{' '}
            <button type="button" className="btn-link" onClick={clear} data-testid="sku-search-clear">
              {t('skus.clearSearch')}
            </button>
          </span>
        )}
      </div>
      {staff && (
        <div className="field">
          <label htmlFor="f-owner">{t('skus.owner')}</label>
          <OwnerSelect id="f-owner" testId="filter-owner" owners={owners} value={value.ownerId} emptyLabel={t('skus.allOwners')} onChange={(ownerId) => onChange({ ...value, ownerId })} />
        </div>
      )}
      <FilterSelect id="f-temp" testId="filter-temperature" label={t('skus.temperature')} value={value.temperature as Temperature | ''} options={TEMPERATURES} optionLabel={(v) => t(`temp.${v}`)} onChange={(temperature) => onChange({ ...value, temperature })} />
      <FilterSelect id="f-status" testId="filter-status" label={t('skus.status')} value={value.status as SkuStatus | ''} options={SKU_STATUSES} optionLabel={(v) => t(`status.${v}`)} onChange={(status) => onChange({ ...value, status })} />
    </form>
  );
}

function ownerFromUrl(): string {
  const v = new URLSearchParams(window.location.search).get('ownerId') ?? '';
  return /^\d+$/.test(v) ? v : '';
}

export function SkusPage({ user }: { user: SessionUser }) {
  const { t } = useI18n();
  const staff = user.role !== 'seller';
  const canEdit = user.role !== 'operator';
  const owners = useOwners(staff);
  const [filters, setFilters] = useState<Filters>(() => ({ q: '', status: '', temperature: '', ownerId: staff ? ownerFromUrl() : '' }));
  const list = usePaged<Sku>('/api/v1/skus', { q: filters.q, status: filters.status, temperature: filters.temperature, ownerId: filters.ownerId || undefined });
  const [labelFor, setLabelFor] = useState<number | null>(null);
  const withOwner = filters.ownerId ? `?ownerId=${filters.ownerId}` : '';
  const filtered = !!(filters.q || filters.status || filters.temperature || filters.ownerId);
  const ownerOf = (id: number) => {
    const o = owners.find((x) => x.id === id);
    return o ? ownerLabel(o) : `#${id}`;
  };

  return (
    <section>
      <PageTitle>{t('skus.title')}</PageTitle>
      {canEdit ? (
        <div className="sku-tools">
          <Link to={`/skus/new${withOwner}`} className="btn btn-primary btn-big" data-testid="sku-new">
            {t('skus.new')}
          </Link>
          <Link to={`/skus/import${withOwner}`} className="btn btn-big" data-testid="sku-upload">
            {t('skus.upload')}
          </Link>
        </div>
      ) : (
        <p className="muted">{t('common.readOnly')}</p>
      )}
      <SearchBar value={filters} onChange={setFilters} owners={owners} staff={staff} />
      <ErrorBox error={list.error} />
      {!list.loading && !list.error && list.items.length === 0 ? (
        <div className="panel empty-state" data-testid="skus-empty">
          <p>{filtered ? t('skus.noMatch') : canEdit ? t('skus.emptyEditor') : t('common.none')}</p>
        </div>
      ) : (
        <TableWrap label={t('skus.title')} testId="skus-table">
          <thead>
            <tr>
              <th scope="col">{t('skus.product')}</th>
              <th scope="col">{t('skus.code')}</th>
              <th scope="col">{t('skus.barcode')}</th>
              <th scope="col">{t('skus.temperature')}</th>
              <th scope="col" className="num">
                {t('skus.weight')}
              </th>
              {staff && <th scope="col">{t('skus.owner')}</th>}
              <th scope="col">{t('skus.status')}</th>
              <th scope="col">
                <span className="sr-only">{t('skus.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody className="sku-rows">
            {list.items.map((s) => (
              <Fragment key={s.id}>
                <tr className="sku-row" data-testid="sku-row">
                  <td className="sku-name">
                    <Link to={`/skus/${s.id}`} className="sku-title">
                      {s.name}
                    </Link>
                    {s.kit && (
                      <>
                        {' '}
                        <Badge tone="info">{t('skus.kit')}</Badge>
                      </>
                    )}
                    {s.spec && <span className="sku-spec">{s.spec}</span>}
                  </td>
                  <td className="mono wrap" data-label={t('skus.code')}>
                    {s.skuCode}
                  </td>
                  <td className="mono wrap" data-label={t('skus.barcode')}>
                    {s.barcode ?? <span className="muted">{t('skus.noBarcode')}</span>}
                    {s.barcodes.length > 1 && <span className="muted"> +{s.barcodes.length - 1}</span>}
                  </td>
                  <td className="sku-temp" data-label={t('skus.temperature')}>
                    <Badge tone={TEMP_TONE[s.temperature] ?? 'plain'}>{t(`temp.${s.temperature}`)}</Badge>
                  </td>
                  <td className="num nowrap sku-weight" data-label={t('skus.weight')}>
                    {t('skus.grams', { n: s.weightG.toLocaleString() })}
                  </td>
                  {staff && (
                    <td className="sku-owner" data-label={t('skus.owner')}>
                      {ownerOf(s.ownerId)}
                    </td>
                  )}
                  <td className="sku-status" data-label={t('skus.status')}>
                    <Badge tone={s.status === 'active' ? 'ok' : 'plain'}>{t(s.status === 'active' ? 'status.active' : 'status.inactive')}</Badge>
                  </td>
                  <td className="sku-actions">
                    <Link to={`/skus/${s.id}`} className="btn btn-small" data-testid="sku-open">
                      {canEdit ? t('skus.edit') : t('skus.view')}
                    </Link>
                    <button
                      type="button"
                      className="btn btn-small"
                      aria-expanded={labelFor === s.id}
                      onClick={() => setLabelFor(labelFor === s.id ? null : s.id)}
                      data-testid="sku-label"
                    >
                      {t('label.action')}
                    </button>
                  </td>
                </tr>
                {labelFor === s.id && (
                  <tr className="sku-label-row">
                    <td colSpan={staff ? 8 : 7}>
                      <LabelPrint sku={s} onClose={() => setLabelFor(null)} />
                    </td>
                  </tr>
                )}
              </Fragment>
            ))}
          </tbody>
        </TableWrap>
      )}
      <ListFooter loading={list.loading} empty={false} hasMore={list.hasMore} onMore={list.loadMore} />
    </section>
  );
}
