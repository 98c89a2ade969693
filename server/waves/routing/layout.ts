/**
 * The walking layout of a warehouse, derived from its locations' coordinates.
 *
 * Model: one block of parallel aisles running along y, with a front cross-aisle below every
 * aisle and a back cross-aisle above every aisle (Ratliff & Rosenthal's single-block warehouse).
 * Every distance is in centimetres, as the database stores `x_cm`/`y_cm`; integer coordinates
 * give integer distances, so routes can be compared exactly.
 *
 * Rules (see deriveLayout):
 * - Storage locations with both coordinates are grouped into aisles by x: sorted by x, a
 *   location joins the current aisle while its x is less than `aisleToleranceCm` (80 cm) beyond
 *   the aisle's smallest x, otherwise it opens the next aisle. An aisle is never wider than the
 *   tolerance, so a slow drift in x cannot chain two aisles together.
 * - An aisle's walking line is the mean x of its locations (rounded to the centimetre); it spans
 *   [min y, max y] of its locations.
 * - The front cross-aisle runs at (lowest y of any aisle − 1 m), the back one at (highest y + 1 m).
 *   A shorter aisle is taken to open onto both cross-aisles (the floor past its last bay is
 *   walkable), so every aisle is a passage from front to back.
 * - Docks, staging lanes and put walls are not aisles (they are where a tour starts and ends).
 *   Any point that is not in an aisle stands on its own line at its own x and is reached from the
 *   nearer cross-aisle; beside the block (left of the first aisle or right of the last, beyond the
 *   tolerance) the floor is open, so such a line also runs from front to back.
 * - Locations without coordinates cannot be placed: routes visit them last, in pick_seq order
 *   (then code), and they add nothing to the route length.
 */

export interface Point {
  x: number;
  y: number;
}

/** Where a picker stands to pick (cm). `key` is the caller's: a pick task, a location code. */
export interface PickPoint {
  key: string;
  x: number;
  y: number;
}

/** A pick at a location without coordinates: routed after every placed pick, in pick_seq order. */
export interface UnplacedPick {
  key: string;
  x: null;
  y: null;
  pickSeq: number | null;
}

export type RoutePick = PickPoint | UnplacedPick;

export interface Aisle {
  index: number;
  /** The walking line (cm). */
  x: number;
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
  locations: number;
}

export interface PlacedLocation {
  id: number;
  code: string;
  /** Where the picker stands: the aisle's line at the location's y; null if unplaced. */
  x: number | null;
  y: number | null;
  aisle: number | null;
  pickSeq: number | null;
}

export interface Layout {
  /** Sorted by x; `aisles[i].index === i`. */
  aisles: Aisle[];
  /** y of the front cross-aisle (cm). */
  front: number;
  /** y of the back cross-aisle (cm). */
  back: number;
  /** Where tours start and end unless the caller names another point. */
  depot: Point;
  toleranceCm: number;
  locations: ReadonlyMap<number, PlacedLocation>;
}

export interface LayoutLocation {
  id: number;
  code: string;
  xCm: number | null;
  yCm: number | null;
  pickSeq: number | null;
  /** Location type; docks, staging lanes and put walls do not form aisles. */
  type?: string | null;
}

export interface LayoutOptions {
  aisleToleranceCm?: number;
  crossAisleClearanceCm?: number;
}

const NOT_AISLES = new Set(['dock', 'staging', 'putwall']);

