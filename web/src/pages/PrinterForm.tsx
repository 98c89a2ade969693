import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api';
import { useI18n } from '../i18n';
import { PAPER_SIZES, PRINTER_LANGUAGES, type PaperSize, type Printer, type PrinterLanguage } from '../printing';
import { ErrorBox, Field, fieldErrors, OtherDetails } from '../components/ui';

/** Registers a label printer: a network printer by its address, or a PDF printer used from the browser. */
export function PrinterForm({ onSaved, onCancel }: { onSaved: (p: Printer) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [language, setLanguage] = useState<PrinterLanguage>('zpl');
  const [host, setHost] = useState('');
  const [port, setPort] = useState('9100');
  const [paperSize, setPaperSize] = useState<PaperSize>('100x150');
  const [dpi, setDpi] = useState<203 | 300>(203);
  const [station, setStation] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const pdf = language === 'pdf';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const h = host.trim();
      const saved = await api<Printer>('/api/v1/printers', {
        method: 'POST',
        body: {
          name: name.trim(),
          language,
          host: h || undefined,
          port: h && /^\d+$/.test(port.trim()) ? Number(port.trim()) : undefined,
          paperSize,
          dpi,
          station: station.trim() || undefined,
        },
      });
      onSaved(saved);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  };

  const shown = ['name', 'language', 'host', 'port', 'paperSize', 'dpi', 'station'];
  return (
    <form className="form-grid printer-form" onSubmit={submit} data-testid="printer-form" autoComplete="off">
      <Field label={t('printers.name')} hint={t('printers.nameHint')} errors={fieldErrors(error, 'name')}>
        {(p) => <input {...p} required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} data-testid="printer-name" />}
      </Field>
      <Field label={t('printers.language')} errors={fieldErrors(error, 'language')}>
        {(p) => (
          <select {...p} value={language} onChange={(e) => setLanguage(e.target.value as PrinterLanguage)} data-testid="printer-language">
            {PRINTER_LANGUAGES.map((l) => (
              <option key={l} value={l}>
                {t(`printers.lang.${l}`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('printers.host')} hint={pdf ? t('printers.hostHintPdf') : t('printers.hostHint')} optional={pdf} errors={fieldErrors(error, 'host')}>
        {(p) => <input {...p} required={!pdf} maxLength={200} inputMode="url" value={host} onChange={(e) => setHost(e.target.value)} placeholder="192.168.1.50" data-testid="printer-host" />}
      </Field>
      <Field label={t('printers.port')} hint={t('printers.portHint')} errors={fieldErrors(error, 'port')}>
        {(p) => <input {...p} inputMode="numeric" maxLength={5} value={port} onChange={(e) => setPort(e.target.value.replace(/\D/g, ''))} disabled={pdf && !host.trim()} data-testid="printer-port" />}
      </Field>
      <Field label={t('printers.paperSize')} errors={fieldErrors(error, 'paperSize')}>
        {(p) => (
          <select {...p} value={paperSize} onChange={(e) => setPaperSize(e.target.value as PaperSize)} data-testid="printer-paper">
            {PAPER_SIZES.map((s) => (
              <option key={s} value={s}>
                {s.replace('x', ' × ')}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('printers.dpi')} errors={fieldErrors(error, 'dpi')}>
        {(p) => (
          <select {...p} value={dpi} onChange={(e) => setDpi(Number(e.target.value) === 300 ? 300 : 203)} data-testid="printer-dpi">
            {[203, 300].map((n) => (
              <option key={n} value={n}>
                {t('printers.dpiValue', { n })}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t('printers.station')} hint={t('printers.stationHint')} optional errors={fieldErrors(error, 'station')}>
        {(p) => <input {...p} maxLength={64} value={station} onChange={(e) => setStation(e.target.value)} data-testid="printer-station" />}
      </Field>
      <div className="form-actions">
        <ErrorBox error={error} testId="printer-form-error" />
        <OtherDetails error={error} shown={shown} />
        <div className="button-row">
          <button type="submit" className="btn btn-primary btn-big" disabled={busy} data-testid="printer-save">
            {busy ? t('printers.adding') : t('printers.add')}
          </button>
          <button type="button" className="btn btn-big" onClick={onCancel}>
            {t('printers.cancel')}
          </button>
        </div>
      </div>
    </form>
  );
}
