import { useState } from 'react';
import { api, ApiError, JOB_STATUSES, type Job, type JobStatus } from '../api';
import { useI18n } from '../i18n';
import { usePaged } from '../usePaged';
import { Badge, ErrorBox, FilterSelect, ListFooter, Notice, PageTitle, TableWrap } from '../components/ui';

const TONE: Record<JobStatus, 'ok' | 'warn' | 'bad' | 'info' | 'plain'> = {
  pending: 'plain',
  queued: 'info',
  running: 'info',
  done: 'ok',
  failed: 'bad',
};

export function JobsPage() {
  const { t, date } = useI18n();
  const [status, setStatus] = useState<JobStatus | ''>('failed');
  const list = usePaged<Job>('/api/v1/jobs', { status: status || undefined });
  const [busyId, setBusyId] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState('');

  const retry = async (job: Job) => {
    setBusyId(job.id);
    setError(null);
    setDone('');
    try {
      const updated = await api<Job>(`/api/v1/jobs/${job.id}/retry`, { method: 'POST' });
      list.setItems((items) => items.map((j) => (j.id === updated.id ? updated : j)));
      setDone(t('jobs.retried', { id: job.id }));
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusyId(null);
    }
  };

  return (
    <section>
      <PageTitle>{t('jobs.title')}</PageTitle>
      <div className="filters">
        <FilterSelect id="jobs-status" testId="jobs-status" label={t('jobs.status')} value={status} options={JOB_STATUSES} optionLabel={(s) => t(`jstatus.${s}`)} onChange={setStatus} />
      </div>
      <ErrorBox error={error ?? list.error} />
      <Notice>{done}</Notice>
      <TableWrap label={t('jobs.title')} testId="jobs-table">
        <thead>
          <tr>
            <th scope="col" className="num">
              {t('jobs.id')}
            </th>
            <th scope="col">{t('jobs.type')}</th>
            <th scope="col">{t('jobs.status')}</th>
            <th scope="col" className="num">
              {t('jobs.attempts')}
            </th>
            <th scope="col">{t('jobs.lastError')}</th>
            <th scope="col">{t('jobs.runAfter')}</th>
            <th scope="col">{t('jobs.createdAt')}</th>
            <th scope="col">{t('jobs.finishedAt')}</th>
            <th scope="col">
              <span className="sr-only">{t('jobs.retry')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.items.map((j) => (
            <tr key={j.id}>
              <td className="num">{j.id}</td>
              <td className="mono">{j.type}</td>
              <td>
                <Badge tone={TONE[j.status] ?? 'plain'}>{t(`jstatus.${j.status}`)}</Badge>
              </td>
              <td className="num">
                {j.attempts}/{j.maxAttempts}
              </td>
              <td className="error-cell">{j.lastError ?? ''}</td>
              <td className="nowrap">{date(j.runAfter)}</td>
              <td className="nowrap">{date(j.createdAt)}</td>
              <td className="nowrap">{date(j.finishedAt)}</td>
              <td>
                {j.status === 'failed' && (
                  <button type="button" className="btn" onClick={() => retry(j)} disabled={busyId === j.id} data-testid={`job-retry-${j.id}`}>
                    {t('jobs.retry')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
      <ListFooter loading={list.loading} empty={!list.items.length} hasMore={list.hasMore} onMore={list.loadMore} />
    </section>
  );
}
