import { deriveLayout, Layout, LayoutLocation, PickPoint, Point } from '../../../server/waves/routing';

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Aisles 3 m apart from x = 2 m, bays 1.2 m apart from y = 2 m, as the demo seed lays them out. */
export function gridLocations(aisles: number, bays: number, x0 = 200): LayoutLocation[] {
  const out: LayoutLocation[] = [];
  let id = 0;
  for (let a = 0; a < aisles; a++) {
    for (let b = 0; b < bays; b++) {
      out.push({ id: ++id, code: `A${a + 1}-${b + 1}`, xCm: x0 + a * 300, yCm: 200 + b * 120, pickSeq: id });
    }
  }
  return out;
}

export function gridLayout(aisles: number, bays: number, depot: Point = { x: 200, y: 0 }): Layout {
  return deriveLayout(gridLocations(aisles, bays), depot);
}

/**
 * Three aisles at x = 1, 4, 7 m with bays every metre from y = 2 to 10 m: front cross-aisle at
 * y = 1 m, back at 11 m. The depot is 1 m in front of the first aisle.
 */
export function smallLayout(): Layout {
  const locations: LayoutLocation[] = [];
  for (const x of [100, 400, 700]) {
    for (let y = 200; y <= 1000; y += 100) locations.push({ id: locations.length + 1, code: `${x / 100}-${y / 100}`, xCm: x, yCm: y, pickSeq: locations.length + 1 });
  }
  return deriveLayout(locations, { x: 100, y: 0 });
}

/** Picks at random locations of the layout (repeats allowed: two orders may share a bay). */
export function randomPicks(layout: Layout, count: number, next: () => number): PickPoint[] {
  const locs = [...layout.locations.values()].filter((l) => l.x !== null);
  return Array.from({ length: count }, (_, i) => {
    const l = locs[Math.floor(next() * locs.length)];
    return { key: `${i}:${l.code}`, x: l.x!, y: l.y! };
  });
}

/** Depots a hub might use: a dock in front, a put wall behind, beside the block, in an aisle. */
export function randomDepot(layout: Layout, next: () => number): Point {
  const first = layout.aisles[0].x;
  const last = layout.aisles[layout.aisles.length - 1].x;
  const x = Math.round(first + next() * (last - first));
  const y = Math.round(layout.front + next() * (layout.back - layout.front));
  switch (Math.floor(next() * 5)) {
    case 0:
      return { x, y: layout.front - 100 };
    case 1:
      return { x, y: layout.back + 300 };
    case 2:
      return { x: last + 400, y };
    case 3:
      return { x: first - 300, y: layout.front - 200 };
    default:
      return { x, y };
  }
}
