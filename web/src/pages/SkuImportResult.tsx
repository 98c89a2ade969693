import { useState } from 'react';
import { ApiError, fetchFile, saveFile, type SkuImportResult } from '../api';
import { useI18n, type MessageKey, type TFunction } from '../i18n';
import { ErrorBox, Link } from '../components/ui';

/** The file columns as the template heads them (Chinese) or as the API names them (English). */
const COLUMN_KEYS: Record<string, MessageKey> = {
  owner_code: 'col.owner_code',
  sku_code: 'col.sku_code',
  name: 'col.name',
  barcode: 'col.barcode',
  spec: 'col.spec',
  unit: 'col.unit',
  weight_g: 'col.weight_g',
  length_mm: 'col.length_mm',
  width_mm: 'col.width_mm',
  height_mm: 'col.height_mm',
  temperature: 'col.temperature',
  shelf_life_days: 'col.shelf_life_days',
  lot_tracked: 'col.lot_tracked',
  origin: 'col.origin',
  case_barcode: 'col.case_barcode',
  case_qty: 'col.case_qty',
};

export const columnName = (t: TFunction, column: string | null | undefined) => (column ? (COLUMN_KEYS[column] ? t(COLUMN_KEYS[column]) : column) : '');

function Count({ label, n, tone, testId }: { label: string; n: number; tone: string; testId: string }) {
  return (
    <li className={`big-count big-count-${tone}`} data-testid={testId}>
      <strong>{n.toLocaleString()}</strong> <span>{label}</span>
    </li>
  );
}

interface Props {
  result: SkuImportResult;
  filename: string;
  busy: boolean;
  /** Offered after a check: import the same file without choosing it again. */
  onImportNow: () => void;
  onAnother: () => void;
}

export function SkuImportResultView({ result, filename, busy, onImportNow, onAnother }: Props) {
  const { t, lang } = useI18n();
  const [downloading, setDownloading] = useState<'csv' | 'xlsx' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const good = result.created + result.updated + result.unchanged;
  // Rows, like the other counts (a row may have several problems); all problems when the list was cut.
  const badRows = result.errorsTruncated ? result.errorCount : new Set(result.errors.map((e) => e.row)).size;

  const download = async (format: 'csv' | 'xlsx') => {
    setDownloading(format);
    setError(null);
    try {
      const f = await fetchFile(`/api/v1/skus/imports/${result.reportId}/errors`, { query: { format }, fallbackName: `sku-import-errors.${format}` });
      saveFile(f.blob, f.filename);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setDownloading(null);
    }
  };

  let summary: string;
  if (result.dryRun) summary = result.errorCount ? t('skuImport.dryWithErrors', { good, bad: badRows }) : t('skuImport.dryAllGood', { good });
  else summary = result.errorCount ? t('skuImport.doneWithErrors', { good, bad: badRows }) : t('skuImport.doneAllGood', { good });

  return (
    <section className="panel import-outcome" data-testid="sku-import-result" aria-live="polite" aria-labelledby="sku-import-result-title">
      <h2 id="sku-import-result-title">{t(result.dryRun ? 'skuImport.resultDry' : 'skuImport.resultDone')}</h2>
      <p className="muted small">{filename}</p>
      <ul className="big-counts">
        <Count label={t('import.created')} n={result.created} tone="new" testId="import-created" />
        <Count label={t('import.updated')} n={result.updated} tone="changed" testId="import-updated" />
        <Count label={t('import.unchanged')} n={result.unchanged} tone="same" testId="import-unchanged" />
        <Count label={t('skuImport.errors')} n={badRows} tone={result.errorCount ? 'bad' : 'same'} testId="import-error-count" />
      </ul>
      <p className={result.errorCount ? 'outcome-text outcome-warn' : 'outcome-text outcome-ok'} data-testid="sku-import-summary">
        {summary}
      </p>
      {result.dryRun && good > 0 && (
        <div className="button-row">
          <button type="button" className="btn btn-primary btn-big" onClick={onImportNow} disabled={busy} data-testid="sku-import-now">
            {result.errorCount ? t('skuImport.importGoodRows', { n: good }) : t('skuImport.importNow')}
          </button>
        </div>
      )}
      {!result.dryRun && (
        <div className="button-row">
          <Link to="/skus" className="btn btn-primary btn-big" data-testid="sku-import-to-list">
            {t('skuImport.toList')}
          </Link>
          <button type="button" className="btn btn-big" onClick={onAnother} data-testid="sku-import-another">
            {t('skuImport.another')}
          </button>
        </div>
      )}
      {result.errorCount > 0 && (
        <>
          <h3>{t('skuImport.errorsTitle')}</h3>
          <p className="hint">{t('skuImport.errorsHelp')}</p>
          <div className="table-wrap" role="region" aria-label={t('skuImport.errorsTitle')} tabIndex={0}>
            <table className="import-errors" data-testid="import-errors">
              <thead>
                <tr>
                  <th scope="col" className="num">
                    {t('import.row')}
                  </th>
                  <th scope="col">{t('import.column')}</th>
                  <th scope="col">{t('skuImport.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {result.errors.map((e, i) => (
                  <tr key={i}>
                    <td className="num">{e.row}</td>
                    <td className="nowrap">{columnName(t, e.column)}</td>
                    <td className="error-text">{lang === 'zh' ? e.messageZh || e.message : e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {result.errorsTruncated && <p className="hint">{t('skuImport.truncated', { n: result.errors.length, total: result.errorCount })}</p>}
          <div className="button-row">
            <button type="button" className="btn" onClick={() => download('xlsx')} disabled={!!downloading} data-testid="sku-errors-xlsx">
              {t('skuImport.errorReportXlsx')}
            </button>
            <button type="button" className="btn" onClick={() => download('csv')} disabled={!!downloading} data-testid="sku-errors-csv">
              {t('skuImport.errorReportCsv')}
            </button>
          </div>
          <ErrorBox error={error} />
        </>
      )}
      <p className="muted small">
        {t('import.encoding')}: {result.encoding.toUpperCase()}
        {result.ignoredColumns.length > 0 && (
          <>
            {' · '}
            {t('skuImport.ignored', { cols: result.ignoredColumns.join(lang === 'zh' ? '、' : ', ') })}
          </>
        )}
      </p>
    </section>
  );
}
