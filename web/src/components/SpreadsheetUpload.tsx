import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApiError, upload } from '../api';
import { errorText, useI18n, type MessageKey, type TFunction } from '../i18n';

/**
 * Choose a CSV or XLSX file, check it (dry run) or import it, with upload progress: the part of
 * the product upload that the order and mapping uploads share. The caller shows the result.
 */

const CONTENT_TYPES = { csv: 'text/csv', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;
const MAX_BYTES = 20 * 1024 * 1024;

const extensionOf = (name: string) => name.split('.').pop()?.toLowerCase() ?? '';
const sizeText = (bytes: number) => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

function fileProblem(t: TFunction, f: File): string | null {
  const ext = extensionOf(f.name);
  if (ext === 'xls' || ext === 'et' || ext === 'wps') return t('skuImport.oldExcel');
  if (ext !== 'csv' && ext !== 'xlsx') return t('skuImport.wrongType', { name: f.name });
  if (f.size === 0) return t('skuImport.emptyFile');
  if (f.size > MAX_BYTES) return t('skuImport.tooBig', { mb: (f.size / 1024 / 1024).toFixed(1) });
  return null;
}

export interface UploadControls {
  busy: boolean;
  filename: string;
  /** After a check: import the same file without choosing it again. */
  importNow: () => void;
  /** Clear the result and open the file chooser again. */
  another: () => void;
}

interface Props<T> {
  /** The upload endpoint; `dryRun` is added to `query`. */
  path: string;
  query?: Record<string, string | undefined>;
  id: string;
  testId: string;
  /** How a missing column is named to the reader. */
  columnName: (column: string) => string;
  /** Shown above the buttons, e.g. the owner choice. */
  before?: ReactNode;
  result: (result: T, controls: UploadControls) => ReactNode;
  /** Told of each result (e.g. to reload what an import changed). */
  onResult?: (result: T) => void;
}

export function SpreadsheetUpload<T>({ path, query = {}, id, testId, columnName, before, result: renderResult, onResult }: Props<T>) {
  const { t, lang } = useI18n();
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<T | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const outcome = useRef<HTMLDivElement>(null);

  // The answer may be below the fold on a phone: bring it into view.
  useEffect(() => {
    if (result || error) outcome.current?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  }, [result, error]);

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
      await file.slice(0, 1).arrayBuffer();
    } catch {
      setProblem(t('skuImport.fileChanged'));
      return;
    }
    setProgress(0);
    try {
      const res = await upload<T>(path, file, {
        contentType: CONTENT_TYPES[extensionOf(file.name) as keyof typeof CONTENT_TYPES] ?? 'text/csv',
        query: { ...query, dryRun: dryRun ? 'true' : 'false' },
        onProgress: setProgress,
      });
      setResult(res);
      onResult?.(res);
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
  const missing = error?.code === 'MISSING_COLUMNS' ? error.details.map((d) => d.column).filter((c): c is string => !!c) : [];
  return (
    <>
      {before}
      <div className={'file-pick' + (problem ? ' field-invalid' : '')}>
        <input
          ref={input}
          id={`${id}-file`}
          className="file-input"
          type="file"
          accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
          data-testid={`${testId}-file`}
          aria-invalid={problem ? true : undefined}
          aria-describedby={`${id}-file-state`}
          // choosing the same (corrected) file again must count as a new choice
          onClick={(e) => (e.currentTarget.value = '')}
          onChange={(e) => choose(e.target.files?.[0] ?? null)}
        />
        <label htmlFor={`${id}-file`} className="btn btn-big file-button">
          {file ? t('skuImport.chooseOther') : t('skuImport.choose')}
        </label>
        <span id={`${id}-file-state`} className="file-state" data-testid={`${testId}-file-name`}>
          {file ? `${file.name} · ${sizeText(file.size)}` : t('skuImport.noFile')}
        </span>
        {problem && <span className="field-error">{problem}</span>}
      </div>
      <div className="button-row">
        <button type="button" className="btn btn-big" onClick={() => run(true)} disabled={busy} data-testid={`${testId}-check`}>
          {t('skuImport.check')}
        </button>
        <button type="button" className="btn btn-primary btn-big" onClick={() => run(false)} disabled={busy} data-testid={`${testId}-submit`}>
          {t('skuImport.submit')}
        </button>
      </div>
      <p className="hint">{t('skuImport.checkHelp')}</p>
      {busy && (
        <div className="progress" aria-live="polite">
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
      <div ref={outcome} className="outcome-anchor">
        {error && (
          <div className="alert alert-error" role="alert" data-testid={`${testId}-error`}>
            <p className="alert-line">{error.code === 'PAYLOAD_TOO_LARGE' ? t('skuImport.tooBig', { mb: '> 20' }) : errorText(lang, error)}</p>
            {missing.length > 0 && <p className="alert-line">{t('skuImport.missingColumns', { cols: missing.map(columnName).join(lang === 'zh' ? '、' : ', ') })}</p>}
          </div>
        )}
        {result && file && renderResult(result, { busy, filename: file.name, importNow: () => run(false), another })}
      </div>
    </>
  );
}

/** One count of an import result, large (as the product upload shows them). */
export function BigCount({ label, n, tone, testId }: { label: string; n: number; tone: string; testId: string }) {
  return (
    <li className={`big-count big-count-${tone}`} data-testid={testId}>
      <strong>{n.toLocaleString()}</strong> <span>{label}</span>
    </li>
  );
}

/** Row problem codes of the order and mapping uploads, said in Chinese (the API's message follows). */
const ROW_CODES: Record<string, MessageKey> = {
  required: 'rowError.required',
  invalid: 'rowError.invalid',
  too_long: 'rowError.too_long',
  duplicate: 'rowError.duplicate',
  receiver_differs: 'rowError.receiver_differs',
  unknown_owner: 'rowError.unknown_owner',
  unknown_sku: 'rowError.unknown_sku',
  order_in_progress: 'rowError.order_in_progress',
  order_rejected: 'rowError.order_rejected',
};

/** The refused rows of an import: row number as Excel shows it, column, problem. */
export function RowErrors({ errors, columnName, testId }: { errors: Array<{ row: number; column: string | null; code: string; message: string }>; columnName: (c: string) => string; testId: string }) {
  const { t, lang } = useI18n();
  const problem = (e: { code: string; message: string }) => (lang === 'zh' && ROW_CODES[e.code] ? `${t(ROW_CODES[e.code])}（${e.message}）` : e.message);
  if (!errors.length) return null;
  return (
    <>
      <h3>{t('skuImport.errorsTitle')}</h3>
      <p className="hint">{t('skuImport.errorsHelp')}</p>
      <div className="table-wrap" role="region" aria-label={t('skuImport.errorsTitle')} tabIndex={0}>
        <table className="import-errors" data-testid={testId}>
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
            {errors.map((e, i) => (
              <tr key={i}>
                <td className="num">{e.row}</td>
                <td className="nowrap">{e.column ? columnName(e.column) : ''}</td>
                <td className="error-text">{problem(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
