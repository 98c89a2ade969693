/**
 * Pick routing and order batching for waves: pure functions over a layout derived from the
 * locations' coordinates (no database, no I/O). Distances are in centimetres.
 *
 *   const layout = deriveLayout(locations, putWall);
 *   const { route, length } = planRoute(layout, undefined, picks);
 *   const batches = planWave(layout, orders, { maxOrders: 20, maxUnits: 200 });
 */
import { BatchCaps, BatchOrder, batchOrders } from './batching';
import { Layout, PickPoint, Point, RoutePick, UnplacedPick, isPlacedPick } from './layout';
import { optimalRoute } from './optimal';

export { deriveLayout, pickAt, isPlacedPick } from './layout';
export type { Aisle, Layout, LayoutLocation, LayoutOptions, PickPoint, PlacedLocation, Point, RoutePick, UnplacedPick } from './layout';
export { walkingDistance, tourLength } from './distance';
export { sShapeRoute } from './sshape';
export { optimalRoute } from './optimal';
export type { Route } from './optimal';
export { batchOrders } from './batching';
export type { BatchCaps, BatchOrder } from './batching';

export interface PlannedRoute<T> {
  /** Placed picks in walking order, then unplaced ones in pick_seq order. */
  route: T[];
  /** Depot → placed picks → depot, cm. Unplaced picks are not counted. */
  length: number;
  unplaced: number;
}

export interface PlannedBatch<T> extends PlannedRoute<T> {
  orderIds: number[];
}

/** The shortest walking order of the picks, from the depot (default: the layout's) and back. */
export function planRoute<T extends RoutePick>(layout: Layout, depot: Point | null | undefined, picks: readonly T[]): PlannedRoute<T> {
  const placed: Array<T & PickPoint> = [];
  const unplaced: Array<T & UnplacedPick> = [];
  for (const p of picks) {
    if (isPlacedPick(p)) placed.push(p as T & PickPoint);
    else unplaced.push(p as T & UnplacedPick);
  }
  unplaced.sort((a, b) => (a.pickSeq ?? Infinity) - (b.pickSeq ?? Infinity) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const { route, length } = optimalRoute(layout, depot ?? layout.depot, placed);
  return { route: [...route, ...unplaced], length, unplaced: unplaced.length };
}

/** Batches the orders (see batching.ts) and routes each batch. */
export function planWave<T extends RoutePick>(layout: Layout, orders: readonly BatchOrder<T>[], caps: BatchCaps, depot?: Point): PlannedBatch<T>[] {
  const at = depot ?? layout.depot;
  const byId = new Map(orders.map((o) => [o.id, o]));
  if (byId.size !== orders.length) throw new Error('order ids in a wave must be unique');
  return batchOrders(orders, caps, layout, at).map((orderIds) => ({
    orderIds,
    ...planRoute(
      layout,
      at,
      orderIds.flatMap((id) => byId.get(id)!.picks),
    ),
  }));
}
