import { deriveLayout, isPlacedPick, LayoutLocation, pickAt, planRoute, walkingDistance } from '../../../server/waves/routing';
import { exactRoute } from '../../../server/waves/routing/exact';
import { siteOf } from '../../../server/waves/routing/layout';
import { rng } from './fixtures';

const m = (metres: number) => Math.round(metres * 100);

/** The demo hub as server/demo/seed.ts lays it out. */
function demoLocations(): LayoutLocation[] {
  const rows: LayoutLocation[] = [];
  let seq = 0;
  const add = (code: string, x: number, y: number, type: string, pickSeq: number | null) =>
    rows.push({ id: rows.length + 1, code, xCm: m(x), yCm: m(y), pickSeq, type });
  const aisles = (prefix: string, count: number, bays: number, x0: number, type: string) => {
    for (let a = 1; a <= count; a++) {
      const order = Array.from({ length: bays }, (_, i) => i + 1);
      if (a % 2 === 0) order.reverse();
      for (const b of order) add(`${prefix}${String(a).padStart(2, '0')}-${String(b).padStart(2, '0')}`, x0 + (a - 1) * 3, 2 + (b - 1) * 1.2, type, ++seq);
    }
  };
  aisles('A', 6, 16, 2, 'pick');
  aisles('B', 2, 16, 20, 'bulk');
  aisles('C', 2, 12, 28, 'pick');
  aisles('F', 2, 10, 36, 'pick');
  for (let i = 1; i <= 4; i++) add(`DOCK-${i}`, i * 5, 0, 'dock', null);
  for (let i = 1; i <= 8; i++) add(`STG-${String(i).padStart(2, '0')}`, i * 2, 24, 'staging', null);
  for (let i = 1; i <= 24; i++) add(`PW-${String(i).padStart(2, '0')}`, 40 + (i % 6) * 0.5, 26 + Math.floor(i / 6) * 0.5, 'putwall', null);
  return rows;
}

describe('deriveLayout on the demo hub', () => {
  const locations = demoLocations();
  const putWall = { x: m(40), y: m(26) };
  const layout = deriveLayout(locations, putWall);
  const byCode = (code: string) => layout.locations.get(locations.find((l) => l.code === code)!.id)!;

  test('twelve aisles, one per aisle of the seed, with their lengths', () => {
    expect(layout.aisles.map((a) => a.x)).toEqual([2, 5, 8, 11, 14, 17, 20, 23, 28, 31, 36, 39].map(m));
    expect(layout.aisles.map((a) => a.locations)).toEqual([16, 16, 16, 16, 16, 16, 16, 16, 12, 12, 10, 10]);
    expect(layout.aisles[0]).toMatchObject({ yMin: 200, yMax: 2000 });
    expect(layout.aisles[8]).toMatchObject({ yMin: 200, yMax: 1520 });
    expect(layout.aisles[11]).toMatchObject({ yMin: 200, yMax: 1280 });
  });

  test('cross-aisles 1 m in front of the first bay and 1 m behind the deepest', () => {
    expect(layout.front).toBe(100);
    expect(layout.back).toBe(2100);
    expect(layout.depot).toEqual(putWall);
  });

  test('every storage location is in its aisle; docks, staging and put walls are not aisles', () => {
    expect(byCode('A01-01')).toMatchObject({ aisle: 0, x: 200, y: 200 });
    expect(byCode('A02-16')).toMatchObject({ aisle: 1, x: 500, y: 2000 });
    expect(byCode('C02-12')).toMatchObject({ aisle: 9, x: 3100, y: 1520 });
    expect(byCode('F02-01')).toMatchObject({ aisle: 11 });
    expect(byCode('DOCK-1')).toMatchObject({ aisle: null, x: 500, y: 0 });
    expect(byCode('STG-01')).toMatchObject({ aisle: null, y: 2400 });
    expect(byCode('PW-01')).toMatchObject({ aisle: null, x: 4050 });
    for (const l of locations.filter((l) => l.type === 'pick' || l.type === 'bulk')) expect(layout.locations.get(l.id)!.aisle).not.toBeNull();
  });

  test('the put wall stands beside the block, behind it; a dock stands in front', () => {
    expect(siteOf(layout, putWall)).toMatchObject({ aisle: -1, passable: true });
    expect(siteOf(layout, { x: m(5), y: 0 })).toMatchObject({ aisle: -1, passable: false });
  });

  test('routes from the put wall are optimal (Held–Karp) on the demo layout', () => {
    const next = rng(5);
    const storage = locations.filter((l) => l.type === 'pick' || l.type === 'bulk');
    for (let t = 0; t < 50; t++) {
      const picks = Array.from({ length: 1 + Math.floor(next() * 8) }, (_, i) => pickAt(layout, storage[Math.floor(next() * storage.length)].id, `p${i}`));
      const placed = picks.filter(isPlacedPick);
      expect(placed).toHaveLength(picks.length);
      expect(planRoute(layout, undefined, picks).length).toBe(exactRoute(layout, putWall, placed).length);
    }
  });
});

