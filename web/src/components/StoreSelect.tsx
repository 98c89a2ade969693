import { useEffect, useState } from 'react';
import { api, type Page } from '../api';
import { useI18n } from '../i18n';
import { platformName, type Store } from '../orders';

/** The store connections the caller sees (a seller: its own), for filters and links. */
export function useStoreList(): Store[] {
  const [stores, setStores] = useState<Store[]>([]);
  useEffect(() => {
    const ctrl = new AbortController();
    api<Page<Store>>('/api/v1/stores', { query: { limit: 500 }, signal: ctrl.signal })
      .then((p) => setStores(p.items))
      .catch(() => undefined);
    return () => ctrl.abort();
  }, []);
  return stores;
}

export function StoreSelect({ id, testId, stores, value, onChange }: { id: string; testId: string; stores: Store[]; value: string; onChange: (storeId: string) => void }) {
  const { t } = useI18n();
  const known = !value || stores.some((s) => String(s.id) === value);
  return (
    <select id={id} data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{t('orders.allStores')}</option>
      {!known && <option value={value}>{t('orders.storeNumber', { id: value })}</option>}
      {stores.map((s) => (
        <option key={s.id} value={String(s.id)}>
          {s.name} · {platformName(t, s.platform)}
        </option>
      ))}
    </select>
  );
}
