import { deriveLayout, tourLength, walkingDistance } from '../../../server/waves/routing';
import { distanceMatrix } from '../../../server/waves/routing/distance';
import { gridLayout, randomDepot, randomPicks, rng, smallLayout } from './fixtures';

// smallLayout: aisles at x = 100, 400, 700 cm; front cross-aisle y = 100, back y = 1100; depot (100, 0)
const layout = smallLayout();

describe('walking distance on a hand-made layout', () => {
  test.each([
    ['same aisle', { x: 100, y: 200 }, { x: 100, y: 800 }, 600],
    ['next aisle, both near the front', { x: 100, y: 200 }, { x: 400, y: 300 }, 100 + 300 + 200],
    ['next aisle, both near the back', { x: 100, y: 900 }, { x: 400, y: 1000 }, 200 + 300 + 100],
    ['far aisle, front is shorter', { x: 100, y: 500 }, { x: 700, y: 600 }, 400 + 600 + 500],
    ['far aisle, back is shorter', { x: 100, y: 700 }, { x: 700, y: 600 }, 400 + 600 + 500],
    ['dock in front to a bay', { x: 100, y: 0 }, { x: 400, y: 300 }, 100 + 300 + 200],
    ['dock in front to a put wall behind: through an aisle', { x: 100, y: 0 }, { x: 700, y: 1300 }, 1300 + 600],
    ['put wall behind, beside no aisle: through the nearest aisle', { x: 250, y: 1300 }, { x: 250, y: 0 }, 1300 + 2 * 150],
    ['beside the block (open floor) to a bay', { x: 1000, y: 600 }, { x: 700, y: 600 }, 500 + 300 + 500],
    ['a point between aisles stands in the nearer one', { x: 350, y: 500 }, { x: 400, y: 500 }, 0],
  ])('%s', (_, p, q, expected) => {
    expect(walkingDistance(layout, p, q)).toBe(expected);
    expect(walkingDistance(layout, q, p)).toBe(expected);
  });

  test('tour length: depot → picks → depot', () => {
    const route = [
      { key: 'a', x: 400, y: 300 },
      { key: 'b', x: 400, y: 1000 },
    ];
    // dock → front (100) → x 400 (300) → up to 300 (200) → up to 1000 (700) → back down to front (900) → dock (300 + 100)
    expect(tourLength(layout, layout.depot, route)).toBe(100 + 300 + 200 + 700 + 900 + 300 + 100);
    expect(tourLength(layout, layout.depot, [])).toBe(0);
    expect(tourLength(layout, layout.depot, [{ key: 'nowhere', x: null, y: null, pickSeq: 3 }, ...route])).toBe(2600);
  });

  test('without aisles the one line through the depot serves as both cross-aisles', () => {
    const empty = deriveLayout([{ id: 1, code: 'X', xCm: null, yCm: null, pickSeq: 1 }], { x: 0, y: 0 });
    expect(empty.aisles).toEqual([]);
    expect(walkingDistance(empty, { x: 0, y: 0 }, { x: 300, y: 400 })).toBe(700);
  });
});

describe('walking distance is a metric', () => {
  test('symmetric, zero on the diagonal, and obeys the triangle inequality on random layouts', () => {
    const next = rng(11);
    for (let t = 0; t < 40; t++) {
      const l = gridLayout(1 + Math.floor(next() * 10), 3 + Math.floor(next() * 20));
      const points = [randomDepot(l, next), randomDepot(l, next), randomDepot(l, next), ...randomPicks(l, 9, next)];
      const d = distanceMatrix(l, points[0], points.slice(1));
      const n = d.length;
      const broken: string[] = [];
      for (let i = 0; i < n; i++) {
        if (d[i][i] !== 0) broken.push(`d[${i}][${i}] = ${d[i][i]}`);
        for (let j = 0; j < n; j++) {
          if (d[i][j] !== d[j][i] || !Number.isFinite(d[i][j])) broken.push(`d[${i}][${j}] = ${d[i][j]}, d[${j}][${i}] = ${d[j][i]}`);
          for (let k = 0; k < n; k++) if (d[i][j] > d[i][k] + d[k][j]) broken.push(`d[${i}][${j}] > d[${i}][${k}] + d[${k}][${j}]`);
        }
      }
      expect(broken).toEqual([]);
    }
  });
});
