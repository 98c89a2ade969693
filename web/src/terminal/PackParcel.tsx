import { useEffect, useState } from 'react';
import { fetchFile } from '../api';
import { useI18n, type TFunction } from '../i18n';
import { problemText, type PrintJob } from '../printing';
import type { ResultApi } from './parts';
import { newKey } from './termApi';
import { currentJob, getPrintJob, reprintJob, retryJob, voidParcel, type Parcel } from './packApi';

/** The packed parcel at the pack station: its waybill, the label's print job followed, reprint and void. */

const SETTLED = new Set(['printed', 'failed', 'cancelled', 'ready']);

/** A print job followed until it has printed, failed, been cancelled, or waits as a PDF. */
export function usePrintJob(jobId: number | null, nonce = 0): PrintJob | null {
  const [job, setJob] = useState<PrintJob | null>(null);
  useEffect(() => {
    setJob(null);
    if (!jobId) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      let next = 700;
      try {
        const j = await getPrintJob(jobId);
        if (!live) return;
        setJob(j);
        if (SETTLED.has(j.status)) return;
        if (j.status === 'retrying') next = 2000;
      } catch {
        next = 3000; // the network: keep asking
      }
      if (live) timer = setTimeout(poll, next);
    };
    void poll();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [jobId, nonce]);
  return job;
}

/** The label's state in the packer's words: printed, printing, printer: paper out, failed. */
export function printWords(t: TFunction, job: { status: string; problem: string | null } | null): { text: string; tone: 'ok' | 'info' | 'warn' | 'bad' } {
  if (!job) return { text: t('pack.print.none'), tone: 'info' };
  if (job.status === 'printed') return { text: t('pack.print.printed'), tone: 'ok' };
  if (job.status === 'failed') return { text: t('pack.print.failed') + (job.problem ? ` · ${problemText(t, job.problem)}` : ''), tone: 'bad' };
  if (job.status === 'ready') return { text: t('pack.print.ready'), tone: 'info' };
  if (job.status === 'cancelled') return { text: t('pack.print.cancelled'), tone: 'warn' };
  if (job.problem) return { text: t('pack.print.problem', { problem: problemText(t, job.problem) }), tone: 'warn' };
  return { text: job.status === 'retrying' ? t('pack.print.waiting') : t('pack.print.printing'), tone: 'info' };
}

export interface ParcelActions {
  busy: boolean;
  onReprint: (jobId: number) => void;
  onRetry: (jobId: number) => void;
  onOpenPdf: (jobId: number) => void;
  onVoid: (p: Parcel) => void;
}

