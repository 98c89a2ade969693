/**
 * Shortest pick tour in a single-block warehouse: Ratliff & Rosenthal's dynamic programme
 * ("Order-picking in a rectangular warehouse: a solvable case of the traveling salesman
 * problem", Operations Research 31(3), 1983), written from the paper's description.
 *
 * The walking graph has, for every line c (each aisle, and each own line of a point outside the
 * aisles) a node A_c on the front cross-aisle and B_c on the back one, the picks on the line
 * between them, and cross-aisle edges A_c–A_c+1 and B_c–B_c+1. A tour is a connected multigraph
 * on these edges, covering every pick and the depot, with every degree even; an Euler circuit
 * of it is the walk. The programme builds it left to right. Its state after line c describes
 * the partial graph only through what the rest can still see: the degree of A_c and B_c (zero,
 * odd, or even) and whether they are in one component or two. That gives R&R's seven classes:
 * (odd,odd,1), (even,0,1), (0,even,1), (even,even,1), (even,even,2), empty, and closed.
 *
 * Two kinds of step alternate:
 * - within line c, one of R&R's six ways to cover its picks: pass through once, pass through
 *   twice, in from the front to the farthest pick and back, in from the back likewise, in from
 *   both ends leaving the largest gap between adjacent picks unwalked, or not at all (only if
 *   there is nothing to pick). Points in front of the front cross-aisle (a dock) or behind the
 *   back one (a put wall) hang on a spur walked out and back.
 * - between lines c and c+1, zero, one or two copies of each cross-aisle edge. A_c and B_c
 *   leave the frontier here: their degree must be even, and any component that does not reach
 *   the next line must be the whole tour (the "closed" state), with nothing left to add.
 *
 * The answer is the cheapest state after the last line that is one component with even
 * degrees. The chosen steps are turned back into edges, an Euler circuit is walked from the
 * depot, and the picks are listed in the order it first reaches them. That order, measured
 * pick to pick by shortest paths, is never longer than the circuit (the triangle inequality)
 * and never shorter than the optimum, so it is an optimal order. Time and memory are linear in
 * the number of lines (every aisle takes part: an empty one may be the cheapest way from front
 * to back), plus sorting the picks along their lines.
 */
import { Layout, Point, PickPoint, Site, sameLine, siteOf } from './layout';

export interface Route<T> {
  route: T[];
  length: number;
}

interface Line {
  x: number;
  passable: boolean;
  /** Points in front of the front cross-aisle, nearest to it first. */
  below: number[];
  /** Points between the cross-aisles, by y. */
  inner: number[];
  /** Points behind the back cross-aisle, nearest to it first. */
  above: number[];
}

interface Step {
  ka: number;
  kb: number;
  connects: boolean;
  cost: number;
  kind: 'none' | 'through' | 'twice' | 'front' | 'back' | 'gap';
  gap: number;
}

const CLOSED = 18;
const STATES = 19;
const encode = (da: number, db: number, split: number) => da * 6 + db * 2 + split;
const FINAL = [CLOSED, encode(2, 0, 0), encode(0, 2, 0), encode(2, 2, 0)];

/** Degree class after adding k edges to a node of class d (0 none, 1 odd, 2 even). */
function addDegree(d: number, k: number): number {
  if (k === 0) return d;
  const odd = (d === 1 ? 1 : 0) ^ (k & 1);
  return odd ? 1 : 2;
}

function afterStep(state: number, step: Step): number {
  if (state === CLOSED) return step.ka === 0 && step.kb === 0 ? CLOSED : -1;
  const da = Math.floor(state / 6);
  const db = Math.floor(state / 2) % 3;
  const split = state & 1;
  const na = addDegree(da, step.ka);
  const nb = addDegree(db, step.kb);
  if (na === 0 && nb === 0) return state;
  const together = step.connects || (da !== 0 && db !== 0 && split === 0);
  return encode(na, nb, na !== 0 && nb !== 0 && !together ? 1 : 0);
}

function afterCross(state: number, ka: number, kb: number): number {
  if (state === CLOSED) return ka === 0 && kb === 0 ? CLOSED : -1;
  const da = Math.floor(state / 6);
  const db = Math.floor(state / 2) % 3;
  const split = state & 1;
  // an edge hanging off a node the tour does not use is a detour to nowhere
  if ((ka && !da) || (kb && !db)) return -1;
  if (addDegree(da, ka) === 1 || addDegree(db, kb) === 1) return -1;
  if (da === 0 && db === 0) return state;
  const next = encode(addDegree(0, ka), addDegree(0, kb), split);
  if (split === 1) return ka && kb ? next : -1;
  return ka || kb ? next : CLOSED;
}

