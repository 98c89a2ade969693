/**
 * Walking distances over a Layout (cm): shortest paths in the graph of aisle lines, own lines
 * and the two cross-aisles. Between two lines a picker leaves by one end and walks the
 * cross-aisle; leaving by one end and entering by the other is never shorter (it walks a whole
 * aisle as well), except between a point in front of the block and one behind it, which must
 * pass through an aisle.
 */
import { Layout, Point, RoutePick, Site, isPlacedPick, sameLine, siteOf } from './layout';

export function walkingDistance(layout: Layout, p: Point, q: Point): number {
  return siteDistance(layout, siteOf(layout, p), siteOf(layout, q));
}

export function siteDistance(layout: Layout, s: Site, t: Site): number {
  const { front, back } = layout;
  if (sameLine(s, t)) {
    if (s.passable || (s.y < front && t.y < front) || (s.y > back && t.y > back)) return Math.abs(s.y - t.y);
    return Math.abs(s.y - t.y) + passageDx(layout, s.x, t.x);
  }
  const dx = Math.abs(s.x - t.x);
  const best = Math.min(toFront(layout, s) + dx + toFront(layout, t), toBack(layout, s) + dx + toBack(layout, t));
  if (best !== Infinity) return best;
  // one in front of the block and one behind it, both off the aisles: through the nearest aisle
  return Math.abs(s.y - t.y) + passageDx(layout, s.x, t.x);
}

/** From a site to the front cross-aisle along its own line (Infinity if that line is cut). */
export function toFront(layout: Layout, s: Site): number {
  if (s.y <= layout.front) return layout.front - s.y;
  return s.passable ? s.y - layout.front : Infinity;
}

export function toBack(layout: Layout, s: Site): number {
  if (s.y >= layout.back) return s.y - layout.back;
  return s.passable ? layout.back - s.y : Infinity;
}

/** Least cross-aisle walking from x=a to x=b by way of some aisle (to get from front to back). */
export function passageDx(layout: Layout, a: number, b: number): number {
  const aisles = layout.aisles;
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (!aisles.length) return hi - lo;
  let i = 0;
  while (i < aisles.length && aisles[i].x < lo) i++;
  if (i < aisles.length && aisles[i].x <= hi) return hi - lo;
  let extra = Infinity;
  if (i < aisles.length) extra = aisles[i].x - hi;
  if (i > 0) extra = Math.min(extra, lo - aisles[i - 1].x);
  return hi - lo + 2 * extra;
}

/** Rows and columns: the depot first, then the points in order. */
export function distanceMatrix(layout: Layout, depot: Point, points: readonly Point[]): number[][] {
  const sites = [depot, ...points].map((p) => siteOf(layout, p));
  const n = sites.length;
  const d: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) d[i][j] = d[j][i] = siteDistance(layout, sites[i], sites[j]);
  }
  return d;
}

/** Depot → each placed pick in the given order → depot. Unplaced picks add nothing. */
export function tourLength(layout: Layout, depot: Point, route: readonly RoutePick[]): number {
  let prev = siteOf(layout, depot);
  const start = prev;
  let total = 0;
  for (const p of route) {
    if (!isPlacedPick(p)) continue;
    const s = siteOf(layout, p);
    total += siteDistance(layout, prev, s);
    prev = s;
  }
  return total + siteDistance(layout, prev, start);
}