describe('deriveLayout on an irregular hub', () => {
  // Three aisles with racks on both faces a little off the line, of unequal lengths, and
  // locations whose coordinates were never measured.
  const locations: LayoutLocation[] = [
    { id: 1, code: 'A-1', xCm: 480, yCm: 300, pickSeq: 1 },
    { id: 2, code: 'A-2', xCm: 520, yCm: 1500, pickSeq: 2 },
    { id: 3, code: 'A-3', xCm: 495, yCm: 900, pickSeq: 3 },
    { id: 4, code: 'B-1', xCm: 830, yCm: 500, pickSeq: 4 },
    { id: 5, code: 'B-2', xCm: 870, yCm: 700, pickSeq: 5 },
    { id: 6, code: 'C-1', xCm: 1210, yCm: 250, pickSeq: 6 },
    { id: 7, code: 'C-2', xCm: 1190, yCm: 2400, pickSeq: 7 },
    { id: 8, code: 'U-1', xCm: null, yCm: null, pickSeq: 9 },
    { id: 9, code: 'U-2', xCm: 700, yCm: null, pickSeq: 8 },
  ];
  const layout = deriveLayout(locations, { x: 0, y: 0 });

  test('aisles by x within 80 cm, each on the mean x of its locations, spanning its own y', () => {
    expect(layout.aisles.map(({ x, xMin, xMax, yMin, yMax, locations: n }) => ({ x, xMin, xMax, yMin, yMax, n }))).toEqual([
      { x: 498, xMin: 480, xMax: 520, yMin: 300, yMax: 1500, n: 3 },
      { x: 850, xMin: 830, xMax: 870, yMin: 500, yMax: 700, n: 2 },
      { x: 1200, xMin: 1190, xMax: 1210, yMin: 250, yMax: 2400, n: 2 },
    ]);
    expect(layout.front).toBe(150);
    expect(layout.back).toBe(2500);
  });

  test('the picker stands on the aisle line at the bay’s y', () => {
    expect(pickAt(layout, 2)).toEqual({ key: 'A-2', x: 498, y: 1500 });
    expect(pickAt(layout, 4, 'task-7')).toEqual({ key: 'task-7', x: 850, y: 500 });
  });

  test('a short aisle still opens onto the back cross-aisle', () => {
    // B-2 (y 700) to C-2 (y 2400): up B and along the back is 1800 + 350 + 100 = 2250, via the front 550 + 350 + 2250
    expect(walkingDistance(layout, { x: 850, y: 700 }, { x: 1200, y: 2400 })).toBe(2250);
  });

  test('locations without coordinates are unplaced and come last, in pick_seq order', () => {
    expect(layout.locations.get(8)).toMatchObject({ x: null, y: null, aisle: null });
    expect(layout.locations.get(9)).toMatchObject({ x: null, y: null, aisle: null });
    const r = planRoute(layout, null, [8, 6, 9, 2].map((id) => pickAt(layout, id)));
    expect(r.route.map((p) => p.key)).toEqual(['C-1', 'A-2', 'U-2', 'U-1']);
    expect(r.unplaced).toBe(2);
  });

  test('the tolerance: less than 80 cm from the aisle’s first x joins it, 80 cm opens the next', () => {
    const l = deriveLayout(
      [100, 150, 179, 180, 259].map((x, i) => ({ id: i + 1, code: `L${i}`, xCm: x, yCm: 500, pickSeq: null })),
      { x: 0, y: 0 },
    );
    expect(l.aisles.map((a) => [a.xMin, a.xMax])).toEqual([
      [100, 179],
      [180, 259],
    ]);
  });

  test('no locations with coordinates: no aisles, every pick unplaced', () => {
    const l = deriveLayout([locations[7]], { x: 0, y: 0 });
    expect(l.aisles).toEqual([]);
    expect(planRoute(l, null, [pickAt(l, 8)])).toMatchObject({ length: 0, unplaced: 1 });
  });
});
