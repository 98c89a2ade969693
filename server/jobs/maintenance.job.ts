import type { AppContext } from '../context';
import type { JobSpec } from '../queue/registry';
import { addMs } from '../db/time';
import { purgeExpiredSessions } from '../auth/auth.service';
import { purgePersonalData } from '../orders/pii';

const DAY = 24 * 3600 * 1000;

/** Housekeeping: expired sessions, old keys, finished jobs, and receivers' personal data past retention. */
export const maintenanceJob: JobSpec = {
  maxAttempts: 1,
  async handler(ctx: AppContext) {
    const sessions = await purgeExpiredSessions(ctx);
    const keys = await ctx.db('idempotency_keys').where('created_at', '<', addMs(-DAY)).delete();
    const jobs = await ctx.db('outbox_jobs').where({ status: 'done' }).andWhere('finished_at', '<', addMs(-7 * DAY)).delete();
    const receivers = await purgePersonalData(ctx);
    ctx.log.debug({ sessions, keys, jobs, receivers }, 'maintenance done');
  },
};

export const MAINTENANCE_EVERY_MS = 10 * 60 * 1000;
