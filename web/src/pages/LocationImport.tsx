import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { ApiError, upload, type ImportResult } from '../api';
import { useI18n } from '../i18n';
import { ErrorBox, TableWrap } from '../components/ui';

const TEMPLATE = ['code,zone,temperature,type,x,y,pick_seq', 'A01-01,A,ambient,pick,2,2,1', 'C01-01,C,chilled,pick,28,2,2', ''].join('\r\n');

/** The template as a file; the BOM lets Excel open it as UTF-8. */
function useTemplateUrl(): string {
  const url = useMemo(() => URL.createObjectURL(new Blob(['\ufeff' + TEMPLATE], { type: 'text/csv;charset=utf-8' })), []);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  return url;
}

function ResultView({ result }: { result: ImportResult }) {
  const { t } = useI18n();
  const refusedRows = new Set(result.errors.map((e) => e.row)).size;
  return (
    <section className="import-result" data-testid="location-import-result" aria-live="polite">
      <h3>{t(result.dryRun ? 'import.resultDry' : 'import.result')}</h3>
      <ul className="counts">
        <li data-testid="import-created">
          <span className="count-label">{t('import.created')}</span> <strong>{result.created}</strong>
        </li>
        <li data-testid="import-updated">
          <span className="count-label">{t('import.updated')}</span> <strong>{result.updated}</strong>
        </li>
        <li data-testid="import-unchanged">
          <span className="count-label">{t('import.unchanged')}</span> <strong>{result.unchanged}</strong>
        </li>
        <li data-testid="import-error-count" className={result.errors.length ? 'count-bad' : undefined}>
          <span className="count-label">{t('import.errors')}</span> <strong>{refusedRows}</strong>
        </li>
      </ul>
      <p className="muted small">
        {t('import.encoding')}: {result.encoding}
        {result.ignoredColumns.length > 0 && (
          <>
            {' · '}
            {t('import.ignored')}: {result.ignoredColumns.join(', ')}
          </>
        )}
      </p>
      {result.errors.length === 0 ? (
        <p>{t('import.noErrors')}</p>
      ) : (
        <TableWrap label={t('import.errors')} testId="import-errors">
          <thead>
            <tr>
              <th scope="col">{t('import.row')}</th>
              <th scope="col">{t('import.column')}</th>
              <th scope="col">{t('import.message')}</th>
              <th scope="col">{t('import.code')}</th>
            </tr>
          </thead>
          <tbody>
            {result.errors.map((e, i) => (
              <tr key={i}>
                <td className="num">{e.row}</td>
                <td className="mono">{e.column ?? ''}</td>
                <td className="msg-cell">{e.message}</td>
                <td className="mono">{e.code}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
    </section>
  );
}

export function LocationImport({ onImported }: { onImported: () => void }) {
  const { t } = useI18n();
  const templateUrl = useTemplateUrl();
  const fileRef = useRef<HTMLInputElement>(null);
  const [dryRun, setDryRun] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [missing, setMissing] = useState(false);
  const [result, setResult] = useState<ImportResult | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const file = fileRef.current?.files?.[0];
    setMissing(!file);
    if (!file) {
      fileRef.current?.focus();
      return;
    }
    setError(null);
    setResult(null);
    setProgress(0);
    try {
      const res = await upload<ImportResult>('/api/v1/locations/import', file, {
        contentType: 'text/csv',
        query: dryRun ? { dryRun: 'true' } : undefined,
        onProgress: setProgress,
      });
      setResult(res);
      if (!res.dryRun && res.created + res.updated > 0) onImported();
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setProgress(null);
    }
  };

  const busy = progress !== null;
  const pct = Math.round((progress ?? 0) * 100);
  return (
    <form className="stack" onSubmit={submit} aria-label={t('import.title')}>
      <p className="muted">{t('import.help')}</p>
      <p>
        <a className="link-action" href={templateUrl} download="locations-template.csv" data-testid="location-template">
          {t('import.template')}
        </a>
      </p>
      <div className="field">
        <label htmlFor="location-import-file">{t('import.file')}</label>
        <input
          ref={fileRef}
          id="location-import-file"
          type="file"
          accept=".csv,text/csv"
          data-testid="location-import-file"
          aria-invalid={missing || undefined}
          onChange={() => setMissing(false)}
        />
        {missing && <span className="field-error">{t('import.chooseFile')}</span>}
      </div>
      <label className="check">
        <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} data-testid="location-import-dryrun" />
        <span>{t('import.dryRun')}</span>
      </label>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" data-testid="location-import-submit" disabled={busy}>
          {dryRun ? t('import.check') : t('import.submit')}
        </button>
      </div>
      {busy && (
        <div className="progress" aria-live="polite">
          <progress max={100} value={pct} aria-label={t('import.title')} />
          <span>{pct < 100 ? t('import.uploading', { pct }) : t('import.processing')}</span>
        </div>
      )}
      <ErrorBox error={error} testId="location-import-error" />
      {result && <ResultView result={result} />}
    </form>
  );
}
