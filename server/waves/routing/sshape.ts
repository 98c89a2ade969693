/**
 * The S-shape (traversal) route, the baseline the router is measured against (Hall 1993;
 * Roodbergen & de Koster 2001): from the depot to the cross-aisle nearer to it, then every aisle
 * that holds a pick is walked end to end, alternating direction, in order of x. If the number of
 * such aisles is odd, the last one is entered and left from the same end, going only as far as
 * its farthest pick. Then back to the depot.
 *
 * The sweep may run left to right or right to left; we take the shorter of the two, so the
 * baseline is not handicapped by a depot at the "wrong" end. Its length is the path as walked
 * (end to end through each aisle), not the shortest paths between its picks. Points on no aisle
 * line (a dock in front of the block, a put wall behind it) are visited after the sweep, in
 * order of x, by shortest paths; they do not occur in ordinary pick lists.
 */
import { siteDistance, toBack, toFront } from './distance';
import { Layout, PickPoint, Point, Site, siteOf } from './layout';
import type { Route } from './optimal';

interface Stop {
  site: Site;
  pick: number; // index into picks, or -1 for an aisle end the path passes through
}

export function sShapeRoute<T extends PickPoint>(layout: Layout, depot: Point, picks: readonly T[]): Route<T> {
  if (!picks.length) return { route: [], length: 0 };
  const depotSite = siteOf(layout, depot);
  const sites = picks.map((p) => siteOf(layout, p));
  const lines = new Map<string, number[]>();
  const cut: number[] = [];
  sites.forEach((s, i) => {
    if (!s.passable) return void cut.push(i);
    const key = s.aisle >= 0 ? `a${s.aisle}` : `x${s.x}`;
    const list = lines.get(key);
    if (list) list.push(i);
    else lines.set(key, [i]);
  });
  const ordered = [...lines.values()].sort((a, b) => sites[a[0]].x - sites[b[0]].x);
  cut.sort((i, j) => sites[i].x - sites[j].x || sites[i].y - sites[j].y);
  const startAtFront = toFront(layout, depotSite) <= toBack(layout, depotSite);

  let best: Route<T> | null = null;
  for (const sweep of [ordered, [...ordered].reverse()]) {
    const stops = sweepStops(layout, sites, sweep, startAtFront);
    for (const i of cut) stops.push({ site: sites[i], pick: i });
    let length = 0;
    let prev = depotSite;
    for (const s of stops) {
      length += siteDistance(layout, prev, s.site);
      prev = s.site;
    }
    length += siteDistance(layout, prev, depotSite);
    if (!best || length < best.length) best = { route: stops.filter((s) => s.pick >= 0).map((s) => picks[s.pick]), length };
    if (sweep.length < 2) break;
  }
  return best!;
}

function sweepStops(layout: Layout, sites: Site[], lines: number[][], startAtFront: boolean): Stop[] {
  const stops: Stop[] = [];
  let atFront = startAtFront;
  const end = (s: Site, front: boolean): Stop => ({ site: { ...s, y: front ? layout.front : layout.back }, pick: -1 });
  lines.forEach((line, k) => {
    const on = sites[line[0]];
    const upward = [...line].sort((i, j) => sites[i].y - sites[j].y);
    const away = atFront ? upward : upward.reverse();
    stops.push(end(on, atFront));
    for (const i of away) stops.push({ site: sites[i], pick: i });
    const returns = k === lines.length - 1 && lines.length % 2 === 1;
    if (!returns) atFront = !atFront;
    stops.push(end(on, atFront));
  });
  return stops;
}
