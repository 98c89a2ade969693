/**
 * Order batching: which orders one picker collects in one tour.
 *
 * A seed algorithm (de Koster, van der Poort & Wolters 1999): the first order of a batch is the
 * unbatched order whose farthest pick is farthest from the depot (far orders are the expensive
 * ones to leave for later, when few partners remain); then, while the caps allow, the batch takes
 * the order that adds the least to an estimate of its tour (on a tie, the one that came first).
 * Orders on aisles the batch already walks, no deeper, add nothing and go first.
 *
 * An estimate, not the exact router, scores candidates, because a wave scores millions of them:
 * twice the x-span of the aisles walked (with the depot), plus for each aisle the cheapest of
 * walking it end to end or going in from either end to the farthest pick and back, which is what
 * a return/traversal route would cost. The finished batches are then routed exactly.
 *
 * An order never splits. An order with more units than a batch may hold makes a batch of its
 * own. An order with no pick placed (no coordinates) has no known cost: it only fills room that
 * no placed order can use, and is never a seed while a placed order is left.
 */
import { siteDistance } from './distance';
import { Layout, Point, RoutePick, isPlacedPick, siteOf } from './layout';

export interface BatchCaps {
  maxOrders: number;
  maxUnits: number;
}

export interface BatchOrder<T extends RoutePick = RoutePick> {
  id: number;
  picks: readonly T[];
  units: number;
}

/**
 * What an order asks of a tour: for each line it visits, the lowest and highest y (one "entry"
 * per order and line, entries of order i at start[i] .. start[i+1]-1), its x-span, and how far
 * its farthest pick is from the depot (−1 when nothing is placed).
 */
interface Footprints {
  start: Int32Array;
  line: Int32Array;
  lo: Float64Array;
  hi: Float64Array;
  xMin: Float64Array;
  xMax: Float64Array;
  far: Float64Array;
  lineX: number[];
  linePassable: boolean[];
}

function footprints(orders: readonly BatchOrder[], layout: Layout, depot: Point): Footprints {
  const depotSite = siteOf(layout, depot);
  // lines: the aisles, then own lines of points off the aisles, numbered as met
  const lineX = layout.aisles.map((a) => a.x);
  const linePassable = layout.aisles.map(() => true);
  const ownLine = new Map<number, number>();
  const start = new Int32Array(orders.length + 1);
  const line: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  const xMin = new Float64Array(orders.length).fill(Infinity);
  const xMax = new Float64Array(orders.length).fill(-Infinity);
  const far = new Float64Array(orders.length).fill(-1);
  orders.forEach((o, i) => {
    start[i] = line.length;
    for (const p of o.picks) {
      if (!isPlacedPick(p)) continue;
      const s = siteOf(layout, p);
      let l = s.aisle;
      if (l < 0) {
        l = ownLine.get(s.x) ?? -1;
        if (l < 0) {
          l = lineX.length;
          ownLine.set(s.x, l);
          lineX.push(s.x);
          linePassable.push(s.passable);
        }
      }
      let e = start[i];
      while (e < line.length && line[e] !== l) e++;
      if (e === line.length) {
        line.push(l);
        lo.push(s.y);
        hi.push(s.y);
      } else {
        lo[e] = Math.min(lo[e], s.y);
        hi[e] = Math.max(hi[e], s.y);
      }
      xMin[i] = Math.min(xMin[i], s.x);
      xMax[i] = Math.max(xMax[i], s.x);
      far[i] = Math.max(far[i], siteDistance(layout, depotSite, s));
    }
  });
  start[orders.length] = line.length;
  return { start, line: Int32Array.from(line), lo: Float64Array.from(lo), hi: Float64Array.from(hi), xMin, xMax, far, lineX, linePassable };
}

