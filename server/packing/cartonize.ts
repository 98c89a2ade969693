/**
 * Cartonization for the pack station: which of the station's cartons is the smallest that takes
 * the whole order. Pure: no I/O, no imports.
 *
 * Geometry is a 3D bin-packing heuristic (first-fit decreasing over extreme points, restarted with
 * a few unit orders and orientation preferences), so "fits" means we found a real placement; a
 * "does not fit" can, rarely, be a packing the heuristic missed. The packer has the last word.
 * Cost is bounded three ways: cheap checks first (weight, any unit too big, total volume), a
 * counted work cap per carton, and placing in as few cartons as nesting allows (see suggestCarton).
 */

export interface CartonType { code: string; name: string; lengthMm: number; widthMm: number; heightMm: number; maxWeightG: number | null; tareG: number }
export interface PackItem { skuCode: string; qty: number; weightG: number; lengthMm: number | null; widthMm: number | null; heightMm: number | null }
export interface CartonOption extends CartonType { fits: boolean; /** why not, in English, when it does not fit */ why: string | null; fillPct: number | null }
export interface CartonSuggestion { suggested: string | null; reason: string; options: CartonOption[] }

/** One unit with known dimensions, in any order. */
export interface PackUnit { skuCode: string; lengthMm: number; widthMm: number; heightMm: number }
export type CartonSize = Pick<CartonType, 'lengthMm' | 'widthMm' | 'heightMm'>;
/** Where unit `index` (into the list given to packInto) sits: corner at (x, y, z), extents along the carton's length (x), width (y), height (z). */
export interface Placement { index: number; skuCode: string; x: number; y: number; z: number; lengthMm: number; widthMm: number; heightMm: number }

/** Above this many units, placing them one by one costs too much at a scan; sizes are judged by volume. */
export const MAX_PLACED_UNITS = 500;
/** Share of a carton's volume that loose units can be counted on to fill when judged by volume only. */
export const BULK_FILL = 0.85;

type Dims = [number, number, number];
/**
 * An extreme point. `dead`: the size (signature id) of the last unit that fitted nowhere on it.
 * `rx, ry, rz`: free run from it along each axis to the first box or wall, so a turn longer than
 * that is rejected without the box-by-box test. `hint`: the box that last got in the way there.
 */
interface Point { x: number; y: number; z: number; dead: number; rx: number; ry: number; rz: number; hint: number }
interface Box { x: number; y: number; z: number; dx: number; dy: number; dz: number }

const PERMS: ReadonlyArray<Dims> = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
const sortedDims = (d: Dims): Dims => [...d].sort((a, b) => a - b) as Dims;
const volumeOf = (d: Dims) => d[0] * d[1] * d[2];
const fitsInside = (unit: Dims, box: Dims) => unit[0] <= box[0] && unit[1] <= box[1] && unit[2] <= box[2];

/** The distinct ways a unit can be turned (a cube has one, a square bar three, a plain box six). */
function orientations(d: Dims): Dims[] {
  const out: Dims[] = [];
  for (const p of PERMS) {
    const o: Dims = [d[p[0]], d[p[1]], d[p[2]]];
    if (!out.some((q) => q[0] === o[0] && q[1] === o[1] && q[2] === o[2])) out.push(o);
  }
  return out;
}

interface Strategy {
  order: (a: Dims, b: Dims) => number;
  /** Orientation preference: flat (lowest first, long side along the carton) or standing. */
  flat: boolean;
  /** Extreme points tried bottom-up (z, y, x) or back-to-front (x, y, z). */
  bottomFirst: boolean;
}

const byVolume = (a: Dims, b: Dims) => volumeOf(b) - volumeOf(a);
const byLongest = (a: Dims, b: Dims) => b[2] - a[2];
const STRATEGIES: Strategy[] = [
  { order: byVolume, flat: true, bottomFirst: true },
  { order: byVolume, flat: false, bottomFirst: true },
  { order: byVolume, flat: true, bottomFirst: false },
  { order: byLongest, flat: true, bottomFirst: true },
  { order: byLongest, flat: false, bottomFirst: false },
];
/** Up to this many units, the first strategy is also restarted with the first unit turned each way. */
const TURN_RESTARTS_UP_TO = 12;
/**
 * Cap on the work of one packInto call, counted in box-against-box tests. Counting rather than
 * timing keeps the answer the same on a slow machine; a carton that runs out is reported as not
 * fitting, which only happens when it is nearly full anyway.
 */
const WORK_LIMIT = 100_000;

