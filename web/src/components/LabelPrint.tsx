import { useEffect, useId, useState, type FormEvent } from 'react';
import { ApiError, fetchFile, type Sku } from '../api';
import { useI18n } from '../i18n';
import { ErrorBox } from './ui';

const SIZES = ['60x40', '100x50'] as const;
type Size = (typeof SIZES)[number];
const MAX_COPIES = 500;

/** Barcode labels of one SKU as a PDF: size and copies, opened in a new tab (or downloaded). */
export function LabelPrint({ sku, onClose }: { sku: Sku; onClose?: () => void }) {
  const { t } = useI18n();
  const id = useId();
  const [size, setSize] = useState<Size>('60x40');
  const [copies, setCopies] = useState('1');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [copiesError, setCopiesError] = useState(false);
  const [file, setFile] = useState<{ url: string; filename: string; opened: boolean } | null>(null);

  useEffect(() => () => void (file && URL.revokeObjectURL(file.url)), [file]);

  const n = Number(copies);
  const setN = (v: number) => {
    setCopies(String(Math.min(MAX_COPIES, Math.max(1, v))));
    setCopiesError(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!/^\d+$/.test(copies) || n < 1 || n > MAX_COPIES) {
      setCopiesError(true);
      return;
    }
    setBusy(true);
    setError(null);
    setFile(null);
    try {
      const { blob, filename } = await fetchFile(`/api/v1/skus/${sku.id}/label`, {
        query: { format: 'pdf', size, copies: n },
        fallbackName: `label-${sku.skuCode}-${size}.pdf`,
      });
      const pdf = blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' });
      const url = URL.createObjectURL(pdf);
      // Still within the click's user activation, so a popup blocker lets the tab open.
      const tab = window.open(url, '_blank');
      setFile({ url, filename, opened: !!tab });
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const unavailable = error?.status === 404 && error.code === 'NOT_FOUND' && /endpoint/i.test(error.message);
  return (
    <form className="label-print" onSubmit={submit} aria-label={t('label.title', { name: sku.name })} data-testid="label-print">
      <fieldset className="choice-group">
        <legend>{t('label.size')}</legend>
        {SIZES.map((s) => (
          <label key={s} className="choice">
            <input type="radio" name={`${id}-size`} value={s} checked={size === s} onChange={() => setSize(s)} data-testid={`label-size-${s}`} />
            <span>{t(s === '60x40' ? 'label.small' : 'label.large')}</span>
          </label>
        ))}
      </fieldset>
      <div className="field">
        <label htmlFor={`${id}-copies`}>{t('label.copies')}</label>
        <div className="stepper">
          <button type="button" className="btn" onClick={() => setN((Number.isFinite(n) ? n : 1) - 1)} aria-label={t('label.fewer')}>
            −
          </button>
          <input
            id={`${id}-copies`}
            inputMode="numeric"
            value={copies}
            onChange={(e) => {
              setCopies(e.target.value.replace(/\D/g, ''));
              setCopiesError(false);
            }}
            aria-invalid={copiesError || undefined}
            data-testid="label-copies"
          />
          <button type="button" className="btn" onClick={() => setN((Number.isFinite(n) ? n : 0) + 1)} aria-label={t('label.more')}>
            ＋
          </button>
        </div>
        {copiesError && <span className="field-error">{t('label.copiesHint', { max: MAX_COPIES })}</span>}
      </div>
      <div className="label-buttons">
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="label-submit">
          {busy ? t('label.busy') : t('label.print')}
        </button>
        {onClose && (
          <button type="button" className="btn btn-quiet" onClick={onClose}>
            {t('common.close')}
          </button>
        )}
      </div>
      {unavailable ? (
        <p className="alert alert-error" role="alert" data-testid="label-error">
          {t('label.unavailable')}
        </p>
      ) : (
        <ErrorBox error={error} testId="label-error" />
      )}
      {file && (
        <p className="alert alert-ok" role="status" data-testid="label-ready">
          {file.opened ? t('label.opened') : t('label.blocked')}{' '}
          <a href={file.url} download={file.filename} className="link-action">
            {t('label.download')}
          </a>
        </p>
      )}
    </form>
  );
}
