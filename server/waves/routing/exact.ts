/**
 * Held–Karp: the exact shortest tour over the pairwise walking distances, O(2^n · n²). Only
 * for small pick lists: the tests and the benchmark measure the router against it.
 */
import { distanceMatrix } from './distance';
import type { Layout, PickPoint, Point } from './layout';
import type { Route } from './optimal';

export const EXACT_MAX_PICKS = 13;

/** `d[0]` is the depot. Returns the visiting order of 1..n and the tour length. */
export function heldKarp(d: readonly (readonly number[])[]): { order: number[]; length: number } {
  const n = d.length - 1;
  if (n <= 0) return { order: [], length: 0 };
  if (n > EXACT_MAX_PICKS) throw new Error(`Held–Karp is for at most ${EXACT_MAX_PICKS} picks, not ${n}`);
  const full = 1 << n;
  // best[mask * n + j]: shortest path from the depot through exactly the picks in mask, ending at pick j
  const best = new Float64Array(full * n).fill(Infinity);
  const prev = new Int8Array(full * n).fill(-1);
  for (let j = 0; j < n; j++) best[(1 << j) * n + j] = d[0][j + 1];
  for (let mask = 1; mask < full; mask++) {
    for (let j = 0; j < n; j++) {
      const here = best[mask * n + j];
      if (!(mask & (1 << j)) || here === Infinity) continue;
      for (let k = 0; k < n; k++) {
        if (mask & (1 << k)) continue;
        const to = (mask | (1 << k)) * n + k;
        const v = here + d[j + 1][k + 1];
        if (v < best[to]) {
          best[to] = v;
          prev[to] = j;
        }
      }
    }
  }
  let last = 0;
  let length = Infinity;
  for (let j = 0; j < n; j++) {
    const v = best[(full - 1) * n + j] + d[j + 1][0];
    if (v < length) {
      length = v;
      last = j;
    }
  }
  const order: number[] = [];
  let mask = full - 1;
  for (let j = last; j >= 0; ) {
    order.push(j + 1);
    const p = prev[mask * n + j];
    mask &= ~(1 << j);
    j = p;
  }
  return { order: order.reverse(), length };
}

export function exactRoute<T extends PickPoint>(layout: Layout, depot: Point, picks: readonly T[]): Route<T> {
  const { order, length } = heldKarp(distanceMatrix(layout, depot, picks));
  return { route: order.map((i) => picks[i - 1]), length };
}
