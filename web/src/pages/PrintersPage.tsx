import { useEffect, useRef, useState } from 'react';
import { api, ApiError, fetchFile, type Page } from '../api';
import { errorText, useI18n } from '../i18n';
import type { SessionUser } from '../session';
import { usePaged } from '../usePaged';
import { relativeTime } from '../orders';
import {
  canCancel,
  canOpenPdf,
  canReprint,
  canRetry,
  isPrinterState,
  JOB_TONE,
  OPEN_JOB_STATUSES,
  PRINT_JOB_STATUSES,
  printerTone,
  problemText,
  showLastError,
  stateText,
  type Printer,
  type PrinterStatus,
  type PrintJob,
  type PrintJobStatus,
} from '../printing';
import { Badge, ErrorBox, ListFooter, Notice, PageTitle } from '../components/ui';
import { useNow, useRefresh } from '../components/StoreHealth';
import { PrinterForm } from './PrinterForm';

/** The printers and the jobs list look again this often while the page is open. */
const REFRESH_MS = 5000;

type JobFilter = 'open' | '' | PrintJobStatus;

const apiError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, 'NETWORK_ERROR', String(e)));

function usePrinters() {
  const [items, setItems] = useState<Printer[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const load = (quiet: boolean) => {
    if (!quiet) setLoading(true);
    return api<Page<Printer>>('/api/v1/printers')
      .then((page) => {
        setItems(page.items);
        setError(null);
      })
      .catch((e) => {
        // a failed quiet refresh keeps what is shown; the first load says why it failed
        if (!quiet) setError(apiError(e));
      })
      .finally(() => {
        if (!quiet) setLoading(false);
      });
  };
  useEffect(() => {
    void load(false);
  }, []);
  return { items, setItems, loading, error, refresh: () => void load(true) };
}

function PrinterCard({ printer, onChange, onTest }: { printer: Printer; onChange: (p: Printer) => void; onTest: (job: PrintJob) => void }) {
  const { t, lang, date } = useI18n();
  const [checking, setChecking] = useState(false);
  const [testing, setTesting] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const tone = printerTone(printer);
  const browser = printer.transport === 'browser';

  const check = async () => {
    setChecking(true);
    setError(null);
    try {
      const s = await api<PrinterStatus>(`/api/v1/printers/${printer.id}/status`);
      onChange({ ...printer, state: isPrinterState(s.state) ? s.state : 'error', stateDetail: s.detail, stateAt: s.checkedAt });
    } catch (e) {
      setError(apiError(e));
    } finally {
      setChecking(false);
    }
  };

  const test = async () => {
    setTesting(true);
    setError(null);
    try {
      onTest(await api<PrintJob>(`/api/v1/printers/${printer.id}/test`, { method: 'POST' }));
    } catch (e) {
      setError(apiError(e));
    } finally {
      setTesting(false);
    }
  };

  const where = browser ? t('printers.browser') : `${printer.host ?? ''}:${printer.port ?? 9100}`;
  return (
    <li className={`panel printer-card printer-card-${tone}`} data-testid="printer-card" data-printer-id={printer.id}>
      <div className="printer-card-head">
        <h2>{printer.name}</h2>
        <span className="printer-badges">
          <Badge tone="info">{t(`printers.lang.${printer.language}`)}</Badge> {!printer.active && <Badge tone="plain">{t('printers.inactive')}</Badge>}
        </span>
      </div>
      <p className="muted small printer-facts">
        <span className="mono">{where}</span> · {printer.paperSize.replace('x', '×')} mm · {t('printers.dpiValue', { n: printer.dpi })}
        {printer.station ? ` · ${t('printers.station')} ${printer.station}` : ''}
      </p>
      <p className={`printer-state printer-state-${tone}`} data-testid="printer-state" data-state={printer.state} aria-live="polite">
        <span className="printer-state-dot" aria-hidden="true" />
        <span>{stateText(t, printer)}</span>
      </p>
      {(printer.stateDetail || printer.stateAt) && (
        <p className="muted small printer-detail" data-testid="printer-detail">
          {printer.stateDetail && (
            <>
              {t('printers.detail')}: <span className="mono">{printer.stateDetail}</span>
            </>
          )}
          {printer.stateDetail && printer.stateAt ? ' · ' : ''}
          {printer.stateAt && <span title={date(printer.stateAt)}>{t('printers.checkedAt', { when: relativeTime(lang, printer.stateAt) })}</span>}
        </p>
      )}
      <ErrorBox error={error} testId="printer-error" />
      <div className="button-row printer-actions">
        {!browser && printer.language !== 'pdf' && (
          <button type="button" className="btn btn-big" onClick={check} disabled={checking || !printer.active} data-testid="printer-check">
            {checking ? t('printers.checking') : t('printers.checkNow')}
          </button>
        )}
        <button type="button" className="btn btn-big" onClick={test} disabled={testing || !printer.active} data-testid="printer-test">
          {testing ? t('printers.testing') : t('printers.testPage')}
        </button>
      </div>
    </li>
  );
}

interface PdfFile {
  url: string;
  filename: string;
  opened: boolean;
}

function JobCard({
  job,
  busy,
  pdf,
  onAction,
  onOpenPdf,
}: {
  job: PrintJob;
  busy: boolean;
  pdf: PdfFile | undefined;
  onAction: (job: PrintJob, action: 'retry' | 'cancel' | 'reprint') => void;
  onOpenPdf: (job: PrintJob) => void;
}) {
  const { t, lang, date } = useI18n();
  const problem = problemText(t, job.problem);
  const troubled = job.status === 'failed' || job.status === 'retrying';
  return (
    <li className={`panel print-job print-job-${JOB_TONE[job.status] ?? 'plain'}`} data-testid="print-job" data-job-id={job.id} data-status={job.status}>
      <div className="print-job-head">
        <span className="print-job-what">
          <strong>{t(`pjobs.kind.${job.kind}`)}</strong>
          {job.waybillNo && (
            <>
              {' '}
              <span className="mono print-job-waybill" data-testid="print-job-waybill">
                {job.waybillNo}
              </span>
            </>
          )}
        </span>
        <span className="print-job-status" data-testid="print-job-status">
          <Badge tone={JOB_TONE[job.status] ?? 'plain'}>{t(`pjstatus.${job.status}`)}</Badge>
        </span>
      </div>
      <p className="muted small print-job-meta">
        {t('pjobs.job', { id: job.id })} · {job.printerName ?? `#${job.printerId}`} · {t('pjobs.attempts')}: <span data-testid="print-job-attempts">{job.attempts}</span>
        {job.reprintOf ? ` · ${t('pjobs.reprintOf', { id: job.reprintOf })}` : ''}
      </p>
      {problem && (
        <p className={'print-job-problem' + (troubled ? ' print-job-problem-bad' : '')} data-testid="print-job-problem" data-problem={job.problem ?? ''}>
          {problem}
          {job.status === 'retrying' && <span className="print-job-hint"> {t('pjobs.retryingHint')}</span>}
        </p>
      )}
      {showLastError(job) && (
        <p className="muted small print-job-error" data-testid="print-job-error">
          {job.lastError}
        </p>
      )}
      <p className="muted small print-job-times">
        {t('pjobs.created')}: <span title={date(job.createdAt)}>{relativeTime(lang, job.createdAt)}</span>
        {job.printedAt && (
          <>
            {' · '}
            {t('pjobs.printedAt')}: <span title={date(job.printedAt)}>{relativeTime(lang, job.printedAt)}</span>
          </>
        )}
      </p>
      <div className="button-row print-job-actions">
        {canOpenPdf(job) && (
          <button type="button" className="btn btn-primary btn-big" onClick={() => onOpenPdf(job)} disabled={busy} data-testid="print-job-pdf">
            {t('pjobs.openPdf')}
          </button>
        )}
        {canRetry(job) && (
          <button type="button" className="btn btn-primary btn-big" onClick={() => onAction(job, 'retry')} disabled={busy} data-testid="print-job-retry">
            {t('pjobs.retry')}
          </button>
        )}
        {canReprint(job) && (
          <button type="button" className="btn btn-big" onClick={() => onAction(job, 'reprint')} disabled={busy} data-testid="print-job-reprint">
            {t('pjobs.reprint')}
          </button>
        )}
        {canCancel(job) && (
          <button type="button" className="btn btn-big" onClick={() => onAction(job, 'cancel')} disabled={busy} data-testid="print-job-cancel">
            {t('pjobs.cancel')}
          </button>
        )}
      </div>
      {pdf && (
        <p className="alert alert-ok" role="status" data-testid="print-job-pdf-ready">
          {pdf.opened ? '' : `${t('pjobs.pdfBlocked')} `}
          <a href={pdf.url} target="_blank" rel="noopener" download={pdf.opened ? undefined : pdf.filename} className="link-action">
            {pdf.opened ? t('pjobs.openPdf') : t('pjobs.pdfDownload')}
          </a>
        </p>
      )}
    </li>
  );
}

export function PrintersPage({ user }: { user: SessionUser }) {
  const { t } = useI18n();
  const canManage = user.role === 'admin' || user.role === 'supervisor';
  const printers = usePrinters();
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState('');

  const [filter, setFilter] = useState<JobFilter>('open');
  const [printerId, setPrinterId] = useState('');
  const statuses: readonly PrintJobStatus[] = filter === 'open' ? OPEN_JOB_STATUSES : filter === '' ? PRINT_JOB_STATUSES : [filter];
  const query = { status: filter === '' ? undefined : statuses.join(','), printerId: printerId || undefined };
  const jobs = usePaged<PrintJob>('/api/v1/print-jobs', query);
  const { setItems: setJobs } = jobs;
  const [busyJob, setBusyJob] = useState<number | null>(null);
  const [jobError, setJobError] = useState<ApiError | null>(null);
  const [jobNotice, setJobNotice] = useState('');
  const [pdfs, setPdfs] = useState<Record<number, PdfFile>>({});
  useNow(15_000);

  // the blob URLs of opened PDFs live as long as the page
  const pdfUrls = useRef<string[]>([]);
  useEffect(() => () => pdfUrls.current.forEach((u) => URL.revokeObjectURL(u)), []);

  const matches = (j: PrintJob) => statuses.includes(j.status) && (!printerId || String(j.printerId) === printerId);

  // A quiet refresh of the loaded jobs: statuses change in place, new jobs appear, finished ones
  // leave the "not printed" view; a change of filter meanwhile drops the answer.
  const queryKey = JSON.stringify(query);
  const latestKey = useRef(queryKey);
  latestKey.current = queryKey;
  const loaded = useRef(0);
  loaded.current = jobs.items.length;
  const refreshJobs = () => {
    const key = queryKey;
    const limit = Math.min(500, Math.max(50, loaded.current));
    api<Page<PrintJob>>('/api/v1/print-jobs', { query: { ...query, limit } })
      .then((page) => {
        if (latestKey.current !== key) return;
        const lastId = page.items.length ? page.items[page.items.length - 1].id : 0;
        setJobs((items) => [...page.items, ...(page.nextCursor ? items.filter((j) => j.id > lastId) : [])]);
      })
      .catch(() => undefined);
  };
  useRefresh(() => {
    if (!jobs.loading) refreshJobs();
    printers.refresh();
  }, REFRESH_MS);

  const replaceJob = (job: PrintJob) => setJobs((items) => (matches(job) ? items.map((j) => (j.id === job.id ? job : j)) : items.filter((j) => j.id !== job.id)));
  const addJob = (job: PrintJob) => {
    if (matches(job)) setJobs((items) => [...items.filter((j) => j.id !== job.id), job]);
  };

  const act = async (job: PrintJob, action: 'retry' | 'cancel' | 'reprint') => {
    setBusyJob(job.id);
    setJobError(null);
    setJobNotice('');
    try {
      const result = await api<PrintJob>(`/api/v1/print-jobs/${job.id}/${action}`, { method: 'POST', body: action === 'reprint' ? {} : undefined });
      if (action === 'reprint') {
        addJob(result);
        setJobNotice(t('pjobs.reprinted', { id: result.id }));
      } else {
        replaceJob(result);
        setJobNotice(t(action === 'retry' ? 'pjobs.retried' : 'pjobs.cancelled', { id: job.id }));
      }
    } catch (e) {
      setJobError(apiError(e));
    } finally {
      setBusyJob(null);
    }
  };

  const openPdf = async (job: PrintJob) => {
    setBusyJob(job.id);
    setJobError(null);
    setJobNotice('');
    try {
      const { blob, filename } = await fetchFile(`/api/v1/print-jobs/${job.id}/document`, { fallbackName: `print-job-${job.id}.pdf` });
      const file = blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' });
      const url = URL.createObjectURL(file);
      pdfUrls.current.push(url);
      const tab = window.open(url, '_blank');
      setPdfs((m) => ({ ...m, [job.id]: { url, filename, opened: !!tab } }));
      // fetching the document is what prints it: the job is now printed
      replaceJob({ ...job, status: 'printed', printedAt: new Date().toISOString(), attempts: job.attempts + 1 });
    } catch (e) {
      setJobError(apiError(e));
    } finally {
      setBusyJob(null);
    }
  };

  const printerList = printers.items;
  const shownJobs = jobs.items.filter((j, i, all) => all.findIndex((x) => x.id === j.id) === i);
  return (
    <section className="printers-page">
      <PageTitle>{t('printers.title')}</PageTitle>
      <p className="lead">{t('printers.lead')}</p>
      {canManage &&
        (adding ? (
          <section className="panel" aria-labelledby="printer-new-title">
            <h2 id="printer-new-title">{t('printers.newTitle')}</h2>
            <PrinterForm
              onCancel={() => setAdding(false)}
              onSaved={(p) => {
                setAdding(false);
                printers.setItems((items) => [...items.filter((x) => x.id !== p.id), p]);
                setNotice(t('printers.added', { name: p.name }));
              }}
            />
          </section>
        ) : (
          <div className="button-row">
            <button type="button" className="btn btn-primary btn-big" onClick={() => setAdding(true)} data-testid="printer-new">
              {t('printers.new')}
            </button>
          </div>
        ))}
      <Notice>{notice}</Notice>
      {printers.error && (
        <div role="alert" className="alert alert-error" data-testid="printers-error">
          {t('printers.loadFailed')} <ErrorText error={printers.error} />
        </div>
      )}
      {printers.loading ? (
        <p aria-live="polite">{t('common.loading')}</p>
      ) : (
        !printers.error &&
        (printerList.length === 0 ? (
          <div className="panel empty-state" data-testid="printers-empty">
            <p>{canManage ? t('printers.noneEditor') : t('printers.none')}</p>
          </div>
        ) : (
          <ul className="printer-cards" data-testid="printers-list">
            {printerList.map((p) => (
              <PrinterCard
                key={p.id}
                printer={p}
                onChange={(np) => printers.setItems((items) => items.map((x) => (x.id === np.id ? np : x)))}
                onTest={(job) => {
                  addJob(job);
                  setNotice(t('printers.testQueued', { name: p.name, id: job.id }));
                  window.setTimeout(refreshJobs, 1500);
                }}
              />
            ))}
          </ul>
        ))
      )}

      <h2 className="print-jobs-title">{t('pjobs.title')}</h2>
      <p className="muted small">{t('pjobs.lead')}</p>
      <div className="filters">
        <div className="field">
          <label htmlFor="pjobs-filter">{t('pjobs.filter')}</label>
          <select id="pjobs-filter" data-testid="pjobs-filter" value={filter} onChange={(e) => setFilter(e.target.value as JobFilter)}>
            <option value="open">{t('pjobs.filter.open')}</option>
            <option value="">{t('pjobs.filter.all')}</option>
            {PRINT_JOB_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`pjstatus.${s}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="pjobs-printer">{t('pjobs.printer')}</label>
          <select id="pjobs-printer" data-testid="pjobs-printer" value={printerId} onChange={(e) => setPrinterId(e.target.value)}>
            <option value="">{t('pjobs.allPrinters')}</option>
            {printerList.map((p) => (
              <option key={p.id} value={String(p.id)}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorBox error={jobError ?? jobs.error} testId="pjobs-error" />
      <Notice>{jobNotice}</Notice>
      {!jobs.loading && !jobs.error && shownJobs.length === 0 ? (
        <div className="panel empty-state" data-testid="pjobs-empty">
          <p>{filter === 'open' ? t('pjobs.none') : t('pjobs.noneAll')}</p>
        </div>
      ) : (
        <ul className="print-jobs" data-testid="pjobs-list">
          {shownJobs.map((j) => (
            <JobCard key={j.id} job={j} busy={busyJob === j.id} pdf={pdfs[j.id]} onAction={act} onOpenPdf={openPdf} />
          ))}
        </ul>
      )}
      <ListFooter loading={jobs.loading} empty={false} hasMore={jobs.hasMore} onMore={jobs.loadMore} />
    </section>
  );
}

function ErrorText({ error }: { error: ApiError }) {
  const { lang } = useI18n();
  return <>{errorText(lang, error)}</>;
}