/** What packing needs from the units, worked out once for all the cartons of a suggestion. */
interface Prepared {
  units: PackUnit[];
  /** Sorted dimensions of each unit. */
  sorted: Dims[];
  /** Same id for units of the same size. */
  sig: number[];
  flatTurns: Dims[][];
  standingTurns: Dims[][];
  /** Unit order for each strategy: identical units next to each other, so a dead point is remembered across the run. */
  orders: number[][];
  volume: number;
}

function prepare(units: PackUnit[]): Prepared | null {
  const dims = units.map((u): Dims => [u.lengthMm, u.widthMm, u.heightMm]);
  if (!dims.every((d) => d.every((v) => Number.isFinite(v) && v > 0))) return null;
  const sorted = dims.map(sortedDims);
  const ids = new Map<string, number>();
  const sig = sorted.map((d) => { const k = d.join(','); const id = ids.get(k) ?? ids.size; ids.set(k, id); return id; });
  const turnsOf = new Map<number, [Dims[], Dims[]]>();
  for (let i = 0; i < units.length; i++) {
    if (turnsOf.has(sig[i])) continue;
    const all = orientations(sorted[i]);
    turnsOf.set(sig[i], [
      [...all].sort((a, b) => a[2] - b[2] || b[0] - a[0] || b[1] - a[1]),
      [...all].sort((a, b) => b[2] - a[2] || b[0] - a[0] || b[1] - a[1]),
    ]);
  }
  return {
    units,
    sorted,
    sig,
    flatTurns: sig.map((g) => turnsOf.get(g)![0]),
    standingTurns: sig.map((g) => turnsOf.get(g)![1]),
    orders: STRATEGIES.map((s) => units.map((_, i) => i).sort((a, b) => s.order(sorted[a], sorted[b]) || sig[a] - sig[b] || a - b)),
    volume: sorted.reduce((v, d) => v + volumeOf(d), 0),
  };
}

/**
 * Places every unit inside the carton without overlap, axis-aligned, each turned any of its six
 * ways; the placements, or null when the heuristic finds none. Tries each strategy in turn, and
 * for a few units the first (largest) unit in each of its turns, so two units are always placed
 * when they can be.
 */
export function packInto(units: PackUnit[], carton: CartonSize): Placement[] | null {
  const prep = prepare(units);
  return prep ? packPrepared(prep, carton) : null;
}

function packPrepared(prep: Prepared, carton: CartonSize): Placement[] | null {
  const { units, sorted, orders } = prep;
  if (!units.length) return [];
  const box: Dims = [carton.lengthMm, carton.widthMm, carton.heightMm];
  if (!box.every((v) => Number.isFinite(v) && v > 0)) return null;
  const cb = sortedDims(box);
  if (prep.volume > volumeOf(box) || sorted.some((d) => !fitsInside(d, cb))) return null;

  const work = { left: WORK_LIMIT };
  for (let s = 0; s < STRATEGIES.length; s++) {
    const { flat, bottomFirst } = STRATEGIES[s];
    const order = orders[s];
    // Skip a strategy that would repeat an earlier one exactly.
    if (STRATEGIES.slice(0, s).some((t, r) => t.flat === flat && t.bottomFirst === bottomFirst && orders[r].every((v, i) => v === order[i]))) continue;
    const firstTurns = s === 0 && units.length <= TURN_RESTARTS_UP_TO ? orientations(sorted[order[0]]) : [null];
    for (const first of firstTurns) {
      const placed = greedy(prep, order, flat ? prep.flatTurns : prep.standingTurns, box, bottomFirst, first, work);
      if (placed) return placed.map((b, k) => ({ index: order[k], skuCode: units[order[k]].skuCode, x: b.x, y: b.y, z: b.z, lengthMm: b.dx, widthMm: b.dy, heightMm: b.dz }));
      if (work.left <= 0) return null;
    }
  }
  return null;
}

