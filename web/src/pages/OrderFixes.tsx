import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import type { Order } from '../orders';
import { ErrorBox, Field, fieldErrors, OtherDetails } from '../components/ui';

/** The changes a seller or supervisor makes to an order: receiver, hold and release, cancel. */

const RECEIVER_FIELDS = ['name', 'phone', 'province', 'city', 'district', 'address'] as const;
type ReceiverField = (typeof RECEIVER_FIELDS)[number];

export function ReceiverForm({ order, onSaved }: { order: Order; onSaved: (o: Order) => void }) {
  const { t } = useI18n();
  const initial = Object.fromEntries(RECEIVER_FIELDS.map((f) => [f, order.receiver[f] ?? ''])) as Record<ReceiverField, string>;
  const [values, setValues] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [unchanged, setUnchanged] = useState(false);

  const set = (f: ReceiverField, v: string) => {
    setValues((prev) => ({ ...prev, [f]: v }));
    setUnchanged(false);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // only what was changed is sent: the rest stays as the platform delivered it
    const patch: Partial<Record<ReceiverField, string | null>> = {};
    for (const f of RECEIVER_FIELDS) {
      const v = values[f].trim();
      if (v !== initial[f].trim()) patch[f] = v || (f === 'province' || f === 'city' || f === 'district' ? null : v);
    }
    if (!Object.keys(patch).length) {
      setUnchanged(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      onSaved(await api<Order>(`/api/v1/orders/${order.id}/receiver`, { method: 'PATCH', body: patch }));
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const input = (f: ReceiverField, label: string, extra: { type?: string; inputMode?: 'tel'; maxLength: number; hint?: string; wide?: boolean }) => (
    <div className={extra.wide ? 'receiver-wide' : undefined}>
      <Field label={label} hint={extra.hint} errors={fieldErrors(error, f)}>
        {(p) => <input {...p} type={extra.type ?? 'text'} inputMode={extra.inputMode} maxLength={extra.maxLength} value={values[f]} onChange={(e) => set(f, e.target.value)} data-testid={`receiver-${f}`} />}
      </Field>
    </div>
  );

  return (
    <form className="form-grid receiver-form" onSubmit={submit} data-testid="receiver-form">
      {input('name', t('receiver.name'), { maxLength: 64 })}
      {input('phone', t('receiver.phone'), { type: 'tel', inputMode: 'tel', maxLength: 40, hint: t('receiver.phoneHint') })}
      {input('province', t('receiver.province'), { maxLength: 32, hint: t('receiver.provinceHint') })}
      {input('city', t('receiver.city'), { maxLength: 32, hint: t('receiver.cityHint') })}
      {input('district', t('receiver.district'), { maxLength: 32, hint: t('receiver.districtHint') })}
      {input('address', t('receiver.address'), { maxLength: 300, hint: t('receiver.addressHint'), wide: true })}
      <div className="form-actions">
        <ErrorBox error={error} testId="receiver-error" />
        <OtherDetails error={error} shown={[...RECEIVER_FIELDS]} />
        {unchanged && <p className="hint">{t('receiver.unchanged')}</p>}
        <button type="submit" className="btn btn-primary btn-big" disabled={busy} data-testid="receiver-submit">
          {busy ? t('common.saving') : t('receiver.save')}
        </button>
      </div>
    </form>
  );
}

/** Cancel, after a confirmation that says what a cancellation does at this stage. */
export function CancelBox({ order, onDone }: { order: Order; onDone: (o: Order) => void }) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const packed = order.status === 'packed';

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      onDone(await api<Order>(`/api/v1/orders/${order.id}/cancel`, { method: 'POST', body: { reason: reason.trim() || undefined } }));
      setOpen(false);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  if (!open) {
    return (
      <div className="order-action">
        <button type="button" className="btn btn-danger" onClick={() => setOpen(true)} data-testid="order-cancel">
          {packed ? t('order.intercept') : t('order.cancel')}
        </button>
        <p className="hint">{t('order.cancelAfterPacking')}</p>
      </div>
    );
  }
  return (
    <div className="confirm-box" role="alertdialog" aria-labelledby="cancel-title" aria-describedby="cancel-text" data-testid="cancel-confirm">
      <h3 id="cancel-title">{packed ? t('order.interceptTitle') : t('order.cancelTitle', { no: order.externalId })}</h3>
      <p id="cancel-text">{packed ? t('order.interceptText') : t('order.cancelText')}</p>
      <div className="field">
        <label htmlFor="cancel-reason">
          {t('order.reason')}
          <span className="optional">{t('common.optional')}</span>
        </label>
        <input id="cancel-reason" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="cancel-reason" />
      </div>
      <ErrorBox error={error} testId="cancel-error" />
      <div className="button-row">
        <button type="button" className="btn btn-danger btn-big" onClick={confirm} disabled={busy} data-testid="cancel-yes">
          {packed ? t('order.interceptYes') : t('order.cancelYes')}
        </button>
        <button type="button" className="btn btn-big" onClick={() => setOpen(false)} disabled={busy} data-testid="cancel-no">
          {t('order.keep')}
        </button>
      </div>
    </div>
  );
}

/** A supervisor holds an order by hand (with a reason), or lifts that hold. */
export function HoldBox({ order, onDone }: { order: Order; onDone: (o: Order) => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const heldByHand = order.holdReason === 'manual' || /held by hand/.test(order.holdDetail ?? '');

  const send = async (what: 'hold' | 'release') => {
    setBusy(true);
    setError(null);
    try {
      onDone(await api<Order>(`/api/v1/orders/${order.id}/${what}`, { method: 'POST', body: what === 'hold' ? { reason: reason.trim() || undefined } : undefined }));
      setReason('');
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="order-action">
      {heldByHand ? (
        <>
          <button type="button" className="btn btn-primary" onClick={() => send('release')} disabled={busy} data-testid="order-release">
            {t('order.release')}
          </button>
          <p className="hint">{t('order.releaseHint')}</p>
        </>
      ) : (
        <form
          className="hold-form"
          onSubmit={(e) => {
            e.preventDefault();
            void send('hold');
          }}
        >
          <div className="field">
            <label htmlFor="hold-reason">
              {t('order.reason')}
              <span className="optional">{t('common.optional')}</span>
            </label>
            <input id="hold-reason" maxLength={200} value={reason} onChange={(e) => setReason(e.target.value)} data-testid="hold-reason-input" />
          </div>
          <button type="submit" className="btn" disabled={busy} data-testid="order-hold">
            {t('order.hold')}
          </button>
        </form>
      )}
      <ErrorBox error={error} />
    </div>
  );
}
