import { performance } from 'node:perf_hooks';
import { deriveLayout, Layout, LayoutLocation, PickPoint, planRoute, planWave, sShapeRoute } from '../server/waves/routing';
import { exactRoute } from '../server/waves/routing/exact';

/**
 * `npm run bench -- route [--seed N]`: route length of the router (Ratliff & Rosenthal's exact
 * programme) against the S-shape baseline on generated warehouses of 10, 20, 30 and 40 aisles
 * (3 m apart, bays 1.2 m apart on both faces, the dock in front of the middle aisle) with
 * random pick lists of 5–60 picks, against the optimum from Held–Karp for lists of up to 10
 * picks, and the time to plan a 2,000-order wave (batch and route; orders of 1–5 lines, batches
 * of at most 20 orders / 200 units), the median of seven runs.
 */

const WAREHOUSES = [
  { aisles: 10, bays: 20 },
  { aisles: 20, bays: 25 },
  { aisles: 30, bays: 30 },
  { aisles: 40, bays: 30 },
];
const BUCKETS: Array<[number, number]> = [
  [5, 10],
  [11, 20],
  [21, 40],
  [41, 60],
];
const PER_BUCKET = 50;

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function warehouse(aisles: number, bays: number): { layout: Layout; slots: PickPoint[] } {
  const locations: LayoutLocation[] = [];
  for (let a = 0; a < aisles; a++) {
    for (const face of ['L', 'R']) {
      for (let b = 0; b < bays; b++) {
        const id = locations.length + 1;
        locations.push({ id, code: `${String(a + 1).padStart(2, '0')}${face}${b + 1}`, xCm: 200 + a * 300, yCm: 200 + b * 120, pickSeq: id, type: 'pick' });
      }
    }
  }
  const dock = { x: 200 + Math.floor(aisles / 2) * 300, y: 0 };
  const layout = deriveLayout(locations, dock);
  const slots = [...layout.locations.values()].map((l) => ({ key: l.code, x: l.x!, y: l.y! }));
  return { layout, slots };
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / (xs.length || 1);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = (cm: number) => (cm / 100).toFixed(1);
const pct = (x: number) => `${x >= 0 ? '' : '−'}${Math.abs(x).toFixed(1)}%`;

export async function main(args: string[]): Promise<void> {
  const i = args.indexOf('--seed');
  const next = rng(i >= 0 ? Number(args[i + 1]) : 20261123);
  const pick = (slots: PickPoint[], n: number) =>
    Array.from({ length: n }, (_, k) => ({ ...slots[Math.floor(next() * slots.length)], key: `p${k}` }));

  console.log(`route lengths in metres, ${PER_BUCKET} random pick lists per row, dock in front of the middle aisle`);
  console.log('aisles  picks   S-shape    ours  shorter   ours over the optimum (≤10 picks)');
  const saved: number[] = [];
  const gaps: number[] = [];
  let instances = 0;
  for (const w of WAREHOUSES) {
    const { layout, slots } = warehouse(w.aisles, w.bays);
    for (const [lo, hi] of BUCKETS) {
      const s: number[] = [];
      const ours: number[] = [];
      const over: number[] = [];
      for (let k = 0; k < PER_BUCKET; k++) {
        const picks = pick(slots, lo + Math.floor(next() * (hi - lo + 1)));
        const a = sShapeRoute(layout, layout.depot, picks).length;
        const b = planRoute(layout, null, picks).length;
        s.push(a);
        ours.push(b);
        saved.push((a - b) / a);
        if (picks.length <= 10) {
          const opt = exactRoute(layout, layout.depot, picks).length;
          over.push((b - opt) / opt);
        }
        instances++;
      }
      gaps.push(...over);
      const shorter = (1 - mean(ours) / mean(s)) * 100;
      const vsOpt = over.length ? `${pct(mean(over) * 100)} (max ${pct(Math.max(...over) * 100)}, n=${over.length})` : '';
      console.log(`${String(w.aisles).padStart(6)}  ${`${lo}–${hi}`.padStart(5)}  ${m(mean(s)).padStart(8)}  ${m(mean(ours)).padStart(6)}  ${pct(shorter).padStart(7)}   ${vsOpt}`.trimEnd());
    }
  }
  console.log(`all ${instances} lists: ${pct(mean(saved) * 100)} shorter than S-shape on average (per list); ${gaps.length} lists of ≤10 picks: ${pct(mean(gaps) * 100)} over the optimum on average, ${pct(Math.max(...gaps) * 100)} at worst`);

  const { layout, slots } = warehouse(40, 30);
  const orders = Array.from({ length: 2000 }, (_, id) => {
    const picks = pick(slots, 1 + Math.floor(next() * 5));
    return { id: id + 1, picks, units: picks.reduce((u) => u + 1 + Math.floor(next() * 3), 0) };
  });
  const caps = { maxOrders: 20, maxUnits: 200 };
  const times: number[] = [];
  const cold = performance.now();
  let plan = planWave(layout, orders, caps);
  const coldMs = performance.now() - cold;
  for (let run = 0; run < 7; run++) {
    const t0 = performance.now();
    plan = planWave(layout, orders, caps);
    times.push(performance.now() - t0);
  }
  const total = plan.reduce((s, b) => s + b.length, 0);
  // the same router on first-come batches of the same size, to show what the grouping saves
  let fcfs = 0;
  for (let k = 0; k < orders.length; k += caps.maxOrders) {
    fcfs += planRoute(layout, null, orders.slice(k, k + caps.maxOrders).flatMap((o) => o.picks)).length;
  }
  console.log(
    `wave of 2,000 orders (1–5 lines) in 40 aisles: ${plan.length} batches planned in ${median(times).toFixed(0)} ms (median of 7; ` +
      `min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)}; first, cold run ${coldMs.toFixed(0)} ms); walking ${(total / 100000).toFixed(1)} km, ` +
      `first-come batches of 20: ${(fcfs / 100000).toFixed(1)} km (${pct((1 - total / fcfs) * 100)} shorter)`,
  );
}
