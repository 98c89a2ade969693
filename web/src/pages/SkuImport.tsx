import { useEffect, useRef, useState } from 'react';
import { ApiError, fetchFile, saveFile, upload, type SkuImportResult } from '../api';
import { errorText, useI18n, type TFunction } from '../i18n';
import type { SessionUser } from '../session';
import { ErrorBox, Link, PageTitle } from '../components/ui';
import { OwnerSelect, useOwners } from '../components/OwnerSelect';
import { columnName, SkuImportResultView } from './SkuImportResult';

const CONTENT_TYPES = { csv: 'text/csv', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;
const MAX_BYTES = 20 * 1024 * 1024;

const extensionOf = (name: string) => name.split('.').pop()?.toLowerCase() ?? '';

/** What is wrong with a chosen file before it is sent, or null. */
function fileProblem(t: TFunction, f: File): string | null {
  const ext = extensionOf(f.name);
  if (ext === 'xls' || ext === 'et' || ext === 'wps') return t('skuImport.oldExcel');
  if (ext !== 'csv' && ext !== 'xlsx') return t('skuImport.wrongType', { name: f.name });
  if (f.size === 0) return t('skuImport.emptyFile');
  if (f.size > MAX_BYTES) return t('skuImport.tooBig', { mb: (f.size / 1024 / 1024).toFixed(1) });
  return null;
}

const sizeText = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** File-level refusals (missing columns) say which columns, as the template heads them. */
function FileError({ error }: { error: ApiError | null }) {
  const { t, lang } = useI18n();
  if (!error) return null;
  const missing = error.code === 'MISSING_COLUMNS' ? error.details.map((d) => d.column).filter((c): c is string => !!c) : [];
  return (
    <div className="alert alert-error" role="alert" data-testid="sku-import-error">
      <p className="alert-line">{error.code === 'PAYLOAD_TOO_LARGE' ? t('skuImport.tooBig', { mb: '> 20' }) : errorText(lang, error)}</p>
      {missing.length > 0 && <p className="alert-line">{t('skuImport.missingColumns', { cols: missing.map((c) => columnName(t, c)).join(lang === 'zh' ? '、' : ', ') })}</p>}
    </div>
  );
}

export function SkuImportPage({ user }: { user: SessionUser }) {
  const { t } = useI18n();
  const staff = user.role !== 'seller';
  const owners = useOwners(staff);
  const [ownerId, setOwnerId] = useState(() => {
    const v = new URLSearchParams(window.location.search).get('ownerId') ?? '';
    return staff && /^\d+$/.test(v) ? v : '';
  });
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<SkuImportResult | null>(null);
  const [template, setTemplate] = useState<{ busy: 'csv' | 'xlsx' | null; error: ApiError | null }>({ busy: null, error: null });
  const input = useRef<HTMLInputElement>(null);
  const outcome = useRef<HTMLDivElement>(null);

  // The answer may be below the fold on a phone: bring it into view.
  useEffect(() => {
    if (result || error) outcome.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [result, error]);

  const downloadTemplate = async (format: 'csv' | 'xlsx') => {
    setTemplate({ busy: format, error: null });
    try {
      const f = await fetchFile('/api/v1/skus/import-template', { query: { format }, fallbackName: `sku-template.${format}` });
      saveFile(f.blob, f.filename);
      setTemplate({ busy: null, error: null });
    } catch (e) {
      setTemplate({ busy: null, error: e as ApiError });
    }
  };

  const choose = (f: File | null) => {
    setResult(null);
    setError(null);
    setFile(f);
    setProblem(f ? (fileProblem(t, f) ?? '') : '');
  };

  const run = async (dryRun: boolean) => {
    if (!file) {
      setProblem(t('import.chooseFile'));
      input.current?.focus();
      return;
    }
    if (problem) {
      input.current?.focus();
      return;
    }
    setError(null);
    setResult(null);
    try {
      // A file changed on disk after it was chosen can no longer be read: say so plainly.
      await file.slice(0, 1).arrayBuffer();
    } catch {
      setProblem(t('skuImport.fileChanged'));
      return;
    }
    setProgress(0);
    try {
      const res = await upload<SkuImportResult>('/api/v1/skus/import', file, {
        contentType: CONTENT_TYPES[extensionOf(file.name) as keyof typeof CONTENT_TYPES] ?? 'text/csv',
        query: { dryRun: dryRun ? 'true' : 'false', ownerId: staff && ownerId ? ownerId : undefined },
        onProgress: setProgress,
      });
      setResult(res);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setProgress(null);
    }
  };

  const another = () => {
    choose(null);
    if (input.current) input.current.value = '';
    input.current?.focus();
  };

  const busy = progress !== null;
  const pct = Math.round((progress ?? 0) * 100);
  return (
    <section className="sku-import">
      <p className="back">
        <Link to="/skus">{t('skuForm.backToList')}</Link>
      </p>
      <PageTitle>{t('skuImport.title')}</PageTitle>
      <p className="lead">{t('skuImport.lead')}</p>
      <ol className="steps">
        <li className="step panel">
          <h2>
            <span className="step-no" aria-hidden="true">1</span>
            {t('skuImport.step1')}
          </h2>
          <p>{t('skuImport.step1Help')}</p>
          <div className="button-row">
            <button type="button" className="btn btn-primary btn-big" onClick={() => downloadTemplate('xlsx')} disabled={!!template.busy} data-testid="template-xlsx">
              {t('skuImport.templateXlsx')}
            </button>
            <button type="button" className="btn btn-big" onClick={() => downloadTemplate('csv')} disabled={!!template.busy} data-testid="template-csv">
              {t('skuImport.templateCsv')}
            </button>
          </div>
          <ErrorBox error={template.error} />
        </li>
        <li className="step panel">
          <h2>
            <span className="step-no" aria-hidden="true">2</span>
            {t('skuImport.step2')}
          </h2>
          <ul className="tips">
            <li>{t('skuImport.tipRequired')}</li>
            <li>{t('skuImport.tipTemperature')}</li>
            <li>{t('skuImport.tipBarcode')}</li>
            <li>{t('skuImport.tipExample')}</li>
            <li>{t('skuImport.tipSave')}</li>
          </ul>
        </li>
        <li className="step panel">
          <h2>
            <span className="step-no" aria-hidden="true">3</span>
            {t('skuImport.step3')}
          </h2>
          {staff && (
            <div className="field">
              <label htmlFor="sku-import-owner">{t('skus.owner')}</label>
              <OwnerSelect id="sku-import-owner" testId="sku-import-owner" owners={owners} value={ownerId} onChange={setOwnerId} emptyLabel={t('skuImport.ownerFromFile')} />
            </div>
          )}
          <div className={'file-pick' + (problem ? ' field-invalid' : '')}>
            <input
              ref={input}
              id="sku-import-file"
              className="file-input"
              type="file"
              accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              data-testid="sku-import-file"
              aria-invalid={problem ? true : undefined}
              aria-describedby="sku-import-file-state"
              // choosing the same (corrected) file again must count as a new choice
              onClick={(e) => (e.currentTarget.value = '')}
              onChange={(e) => choose(e.target.files?.[0] ?? null)}
            />
            <label htmlFor="sku-import-file" className="btn btn-big file-button">
              {file ? t('skuImport.chooseOther') : t('skuImport.choose')}
            </label>
            <span id="sku-import-file-state" className="file-state" data-testid="sku-import-file-name">
              {file ? `${file.name} · ${sizeText(file.size)}` : t('skuImport.noFile')}
            </span>
            {problem && <span className="field-error">{problem}</span>}
          </div>
          <div className="button-row">
            <button type="button" className="btn btn-big" onClick={() => run(true)} disabled={busy} data-testid="sku-import-check">
              {t('skuImport.check')}
            </button>
            <button type="button" className="btn btn-primary btn-big" onClick={() => run(false)} disabled={busy} data-testid="sku-import-submit">
              {t('skuImport.submit')}
            </button>
          </div>
          <p className="hint">{t('skuImport.checkHelp')}</p>
          {busy && (
            <div className="progress" aria-live="polite" data-testid="sku-import-progress">
              {pct < 100 ? (
                <>
                  <progress max={100} value={pct} aria-label={t('skuImport.uploadingLabel')} />
                  <span>{t('import.uploading', { pct })}</span>
                </>
              ) : (
                <>
                  <span className="spinner" aria-hidden="true" />
                  <span>{t('skuImport.processing')}</span>
                </>
              )}
            </div>
          )}
        </li>
      </ol>
      <div ref={outcome} className="outcome-anchor">
        <FileError error={error} />
        {result && file && <SkuImportResultView result={result} filename={file.name} busy={busy} onImportNow={() => run(false)} onAnother={another} />}
      </div>
    </section>
  );
}
