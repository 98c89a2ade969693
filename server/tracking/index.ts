export { trackingRoutes } from './tracking.routes';
export { trackJob, trackDue, pollParcel, TRACK_SWEEP_EVERY_MS, TRACK_MIN_INTERVAL_MS } from './poll.service';
export { TRACKING_STATUSES } from './events';
