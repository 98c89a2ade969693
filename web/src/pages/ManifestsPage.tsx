import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, saveFile } from '../api';
import { useI18n, type TFunction } from '../i18n';
import { usePaged } from '../usePaged';
import type { SessionUser } from '../session';
import { Badge, ErrorBox, Field, FilterSelect, Link, ListFooter, Notice, PageTitle, TableWrap } from '../components/ui';
import { getManifest, handOver, kg, manifestErrorText, manifestFile, MANIFEST_STATUSES, resolveDispute, retryCarrierHandover, takeOff, type Manifest, type ManifestStatus } from '../terminal/dockApi';

/**
 * Manifests in the office: the hub's staff see every carrier's, a carrier's users their own (the
 * server filters). A closed manifest is confirmed by the carrier (who received it, the count,
 * the parcels not there); a disputed one is highlighted until a supervisor resolves it.
 */

const TONE: Record<ManifestStatus, 'ok' | 'warn' | 'bad' | 'info'> = { open: 'info', closed: 'warn', handed_over: 'ok', disputed: 'bad' };
const asError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, 'NETWORK_ERROR', String(e)));
/** The manifest refusals in the UI language (the general error text knows none of them). */
const inWords = (t: TFunction, e: ApiError | null): ApiError | null => {
  const text = e && manifestErrorText(t, e.code);
  return e && text ? new ApiError(e.status, e.code, text, e.details) : e;
};

function StatusBadge({ status }: { status: ManifestStatus }) {
  const { t } = useI18n();
  return <Badge tone={TONE[status] ?? 'plain'}>{t(`mf.status.${status}`)}</Badge>;
}