export function deriveLayout(locations: readonly LayoutLocation[], depot: Point, options: LayoutOptions = {}): Layout {
  const tolerance = options.aisleToleranceCm ?? 80;
  const clearance = options.crossAisleClearanceCm ?? 100;
  const storage = locations
    .filter((l) => isPlaced(l) && !(l.type && NOT_AISLES.has(l.type)))
    .sort((a, b) => a.xCm! - b.xCm! || a.yCm! - b.yCm! || a.id - b.id);

  const members: LayoutLocation[][] = [];
  for (const l of storage) {
    const current = members[members.length - 1];
    if (current && l.xCm! - current[0].xCm! < tolerance) current.push(l);
    else members.push([l]);
  }
  const aisleOf = new Map<number, number>();
  const aisles: Aisle[] = members.map((group, index) => {
    let sum = 0;
    let yMin = Infinity;
    let yMax = -Infinity;
    for (const l of group) {
      sum += l.xCm!;
      yMin = Math.min(yMin, l.yCm!);
      yMax = Math.max(yMax, l.yCm!);
      aisleOf.set(l.id, index);
    }
    return { index, x: Math.round(sum / group.length), xMin: group[0].xCm!, xMax: group[group.length - 1].xCm!, yMin, yMax, locations: group.length };
  });
  // Without aisles there is nothing to walk around: one line through the depot stands for both.
  const front = aisles.length ? Math.min(...aisles.map((a) => a.yMin)) - clearance : depot.y;
  const back = aisles.length ? Math.max(...aisles.map((a) => a.yMax)) + clearance : depot.y;

  const layout: Layout = { aisles, front, back, depot: { x: depot.x, y: depot.y }, toleranceCm: tolerance, locations: new Map() };
  const placed = layout.locations as Map<number, PlacedLocation>;
  for (const l of locations) {
    const base = { id: l.id, code: l.code, pickSeq: l.pickSeq };
    if (!isPlaced(l)) {
      placed.set(l.id, { ...base, x: null, y: null, aisle: null });
      continue;
    }
    const aisle = aisleOf.get(l.id);
    if (aisle !== undefined) {
      placed.set(l.id, { ...base, x: aisles[aisle].x, y: l.yCm!, aisle });
    } else {
      const site = siteOf(layout, { x: l.xCm!, y: l.yCm! });
      placed.set(l.id, { ...base, x: site.x, y: l.yCm!, aisle: site.aisle >= 0 ? site.aisle : null });
    }
  }
  return layout;
}

function isPlaced(l: LayoutLocation) {
  return l.xCm !== null && l.yCm !== null && Number.isFinite(l.xCm) && Number.isFinite(l.yCm);
}

/** The pick (or unplaced pick) for a location; throws for a location the layout does not know. */
export function pickAt(layout: Layout, locationId: number, key?: string): RoutePick {
  const l = layout.locations.get(locationId);
  if (!l) throw new Error(`location ${locationId} is not in this layout`);
  const k = key ?? l.code;
  if (l.x === null || l.y === null) return { key: k, x: null, y: null, pickSeq: l.pickSeq };
  return { key: k, x: l.x, y: l.y };
}

export function isPlacedPick(p: RoutePick): p is PickPoint {
  return p.x !== null && p.y !== null;
}

/**
 * Where a point sits in the walking graph. `aisle >= 0`: on that aisle's line. Otherwise on a
 * line of its own at x (`aisle === -1`), which runs from the front to the back cross-aisle only
 * beside the block (`passable`); inside the block's x-range such a point is outside the aisles
 * in y (a dock in front, a put wall behind) and is reached along a spur from the nearer
 * cross-aisle.
 */
export interface Site {
  aisle: number;
  x: number;
  y: number;
  passable: boolean;
}

export function siteOf(layout: Layout, p: Point): Site {
  const { aisles, toleranceCm: tol } = layout;
  if (!aisles.length) return { aisle: -1, x: p.x, y: p.y, passable: true };
  const inX = p.x >= aisles[0].x - tol && p.x <= aisles[aisles.length - 1].x + tol;
  if (!inX) return { aisle: -1, x: p.x, y: p.y, passable: true };
  if (p.y < layout.front || p.y > layout.back) return { aisle: -1, x: p.x, y: p.y, passable: false };
  const i = nearestAisle(layout, p.x);
  return { aisle: i, x: aisles[i].x, y: p.y, passable: true };
}

/** Index of the aisle whose line is nearest to x (the lower one on a tie). */
export function nearestAisle(layout: Layout, x: number): number {
  const a = layout.aisles;
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid].x < x) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && x - a[lo - 1].x <= a[lo].x - x) return lo - 1;
  return lo;
}

/** Same walking line? Aisles by index; own lines by x (their passability follows from x). */
export function sameLine(s: Site, t: Site): boolean {
  return s.aisle === t.aisle && (s.aisle >= 0 || s.x === t.x);
}
