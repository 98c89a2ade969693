import { JobRegistry, JobSpec } from '../queue/registry';
import type { Schedule } from '../queue/queue';
import { maintenanceJob, MAINTENANCE_EVERY_MS } from './maintenance.job';
import { storeDispatchJob, storeFetchJob, storeSyncJob, STORE_DISPATCH_EVERY_MS } from '../stores/sync';
import { storeWritebackJob } from '../stores/writeback';
import { reprocessJob } from '../orders/reprocess.job';
import { allocateJob, ALLOCATE_SWEEP_EVERY_MS } from '../allocation/allocate.job';
import { waveRulesJob, WAVE_RULES_EVERY_MS } from '../waves/wave-rules';
import { printJob } from '../printing/print.job';
import { cancelWaybillJob } from '../packing/parcels.service';
import { trackJob, TRACK_SWEEP_EVERY_MS } from '../tracking/poll.service';
import { carrierHandoverJob, trackingSubscribeJob } from '../manifests/carrier-sync';

/** Every job type of the product, in one typed map (later modules add theirs here). */
export const JOBS = {
  'system.maintenance': maintenanceJob,
  'stores.dispatch': storeDispatchJob,
  'stores.sync': storeSyncJob,
  'stores.fetch': storeFetchJob,
  'stores.writeback': storeWritebackJob,
  'orders.reprocess': reprocessJob,
  'orders.allocate': allocateJob,
  'waves.rules': waveRulesJob,
  'print.send': printJob,
  'carriers.cancel': cancelWaybillJob,
  'carriers.track': trackJob,
  'carriers.handover': carrierHandoverJob,
  'carriers.subscribe': trackingSubscribeJob,
} satisfies Record<string, JobSpec>;

export type JobType = keyof typeof JOBS;

export const SCHEDULES: Schedule[] = [
  { type: 'system.maintenance', everyMs: MAINTENANCE_EVERY_MS },
  { type: 'stores.dispatch', everyMs: STORE_DISPATCH_EVERY_MS },
  { type: 'orders.allocate', everyMs: ALLOCATE_SWEEP_EVERY_MS },
  { type: 'waves.rules', everyMs: WAVE_RULES_EVERY_MS },
  { type: 'carriers.track', everyMs: TRACK_SWEEP_EVERY_MS },
];

export function buildRegistry(extra: Record<string, JobSpec> = {}): JobRegistry {
  return new JobRegistry().registerAll(JOBS).registerAll(extra);
}