function lineSteps(layout: Layout, line: Line, ys: number[]): Step[] {
  const { front, back } = layout;
  let spurA = 0;
  let spurB = 0;
  let spurCost = 0;
  if (line.below.length) {
    spurA = 2;
    spurCost += 2 * (front - ys[line.below[line.below.length - 1]]);
  }
  if (line.above.length) {
    spurB = 2;
    spurCost += 2 * (ys[line.above[line.above.length - 1]] - back);
  }
  const length = back - front;
  const inner = line.inner;
  const steps: Step[] = [];
  const add = (kind: Step['kind'], ka: number, kb: number, connects: boolean, cost: number, gap = -1) =>
    steps.push({ kind, ka: ka + spurA, kb: kb + spurB, connects, cost: cost + spurCost, gap });
  if (!inner.length) add('none', 0, 0, false, 0);
  if (line.passable) {
    add('through', 1, 1, true, length);
    add('twice', 2, 2, true, 2 * length);
  }
  if (inner.length) {
    const lo = ys[inner[0]];
    const hi = ys[inner[inner.length - 1]];
    add('front', 2, 0, false, 2 * (hi - front));
    add('back', 0, 2, false, 2 * (back - lo));
    let best = -1;
    let bestCost = Infinity;
    for (let i = 0; i + 1 < inner.length; i++) {
      const cost = 2 * (ys[inner[i]] - front) + 2 * (back - ys[inner[i + 1]]);
      if (cost < bestCost) {
        bestCost = cost;
        best = i;
      }
    }
    if (best >= 0) add('gap', 2, 2, false, bestCost, best);
  }
  return steps;
}

/** The picks in an optimal walking order from the depot and back, and its length. */
export function optimalRoute<T extends PickPoint>(layout: Layout, depot: Point, picks: readonly T[]): Route<T> {
  if (!picks.length) return { route: [], length: 0 };
  const sites: Site[] = [siteOf(layout, depot), ...picks.map((p) => siteOf(layout, p))];
  const ys = sites.map((s) => s.y);
  const single = withinOneLine(layout, sites, picks);
  if (single) return single;

  const lines = buildLines(layout, sites);
  const n = lines.length;
  const steps = lines.map((line) => lineSteps(layout, line, ys));

  // cost[c] after line c's own step; stepFrom/stepIdx and crossFrom/crossK to walk back
  let cost = new Float64Array(STATES).fill(Infinity);
  cost[0] = 0; // empty
  const stepFrom = new Int8Array(n * STATES);
  const stepIdx = new Int8Array(n * STATES);
  const crossFrom = new Int8Array(n * STATES);
  const crossK = new Int8Array(n * STATES);
  for (let c = 0; c < n; c++) {
    if (c > 0) {
      const w = lines[c].x - lines[c - 1].x;
      const next = new Float64Array(STATES).fill(Infinity);
      for (let s = 0; s < STATES; s++) {
        if (cost[s] === Infinity) continue;
        for (let ka = 0; ka <= 2; ka++) {
          for (let kb = 0; kb <= 2; kb++) {
            const t = afterCross(s, ka, kb);
            if (t < 0) continue;
            const v = cost[s] + (ka + kb) * w;
            if (v < next[t]) {
              next[t] = v;
              crossFrom[c * STATES + t] = s;
              crossK[c * STATES + t] = ka * 3 + kb;
            }
          }
        }
      }
      cost = next;
    }
    const next = new Float64Array(STATES).fill(Infinity);
    const options = steps[c];
    for (let s = 0; s < STATES; s++) {
      if (cost[s] === Infinity) continue;
      for (let k = 0; k < options.length; k++) {
        const t = afterStep(s, options[k]);
        if (t < 0) continue;
        const v = cost[s] + options[k].cost;
        if (v < next[t]) {
          next[t] = v;
          stepFrom[c * STATES + t] = s;
          stepIdx[c * STATES + t] = k;
        }
      }
    }
    cost = next;
  }

  let state = FINAL.reduce((best, s) => (cost[s] < cost[best] ? s : best), FINAL[0]);
  const length = cost[state];
  if (length === Infinity) throw new Error('no tour covers these picks'); // cannot happen: the model is connected

  const edges = new TourGraph(2 * n + sites.length);
  const pointNode = (p: number) => 2 * n + p;
  for (let c = n - 1; c >= 0; c--) {
    const step = steps[c][stepIdx[c * STATES + state]];
    addLineEdges(edges, lines[c], step, 2 * c, 2 * c + 1, pointNode);
    state = stepFrom[c * STATES + state];
    if (c > 0) {
      const k = crossK[c * STATES + state];
      for (let i = 0; i < Math.floor(k / 3); i++) edges.add(2 * (c - 1), 2 * c);
      for (let i = 0; i < k % 3; i++) edges.add(2 * (c - 1) + 1, 2 * c + 1);
      state = crossFrom[c * STATES + state];
    }
  }
  const order: T[] = [];
  const seen = new Uint8Array(sites.length);
  seen[0] = 1;
  for (const node of edges.eulerCircuit(pointNode(0))) {
    const p = node - 2 * n;
    if (p >= 0 && !seen[p]) {
      seen[p] = 1;
      order.push(picks[p - 1]);
    }
  }
  return { route: order, length };
}

