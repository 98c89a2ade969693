import type { FakeFaults, WriteBackFault } from './types';

/** What every fake platform shares: the default receiver, id order, the order book, fault switches. */

export const DEFAULT_RECEIVER = { name: '张三', phone: '13800138000', province: '浙江省', city: '杭州市', district: '西湖区', address: '文三路 90 号' };

export const floorSec = (ms: number) => Math.floor(ms / 1000) * 1000;
/** numeric ids in numeric order (shorter first), others after */
export const compareIds = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
export const money = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
export const numericId = (s: string) => (/^\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : s);

export interface BookRecord {
  id: string;
  updatedMs: number;
}

export const compareRecs = (a: BookRecord, b: BookRecord) => a.updatedMs - b.updatedMs || compareIds(a.id, b.id);

/** Orders by (updatedMs, id), for windows by binary search and pages as slices. */
export class OrderBook<R extends BookRecord> {
  readonly byId = new Map<string, R>();
  sorted: R[] = [];

  /** first index whose record is not before (ms, id) — or, when `strict`, is after it; id '' is before every id */
  lowerBound(ms: number, id = '', strict = false): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = this.sorted[mid];
      const c = r.updatedMs - ms || compareIds(r.id, id);
      if (c < 0 || (strict && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  put(rec: R): void {
    const old = this.byId.get(rec.id);
    if (old) this.sorted.splice(this.lowerBound(old.updatedMs, old.id), 1);
    this.byId.set(rec.id, rec);
    this.sorted.splice(this.lowerBound(rec.updatedMs, rec.id), 0, rec);
  }

  putMany(recs: R[]): void {
    if (recs.length < 1000 && this.sorted.length > 0) {
      for (const r of recs) this.put(r);
      return;
    }
    for (const r of recs) this.byId.set(r.id, r);
    this.sorted = [...this.byId.values()].sort(compareRecs);
  }
}

/** The faults a test switches on, and the counters the fake's request handler consumes. */
export function faultSwitches(defaultRetryAfterSeconds: number) {
  const pending = { rateLimit: 0, retryAfter: defaultRetryAfterSeconds, fail: 0, failStatus: 500, hang: 0 };
  const faults: FakeFaults = {
    rateLimitNext(n, retryAfterSeconds = defaultRetryAfterSeconds) {
      pending.rateLimit = n;
      pending.retryAfter = retryAfterSeconds;
    },
    failNext(n, status = 500) {
      pending.fail = n;
      pending.failStatus = status;
    },
    hangNext(n) {
      pending.hang = n;
    },
    duplicateAcrossPages: false,
  };
  return { pending, faults };
}

/** The write-back fault switch: each write-back request takes one fault while any are left. */
export function writeBackSwitch() {
  let fault: WriteBackFault | null = null;
  let left = 0;
  return {
    set(f: WriteBackFault | null, n = Infinity) {
      fault = f;
      left = f ? n : 0;
    },
    take(): WriteBackFault | null {
      if (!fault || left <= 0) return null;
      const f = fault;
      if (--left <= 0) fault = null;
      return f;
    },
  };
}
