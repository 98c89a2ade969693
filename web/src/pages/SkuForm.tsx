import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, type ErrorDetail, type Sku } from '../api';
import { errorText, useI18n, type MessageKey } from '../i18n';
import { navigate } from '../router';
import type { SessionUser } from '../session';
import { ErrorBox, Field, Link, Notice, OtherDetails, PageTitle } from '../components/ui';
import { OwnerSelect, ownerLabel, useOwners } from '../components/OwnerSelect';
import { LabelPrint } from '../components/LabelPrint';
import { BarcodeList, CaseList, KitEditor, TemperatureChoice, UnitInput } from './SkuFormParts';
import { bodyOf, checkDraft, draftOf, emptyDraft, placeDetails, type SkuDraft } from './skuDraft';

const FIXED_FIELDS = ['ownerId', 'skuCode', 'name', 'spec', 'unit', 'origin', 'weightG', 'lengthMm', 'widthMm', 'heightMm', 'temperature', 'shelfLifeDays', 'lotTracked', 'barcode', 'components', 'status'];

/** Every field the form shows an error next to (the rest are listed under the form). */
function shownFields(d: SkuDraft): string[] {
  return [
    ...FIXED_FIELDS,
    ...d.barcodes.map((_, i) => `barcodes.${i}`),
    ...d.cases.flatMap((_, i) => [`cases.${i}`, `cases.${i}.barcode`, `cases.${i}.qty`]),
    ...d.components.flatMap((_, i) => [`components.${i}`, `components.${i}.skuCode`, `components.${i}.qty`]),
  ];
}

const query = (name: string) => new URLSearchParams(window.location.search).get(name) ?? '';