export function batchOrders(orders: readonly BatchOrder[], caps: BatchCaps, layout: Layout, depot: Point = layout.depot): number[][] {
  if (!(caps.maxOrders >= 1) || !(caps.maxUnits >= 1)) throw new Error('batch caps must allow at least one order and one unit');
  const { front, back } = layout;
  const length = back - front;
  const f = footprints(orders, layout, depot);
  const n = orders.length;
  const entries = f.line.length;
  const lines = f.lineX.length;
  const depotX = siteOf(layout, depot).x;

  /** Estimated cost of covering [lo, hi] on a line from the cross-aisles. */
  const lineCost = (l: number, lo: number, hi: number): number => {
    const spurs = 2 * Math.max(0, front - lo) + 2 * Math.max(0, hi - back);
    if (!f.linePassable[l]) return spurs;
    return Math.min(length + spurs, 2 * (Math.max(hi, front) - Math.min(lo, front)), 2 * (Math.max(hi, back) - Math.min(lo, back)));
  };

  // The batch being filled: per line the covered [lo, hi] and its cost, and the x-span.
  const bLo = new Float64Array(lines).fill(Infinity);
  const bHi = new Float64Array(lines).fill(-Infinity);
  const bCost = new Float64Array(lines);
  const touched: number[] = [];
  let left = depotX;
  let right = depotX;

  // Each open order's line cost is kept up to date entry by entry: growing the batch on a line
  // changes the term of the entries on that line only. Orders with nothing placed cost Infinity:
  // they go last, together.
  const owner = new Int32Array(entries);
  const onLineStart = new Int32Array(lines + 1);
  for (let i = 0; i < n; i++) for (let e = f.start[i]; e < f.start[i + 1]; e++) owner[e] = i;
  for (let e = 0; e < entries; e++) onLineStart[f.line[e] + 1]++;
  for (let l = 0; l < lines; l++) onLineStart[l + 1] += onLineStart[l];
  const onLine = new Int32Array(entries);
  const fill = onLineStart.slice(0, lines);
  for (let e = 0; e < entries; e++) onLine[fill[f.line[e]]++] = e;
  const alone = Float64Array.from({ length: entries }, (_, e) => lineCost(f.line[e], f.lo[e], f.hi[e]));
  const term = Float64Array.from(alone);
  const lineCostOf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (f.far[i] < 0) lineCostOf[i] = Infinity;
    for (let e = f.start[i]; e < f.start[i + 1]; e++) lineCostOf[i] += alone[e];
  }
  const batched = new Uint8Array(n);

  const take = (i: number) => {
    if (f.far[i] < 0) return;
    left = Math.min(left, f.xMin[i]);
    right = Math.max(right, f.xMax[i]);
    for (let e = f.start[i]; e < f.start[i + 1]; e++) {
      const l = f.line[e];
      if (bLo[l] === Infinity) touched.push(l);
      if (f.lo[e] >= bLo[l] && f.hi[e] <= bHi[l]) continue;
      bLo[l] = Math.min(bLo[l], f.lo[e]);
      bHi[l] = Math.max(bHi[l], f.hi[e]);
      bCost[l] = lineCost(l, bLo[l], bHi[l]);
      for (let k = onLineStart[l]; k < onLineStart[l + 1]; k++) {
        const x = onLine[k];
        const j = owner[x];
        if (batched[j]) continue;
        const t = f.lo[x] >= bLo[l] && f.hi[x] <= bHi[l] ? 0 : lineCost(l, Math.min(bLo[l], f.lo[x]), Math.max(bHi[l], f.hi[x])) - bCost[l];
        lineCostOf[j] += t - term[x];
        term[x] = t;
      }
    }
  };
  const reset = () => {
    for (const l of touched) {
      bLo[l] = Infinity;
      bHi[l] = -Infinity;
      bCost[l] = 0;
      for (let k = onLineStart[l]; k < onLineStart[l + 1]; k++) {
        const x = onLine[k];
        lineCostOf[owner[x]] += alone[x] - term[x];
        term[x] = alone[x];
      }
    }
    touched.length = 0;
    left = right = depotX;
  };

  const seeds = orders.map((_, i) => i).sort((i, j) => f.far[j] - f.far[i] || i - j);
  let open = orders.map((_, i) => i); // unbatched, in input order
  const units = Float64Array.from(orders, (o) => o.units);
  const batches: number[][] = [];
  let nextSeed = 0;
  while (open.length) {
    while (batched[seeds[nextSeed]]) nextSeed++;
    const seed = seeds[nextSeed];
    const batch = [seed];
    batched[seed] = 1;
    let room = caps.maxUnits - units[seed];
    take(seed);
    while (batch.length < caps.maxOrders) {
      // the oldest of the cheapest: costs are never negative, so a free one ends the scan
      let best = -1;
      let bestCost = Infinity;
      for (let r = 0; r < open.length && bestCost > 0; r++) {
        const i = open[r];
        if (batched[i] || units[i] > room) continue;
        const cost = lineCostOf[i] + 2 * (Math.max(right, f.xMax[i]) - right + left - Math.min(left, f.xMin[i]));
        if (best < 0 || cost < bestCost) {
          best = i;
          bestCost = cost;
        }
      }
      if (best < 0) break;
      batch.push(best);
      batched[best] = 1;
      room -= units[best];
      take(best);
    }
    reset();
    open = open.filter((i) => !batched[i]);
    batches.push(batch.map((i) => orders[i].id));
  }
  return batches;
}
