import { planRoute, sShapeRoute, tourLength } from '../../../server/waves/routing';
import { exactRoute, heldKarp } from '../../../server/waves/routing/exact';
import { optimalRoute } from '../../../server/waves/routing/optimal';
import { gridLayout, randomDepot, randomPicks, rng, smallLayout } from './fixtures';

const keys = (r: { route: Array<{ key: string }> }) => r.route.map((p) => p.key);

describe('Held–Karp', () => {
  test('four corners of a square: around the edge', () => {
    // 0 (0,0), 1 (0,1), 2 (1,1), 3 (1,0) with Manhattan distances
    const pts = [
      [0, 0],
      [0, 1],
      [1, 1],
      [1, 0],
    ];
    const d = pts.map(([x1, y1]) => pts.map(([x2, y2]) => Math.abs(x1 - x2) + Math.abs(y1 - y2)));
    const r = heldKarp(d);
    expect(r.length).toBe(4);
    expect([[1, 2, 3], [3, 2, 1]]).toContainEqual(r.order);
  });

  test('no picks, one pick', () => {
    expect(heldKarp([[0]])).toEqual({ order: [], length: 0 });
    expect(heldKarp([[0, 5], [5, 0]])).toEqual({ order: [1], length: 10 });
  });
});

describe('the router (Ratliff & Rosenthal)', () => {
  const layout = smallLayout();

  test('a hand-made case: one loop through the outer aisles, the middle pick from the front', () => {
    const picks = [
      { key: 'A', x: 100, y: 500 },
      { key: 'B', x: 400, y: 300 },
      { key: 'C', x: 700, y: 800 },
    ];
    const r = optimalRoute(layout, layout.depot, picks);
    // dock spur 2·100, aisle 1 up 1000, back 600, aisle 3 down 1000, front 600, B from the front 2·200
    expect(r.length).toBe(3800);
    expect(tourLength(layout, layout.depot, r.route)).toBe(3800);
    expect(sShapeRoute(layout, layout.depot, picks).length).toBe(4200);
  });

  test('a depot inside an aisle with every pick in it: up and back down, never to a cross-aisle', () => {
    const depot = { x: 400, y: 600 };
    const r = optimalRoute(layout, depot, [
      { key: 'low', x: 400, y: 300 },
      { key: 'high', x: 400, y: 900 },
      { key: 'mid', x: 400, y: 700 },
    ]);
    expect(r.length).toBe(2 * 600);
    expect(keys(r)).toEqual(['mid', 'high', 'low']);
  });

  test('nothing to pick; the same bay twice', () => {
    expect(optimalRoute(layout, layout.depot, [])).toEqual({ route: [], length: 0 });
    const r = optimalRoute(layout, layout.depot, [
      { key: 'x', x: 700, y: 500 },
      { key: 'y', x: 700, y: 500 },
    ]);
    expect(r.length).toBe(2 * (100 + 600 + 400));
    expect(keys(r).sort()).toEqual(['x', 'y']);
  });

  test('equals Held–Karp on 600 random small instances (up to 9 picks, random depots)', () => {
    const next = rng(2026);
    const misses: string[] = [];
    for (let t = 0; t < 600; t++) {
      const l = gridLayout(1 + Math.floor(next() * 12), 2 + Math.floor(next() * 25));
      const depot = randomDepot(l, next);
      const picks = randomPicks(l, 1 + Math.floor(next() * 9), next);
      const ours = optimalRoute(l, depot, picks);
      const exact = exactRoute(l, depot, picks);
      const walked = tourLength(l, depot, ours.route);
      const isPermutation = [...keys(ours)].sort().join() === [...picks.map((p) => p.key)].sort().join();
      if (ours.length !== exact.length || walked !== ours.length || !isPermutation) {
        misses.push(JSON.stringify({ t, depot, picks, ours: ours.length, walked, exact: exact.length }));
      }
    }
    expect(misses).toEqual([]);
  });

  test('never longer than S-shape (300 random instances, 1 to 60 picks)', () => {
    const next = rng(7);
    let ours = 0;
    let sshape = 0;
    for (let t = 0; t < 300; t++) {
      const l = gridLayout(2 + Math.floor(next() * 30), 10 + Math.floor(next() * 20));
      const depot = randomDepot(l, next);
      const picks = randomPicks(l, 1 + Math.floor(next() * 60), next);
      const a = optimalRoute(l, depot, picks);
      const s = sShapeRoute(l, depot, picks);
      expect(a.length).toBeLessThanOrEqual(s.length);
      expect(tourLength(l, depot, a.route)).toBe(a.length);
      ours += a.length;
      sshape += s.length;
    }
    expect(ours).toBeLessThan(sshape);
  });
});

describe('planRoute', () => {
  const layout = smallLayout();

  test('unplaced picks go last in pick_seq order and add nothing to the length', () => {
    const r = planRoute(layout, undefined, [
      { key: 'u9', x: null, y: null, pickSeq: 9 },
      { key: 'p', x: 400, y: 300 },
      { key: 'u-', x: null, y: null, pickSeq: null },
      { key: 'u2', x: null, y: null, pickSeq: 2 },
    ]);
    expect(keys(r)).toEqual(['p', 'u2', 'u9', 'u-']);
    expect(r.length).toBe(2 * (100 + 300 + 200));
    expect(r.unplaced).toBe(3);
  });

  test('keeps the caller’s fields and uses the layout’s depot unless given one', () => {
    const picks = [
      { key: 'a', x: 700, y: 1000, taskId: 1 },
      { key: 'b', x: 100, y: 1000, taskId: 2 },
    ];
    const fromDock = planRoute(layout, null, picks);
    expect(fromDock.route.map((p) => p.taskId).sort()).toEqual([1, 2]);
    expect(fromDock.length).toBe(tourLength(layout, layout.depot, fromDock.route));
    const fromWall = planRoute(layout, { x: 700, y: 1200 }, picks);
    // wall → back (100), down to a and back (2·100), along the back (600), down to b and back (2·100), along (600), wall (100)
    expect(fromWall.length).toBe(1800);
  });
});