/**
 * Every point on one line (and, on a line cut between the cross-aisles, on one side of the
 * block): walk up to the farthest point on one side of the depot and back down past it. No tour
 * can be shorter, and the programme, whose tours always touch a cross-aisle, may not find it.
 */
function withinOneLine<T extends PickPoint>(layout: Layout, sites: Site[], picks: readonly T[]): Route<T> | null {
  const d = sites[0];
  if (!sites.every((s) => sameLine(s, d))) return null;
  if (!d.passable && !sites.every((s) => s.y < layout.front) && !sites.every((s) => s.y > layout.back)) return null;
  const idx = picks.map((_, i) => i);
  const up = idx.filter((i) => sites[i + 1].y >= d.y).sort((i, j) => sites[i + 1].y - sites[j + 1].y);
  const down = idx.filter((i) => sites[i + 1].y < d.y).sort((i, j) => sites[j + 1].y - sites[i + 1].y);
  const ys = sites.map((s) => s.y);
  return { route: [...up, ...down].map((i) => picks[i]), length: 2 * (Math.max(...ys) - Math.min(...ys)) };
}

/** Every aisle, and an own line for each x where points stand off the aisles; sorted by x. */
function buildLines(layout: Layout, sites: Site[]): Line[] {
  const lines: Line[] = layout.aisles.map((a) => ({ x: a.x, passable: true, below: [], inner: [], above: [] }));
  const own = new Map<number, Line>();
  sites.forEach((s, p) => {
    let line: Line | undefined;
    if (s.aisle >= 0) line = lines[s.aisle];
    else {
      line = own.get(s.x);
      if (!line) own.set(s.x, (line = { x: s.x, passable: s.passable, below: [], inner: [], above: [] }));
    }
    if (s.y < layout.front) line.below.push(p);
    else if (s.y > layout.back) line.above.push(p);
    else line.inner.push(p);
  });
  const all = [...lines, ...own.values()].sort((a, b) => a.x - b.x);
  for (const line of all) {
    line.below.sort((i, j) => sites[j].y - sites[i].y);
    line.inner.sort((i, j) => sites[i].y - sites[j].y);
    line.above.sort((i, j) => sites[i].y - sites[j].y);
  }
  return all;
}

function addLineEdges(g: TourGraph, line: Line, step: Step, a: number, b: number, node: (p: number) => number) {
  const path = (from: number, points: readonly number[], times: number) => {
    let prev = from;
    for (const p of points) {
      for (let i = 0; i < times; i++) g.add(prev, node(p));
      prev = node(p);
    }
    return prev;
  };
  path(a, line.below, 2);
  path(b, line.above, 2);
  const inner = line.inner;
  switch (step.kind) {
    case 'none':
      return;
    case 'through':
    case 'twice': {
      const times = step.kind === 'through' ? 1 : 2;
      const last = path(a, inner, times);
      for (let i = 0; i < times; i++) g.add(last, b);
      return;
    }
    case 'front':
      path(a, inner, 2);
      return;
    case 'back':
      path(b, [...inner].reverse(), 2);
      return;
    case 'gap':
      path(a, inner.slice(0, step.gap + 1), 2);
      path(b, inner.slice(step.gap + 1).reverse(), 2);
      return;
  }
}

/** A multigraph kept as edge lists, enough for Hierholzer's algorithm. */
class TourGraph {
  private readonly adj: number[][];
  private readonly ends: number[] = [];

  constructor(nodes: number) {
    this.adj = Array.from({ length: nodes }, () => []);
  }

  add(u: number, v: number) {
    const e = this.ends.length;
    this.ends.push(u, v);
    this.adj[u].push(e);
    this.adj[v].push(e);
  }

  /** Nodes of an Euler circuit from `start` (the graph is connected with even degrees). */
  eulerCircuit(start: number): number[] {
    const used = new Uint8Array(this.ends.length / 2);
    const next = new Int32Array(this.adj.length);
    const stack = [start];
    const circuit: number[] = [];
    while (stack.length) {
      const u = stack[stack.length - 1];
      const list = this.adj[u];
      while (next[u] < list.length && used[list[next[u]] >> 1]) next[u]++;
      if (next[u] === list.length) {
        circuit.push(stack.pop()!);
        continue;
      }
      const e = list[next[u]];
      used[e >> 1] = 1;
      stack.push(this.ends[e] === u ? this.ends[e + 1] : this.ends[e]);
    }
    return circuit.reverse();
  }
}

