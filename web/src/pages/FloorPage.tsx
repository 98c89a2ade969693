import { useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../api';
import { useI18n, type MessageKey, type TFunction } from '../i18n';
import { useRefresh } from '../components/StoreHealth';
import { Badge, ErrorBox, Link, Notice, PageTitle, TableWrap } from '../components/ui';

/** The floor is looked at again this often while the page is open and visible. */
const REFRESH_MS = 10_000;

interface Floor {
  at: string;
  day: string;
  hubTime: string;
  ordersByStatus: Array<{ status: string; count: number }>;
  carriers: Array<{ carrierCode: string | null; carrierName: string | null; cutoffAt: string | null; minutesToCutoff: number | null; toPack: number; toShip: number; waiting: number; packedToday: number; atRisk: boolean; late: boolean }>;
  waves: Array<{ id: number; status: string; temperature: string; carrierCode: string | null; orders: number; units: number; pickedUnits: number; sortUnits: number; sortedUnits: number; batches: number; pickers: string[]; createdAt: string | null }>;
  backorders: { total: number; items: Array<{ orderId: number; externalId: string; ownerName: string; status: string; holdReason: string | null; reason: string | null; since: string | null }> };
  people: Array<{ username: string; activity: 'pick' | 'pack'; units: number; tasks: number; firstAt: string | null; lastAt: string | null; unitsPerHour: number }>;
  failedPrints: { total: number; items: Array<{ id: number; kind: string; printerName: string; parcelId: number | null; waybillNo: string | null; problem: string | null; error: string | null; attempts: number; updatedAt: string | null }> };
  failedJobs: { total: number; items: Array<{ id: number; type: string; attempts: number; maxAttempts: number; lastError: string | null; createdAt: string | null; failedAt: string | null }> };
}

const asError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, 'NETWORK_ERROR', String(e)));
const key = (k: string) => k as MessageKey;
/** print problems the printing dictionary words (anything else is shown by its code) */
const PRINT_PROBLEMS = new Set(['paper_out', 'head_open', 'paused', 'offline', 'no_answer', 'dropped', 'uncertain', 'document', 'inactive', 'error']);
const problemText = (t: TFunction, code: string) => (PRINT_PROBLEMS.has(code) ? t(key(`pproblem.${code}`)) : t('pproblem.unknown', { code }));
const clock = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '');

function countdown(t: TFunction, minutes: number | null): string {
  if (minutes === null) return t('floor.noCutoff');
  if (minutes < 0) return t('floor.passed', { m: -minutes });
  return minutes >= 60 ? t('floor.inMinutes', { h: Math.floor(minutes / 60), m: minutes % 60 }) : t('floor.inMinutesShort', { m: minutes });
}

function Bar({ label, done, of, testId }: { label: string; done: number; of: number; testId: string }) {
  const pct = of > 0 ? Math.min(100, Math.round((done / of) * 100)) : 0;
  return (
    <div className="floor-bar-row">
      <span className="floor-bar-label">{label}</span>
      <span className="floor-bar" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={of} aria-valuenow={done} data-testid={testId}>
        <span className="floor-bar-fill" style={{ width: `${pct}%` }} />
      </span>
      <span className="floor-bar-value num">
        {done}/{of}
      </span>
    </div>
  );
}

