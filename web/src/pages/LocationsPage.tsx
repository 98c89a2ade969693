import { useState, type FormEvent } from 'react';
import { LOCATION_TYPES, TEMPERATURES, type Location, type LocationType, type Temperature } from '../api';
import { useI18n } from '../i18n';
import { isManager, type SessionUser } from '../session';
import { usePaged } from '../usePaged';
import { Badge, ErrorBox, FilterSelect, ListFooter, PageTitle, TableWrap } from '../components/ui';
import { LocationForm } from './LocationForm';
import { LocationImport } from './LocationImport';

const TEMP_TONE = { ambient: 'plain', chilled: 'cold', frozen: 'frozen' } as const;

interface Filters {
  temperature: string;
  type: string;
  q: string;
}

function FilterBar({ value, onChange }: { value: Filters; onChange: (f: Filters) => void }) {
  const { t } = useI18n();
  const [q, setQ] = useState(value.q);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onChange({ ...value, q: q.trim() });
  };
  return (
    <form className="filters" onSubmit={submit} role="search" aria-label={t('locations.filters')}>
      <FilterSelect id="f-temp" testId="filter-temperature" label={t('locations.temperature')} value={value.temperature as Temperature | ''} options={TEMPERATURES} optionLabel={(v) => t(`temp.${v}`)} onChange={(temperature) => onChange({ ...value, temperature })} />
      <FilterSelect id="f-type" testId="filter-type" label={t('locations.type')} value={value.type as LocationType | ''} options={LOCATION_TYPES} optionLabel={(v) => t(`ltype.${v}`)} onChange={(type) => onChange({ ...value, type })} />
      <div className="field field-grow">
        <label htmlFor="f-q">{t('locations.searchCode')}</label>
        <input id="f-q" type="search" data-testid="filter-q" value={q} onChange={(e) => setQ(e.target.value)} maxLength={64} />
      </div>
      <div className="filter-actions">
        <button type="submit" className="btn">
          {t('common.search')}
        </button>
      </div>
    </form>
  );
}

export function LocationsPage({ user }: { user: SessionUser }) {
  const { t } = useI18n();
  const [filters, setFilters] = useState<Filters>({ temperature: '', type: '', q: '' });
  const list = usePaged<Location>('/api/v1/locations', { temperature: filters.temperature, type: filters.type, q: filters.q });
  const canEdit = isManager(user.role);

  return (
    <section>
      <PageTitle>{t('locations.title')}</PageTitle>
      {canEdit ? (
        <div className="tools">
          <details className="panel">
            <summary data-testid="location-new-toggle">{t('locations.new')}</summary>
            <LocationForm onCreated={(l) => list.setItems((items) => [l, ...items.filter((x) => x.id !== l.id)])} />
          </details>
          <details className="panel">
            <summary data-testid="location-import-toggle">{t('import.title')}</summary>
            <LocationImport onImported={list.reload} />
          </details>
        </div>
      ) : (
        <p className="muted">{t('common.readOnly')}</p>
      )}
      <FilterBar value={filters} onChange={setFilters} />
      <ErrorBox error={list.error} />
      <TableWrap label={t('locations.title')} testId="locations-table">
        <thead>
          <tr>
            <th scope="col">{t('locations.code')}</th>
            <th scope="col">{t('locations.zone')}</th>
            <th scope="col">{t('locations.temperature')}</th>
            <th scope="col">{t('locations.type')}</th>
            <th scope="col" className="num">
              {t('locations.x')}
            </th>
            <th scope="col" className="num">
              {t('locations.y')}
            </th>
            <th scope="col" className="num">
              {t('locations.pickSeq')}
            </th>
            <th scope="col">{t('locations.status')}</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((l) => (
            <tr key={l.id}>
              <td className="mono">{l.code}</td>
              <td className="mono">{l.zone}</td>
              <td>
                <Badge tone={TEMP_TONE[l.temperature] ?? 'plain'}>{t(`temp.${l.temperature}`)}</Badge>
              </td>
              <td className="nowrap">{t(`ltype.${l.type}`)}</td>
              <td className="num">{l.x ?? ''}</td>
              <td className="num">{l.y ?? ''}</td>
              <td className="num">{l.pickSeq ?? ''}</td>
              <td>{l.status === 'active' ? t('status.active') : l.status === 'inactive' ? t('status.inactive') : l.status}</td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
      <ListFooter loading={list.loading} empty={!list.items.length} hasMore={list.hasMore} onMore={list.loadMore} />
    </section>
  );
}
