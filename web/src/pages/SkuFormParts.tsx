import { useEffect, useId, useState, type InputHTMLAttributes } from 'react';
import { api, TEMPERATURES, type ErrorDetail, type Page, type Sku, type Temperature } from '../api';
import { detailText, useI18n } from '../i18n';
import { Field } from '../components/ui';
import type { SkuDraft } from './skuDraft';

/** Pieces of the SKU form: a box with its unit, the temperature buttons, barcode, case and kit lists. */

type Errs = (...fields: string[]) => ErrorDetail[];

/** A number box with its unit written after it (克, 毫米, 天). */
export function UnitInput({ unit, ...rest }: { unit: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <div className="with-unit">
      <input inputMode="numeric" autoComplete="off" {...rest} />
      <span className="unit" aria-hidden="true">
        {unit}
      </span>
    </div>
  );
}

function FieldErrors({ errors, id }: { errors: ErrorDetail[]; id?: string }) {
  const { lang } = useI18n();
  if (!errors.length) return null;
  return (
    <span className="field-error" id={id}>
      {errors.map((d) => detailText(lang, d)).join('; ')}
    </span>
  );
}

const TEMP_HINT = { ambient: 'skuForm.ambientHint', chilled: 'skuForm.chilledHint', frozen: 'skuForm.frozenHint' } as const;

export function TemperatureChoice({ value, onChange, errors }: { value: SkuDraft['temperature']; onChange: (v: Temperature) => void; errors: ErrorDetail[] }) {
  const { t } = useI18n();
  const id = useId();
  return (
    <fieldset className={'choice-group temp-choice' + (errors.length ? ' field-invalid' : '')} aria-describedby={errors.length ? `${id}-err` : undefined}>
      <legend>{t('skuForm.temperature')}</legend>
      {TEMPERATURES.map((v) => (
        <label key={v} className={`choice choice-big temp-${v}`}>
          <input type="radio" name={`${id}-temp`} value={v} checked={value === v} onChange={() => onChange(v)} aria-invalid={errors.length ? true : undefined} data-testid={`sku-temp-${v}`} />
          <span className="choice-text">
            <strong>{t(`temp.${v}`)}</strong>
            <span className="choice-hint">{t(TEMP_HINT[v])}</span>
          </span>
        </label>
      ))}
      <FieldErrors errors={errors} id={`${id}-err`} />
    </fieldset>
  );
}

function RemoveButton({ onClick, label }: { onClick: () => void; label: string }) {
  return (
    <button type="button" className="btn btn-quiet btn-remove" onClick={onClick} aria-label={label} title={label}>
      ✕
    </button>
  );
}

export function BarcodeList({ values, onChange, errs }: { values: string[]; onChange: (v: string[]) => void; errs: Errs }) {
  const { t } = useI18n();
  const set = (i: number, v: string) => onChange(values.map((x, j) => (j === i ? v : x)));
  return (
    <div className="list-editor" data-testid="sku-barcodes">
      {values.map((b, i) => (
        <div className="list-row" key={i}>
          <Field label={values.length > 1 ? t('skuForm.barcodeN', { n: i + 1 }) : t('skuForm.barcode')} optional errors={errs(...(i === 0 ? ['barcode', 'barcodes.0'] : [`barcodes.${i}`]))}>
            {(p) => (
              <input
                {...p}
                className="mono"
                autoComplete="off"
                enterKeyHint="next"
                maxLength={64}
                value={b}
                onChange={(e) => set(i, e.target.value)}
                // a scanner ends with Enter: stay in the form instead of submitting it
                onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
                data-testid={`sku-barcode-${i}`}
              />
            )}
          </Field>
          {values.length > 1 && <RemoveButton label={t('skuForm.remove')} onClick={() => onChange(values.filter((_, j) => j !== i))} />}
        </div>
      ))}
      {values.length < 20 && (
        <button type="button" className="btn btn-small" onClick={() => onChange([...values, ''])} data-testid="sku-barcode-add">
          {t('skuForm.addBarcode')}
        </button>
      )}
    </div>
  );
}