/** `/skus/new` and `/skus/:id`: create or change a SKU (an operator only looks). */
export function SkuFormPage({ user, params }: { user: SessionUser; params: Record<string, string> }) {
  const { t, lang } = useI18n();
  const id = params.id ? Number(params.id) : null;
  const creating = id === null;
  const staff = user.role !== 'seller';
  const readOnly = user.role === 'operator';
  const owners = useOwners(staff);
  const [sku, setSku] = useState<Sku | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [draft, setDraft] = useState<SkuDraft>(() => emptyDraft(staff && /^\d+$/.test(query('ownerId')) ? query('ownerId') : ''));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [justCreated, setJustCreated] = useState(() => !creating && query('saved') === 'new');
  const [notice, setNotice] = useState<{ key: MessageKey; name?: string } | null>(() => (justCreated ? { key: 'skuForm.created' } : null));
  const [kitOpen, setKitOpen] = useState(false);
  const [focusTick, setFocusTick] = useState(0);
  const form = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (id === null) return;
    const ctrl = new AbortController();
    api<Sku>(`/api/v1/skus/${id}`, { signal: ctrl.signal })
      .then((s) => {
        setSku(s);
        setDraft(draftOf(s));
        setKitOpen(s.kit);
      })
      .catch((e: ApiError) => !ctrl.signal.aborted && setLoadError(e));
    return () => ctrl.abort();
  }, [id]);

  // After a refused save, the first box with a problem gets focus (on a phone it may be far up).
  useEffect(() => {
    if (!focusTick) return;
    const el = form.current?.querySelector<HTMLElement>('[aria-invalid="true"]');
    if (el) {
      el.focus({ preventScroll: true });
      el.scrollIntoView({ block: 'center' });
    }
  }, [focusTick]);

  const set = <K extends keyof SkuDraft>(k: K, v: SkuDraft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const errs = (...fields: string[]) => error?.details.filter((d) => fields.includes(d.field)) ?? [];

  /** The API's answer with each problem placed on the box it is about. */
  const placed = (e: ApiError): ApiError => {
    const details: ErrorDetail[] = placeDetails(e.details, draft).map((d) => {
      // "6901234567892 belongs to QC-5KG": said in the reader's language
      const m = d.code === 'duplicate_barcode' ? /^(\S+) belongs to (\S+)$/.exec(d.message) : null;
      return m ? { ...d, code: 'client', message: t('skuForm.barcodeTaken', { code: m[1], sku: m[2] }) } : d;
    });
    if (e.code === 'DUPLICATE') details.push({ field: 'skuCode', code: 'client', message: t('skuForm.codeTaken') });
    if (e.code === 'UNKNOWN_SKU' || e.code === 'NESTED_KIT') details.push({ field: 'components', code: 'client', message: errorText(lang, e) });
    return new ApiError(e.status, e.code, e.message, details);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (readOnly || busy) return;
    setNotice(null);
    setJustCreated(false);
    const problems = checkDraft(t, draft, { creating, needsOwner: staff });
    if (problems.length) {
      setError(new ApiError(400, 'VALIDATION_FAILED', t('form.invalid'), problems));
      setFocusTick((n) => n + 1);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = bodyOf(draft, { creating, sendOwner: staff });
      if (creating) {
        const created = await api<Sku>('/api/v1/skus', { method: 'POST', body });
        navigate(`/skus/${created.id}?saved=new`);
        return;
      }
      const saved = await api<Sku>(`/api/v1/skus/${id}`, { method: 'PATCH', body });
      setSku(saved);
      setDraft(draftOf(saved));
      setNotice({ key: 'skuForm.saved', name: saved.name });
    } catch (err) {
      setError(err instanceof ApiError ? placed(err) : new ApiError(0, 'NETWORK_ERROR', String(err)));
      setFocusTick((n) => n + 1);
    } finally {
      setBusy(false);
    }
  };

  if (loadError) {
    return (
      <section>
        <PageTitle>{t('skuForm.editTitle')}</PageTitle>
        <ErrorBox error={loadError} />
        <Link to="/skus">{t('skuForm.backToList')}</Link>
      </section>
    );
  }
  if (!creating && !sku) return <p aria-live="polite">{t('common.loading')}</p>;

  const owner = owners.find((o) => String(o.id) === draft.ownerId);
  const title = creating ? t('skuForm.newTitle') : readOnly ? (sku?.name ?? '') : t('skuForm.editNamed', { name: sku?.name ?? '' });
  return (
    <section className="sku-form-page">
      <p className="back">
        <Link to="/skus" data-testid="sku-back">
          {t('skuForm.backToList')}
        </Link>
      </p>
      <PageTitle>{title}</PageTitle>
      {notice && (
        <div data-testid="sku-saved">
          <Notice>
            {t(notice.key, { name: notice.name ?? '' })}{' '}
            {justCreated && (
              <Link to={staff ? `/skus/new?ownerId=${draft.ownerId}` : '/skus/new'} data-testid="sku-new-another">
                {t('skuForm.newAnother')}
              </Link>
            )}
          </Notice>
        </div>
      )}
      {readOnly && <p className="muted">{t('common.readOnly')}</p>}
      <form ref={form} className="sku-form" onSubmit={submit} noValidate aria-label={title} data-testid="sku-form">
        <fieldset className="bare" disabled={readOnly}>
          <section className="panel form-section">
            <h2>{t('skuForm.basics')}</h2>
            <div className="form-grid">
              {staff && creating && (
                <Field label={t('skus.owner')} errors={errs('ownerId')}>
                  {(p) => <OwnerSelect {...p} testId="sku-owner" owners={owners} value={draft.ownerId} emptyLabel={t('skuForm.chooseOwner')} onChange={(v) => set('ownerId', v)} />}
                </Field>
              )}
              {staff && !creating && (
                <Field label={t('skus.owner')}>{(p) => <input {...p} readOnly value={owner ? ownerLabel(owner) : `#${draft.ownerId}`} />}</Field>
              )}
              <Field label={t('skuForm.skuCode')} hint={creating ? t('skuForm.skuCodeHint') : t('skuForm.skuCodeFixed')} errors={errs('skuCode')}>
                {(p) => (
                  <input {...p} className="mono" readOnly={!creating} autoComplete="off" autoCapitalize="characters" maxLength={64} value={draft.skuCode} onChange={(e) => set('skuCode', e.target.value)} data-testid="sku-code" />
                )}
              </Field>
              <Field label={t('skuForm.name')} hint={t('skuForm.nameHint')} errors={errs('name')}>
                {(p) => <input {...p} maxLength={200} value={draft.name} onChange={(e) => set('name', e.target.value)} data-testid="sku-name" />}
              </Field>
              <Field label={t('skuForm.spec')} hint={t('skuForm.specHint')} optional errors={errs('spec')}>
                {(p) => <input {...p} maxLength={200} value={draft.spec} onChange={(e) => set('spec', e.target.value)} data-testid="sku-spec" />}
              </Field>
              <Field label={t('skuForm.unit')} hint={t('skuForm.unitHint')} optional errors={errs('unit')}>
                {(p) => <input {...p} maxLength={20} value={draft.unit} onChange={(e) => set('unit', e.target.value)} data-testid="sku-unit" />}
              </Field>
              <Field label={t('skuForm.origin')} hint={t('skuForm.originHint')} optional errors={errs('origin')}>
                {(p) => <input {...p} maxLength={200} value={draft.origin} onChange={(e) => set('origin', e.target.value)} data-testid="sku-origin" />}
              </Field>
            </div>
          </section>

          <section className="panel form-section">
            <h2>{t('skuForm.barcodes')}</h2>
            <p className="hint">{t('skuForm.barcodesHelp')}</p>
            <BarcodeList values={draft.barcodes} onChange={(v) => set('barcodes', v)} errs={errs} />
            <h3>{t('skuForm.cases')}</h3>
            <p className="hint">{t('skuForm.casesHelp')}</p>
            <CaseList values={draft.cases} onChange={(v) => set('cases', v)} errs={errs} />
          </section>

          <section className="panel form-section">
            <h2>{t('skuForm.size')}</h2>
            <div className="form-grid">
              <Field label={t('skuForm.weight')} hint={t('skuForm.weightHint')} errors={errs('weightG')}>
                {(p) => <UnitInput {...p} unit={t('skuForm.g')} value={draft.weightG} onChange={(e) => set('weightG', e.target.value)} data-testid="sku-weight" />}
              </Field>
              <Field label={t('skuForm.length')} optional errors={errs('lengthMm')}>
                {(p) => <UnitInput {...p} unit={t('skuForm.mm')} value={draft.lengthMm} onChange={(e) => set('lengthMm', e.target.value)} data-testid="sku-length" />}
              </Field>
              <Field label={t('skuForm.width')} optional errors={errs('widthMm')}>
                {(p) => <UnitInput {...p} unit={t('skuForm.mm')} value={draft.widthMm} onChange={(e) => set('widthMm', e.target.value)} data-testid="sku-width" />}
              </Field>
              <Field label={t('skuForm.height')} optional hint={t('skuForm.mmHint')} errors={errs('heightMm')}>
                {(p) => <UnitInput {...p} unit={t('skuForm.mm')} value={draft.heightMm} onChange={(e) => set('heightMm', e.target.value)} data-testid="sku-height" />}
              </Field>
            </div>
          </section>

          <section className="panel form-section">
            <h2>{t('skuForm.storage')}</h2>
            <TemperatureChoice value={draft.temperature} onChange={(v) => set('temperature', v)} errors={errs('temperature')} />
            <div className="form-grid">
              <Field label={t('skuForm.shelfLife')} hint={t('skuForm.shelfLifeHint')} optional errors={errs('shelfLifeDays')}>
                {(p) => <UnitInput {...p} unit={t('skuForm.days')} value={draft.shelfLifeDays} onChange={(e) => set('shelfLifeDays', e.target.value)} data-testid="sku-shelf-life" />}
              </Field>
            </div>
            <label className="check check-block">
              <input type="checkbox" checked={draft.lotTracked} onChange={(e) => set('lotTracked', e.target.checked)} data-testid="sku-lot" />
              <span>
                <strong>{t('skuForm.lotTracked')}</strong>
                <span className="hint">{t('skuForm.lotTrackedHint')}</span>
              </span>
            </label>
          </section>

          <details className="panel form-section" open={kitOpen} onToggle={(e) => setKitOpen(e.currentTarget.open)}>
            <summary data-testid="sku-kit-toggle">{t('skuForm.kit')}</summary>
            <KitEditor values={draft.components} onChange={(v) => set('components', v)} errs={errs} ownerId={draft.ownerId} open={kitOpen && !readOnly} />
          </details>

          {!creating && (
            <section className="panel form-section">
              <h2>{t('skus.status')}</h2>
              <label className="check check-block">
                <input type="checkbox" checked={draft.status === 'inactive'} onChange={(e) => set('status', e.target.checked ? 'inactive' : 'active')} data-testid="sku-inactive" />
                <span>
                  <strong>{t('skuForm.deactivate')}</strong>
                  <span className="hint">{t('skuForm.deactivateHint')}</span>
                </span>
              </label>
            </section>
          )}
        </fieldset>
        {!readOnly && (
          <>
            <div className="form-feedback">
              <ErrorBox error={error} testId="sku-error" />
              <OtherDetails error={error} shown={shownFields(draft)} />
            </div>
            <div className="sku-form-actions">
              <button type="submit" className="btn btn-primary btn-big" disabled={busy} data-testid="sku-submit">
                {busy ? t('common.saving') : creating ? t('skuForm.create') : t('common.save')}
              </button>
              <Link to="/skus" className="btn btn-big">
                {t('common.cancel')}
              </Link>
            </div>
          </>
        )}
      </form>
      {sku && (
        <section className="panel" aria-labelledby="sku-label-title">
          <h2 id="sku-label-title">{t('label.heading')}</h2>
          <LabelPrint sku={sku} />
        </section>
      )}
    </section>
  );
}