export function FloorPage() {
  const { t, date } = useI18n();
  const [floor, setFloor] = useState<Floor | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  // kept as a message key, so it follows a change of language
  const [notice, setNotice] = useState<{ key: MessageKey; id: number } | null>(null);
  const [actionError, setActionError] = useState<ApiError | null>(null);
  const inFlight = useRef(false);

  const load = async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    try {
      setFloor(await api<Floor>('/api/v1/floor'));
      setError(null);
    } catch (e) {
      setError(asError(e));
    } finally {
      inFlight.current = false;
    }
  };
  useEffect(() => {
    void load();
  }, []);
  useRefresh(() => void load(), REFRESH_MS);

  const retry = async (what: 'print' | 'job', id: number) => {
    setBusy(`${what}-${id}`);
    setActionError(null);
    setNotice(null);
    try {
      await api(what === 'print' ? `/api/v1/print-jobs/${id}/retry` : `/api/v1/jobs/${id}/retry`, { method: 'POST' });
      setNotice({ key: what === 'print' ? 'floor.printRetried' : 'floor.jobRetried', id });
      await load();
    } catch (e) {
      setActionError(asError(e));
    } finally {
      setBusy(null);
    }
  };

  if (!floor) {
    return (
      <section className="floor">
        <PageTitle>{t('floor.title')}</PageTitle>
        <ErrorBox error={error} />
        {!error && <p aria-live="polite">{t('floor.loading')}</p>}
      </section>
    );
  }

  return (
    <section className="floor" data-testid="floor">
      <PageTitle>{t('floor.title')}</PageTitle>
      <p className="lead">
        {t('floor.lead', { time: floor.hubTime, day: floor.day })}{' '}
        <span className="muted small" data-testid="floor-updated">
          {t('floor.updated', { time: clock(floor.at) })}
        </span>
      </p>
      {error && (
        <p className="alert alert-error" role="alert" data-testid="floor-stale">
          {t('floor.stale', { time: clock(floor.at) })}
        </p>
      )}
      <Notice>{notice ? t(notice.key, { id: notice.id }) : ''}</Notice>
      <ErrorBox error={actionError} />

      <h2 className="floor-h">{t('floor.orders')}</h2>
      <ul className="floor-tiles" data-testid="floor-statuses">
        {floor.ordersByStatus.map((s) => (
          <li key={s.status} className={`floor-tile${s.count && (s.status === 'held' || s.status === 'backorder') ? ' floor-tile-warn' : ''}`}>
            <Link to={`/orders?status=${s.status}`} data-testid={`floor-status-${s.status}`} aria-label={t('floor.ordersOf', { status: t(key(`ostatus.${s.status}`)) })}>
              <span className="floor-tile-count">{s.count}</span>
              <span className="floor-tile-label">{t(key(`ostatus.${s.status}`))}</span>
            </Link>
          </li>
        ))}
      </ul>

      <h2 className="floor-h">{t('floor.carriers')}</h2>
      <ul className="floor-carriers" data-testid="floor-carriers">
        {floor.carriers.map((c) => (
          <li key={c.carrierCode ?? '-'} className={`panel floor-carrier${c.atRisk ? ' floor-carrier-risk' : ''}`} data-testid={`floor-carrier-${c.carrierCode ?? 'none'}`} data-risk={c.atRisk ? 'yes' : 'no'}>
            <div className="floor-carrier-head">
              <h3>{c.carrierCode === null ? t('floor.noCarrier') : (c.carrierName ?? c.carrierCode)}</h3>
              {c.atRisk && <Badge tone="bad">{t(c.late ? 'floor.late' : 'floor.atRisk')}</Badge>}
            </div>
            <p className="muted small">{c.carrierCode === null ? t('floor.noCarrierHint') : c.carrierCode}</p>
            <p className="floor-cutoff" data-testid="floor-cutoff">
              {c.cutoffAt ? (
                <>
                  {t('floor.cutoff')} <strong>{c.cutoffAt}</strong> · {countdown(t, c.minutesToCutoff)}
                </>
              ) : (
                <span className="muted">{t('floor.noCutoff')}</span>
              )}
            </p>
            <dl className="floor-figures">
              <div>
                <dt>{t('floor.toPack')}</dt>
                <dd data-testid="floor-toPack">{c.toPack}</dd>
              </div>
              <div>
                <dt>{t('floor.toShip')}</dt>
                <dd data-testid="floor-toShip">{c.toShip}</dd>
              </div>
              <div>
                <dt>{t('floor.packedToday')}</dt>
                <dd data-testid="floor-packedToday">{c.packedToday}</dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>

      <h2 className="floor-h">{t('floor.waves')}</h2>
      {!floor.waves.length && <p className="muted">{t('floor.noWaves')}</p>}
      <ul className="floor-waves" data-testid="floor-waves">
        {floor.waves.map((w) => (
          <li key={w.id} className="panel floor-wave" data-testid={`floor-wave-${w.id}`}>
            <div className="floor-carrier-head">
              <h3>{t('floor.wave', { id: w.id })}</h3>
              <Badge tone={w.status === 'picked' ? 'ok' : 'info'}>{t(key(`wstatus.${w.status}`))}</Badge>
            </div>
            <p className="muted small">
              {t(key(`temp.${w.temperature}`))}
              {w.carrierCode ? ` · ${w.carrierCode}` : ''} · {t('floor.waveFacts', { orders: w.orders, units: w.units, batches: w.batches })}
            </p>
            <Bar label={t('floor.picked')} done={w.pickedUnits} of={w.units} testId="floor-wave-picked" />
            {w.sortUnits > 0 && <Bar label={t('floor.sorted')} done={w.sortedUnits} of={w.sortUnits} testId="floor-wave-sorted" />}
            <p className="small">
              {t('floor.pickers')}: {w.pickers.length ? w.pickers.join(', ') : <span className="muted">{t('floor.nobody')}</span>}
            </p>
          </li>
        ))}
      </ul>

      <h2 className="floor-h">
        {t('floor.backorders')} <span className="muted">({floor.backorders.total})</span>
      </h2>
      {!floor.backorders.items.length ? (
        <p className="muted">{t('floor.noBackorders')}</p>
      ) : (
        <TableWrap label={t('floor.backorders')} testId="floor-backorders">
          <thead>
            <tr>
              <th scope="col">{t('floor.order')}</th>
              <th scope="col">{t('floor.owner')}</th>
              <th scope="col">{t('floor.status')}</th>
              <th scope="col">{t('floor.reason')}</th>
              <th scope="col">{t('floor.since')}</th>
            </tr>
          </thead>
          <tbody>
            {floor.backorders.items.map((o) => (
              <tr key={o.orderId}>
                <td className="mono">
                  <Link to={`/orders/${o.orderId}`}>{o.externalId}</Link>
                </td>
                <td>{o.ownerName}</td>
                <td>
                  <Badge tone={o.status === 'held' ? 'warn' : 'bad'}>{t(key(`ostatus.${o.status}`))}</Badge>
                </td>
                <td className="error-cell">{o.reason ?? (o.holdReason ? t(key(`hold.${o.holdReason}`)) : '')}</td>
                <td className="nowrap">{date(o.since)}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {floor.backorders.total > floor.backorders.items.length && <p className="muted small">{t('floor.backordersMore', { shown: floor.backorders.items.length, total: floor.backorders.total })}</p>}

      <h2 className="floor-h">{t('floor.people')}</h2>
      {!floor.people.length ? (
        <p className="muted">{t('floor.noPeople')}</p>
      ) : (
        <TableWrap label={t('floor.people')} testId="floor-people">
          <thead>
            <tr>
              <th scope="col">{t('floor.person')}</th>
              <th scope="col">{t('floor.activity')}</th>
              <th scope="col" className="num">
                {t('floor.units')}
              </th>
              <th scope="col" className="num">
                {t('floor.tasks')}
              </th>
              <th scope="col">{t('floor.firstLast')}</th>
              <th scope="col" className="num" title={t('floor.perHourHint')}>
                {t('floor.perHour')}
              </th>
            </tr>
          </thead>
          <tbody>
            {floor.people.map((p) => (
              <tr key={`${p.activity}-${p.username}`} data-testid={`floor-person-${p.activity}-${p.username}`}>
                <td>{p.username}</td>
                <td>{t(key(`floor.activity.${p.activity}`))}</td>
                <td className="num" data-testid="floor-person-units">
                  {p.units}
                </td>
                <td className="num">{p.tasks}</td>
                <td className="nowrap">
                  {clock(p.firstAt)} – {clock(p.lastAt)}
                </td>
                <td className="num" data-testid="floor-person-rate">
                  {p.unitsPerHour}
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}

      <h2 className="floor-h">
        {t('floor.failedPrints')} <span className="muted">({floor.failedPrints.total})</span>
      </h2>
      {!floor.failedPrints.items.length ? (
        <p className="muted" data-testid="floor-no-failed-prints">
          {t('floor.noFailedPrints')}
        </p>
      ) : (
        <TableWrap label={t('floor.failedPrints')} testId="floor-failed-prints">
          <thead>
            <tr>
              <th scope="col">{t('floor.printer')}</th>
              <th scope="col">{t('floor.waybill')}</th>
              <th scope="col">{t('floor.problem')}</th>
              <th scope="col">{t('floor.failedAt')}</th>
              <th scope="col">
                <span className="sr-only">{t('floor.retry')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {floor.failedPrints.items.map((j) => (
              <tr key={j.id}>
                <td>{j.printerName}</td>
                <td className="mono">{j.waybillNo ?? `#${j.id}`}</td>
                <td className="error-cell">
                  {j.problem ? problemText(t, j.problem) : ''}
                  {j.error ? <span className="muted small floor-detail">{j.error}</span> : null}
                </td>
                <td className="nowrap">{date(j.updatedAt)}</td>
                <td>
                  <button type="button" className="btn" onClick={() => void retry('print', j.id)} disabled={busy === `print-${j.id}`} data-testid={`floor-print-retry-${j.id}`}>
                    {busy === `print-${j.id}` ? t('floor.retrying') : t('floor.retry')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {floor.failedPrints.total > floor.failedPrints.items.length && <p className="muted small">{t('floor.andMore', { shown: floor.failedPrints.items.length, total: floor.failedPrints.total })}</p>}

      <h2 className="floor-h">
        {t('floor.failedJobs')} <span className="muted">({floor.failedJobs.total})</span>
      </h2>
      {!floor.failedJobs.items.length ? (
        <p className="muted" data-testid="floor-no-failed-jobs">
          {t('floor.noFailedJobs')}
        </p>
      ) : (
        <TableWrap label={t('floor.failedJobs')} testId="floor-failed-jobs">
          <thead>
            <tr>
              <th scope="col">{t('floor.jobType')}</th>
              <th scope="col">{t('floor.error')}</th>
              <th scope="col">{t('floor.failedAt')}</th>
              <th scope="col">
                <span className="sr-only">{t('floor.retry')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {floor.failedJobs.items.map((j) => (
              <tr key={j.id}>
                <td className="mono">
                  {j.type} <span className="muted">#{j.id}</span>
                </td>
                <td className="error-cell">{j.lastError ?? ''}</td>
                <td className="nowrap">{date(j.failedAt)}</td>
                <td>
                  <button type="button" className="btn" onClick={() => void retry('job', j.id)} disabled={busy === `job-${j.id}`} data-testid={`floor-job-retry-${j.id}`}>
                    {busy === `job-${j.id}` ? t('floor.retrying') : t('floor.retry')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      {floor.failedJobs.total > floor.failedJobs.items.length && <p className="muted small">{t('floor.andMore', { shown: floor.failedJobs.items.length, total: floor.failedJobs.total })}</p>}
    </section>
  );
}
