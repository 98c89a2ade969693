import { useState, type FormEvent } from 'react';
import { api, ApiError, LOCATION_TYPES, TEMPERATURES, type Location, type LocationType, type Temperature } from '../api';
import { useI18n } from '../i18n';
import { ErrorBox, Field, fieldErrors, Notice, OtherDetails } from '../components/ui';

const FIELDS = ['code', 'zone', 'temperature', 'type', 'x', 'y', 'pickSeq'];

/** An empty box is left out; anything else is sent as a JSON number (the API says which is wrong). */
function numberOrUndefined(s: string): number | undefined {
  const v = s.trim().replace(',', '.');
  return v === '' ? undefined : Number(v);
}

export function LocationForm({ onCreated }: { onCreated: (l: Location) => void }) {
  const { t } = useI18n();
  const [code, setCode] = useState('');
  const [zone, setZone] = useState('');
  const [temperature, setTemperature] = useState<Temperature>('ambient');
  const [type, setType] = useState<LocationType>('pick');
  const [x, setX] = useState('');
  const [y, setY] = useState('');
  const [pickSeq, setPickSeq] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState('');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone('');
    const numbers = { x: numberOrUndefined(x), y: numberOrUndefined(y), pickSeq: numberOrUndefined(pickSeq) };
    const bad = Object.entries(numbers).filter(([, v]) => v !== undefined && !Number.isFinite(v));
    if (bad.length) {
      const details = bad.map(([field]) => ({ field, code: 'not_a_number', message: t('form.notNumber') }));
      setError(new ApiError(400, 'VALIDATION_FAILED', t('form.invalid'), details));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const loc = await api<Location>('/api/v1/locations', {
        method: 'POST',
        body: { code: code.trim(), zone: zone.trim(), temperature, type, ...numbers },
      });
      onCreated(loc);
      setDone(t('common.created', { name: loc.code }));
      setCode('');
      setX('');
      setY('');
      setPickSeq('');
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form-grid" onSubmit={submit} aria-label={t('locations.new')}>
      <Field label={t('locations.code')} hint={t('owners.codeHint')} errors={fieldErrors(error, 'code')}>
        {(p) => <input {...p} data-testid="location-code" required maxLength={64} value={code} onChange={(e) => setCode(e.target.value)} />}
      </Field>
      <Field label={t('locations.zone')} errors={fieldErrors(error, 'zone')}>
        {(p) => <input {...p} data-testid="location-zone" required maxLength={32} value={zone} onChange={(e) => setZone(e.target.value)} />}
      </Field>
      <Field label={t('locations.temperature')} errors={fieldErrors(error, 'temperature')}>
        {(p) => (
          <select {...p} value={temperature} onChange={(e) => setTemperature(e.target.value as Temperature)}>
            {TEMPERATURES.map((v) => (
              <option key={v} value={v}>
                {t(`temp.${v}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('locations.type')} errors={fieldErrors(error, 'type')}>
        {(p) => (
          <select {...p} value={type} onChange={(e) => setType(e.target.value as LocationType)}>
            {LOCATION_TYPES.map((v) => (
              <option key={v} value={v}>
                {t(`ltype.${v}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('locations.x')} optional errors={fieldErrors(error, 'x')}>
        {(p) => <input {...p} inputMode="decimal" value={x} onChange={(e) => setX(e.target.value)} />}
      </Field>
      <Field label={t('locations.y')} optional errors={fieldErrors(error, 'y')}>
        {(p) => <input {...p} inputMode="decimal" value={y} onChange={(e) => setY(e.target.value)} />}
      </Field>
      <Field label={t('locations.pickSeq')} optional errors={fieldErrors(error, 'pickSeq')}>
        {(p) => <input {...p} inputMode="numeric" value={pickSeq} onChange={(e) => setPickSeq(e.target.value)} />}
      </Field>
      <div className="form-actions">
        <ErrorBox error={error} />
        <OtherDetails error={error} shown={FIELDS} />
        <Notice>{done}</Notice>
        <button type="submit" className="btn btn-primary" data-testid="location-submit" disabled={busy}>
          {busy ? t('common.saving') : t('common.create')}
        </button>
      </div>
    </form>
  );
}