export function ManifestsPage({ user }: { user: SessionUser }) {
  const { t, date } = useI18n();
  const [status, setStatus] = useState<ManifestStatus | ''>('');
  const list = usePaged<Manifest>('/api/v1/manifests', { status: status || undefined });
  return (
    <section className="manifests" data-testid="manifests">
      <PageTitle>{t('mf.title')}</PageTitle>
      <p className="lead">{t(user.role === 'carrier' ? 'mf.leadCarrier' : 'mf.lead')}</p>
      <div className="filters">
        <FilterSelect id="mf-status" testId="mf-status" label={t('mf.status')} value={status} options={MANIFEST_STATUSES} optionLabel={(s) => t(`mf.status.${s}`)} onChange={setStatus} />
      </div>
      <ErrorBox error={list.error} />
      <TableWrap label={t('mf.title')} testId="mf-table">
        <thead>
          <tr>
            <th scope="col">{t('mf.no')}</th>
            <th scope="col">{t('mf.carrier')}</th>
            <th scope="col">{t('mf.status')}</th>
            <th scope="col" className="num">
              {t('mf.parcels')}
            </th>
            <th scope="col" className="num">
              {t('mf.weight')}
            </th>
            <th scope="col">{t('mf.closedAt')}</th>
            <th scope="col">{t('mf.handedOverAt')}</th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((m) => (
            <tr key={m.id} className={m.status === 'disputed' ? 'mf-row-disputed' : undefined} data-testid={`mf-row-${m.manifestNo}`} data-status={m.status}>
              <td className="mono">
                <Link to={`/manifests/${m.id}`} data-testid={`mf-open-${m.manifestNo}`}>
                  {m.manifestNo}
                </Link>
              </td>
              <td>{m.carrierName ?? m.carrierCode}</td>
              <td>
                <StatusBadge status={m.status} />
              </td>
              {/* an open manifest's list row has no running count (the detail has it) */}
              <td className="num">{m.status === 'open' ? '—' : m.parcelCount}</td>
              <td className="num">{m.status === 'open' ? '—' : kg(m.totalWeightG)}</td>
              <td className="nowrap">{date(m.closedAt)}</td>
              <td className="nowrap">{date(m.handedOverAt)}</td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
      <ListFooter loading={list.loading} empty={!list.items.length} hasMore={list.hasMore} onMore={list.loadMore} />
    </section>
  );
}

export function ManifestDetailPage({ user, params }: { user: SessionUser; params: Record<string, string> }) {
  const { t, date } = useI18n();
  const id = Number(params.id);
  const [m, setM] = useState<Manifest | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    getManifest(id)
      .then(setM)
      .catch((e) => setError(asError(e)));
  }, [id]);

  const act = async (run: () => Promise<Manifest>, done: (next: Manifest) => string) => {
    setBusy(true);
    setActionError(null);
    setNotice('');
    try {
      const next = await run();
      setM(next);
      setNotice(done(next));
    } catch (e) {
      setActionError(asError(e));
    } finally {
      setBusy(false);
    }
  };

  const download = async (format: 'pdf' | 'csv') => {
    if (!m) return;
    setActionError(null);
    try {
      const { blob, filename } = await manifestFile(m, format);
      saveFile(blob, filename);
    } catch (e) {
      setActionError(asError(e));
    }
  };

  if (!m) {
    return (
      <section>
        <PageTitle>{t('mf.title')}</PageTitle>
        <ErrorBox error={inWords(t, error)} />
        {!error && <p aria-live="polite">{t('common.loading')}</p>}
        <p>
          <Link to="/manifests">{t('mf.back')}</Link>
        </p>
      </section>
    );
  }

  const staff = user.role !== 'carrier';
  const parcels = m.parcels ?? [];
  const canHandOver = m.status === 'closed' && ['carrier', 'admin', 'supervisor'].includes(user.role);
  const canResolve = m.status === 'disputed' && ['admin', 'supervisor'].includes(user.role);
  const canTakeOff = m.status === 'open' && ['admin', 'supervisor', 'operator'].includes(user.role);
  const receivedText = (r: boolean | null) => (r === null ? t('mf.receivedOpen') : r ? t('mf.receivedYes') : t('mf.receivedNo'));

  return (
    <section className={'manifest-detail' + (m.status === 'disputed' ? ' is-disputed' : '')} data-testid="mf-detail" data-status={m.status}>
      <p>
        <Link to="/manifests">{t('mf.back')}</Link>
      </p>
      <PageTitle>
        {m.manifestNo} · {m.carrierName ?? m.carrierCode}
      </PageTitle>
      <p>
        <span data-testid="mf-status">
          <StatusBadge status={m.status} />
        </span>{' '}
        <span data-testid="mf-count">{t('dock.count', { n: m.parcelCount, kg: kg(m.totalWeightG) })}</span>
      </p>
      {m.status === 'disputed' && (
        <p className="alert alert-error" role="alert" data-testid="mf-disputed">
          {t('mf.disputedNote', { n: m.missingWaybillNos.length })} {m.missingWaybillNos.join(', ')}
        </p>
      )}
      {m.status === 'open' && <p className="muted">{t('mf.openNote')}</p>}
      <Notice>{notice}</Notice>
      <ErrorBox error={inWords(t, actionError)} testId="mf-error" />

      <dl className="facts">
        <dt>{t('mf.warehouse')}</dt>
        <dd>{m.warehouseName ?? '—'}</dd>
        <dt>{t('mf.createdBy')}</dt>
        <dd>
          {m.createdBy} · {date(m.createdAt)}
        </dd>
        <dt>{t('mf.closedBy')}</dt>
        <dd>{m.closedBy ? `${m.closedBy} · ${date(m.closedAt)}` : '—'}</dd>
        <dt>{t('mf.receivedBy')}</dt>
        <dd data-testid="mf-received-by">{m.receivedBy ? `${m.receivedBy} · ${date(m.handedOverAt)}` : '—'}</dd>
        <dt>{t('mf.counted')}</dt>
        <dd>{m.countedCount ?? '—'}</dd>
        {m.handoverNote && (
          <>
            <dt>{t('mf.note')}</dt>
            <dd>{m.handoverNote}</dd>
          </>
        )}
        {m.carrierHandover?.status && m.carrierHandover.status !== 'not_needed' && (
          <>
            <dt>{t('mf.carrierSync')}</dt>
            <dd data-testid="mf-carrier-sync" data-status={m.carrierHandover.status}>
              {t(`mf.carrierSync.${m.carrierHandover.status}`)}
              {m.carrierHandover.error && <span className={m.carrierHandover.status === 'pending' ? 'muted' : 'mf-sync-error'}> · {m.carrierHandover.error}</span>}
              {staff && ['admin', 'supervisor'].includes(user.role) && (m.carrierHandover.status === 'failed' || m.carrierHandover.status === 'partial') && (
                <>
                  {' '}
                  <button type="button" className="btn btn-small" disabled={busy} onClick={() => act(() => retryCarrierHandover(m.id), () => t('mf.carrierSync.retried'))} data-testid="mf-carrier-retry">
                    {t('mf.carrierSync.retry')}
                  </button>
                </>
              )}
            </dd>
          </>
        )}
        {m.resolution && (
          <>
            <dt>{t('mf.resolution')}</dt>
            <dd>
              {m.resolution} ({m.resolvedBy} · {date(m.resolvedAt)})
            </dd>
          </>
        )}
      </dl>
      <div className="mf-files">
        <button type="button" className="btn" onClick={() => void download('pdf')} data-testid="mf-pdf">
          {t('mf.pdf')}
        </button>
        <button type="button" className="btn" onClick={() => void download('csv')} data-testid="mf-csv">
          {t('mf.csv')}
        </button>
      </div>

      {canHandOver && <HandOverForm m={m} user={user} busy={busy} onSubmit={(body) => act(() => handOver(m.id, body), (next) => (next.status === 'disputed' ? t('mf.ho.doneDisputed', { n: next.missingWaybillNos.length }) : t('mf.ho.done', { n: body.countedCount })))} />}
      {canResolve && <ResolveForm m={m} busy={busy} onSubmit={(body) => act(() => resolveDispute(m.id, body), () => t('mf.rs.done'))} />}

      <TableWrap label={t('mf.parcels')} testId="mf-parcels">
        <thead>
          <tr>
            <th scope="col">{t('mf.waybill')}</th>
            <th scope="col">{t('mf.order')}</th>
            <th scope="col" className="num">
              {t('mf.weightG')}
            </th>
            <th scope="col">{t('mf.scanned')}</th>
            <th scope="col">{t('mf.received')}</th>
            {canTakeOff && (
              <th scope="col">
                <span className="sr-only">{t('mf.takeOff')}</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {parcels.map((p) => (
            <tr key={p.parcelId} className={p.received === false ? 'mf-row-missing' : undefined} data-testid={`mf-parcel-${p.waybillNo}`} data-received={String(p.received)}>
              <td className="mono">{p.waybillNo}</td>
              <td className="mono">{staff ? <Link to={`/orders/${p.orderId}`}>{p.orderExternalId ?? p.orderId}</Link> : p.orderExternalId}</td>
              <td className="num">{p.weightG}</td>
              <td className="nowrap">
                {p.scannedBy} · {date(p.scannedAt)}
              </td>
              <td>{p.received === false ? <Badge tone="bad">{receivedText(p.received)}</Badge> : receivedText(p.received)}</td>
              {canTakeOff && (
                <td>
                  <button
                    type="button"
                    className="btn"
                    disabled={busy}
                    onClick={() => void act(() => takeOff(m.id, p.parcelId), () => t('mf.tookOff', { waybill: p.waybillNo }))}
                    data-testid={`mf-takeoff-${p.waybillNo}`}
                  >
                    {t('mf.takeOff')}
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </TableWrap>
    </section>
  );
}

function HandOverForm({ m, user, busy, onSubmit }: { m: Manifest; user: SessionUser; busy: boolean; onSubmit: (body: { receivedBy: string; countedCount: number; missingWaybillNos: string[]; note: string | null }) => void }) {
  const { t } = useI18n();
  const parcels = m.parcels ?? [];
  const [receivedBy, setReceivedBy] = useState(user.displayName ?? '');
  const [counted, setCounted] = useState('');
  const [missing, setMissing] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const listed = parcels.length;
  const countedN = /^\d{1,6}$/.test(counted.trim()) ? Number(counted.trim()) : null;
  const adds = countedN !== null && countedN + missing.length === listed;
  const toggle = (w: string) => setMissing((prev) => (prev.includes(w) ? prev.filter((x) => x !== w) : [...prev, w]));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!adds || countedN === null || !receivedBy.trim()) return;
    onSubmit({ receivedBy: receivedBy.trim(), countedCount: countedN, missingWaybillNos: missing, note: note.trim() || null });
  };
  return (
    <form className="panel mf-form" onSubmit={submit} aria-labelledby="mf-ho-title" data-testid="mf-handover">
      <h2 id="mf-ho-title">{t('mf.ho.title')}</h2>
      <p className="muted">{t('mf.ho.lead')}</p>
      <Field label={t('mf.ho.receivedBy')}>{(p) => <input {...p} value={receivedBy} onChange={(e) => setReceivedBy(e.target.value)} maxLength={100} required data-testid="mf-ho-received-by" />}</Field>
      <Field label={t('mf.ho.counted')}>
        {(p) => <input {...p} value={counted} onChange={(e) => setCounted(e.target.value)} inputMode="numeric" pattern="[0-9]*" required className="mf-count-input" data-testid="mf-ho-counted" />}
      </Field>
      <fieldset className="mf-missing">
        <legend>{t('mf.ho.missing')}</legend>
        {parcels.map((p) => (
          <label key={p.parcelId} className="mf-check">
            <input type="checkbox" checked={missing.includes(p.waybillNo)} onChange={() => toggle(p.waybillNo)} data-testid={`mf-ho-missing-${p.waybillNo}`} />
            <span className="mono">{p.waybillNo}</span>
            {p.orderExternalId && <span className="muted small">{p.orderExternalId}</span>}
          </label>
        ))}
      </fieldset>
      <Field label={t('mf.ho.note')} optional>
        {(p) => <textarea {...p} value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} rows={2} data-testid="mf-ho-note" />}
      </Field>
      {countedN !== null && (
        <p className={adds ? 'muted' : 'alert alert-error'} data-testid={adds ? 'mf-ho-check' : 'mf-ho-mismatch'}>
          {adds ? t('mf.ho.check', { listed, counted: countedN, missing: missing.length }) : t('mf.ho.mismatch', { listed, counted: countedN, missing: missing.length, sum: countedN + missing.length })}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !adds || !receivedBy.trim()} data-testid="mf-ho-submit">
          {busy ? t('mf.sending') : t('mf.ho.submit', { n: countedN ?? 0 })}
        </button>
      </div>
    </form>
  );
}

function ResolveForm({ m, busy, onSubmit }: { m: Manifest; busy: boolean; onSubmit: (body: { resolution: string; foundWaybillNos: string[] }) => void }) {
  const { t } = useI18n();
  const [found, setFound] = useState<string[]>([]);
  const [text, setText] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    onSubmit({ resolution: text.trim(), foundWaybillNos: found });
  };
  return (
    <form className="panel mf-form mf-resolve" onSubmit={submit} aria-labelledby="mf-rs-title" data-testid="mf-resolve">
      <h2 id="mf-rs-title">{t('mf.rs.title')}</h2>
      <fieldset className="mf-missing">
        <legend>{t('mf.rs.found')}</legend>
        {m.missingWaybillNos.map((w) => (
          <label key={w} className="mf-check">
            <input type="checkbox" checked={found.includes(w)} onChange={() => setFound((prev) => (prev.includes(w) ? prev.filter((x) => x !== w) : [...prev, w]))} data-testid={`mf-rs-found-${w}`} />
            <span className="mono">{w}</span>
          </label>
        ))}
      </fieldset>
      <Field label={t('mf.rs.text')}>{(p) => <textarea {...p} value={text} onChange={(e) => setText(e.target.value)} maxLength={2000} rows={2} required data-testid="mf-rs-text" />}</Field>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !text.trim()} data-testid="mf-rs-submit">
          {busy ? t('mf.sending') : t('mf.rs.submit')}
        </button>
      </div>
    </form>
  );
}
