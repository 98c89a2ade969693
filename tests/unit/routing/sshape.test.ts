import { sShapeRoute } from '../../../server/waves/routing';
import { smallLayout } from './fixtures';

// smallLayout: aisles at x = 100, 400, 700 cm; front cross-aisle y = 100, back y = 1100 (aisle walk 1000); dock (100, 0)
const layout = smallLayout();
const keys = (r: { route: Array<{ key: string }> }) => r.route.map((p) => p.key);

describe('S-shape baseline', () => {
  test('two aisles: through the first to the back, down the second, home', () => {
    const r = sShapeRoute(layout, layout.depot, [
      { key: 'b', x: 400, y: 300 },
      { key: 'a2', x: 100, y: 900 },
      { key: 'a1', x: 100, y: 200 },
    ]);
    // dock → front (100), up aisle 1 (1000), back to x 400 (300), down aisle 2 (1000), front to x 100 (300), dock (100)
    expect(r.length).toBe(2800);
    expect(keys(r)).toEqual(['a1', 'a2', 'b']);
  });

  test('an odd number of aisles: the last is entered and left from the front', () => {
    const picks = [
      { key: 'A', x: 100, y: 500 },
      { key: 'B', x: 400, y: 300 },
      { key: 'C', x: 700, y: 800 },
    ];
    // left to right: 100 + 1000 + 300 + 1000 + 300 + 2·700 (C and back) + 600 + 100 = 4800
    // right to left: 700 + 1000 + 300 + 1000 + 300 + 2·400 (A and back) + 100 = 4200, the shorter
    const r = sShapeRoute(layout, layout.depot, picks);
    expect(r.length).toBe(4200);
    expect(keys(r)).toEqual(['C', 'B', 'A']);
  });

  test('one aisle: in to the farthest pick and back out', () => {
    const r = sShapeRoute(layout, layout.depot, [
      { key: 'far', x: 400, y: 900 },
      { key: 'near', x: 400, y: 300 },
    ]);
    expect(r.length).toBe(2 * (100 + 300) + 2 * 800);
    expect(keys(r)).toEqual(['near', 'far']);
  });

  test('from a put wall behind the block the sweep starts at the back cross-aisle', () => {
    const wall = { x: 700, y: 1300 };
    const r = sShapeRoute(layout, wall, [
      { key: 'a', x: 100, y: 300 },
      { key: 'c', x: 700, y: 900 },
    ]);
    // wall → back (200), down aisle 3 (1000), front to x 100 (600), up aisle 1 (1000), back to x 700 (600), wall (200);
    // the other direction is as long, and a tie keeps the left-to-right sweep
    expect(r.length).toBe(3600);
    expect(keys(r)).toEqual(['a', 'c']);
  });

  test('nothing to pick', () => {
    expect(sShapeRoute(layout, layout.depot, [])).toEqual({ route: [], length: 0 });
  });
});