export function CaseList({ values, onChange, errs }: { values: SkuDraft['cases']; onChange: (v: SkuDraft['cases']) => void; errs: Errs }) {
  const { t } = useI18n();
  const set = (i: number, k: 'barcode' | 'qty', v: string) => onChange(values.map((x, j) => (j === i ? { ...x, [k]: v } : x)));
  return (
    <div className="list-editor" data-testid="sku-cases">
      {values.map((c, i) => (
        <div className="list-row" key={i}>
          <Field label={t('skuForm.caseBarcode')} errors={errs(`cases.${i}.barcode`, `cases.${i}`)}>
            {(p) => (
              <input
                {...p}
                className="mono"
                autoComplete="off"
                maxLength={64}
                value={c.barcode}
                onChange={(e) => set(i, 'barcode', e.target.value)}
                onKeyDown={(e) => e.key === 'Enter' && e.preventDefault()}
                data-testid={`sku-case-barcode-${i}`}
              />
            )}
          </Field>
          <Field label={t('skuForm.caseQty')} hint={t('skuForm.caseQtyHint')} errors={errs(`cases.${i}.qty`)}>
            {(p) => <UnitInput {...p} unit={t('skuForm.pieces')} value={c.qty} onChange={(e) => set(i, 'qty', e.target.value)} data-testid={`sku-case-qty-${i}`} />}
          </Field>
          <RemoveButton label={t('skuForm.remove')} onClick={() => onChange(values.filter((_, j) => j !== i))} />
        </div>
      ))}
      {values.length < 10 && (
        <button type="button" className="btn btn-small" onClick={() => onChange([...values, { barcode: '', qty: '' }])} data-testid="sku-case-add">
          {t('skuForm.addCase')}
        </button>
      )}
    </div>
  );
}

/** The owner's other SKU codes, offered while typing a kit component. */
function useSkuCodes(ownerId: string, enabled: boolean): Sku[] {
  const [skus, setSkus] = useState<Sku[]>([]);
  useEffect(() => {
    if (!enabled) return;
    const ctrl = new AbortController();
    api<Page<Sku>>('/api/v1/skus', { query: { limit: 500, status: 'active', ownerId: ownerId || undefined }, signal: ctrl.signal })
      .then((p) => setSkus(p.items.filter((s) => !s.kit)))
      .catch(() => undefined);
    return () => ctrl.abort();
  }, [ownerId, enabled]);
  return skus;
}

export function KitEditor({ values, onChange, errs, ownerId, open }: { values: SkuDraft['components']; onChange: (v: SkuDraft['components']) => void; errs: Errs; ownerId: string; open: boolean }) {
  const { t } = useI18n();
  const listId = useId();
  const skus = useSkuCodes(ownerId, open);
  const set = (i: number, k: 'skuCode' | 'qty', v: string) => onChange(values.map((x, j) => (j === i ? { ...x, [k]: v } : x)));
  const nameOf = (code: string) => skus.find((s) => s.skuCode === code.trim())?.name;
  return (
    <div className="list-editor" data-testid="sku-kit">
      <p className="hint">{t('skuForm.kitHelp')}</p>
      <datalist id={listId}>
        {skus.map((s) => (
          <option key={s.id} value={s.skuCode}>
            {s.name}
          </option>
        ))}
      </datalist>
      {values.map((c, i) => (
        <div className="list-row" key={i}>
          <Field label={t('skuForm.componentCode')} hint={nameOf(c.skuCode)} errors={errs(`components.${i}.skuCode`, `components.${i}`)}>
            {(p) => <input {...p} className="mono" list={listId} autoComplete="off" maxLength={64} value={c.skuCode} onChange={(e) => set(i, 'skuCode', e.target.value)} data-testid={`sku-component-code-${i}`} />}
          </Field>
          <Field label={t('skuForm.componentQty')} errors={errs(`components.${i}.qty`)}>
            {(p) => <UnitInput {...p} unit={t('skuForm.pieces')} value={c.qty} onChange={(e) => set(i, 'qty', e.target.value)} data-testid={`sku-component-qty-${i}`} />}
          </Field>
          <RemoveButton label={t('skuForm.remove')} onClick={() => onChange(values.filter((_, j) => j !== i))} />
        </div>
      ))}
      <FieldErrors errors={errs('components')} />
      {values.length < 50 && (
        <button type="button" className="btn btn-small" onClick={() => onChange([...values, { skuCode: '', qty: '1' }])} data-testid="sku-component-add">
          {t('skuForm.addComponent')}
        </button>
      )}
    </div>
  );
}