/** First fit over extreme points: each unit goes to the first point (in rank order) where one of its turns fits. */
function greedy(prep: Prepared, order: number[], turns: Dims[][], box: Dims, bottomFirst: boolean, firstTurn: Dims | null, work: { left: number }): Box[] | null {
  const [L, W, H] = box;
  const { sig } = prep;
  const n = order.length;
  // Placed boxes as parallel arrays: this is the hot loop, and allocation is what costs.
  const x0 = new Float64Array(n), y0 = new Float64Array(n), z0 = new Float64Array(n);
  const x1 = new Float64Array(n), y1 = new Float64Array(n), z1 = new Float64Array(n);
  let m = 0;
  const rank = bottomFirst
    ? (a: Point, b: Point) => a.z - b.z || a.y - b.y || a.x - b.x
    : (a: Point, b: Point) => a.x - b.x || a.y - b.y || a.z - b.z;
  // The smallest side among the units still to place: a point with less room than that is dropped.
  const room = new Float64Array(n + 1).fill(Infinity);
  for (let k = n - 1; k >= 0; k--) room[k] = Math.min(room[k + 1], prep.sorted[order[k]][0]);
  const blocks = (p: Point, j: number, ax: number, ay: number, az: number) =>
    p.x < x1[j] && x0[j] < ax && p.y < y1[j] && y0[j] < ay && p.z < z1[j] && z0[j] < az;
  const inside = (x: number, y: number, z: number, j: number) =>
    x0[j] <= x && x < x1[j] && y0[j] <= y && y < y1[j] && z0[j] <= z && z < z1[j];
  /** Shortens p's free runs by box j when j lies ahead of it. */
  const shorten = (p: Point, j: number) => {
    if (x0[j] >= p.x && y0[j] <= p.y && p.y < y1[j] && z0[j] <= p.z && p.z < z1[j]) p.rx = Math.min(p.rx, x0[j] - p.x);
    if (y0[j] >= p.y && x0[j] <= p.x && p.x < x1[j] && z0[j] <= p.z && p.z < z1[j]) p.ry = Math.min(p.ry, y0[j] - p.y);
    if (z0[j] >= p.z && x0[j] <= p.x && p.x < x1[j] && y0[j] <= p.y && p.y < y1[j]) p.rz = Math.min(p.rz, z0[j] - p.z);
  };
  /** How far back a point can slide along one axis before a box (or the wall) stops it. */
  const slideX = (x: number, y: number, z: number) => { let to = 0; for (let j = 0; j < m; j++) if (x1[j] <= x && x1[j] > to && y0[j] <= y && y < y1[j] && z0[j] <= z && z < z1[j]) to = x1[j]; return to; };
  const slideY = (x: number, y: number, z: number) => { let to = 0; for (let j = 0; j < m; j++) if (y1[j] <= y && y1[j] > to && x0[j] <= x && x < x1[j] && z0[j] <= z && z < z1[j]) to = y1[j]; return to; };
  const slideZ = (x: number, y: number, z: number) => { let to = 0; for (let j = 0; j < m; j++) if (z1[j] <= z && z1[j] > to && x0[j] <= x && x < x1[j] && y0[j] <= y && y < y1[j]) to = z1[j]; return to; };

  let points: Point[] = [{ x: 0, y: 0, z: 0, dead: -1, rx: L, ry: W, rz: H, hint: -1 }];
  const addPoint = (x: number, y: number, z: number, minRoom: number) => {
    if (x >= L || y >= W || z >= H) return;
    for (const q of points) if (q.x === x && q.y === y && q.z === z) return;
    work.left -= m + 1;
    const p: Point = { x, y, z, dead: -1, rx: L - x, ry: W - y, rz: H - z, hint: -1 };
    for (let j = 0; j < m; j++) {
      if (inside(x, y, z, j)) return;
      shorten(p, j);
    }
    if (p.rx < minRoom || p.ry < minRoom || p.rz < minRoom) return;
    // Points stay in rank order: insert rather than sort.
    let lo = 0, hi = points.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (rank(points[mid], p) < 0) lo = mid + 1; else hi = mid; }
    points.splice(lo, 0, p);
  };

  const out: Box[] = [];
  for (let k = 0; k < n; k++) {
    const u = order[k];
    const ts = k === 0 && firstTurn ? [firstTurn] : turns[u];
    let at: Box | null = null;
    for (const p of points) {
      if (p.dead === sig[u]) continue; // the carton only gets fuller: a unit of this size failed here before
      for (const t of ts) {
        if (t[0] > p.rx || t[1] > p.ry || t[2] > p.rz) continue;
        const ax = p.x + t[0], ay = p.y + t[1], az = p.z + t[2];
        if (p.hint >= 0 && blocks(p, p.hint, ax, ay, az)) continue;
        work.left -= m + 1;
        let j = m - 1;
        while (j >= 0 && !blocks(p, j, ax, ay, az)) j--;
        if (j >= 0) p.hint = j;
        else {
          at = { x: p.x, y: p.y, z: p.z, dx: t[0], dy: t[1], dz: t[2] };
          break;
        }
      }
      if (at) break;
      p.dead = sig[u];
    }
    if (!at || work.left < 0) return null;
    out.push(at);
    const b = m++;
    x0[b] = at.x; y0[b] = at.y; z0[b] = at.z;
    x1[b] = at.x + at.dx; y1[b] = at.y + at.dy; z1[b] = at.z + at.dz;

    const minRoom = room[k + 1];
    let keep = 0;
    for (const p of points) {
      if (inside(p.x, p.y, p.z, b)) continue;
      shorten(p, b);
      if (p.rx >= minRoom && p.ry >= minRoom && p.rz >= minRoom) points[keep++] = p;
    }
    points.length = keep;
    // New extreme points: the box's three outer corners, as they are and slid back along each of
    // the other two axes onto whatever stops them first.
    const [bx, by, bz, ex, ey, ez] = [x0[b], y0[b], z0[b], x1[b], y1[b], z1[b]];
    addPoint(ex, by, bz, minRoom);
    addPoint(ex, slideY(ex, by, bz), bz, minRoom);
    addPoint(ex, by, slideZ(ex, by, bz), minRoom);
    addPoint(bx, ey, bz, minRoom);
    addPoint(slideX(bx, ey, bz), ey, bz, minRoom);
    addPoint(bx, ey, slideZ(bx, ey, bz), minRoom);
    addPoint(bx, by, ez, minRoom);
    addPoint(slideX(bx, by, ez), by, ez, minRoom);
    addPoint(bx, slideY(bx, by, ez), ez, minRoom);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The suggestion

interface Unit { skuCode: string; weightG: number; dims: Dims | null }

const kg = (g: number) => (g < 1000 ? `${Math.round(g)} g` : `${Number((g / 1000).toFixed(2))} kg`);
const litres = (mm3: number) => `${Number((mm3 / 1e6).toFixed(1))} L`;
const mm = (d: Dims) => `${d.join('×')} mm`;
const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
const sizeOf = (c: CartonType): Dims => [c.lengthMm, c.widthMm, c.heightMm];
const limitOf = (c: CartonType) => (c.maxWeightG === null || c.maxWeightG === undefined ? Infinity : c.maxWeightG);

function unitsOf(items: PackItem[]): Unit[] {
  const out: Unit[] = [];
  for (const it of items) {
    const d: Dims = [Number(it.lengthMm), Number(it.widthMm), Number(it.heightMm)];
    const known = [it.lengthMm, it.widthMm, it.heightMm].every((v) => v !== null && v !== undefined) && d.every((v) => Number.isFinite(v) && v > 0);
    const qty = Math.max(0, Math.floor(Number(it.qty) || 0));
    for (let i = 0; i < qty; i++) out.push({ skuCode: it.skuCode, weightG: Math.max(0, Number(it.weightG) || 0), dims: known ? d : null });
  }
  return out;
}

/** A unit too big for the carton however it is turned. */
function tooBigFor(units: Unit[], c: Dims): Unit | null {
  const cs = sortedDims(c);
  for (const u of units) {
    if (!u.dims) continue;
    const s = sortedDims(u.dims);
    if (s[0] > cs[0] || s[1] > cs[1] || s[2] > cs[2]) return u;
  }
  return null;
}

export function suggestCarton(items: PackItem[], cartons: CartonType[]): CartonSuggestion {
  const units = unitsOf(items);
  const sized = units.filter((u) => u.dims) as Array<Unit & { dims: Dims }>;
  const packUnits: PackUnit[] = sized.map((u) => ({ skuCode: u.skuCode, lengthMm: u.dims[0], widthMm: u.dims[1], heightMm: u.dims[2] }));
  const unsized = units.length - sized.length;
  const prepared = sized.length <= MAX_PLACED_UNITS ? prepare(packUnits) : null;
  const bulk = sized.length > MAX_PLACED_UNITS;
  const weightG = units.reduce((g, u) => g + u.weightG, 0);
  const volume = sized.reduce((v, u) => v + volumeOf(u.dims), 0);
  const biggest = sized.reduce<(Unit & { dims: Dims }) | null>((a, u) => (!a || volumeOf(u.dims) > volumeOf(a.dims) ? u : a), null);

  /** The checks that need no placing; undefined when only placing the units can tell. */
  const quickCheck = (c: CartonType): CartonOption | undefined => {
    const size = sizeOf(c);
    const cv = volumeOf(size);
    const gross = weightG + (Number(c.tareG) || 0);
    const option = (fits: boolean, why: string | null): CartonOption => ({ ...c, fits, why, fillPct: cv > 0 && sized.length ? Math.round((100 * volume) / cv) : null });
    if (!size.every((v) => Number.isFinite(v) && v > 0)) return option(false, 'the carton has no size set');
    const big = tooBigFor(sized, size);
    const bigWhy = big ? `${big.skuCode} (${mm(big.dims!)}) is too big for it however it is turned` : null;
    if (gross > limitOf(c)) return option(false, [`${kg(gross)} with the carton is over its ${kg(limitOf(c))} limit`, bigWhy].filter(Boolean).join('; '));
    if (bigWhy) return option(false, bigWhy);
    if (volume > cv) return option(false, `the items take ${litres(volume)}, more than its ${litres(cv)}`);
    if (bulk) {
      if (volume > BULK_FILL * cv) return option(false, `${sized.length} units are too many to place one by one; by volume at ${BULK_FILL * 100}% fill they need ${litres(volume / BULK_FILL)}, more than its ${litres(cv)}`);
      return option(true, null);
    }
    if (!sized.length) return option(true, null);
    return undefined;
  };
  const sorted = [...cartons].sort((a, b) => volumeOf(sizeOf(a)) - volumeOf(sizeOf(b)) || limitOf(a) - limitOf(b) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  const quick = sorted.map(quickCheck);
  // Placing is the cost, so place as few times as possible: a carton at least as big on every
  // side (turned to match) as one the units went into takes the same placement turned with it;
  // one no bigger on any side than a carton they did not go into is not tried either. Trying the
  // middle undecided carton first makes a set of nested cartons a binary search.
  const placed = new Map<number, boolean>();
  const turned = sorted.map((c) => sortedDims(sizeOf(c)));
  for (;;) {
    const open = sorted.map((_, i) => i).filter((i) => quick[i] === undefined && !placed.has(i));
    if (!open.length) break;
    const i = open[open.length >> 1];
    const ok = packPrepared(prepared!, sorted[i]) !== null;
    for (const j of open) if (ok ? fitsInside(turned[i], turned[j]) : fitsInside(turned[j], turned[i])) placed.set(j, ok);
  }
  const options = sorted.map((c, i) => quick[i] ?? {
    ...c,
    fits: placed.get(i)!,
    why: placed.get(i) ? null : `no way found to fit the ${plural(sized.length, 'unit')} in together`,
    fillPct: Math.round((100 * volume) / volumeOf(sizeOf(c))),
  });
  if (!cartons.length) return { suggested: null, reason: 'no cartons set up for this station', options };

  const notes: string[] = [];
  if (unsized) {
    const skus = [...new Set(units.filter((u) => !u.dims).map((u) => u.skuCode))];
    const named = skus.length > 3 ? `${skus.slice(0, 3).join(', ')}, …` : skus.join(', ');
    notes.push(`${plural(unsized, 'unit')} (${named}) ${unsized === 1 ? 'has' : 'have'} no dimensions, so this is by weight${sized.length ? ' and the other items' : ''} only`);
  }
  if (bulk) notes.push(`${sized.length} units are too many to place one by one, so sizes are judged by volume at ${BULK_FILL * 100}% fill`);
  const withNotes = (s: string) => [s, ...notes].join('; ');

  const best = options.find((o) => o.fits);
  if (best) {
    if (!units.length) return { suggested: best.code, reason: `nothing to pack; ${best.code} is the smallest carton`, options };
    const gross = weightG + (Number(best.tareG) || 0);
    const full = best.fillPct === null ? '' : `, ${best.fillPct}% full`;
    return { suggested: best.code, reason: withNotes(`${best.code} is the smallest carton that holds ${plural(units.length, 'unit')} (${kg(gross)} packed${full})`), options };
  }

  let cause: string;
  const allOverweight = cartons.every((c) => weightG + (Number(c.tareG) || 0) > limitOf(c));
  const giant = sized.find((u) => cartons.every((c) => tooBigFor([u], sizeOf(c))));
  const heaviestLimit = Math.max(...cartons.map(limitOf));
  if (allOverweight) cause = `they weigh ${kg(weightG)}, more than any carton takes (${kg(heaviestLimit)} at most)`;
  else if (giant) {
    cause = `${giant.skuCode} (${mm(giant.dims)}) is bigger than every carton`;
  } else {
    cause = `together they take ${litres(volume)} and weigh ${kg(weightG)}${biggest ? `; the biggest is ${biggest.skuCode} (${mm(biggest.dims)})` : ''}`;
  }
  return { suggested: null, reason: withNotes(`no single carton holds all ${plural(units.length, 'unit')}: ${cause}; use more than one carton or a bigger one`), options };
}
