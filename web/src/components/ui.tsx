import { useEffect, useId, useRef, type AnchorHTMLAttributes, type ReactNode } from 'react';
import { navigate } from '../router';
import { detailText, errorText, useI18n } from '../i18n';
import type { ApiError, ErrorDetail } from '../api';

/** Small building blocks shared by the pages. */

export function Link({ to, children, ...rest }: { to: string; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <a
      href={to}
      {...rest}
      onClick={(e) => {
        rest.onClick?.(e);
        if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/** The page title; it takes focus when the page opens so keyboard and screen-reader users start there. */
export function PageTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 ref={ref} tabIndex={-1} className="page-title">
      {children}
    </h1>
  );
}

export function ErrorBox({ error, testId }: { error: ApiError | null | undefined; testId?: string }) {
  const { lang } = useI18n();
  if (!error) return null;
  return (
    <p className="alert alert-error" role="alert" data-testid={testId}>
      {errorText(lang, error)}
    </p>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p className="alert alert-ok" role="status">
      {children}
    </p>
  );
}

/** Messages the API gave for one field (`details[].field`). */
export function fieldErrors(error: ApiError | null | undefined, field: string): ErrorDetail[] {
  return error?.details.filter((d) => d.field === field) ?? [];
}

interface FieldProps {
  label: string;
  hint?: string;
  optional?: boolean;
  errors?: ErrorDetail[];
  children: (props: { id: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) => ReactNode;
}

/** A label, the control, a hint and the API's messages for this field. */
export function Field({ label, hint, optional, errors = [], children }: FieldProps) {
  const { t, lang } = useI18n();
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : '', errors.length ? `${id}-err` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={'field' + (errors.length ? ' field-invalid' : '')}>
      <label htmlFor={id}>
        {label}
        {optional && <span className="optional">{t('common.optional')}</span>}
      </label>
      {children({ id, 'aria-invalid': errors.length ? true : undefined, 'aria-describedby': describedBy })}
      {hint && (
        <span className="hint" id={`${id}-hint`}>
          {hint}
        </span>
      )}
      {errors.length > 0 && (
        <span className="field-error" id={`${id}-err`}>
          {errors.map((d) => detailText(lang, d)).join('; ')}
        </span>
      )}
    </div>
  );
}

/** Details whose field no form control shows (so none is silently lost). */
export function OtherDetails({ error, shown }: { error: ApiError | null | undefined; shown: string[] }) {
  const { lang } = useI18n();
  const rest = error?.details.filter((d) => !shown.includes(d.field)) ?? [];
  if (!rest.length) return null;
  return (
    <ul className="alert alert-error">
      {rest.map((d, i) => (
        <li key={i}>
          {d.field ? `${d.field}: ` : ''}
          {detailText(lang, d)}
        </li>
      ))}
    </ul>
  );
}

export function TableWrap({ children, label, testId }: { children: ReactNode; label: string; testId?: string }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      <table data-testid={testId}>{children}</table>
    </div>
  );
}

export function ListFooter({ loading, empty, hasMore, onMore }: { loading: boolean; empty: boolean; hasMore: boolean; onMore: () => void }) {
  const { t } = useI18n();
  return (
    <div className="list-footer">
      {loading && <p aria-live="polite">{t('common.loading')}</p>}
      {!loading && empty && <p className="muted">{t('common.none')}</p>}
      {!loading && hasMore && (
        <button type="button" className="btn" onClick={onMore} data-testid="load-more">
          {t('common.loadMore')}
        </button>
      )}
    </div>
  );
}

export function Badge({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'info' | 'cold' | 'frozen' | 'plain'; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

/** A labelled list filter: "all" plus the given options, each shown through the dictionary. */
export function FilterSelect<V extends string>({
  id,
  testId,
  label,
  value,
  options,
  optionLabel,
  onChange,
}: {
  id: string;
  testId: string;
  label: string;
  value: V | '';
  options: readonly V[];
  optionLabel: (v: V) => string;
  onChange: (v: V | '') => void;
}) {
  const { t } = useI18n();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} data-testid={testId} value={value} onChange={(e) => onChange(e.target.value as V | '')}>
        <option value="">{t('common.all')}</option>
        {options.map((v) => (
          <option key={v} value={v}>
            {optionLabel(v)}
          </option>
        ))}
      </select>
    </div>
  );
}
