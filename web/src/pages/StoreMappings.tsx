import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../api';
import { useI18n, type MessageKey, type TFunction } from '../i18n';
import { usePaged } from '../usePaged';
import { listingOf, type Mapping, type MappingImportResult, type Store, type UnmappedListing } from '../orders';
import { ErrorBox, ListFooter, Notice, TableWrap } from '../components/ui';
import { MapListingForm, useOwnerSkus } from '../components/MapListingForm';
import { BigCount, RowErrors, SpreadsheetUpload } from '../components/SpreadsheetUpload';

/**
 * Which platform listing is which warehouse product: the listings held orders wait for (the work
 * list), the mappings, one by one or from a spreadsheet.
 */

const COLUMNS: Record<string, MessageKey> = { listing_code: 'mcol.listing_code', sku_code: 'col.sku_code', factor: 'mcol.factor' };
const columnName = (t: TFunction) => (c: string) => (COLUMNS[c] ? t(COLUMNS[c]) : c);

function Unmapped({ store, items, onMapped, canEdit, skus }: { store: Store; items: UnmappedListing[]; onMapped: (u: UnmappedListing, m: Mapping) => void; canEdit: boolean; skus: ReturnType<typeof useOwnerSkus> }) {
  const { t } = useI18n();
  return (
    <section className="panel" aria-labelledby="unmapped-title" data-testid="unmapped">
      <h2 id="unmapped-title">{t('mapping.unmappedTitle', { n: items.length })}</h2>
      {items.length === 0 ? (
        <p className="muted" data-testid="unmapped-none">
          {t('mapping.unmappedNone')}
        </p>
      ) : (
        <>
          <p className="hint">{t('mapping.unmappedHelp')}</p>
          <ul className="unmapped-list">
            {items.map((u) => {
              const code = listingOf(u);
              return (
                <li key={`${u.listingCode}|${u.variantId}`} className="unmapped-item" data-testid="unmapped-item">
                  <p className="unmapped-what">
                    <strong>{u.title ?? code}</strong>
                    <span className="block small">
                      {u.listingCode && <span className="mono">{t('order.listing', { code: u.listingCode })}</span>}
                      {u.variantId && <span className="mono"> · {t('order.variant', { id: u.variantId })}</span>}
                    </span>
                    <span className="badge badge-warn">{t('mapping.waiting', { n: u.orders })}</span>
                  </p>
                  {canEdit && code && <MapListingForm storeId={store.id} listingCode={code} skus={skus} onMapped={(m) => onMapped(u, m)} testId="unmapped-map" />}
                </li>
              );
            })}
          </ul>
        </>
      )}
    </section>
  );
}