/** A parcel: its waybill large, the carrier, the label's state and what can be done about it. */
export function ParcelCard({ parcel, jobId, nonce, actions }: { parcel: Parcel; jobId: number | null; nonce: number; actions: ParcelActions }) {
  const { t } = useI18n();
  const polled = usePrintJob(jobId, nonce);
  const known = currentJob(parcel);
  // until the first answer, a job just queued is shown as waiting (not as "no label")
  const job: { id: number; status: string; problem: string | null } | null =
    polled && polled.id === jobId ? polled : known && known.id === jobId ? known : jobId ? { id: jobId, status: 'queued', problem: null } : null;
  const words = printWords(t, job);
  const [asking, setAsking] = useState(false);
  const voided = parcel.status === 'voided';
  return (
    <section className={'pack-parcel' + (voided ? ' is-void' : '')} data-testid="pack-parcel" data-parcel={parcel.id} data-status={parcel.status}>
      <p className="pack-parcel-label muted">{t('pack.waybill')}</p>
      <p className="pack-waybill" data-testid="pack-waybill">
        {parcel.waybillNo ?? '—'}
      </p>
      <p className="pack-parcel-facts">
        <span>
          {t('pack.carrier')} <strong data-testid="pack-carrier">{parcel.carrierName ?? parcel.carrierCode ?? '—'}</strong>
        </span>
        {parcel.cartonCode && <span>· {t('pack.cartonSet', { code: parcel.cartonCode })}</span>}
        <span>· {(parcel.weightG / 1000).toFixed(2)} kg</span>
        {voided && <span className="pack-badge pack-badge-warn">{t('pack.voidedBadge')}</span>}
      </p>
      {!voided && (
        <p className={`pack-print pack-tone-${words.tone}`} data-testid="pack-print-status" data-status={job?.status ?? 'none'}>
          {t('pack.label')}: <strong>{words.text}</strong>
        </p>
      )}
      {!voided && parcel.status === 'labelled' && (
        <div className="term-actions">
          {job && job.status === 'failed' && (
            <button type="button" className="btn btn-primary btn-big" disabled={actions.busy} onClick={() => actions.onRetry(job.id)} data-testid="pack-print-retry">
              {t('pack.retryPrint')}
            </button>
          )}
          {job && job.status === 'ready' && (
            <button type="button" className="btn btn-primary btn-big" onClick={() => actions.onOpenPdf(job.id)} data-testid="pack-open-pdf">
              {t('pack.openPdf')}
            </button>
          )}
          {job && (
            <button type="button" className="btn btn-big" disabled={actions.busy} onClick={() => actions.onReprint(job.id)} data-testid="pack-reprint">
              {t('pack.reprint')}
            </button>
          )}
          {!asking && (
            <button type="button" className="btn btn-big" disabled={actions.busy} onClick={() => setAsking(true)} data-testid="pack-void">
              {t('pack.void')}
            </button>
          )}
        </div>
      )}
      {asking && !voided && (
        <div className="term-confirm-complete" data-testid="pack-void-confirm" data-scan-hold="true">
          <p>{t('pack.voidQuestion', { no: parcel.waybillNo ?? '' })}</p>
          <div className="term-actions">
            <button
              type="button"
              className="btn btn-danger btn-big"
              disabled={actions.busy}
              onClick={() => {
                setAsking(false);
                actions.onVoid(parcel);
              }}
              data-testid="pack-void-yes"
            >
              {actions.busy ? t('pack.voiding') : t('pack.voidYes')}
            </button>
            <button type="button" className="btn btn-big" onClick={() => setAsking(false)} data-testid="pack-void-no" autoFocus>
              {t('pack.voidNo')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

type Follow = Record<number, { jobId: number | null; n: number }>;
const followOf = (ps: Parcel[]): Follow => Object.fromEntries(ps.map((p) => [p.id, { jobId: currentJob(p)?.id ?? null, n: 0 }]));

/**
 * The parcels on screen and the print job followed for each (a reprint follows the new job, a
 * retry the same one again); the actions run through the screen's `run` so scans wait meanwhile.
 */
export function useParcels(deps: { printerId: number | null; busy: boolean; run: (work: () => Promise<void>) => Promise<void>; res: ResultApi; failWith: (e: unknown) => void; onVoided: () => void }) {
  const { t } = useI18n();
  const [parcels, setParcels] = useState<Parcel[]>([]);
  const [follow, setFollow] = useState<Follow>({});
  const { res } = deps;
  const act = (fn: () => Promise<void>) =>
    deps.run(async () => {
      try {
        await fn();
      } catch (e) {
        deps.failWith(e);
      }
    });
  const actions = (p: Parcel): ParcelActions => ({
    busy: deps.busy,
    onReprint: (jobId) =>
      act(async () => {
        const j = await reprintJob(jobId, deps.printerId);
        setFollow((f) => ({ ...f, [p.id]: { jobId: j.id, n: 0 } }));
        res.ok(t('pack.reprinted', { id: j.id }));
      }),
    onRetry: (jobId) =>
      act(async () => {
        await retryJob(jobId);
        setFollow((f) => ({ ...f, [p.id]: { jobId, n: (f[p.id]?.n ?? 0) + 1 } }));
        res.ok(t('pack.retried', { id: jobId }));
      }),
    onOpenPdf: (jobId) =>
      act(async () => {
        const { blob } = await fetchFile(`/api/v1/print-jobs/${jobId}/document`, { fallbackName: `print-job-${jobId}.pdf` });
        const url = URL.createObjectURL(blob.type === 'application/pdf' ? blob : new Blob([blob], { type: 'application/pdf' }));
        if (!window.open(url, '_blank')) res.info(t('pjobs.pdfBlocked'));
        setTimeout(() => URL.revokeObjectURL(url), 120_000);
      }),
    onVoid: (old) =>
      act(async () => {
        const np = await voidParcel(old.id, deps.printerId, newKey());
        setParcels((ps) => ps.map((x) => (x.id === np.id ? np : x)));
        setFollow((f) => ({ ...f, [np.id]: { jobId: currentJob(np)?.id ?? null, n: 0 } }));
        res.ok(t('pack.voided', { old: old.waybillNo ?? '—', no: np.waybillNo ?? '—' }));
        deps.onVoided();
      }),
  });
  return {
    parcels,
    /** These parcels, each following its newest label. */
    show: (ps: Parcel[]) => {
      setParcels(ps);
      setFollow(followOf(ps));
    },
    /** The parcel as the server has it now (after pack, the full record replaces the short answer). */
    refresh: (p: Parcel) => setParcels((ps) => ps.map((x) => (x.id === p.id ? p : x))),
    list: (
      <>
        {parcels.map((p) => (
          <ParcelCard key={`${p.id}-${p.waybillNo}`} parcel={p} jobId={follow[p.id]?.jobId ?? null} nonce={follow[p.id]?.n ?? 0} actions={actions(p)} />
        ))}
      </>
    ),
  };
}
