import { batchOrders, BatchOrder, PickPoint, planWave, RoutePick, tourLength } from '../../../server/waves/routing';
import { gridLayout, randomPicks, rng } from './fixtures';

// 10 aisles at x = 2, 5, ... 29 m; bays from y = 2 m; the dock in front of the first aisle
const layout = gridLayout(10, 20);
const aisleX = (a: number) => layout.aisles[a].x;
const at = (key: string, aisle: number, bay: number): PickPoint => ({ key, x: aisleX(aisle), y: 200 + bay * 120 });

function randomOrders(count: number, seed: number): BatchOrder<PickPoint>[] {
  const next = rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const picks = randomPicks(layout, 1 + Math.floor(next() * 5), next);
    return { id: 1000 + i, picks, units: 1 + Math.floor(next() * 20) };
  });
}

describe('batchOrders', () => {
  test('keeps the caps and batches every order exactly once', () => {
    const orders = randomOrders(500, 3);
    const caps = { maxOrders: 12, maxUnits: 80 };
    const batches = batchOrders(orders, caps, layout);
    const units = new Map(orders.map((o) => [o.id, o.units]));
    for (const b of batches) {
      expect(b.length).toBeGreaterThan(0);
      expect(b.length).toBeLessThanOrEqual(caps.maxOrders);
      expect(b.reduce((s, id) => s + units.get(id)!, 0)).toBeLessThanOrEqual(caps.maxUnits);
    }
    expect(batches.flat().sort()).toEqual(orders.map((o) => o.id).sort());
  });

  test('puts orders of the same aisle together, not in the order they came', () => {
    const orders: BatchOrder<PickPoint>[] = [
      { id: 1, picks: [at('1a', 1, 3)], units: 1 },
      { id: 2, picks: [at('2a', 8, 15), at('2b', 8, 12)], units: 2 },
      { id: 3, picks: [at('3a', 1, 5)], units: 1 },
      { id: 4, picks: [at('4a', 8, 14)], units: 1 },
    ];
    const batches = batchOrders(orders, { maxOrders: 2, maxUnits: 10 }, layout).map((b) => [...b].sort());
    // the first seed is the order reaching farthest from the dock (2), and 4 shares its aisle
    expect(batches).toEqual([
      [2, 4],
      [1, 3],
    ]);
  });

  test('an order bigger than a batch goes alone; orders without coordinates fill the room left', () => {
    const orders: BatchOrder[] = [
      { id: 1, picks: [{ key: 'u1', x: null, y: null, pickSeq: 1 }], units: 1 },
      { id: 2, picks: [at('2a', 2, 2)], units: 50 },
      { id: 3, picks: [at('3a', 2, 3)], units: 5 },
      { id: 4, picks: [{ key: 'u4', x: null, y: null, pickSeq: 4 }], units: 1 },
      { id: 5, picks: [at('5a', 2, 4)], units: 5 },
    ];
    const batches = batchOrders(orders, { maxOrders: 3, maxUnits: 20 }, layout);
    // 5 seeds (deepest), 3 joins (same aisle), 2 does not fit, 1 has no known cost and takes the room
    expect(batches).toEqual([[5, 3, 1], [2], [4]]);
  });

  test('refuses caps that can hold nothing', () => {
    expect(() => batchOrders([], { maxOrders: 0, maxUnits: 10 }, layout)).toThrow();
    expect(batchOrders([], { maxOrders: 5, maxUnits: 10 }, layout)).toEqual([]);
  });

  test('walks less than first-come batches of the same size', () => {
    const orders = randomOrders(400, 9);
    const caps = { maxOrders: 10, maxUnits: 1000 };
    const plan = planWave(layout, orders, caps);
    let fcfs = 0;
    for (let i = 0; i < orders.length; i += caps.maxOrders) {
      const picks = orders.slice(i, i + caps.maxOrders).flatMap((o) => o.picks);
      fcfs += planWave(layout, [{ id: 1, picks, units: 1 }], caps)[0].length;
    }
    const ours = plan.reduce((s, b) => s + b.length, 0);
    expect(plan).toHaveLength(40);
    expect(ours).toBeLessThan(0.8 * fcfs);
  });
});

describe('planWave', () => {
  test('each batch is routed through exactly the picks of its orders', () => {
    const orders: BatchOrder<RoutePick>[] = randomOrders(200, 4);
    orders.push({ id: 1, picks: [{ key: 'nowhere', x: null, y: null, pickSeq: 3 }], units: 1 });
    const plan = planWave(layout, orders, { maxOrders: 20, maxUnits: 200 });
    const byId = new Map(orders.map((o) => [o.id, o]));
    for (const b of plan) {
      const expected = b.orderIds.flatMap((id) => byId.get(id)!.picks.map((p) => p.key)).sort();
      expect(b.route.map((p) => p.key).sort()).toEqual(expected);
      expect(b.length).toBe(tourLength(layout, layout.depot, b.route));
    }
    expect(plan.flatMap((b) => b.orderIds).sort()).toEqual(orders.map((o) => o.id).sort());
  });

  test('order ids must be unique', () => {
    expect(() => planWave(layout, [{ id: 1, picks: [], units: 1 }, { id: 1, picks: [], units: 1 }], { maxOrders: 2, maxUnits: 2 })).toThrow();
  });
});