function MappingList({ storeId, canEdit }: { storeId: number; canEdit: boolean }) {
  const { t } = useI18n();
  const list = usePaged<Mapping>(`/api/v1/stores/${storeId}/mappings`, {});
  const [confirm, setConfirm] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const remove = async (m: Mapping) => {
    setError(null);
    try {
      await api(`/api/v1/stores/${storeId}/mappings/${m.id}`, { method: 'DELETE' });
      list.setItems((items) => items.filter((x) => x.id !== m.id));
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setConfirm(null);
    }
  };
  return (
    <>
      <ErrorBox error={error ?? list.error} />
      {!list.loading && list.items.length === 0 ? (
        <p className="muted" data-testid="mappings-empty">
          {t('mapping.none')}
        </p>
      ) : (
        <TableWrap label={t('mapping.listTitle')} testId="mappings-table">
          <thead>
            <tr>
              <th scope="col">{t('mapping.listing')}</th>
              <th scope="col">{t('mapping.sku')}</th>
              <th scope="col" className="num">
                {t('mapping.factorShort')}
              </th>
              {canEdit && (
                <th scope="col">
                  <span className="sr-only">{t('skus.actions')}</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody>
            {list.items.map((m) => (
              <tr key={m.id} data-testid="mapping-row">
                <td className="mono wrap">{m.listingCode}</td>
                <td>
                  {m.skuName} <span className="mono muted">{m.skuCode}</span>
                </td>
                <td className="num">× {m.factor}</td>
                {canEdit && (
                  <td className="nowrap">
                    {confirm === m.id ? (
                      <span className="inline-confirm">
                        <button type="button" className="btn btn-small btn-danger" onClick={() => remove(m)} data-testid="mapping-delete-yes">
                          {t('mapping.deleteYes')}
                        </button>
                        <button type="button" className="btn btn-small" onClick={() => setConfirm(null)}>
                          {t('common.cancel')}
                        </button>
                      </span>
                    ) : (
                      <button type="button" className="btn btn-small" onClick={() => setConfirm(m.id)} data-testid="mapping-delete">
                        {t('mapping.delete')}
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      <ListFooter loading={list.loading} empty={false} hasMore={list.hasMore} onMore={list.loadMore} />
    </>
  );
}

export function StoreMappings({ store, canEdit }: { store: Store; canEdit: boolean }) {
  const { t } = useI18n();
  const skus = useOwnerSkus(canEdit ? store.ownerId : null);
  const [unmapped, setUnmapped] = useState<UnmappedListing[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const [generation, setGeneration] = useState(0);

  const loadUnmapped = useCallback(() => {
    api<{ items: UnmappedListing[] }>(`/api/v1/stores/${store.id}/unmapped`)
      .then((r) => setUnmapped(r.items))
      .catch((err: ApiError) => setError(err));
  }, [store.id]);
  useEffect(loadUnmapped, [loadUnmapped]);

  const changed = (message: string) => {
    setNotice(message);
    setGeneration((g) => g + 1);
    // the held orders are released by a background job: look at the work list again shortly
    window.setTimeout(loadUnmapped, 2000);
  };

  return (
    <div className="store-mappings">
      <ErrorBox error={error} />
      <div aria-live="polite">{notice && <Notice>{notice}</Notice>}</div>
      <Unmapped
        store={store}
        items={unmapped}
        canEdit={canEdit}
        skus={skus}
        onMapped={(u, m) => {
          setUnmapped((items) => items.filter((x) => x !== u));
          changed(t('mapping.mappedWaiting', { listing: m.listingCode, sku: m.skuCode, n: u.orders }));
        }}
      />
      <section className="panel" aria-labelledby="mappings-title">
        <h2 id="mappings-title">{t('mapping.listTitle')}</h2>
        <p className="hint">{t('mapping.listHelp')}</p>
        <MappingList key={generation} storeId={store.id} canEdit={canEdit} />
        {canEdit && (
          <details className="map-add">
            <summary>{t('mapping.add')}</summary>
            <MapListingForm storeId={store.id} skus={skus} onMapped={(m) => changed(t('mapping.mapped', { listing: m.listingCode, sku: m.skuCode }))} testId="mapping-add" />
          </details>
        )}
      </section>
      {canEdit && (
        <section className="panel" aria-labelledby="mapping-upload-title">
          <h2 id="mapping-upload-title">{t('mapping.uploadTitle')}</h2>
          <p>{t('mapping.uploadHelp')}</p>
          <SpreadsheetUpload<MappingImportResult>
            path={`/api/v1/stores/${store.id}/mappings/import`}
            id="mapping-import"
            testId="mapping-import"
            columnName={columnName(t)}
            onResult={(r) => !r.dryRun && changed(t('mapping.imported', { n: r.created + r.updated }))}
            result={(r, controls) => (
              <section className="import-outcome" data-testid="mapping-import-result" aria-live="polite">
                <h3>{t(r.dryRun ? 'skuImport.resultDry' : 'skuImport.resultDone')}</h3>
                <ul className="big-counts">
                  <BigCount label={t('import.created')} n={r.created} tone="new" testId="mapping-created" />
                  <BigCount label={t('import.updated')} n={r.updated} tone="changed" testId="mapping-updated" />
                  <BigCount label={t('import.unchanged')} n={r.unchanged} tone="same" testId="mapping-unchanged" />
                  <BigCount label={t('skuImport.errors')} n={new Set(r.errors.map((e) => e.row)).size} tone={r.errors.length ? 'bad' : 'same'} testId="mapping-errors" />
                </ul>
                {r.dryRun && r.created + r.updated + r.unchanged > 0 && (
                  <button type="button" className="btn btn-primary btn-big" onClick={controls.importNow} disabled={controls.busy} data-testid="mapping-import-now">
                    {t('skuImport.importNow')}
                  </button>
                )}
                <RowErrors errors={r.errors} columnName={columnName(t)} testId="mapping-import-errors" />
                <p className="muted small">
                  {t('import.encoding')}: {r.encoding.toUpperCase()}
                </p>
              </section>
            )}
          />
        </section>
      )}
    </div>
  );
}
