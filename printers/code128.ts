/**
 * Code 128 code-set planning. Printers encode Code 128 themselves (ZPL ^BC, ESC/POS GS k 73),
 * but two of them want the code sets spelled out: ZPL's ^BC in its default mode starts in
 * subset B unless told otherwise (so "1234567890" would be twice as wide as needed), and
 * ESC/POS requires the data to begin with {A/{B/{C. The plan is also what gives the symbol's
 * width in modules, which the layout needs for quiet zones before any printer is involved.
 *
 * The plan is optimal (fewest symbols) by dynamic programming over (position, code set); SHIFT
 * and FNC4 (extended ASCII) are not used: label data is printable ASCII.
 */

export type Code128Set = 'A' | 'B' | 'C';
export interface Code128Segment {
  set: Code128Set;
  /** The characters encoded in this set (for C: an even number of digits). */
  text: string;
}
export interface Code128Plan {
  segments: Code128Segment[];
  /** Start symbol + data symbols + code-set switches (check and stop symbols not counted). */
  symbols: number;
  /** Total width in modules: every symbol is 11 modules, the stop pattern 13. */
  modules: number;
}

const SETS: readonly Code128Set[] = ['B', 'C', 'A']; // order = preference on ties: B is what every printer defaults to

const isDigit = (c: number) => c >= 48 && c <= 57;
const inA = (c: number) => c >= 0 && c <= 95;
const inB = (c: number) => c >= 32 && c <= 127;

/** Why data cannot be Code 128 (non-ASCII, empty), or null when it can. */
export function code128Problem(data: string): string | null {
  if (data.length === 0) return 'Code 128 data is empty';
  for (let i = 0; i < data.length; i++) {
    if (data.charCodeAt(i) > 127) return `Code 128 can only carry ASCII; "${data[i]}" at position ${i} is not`;
  }
  return null;
}

export function planCode128(data: string): Code128Plan {
  const problem = code128Problem(data);
  if (problem) throw new Error(problem);
  const n = data.length;
  const INF = Number.MAX_SAFE_INTEGER;
  // cost[i][s]: fewest symbols having encoded data[0..i) and being in set s.
  const cost: number[][] = Array.from({ length: n + 1 }, () => [INF, INF, INF]);
  // back[i][s]: [previous position, previous set index] for reconstruction.
  const back: Array<Array<[number, number] | null>> = Array.from({ length: n + 1 }, () => [null, null, null]);
  for (let s = 0; s < 3; s++) cost[0][s] = 1; // a start code for each set

  for (let i = 0; i <= n; i++) {
    // A code-set switch costs one symbol and consumes nothing; one relaxation pass is enough
    // because switching twice in a row never beats switching once.
    for (let s = 0; s < 3; s++) {
      for (let t = 0; t < 3; t++) {
        if (t !== s && cost[i][s] + 1 < cost[i][t] && i > 0) {
          cost[i][t] = cost[i][s] + 1;
          back[i][t] = [i, s];
        }
      }
    }
    if (i === n) break;
    const c = data.charCodeAt(i);
    for (let s = 0; s < 3; s++) {
      if (cost[i][s] === INF) continue;
      const set = SETS[s];
      if (set === 'C') {
        if (i + 1 < n && isDigit(c) && isDigit(data.charCodeAt(i + 1)) && cost[i][s] + 1 < cost[i + 2][s]) {
          cost[i + 2][s] = cost[i][s] + 1;
          back[i + 2][s] = [i, s];
        }
      } else if ((set === 'A' ? inA(c) : inB(c)) && cost[i][s] + 1 < cost[i + 1][s]) {
        cost[i + 1][s] = cost[i][s] + 1;
        back[i + 1][s] = [i, s];
      }
    }
  }

  let best = 0;
  for (let s = 1; s < 3; s++) if (cost[n][s] < cost[n][best]) best = s;
  // Walk back, collecting the characters consumed in each set.
  const reversed: Code128Segment[] = [];
  let pos = n;
  let s = best;
  let chunk = '';
  while (back[pos][s]) {
    const [pp, ps] = back[pos][s]!;
    if (pp === pos) {
      // a switch from ps to s at this position: close the chunk encoded in s
      reversed.push({ set: SETS[s], text: chunk });
      chunk = '';
    } else {
      chunk = data.slice(pp, pos) + chunk;
    }
    pos = pp;
    s = ps;
  }
  reversed.push({ set: SETS[s], text: chunk });
  const segments = reversed.reverse().filter((seg, idx, all) => seg.text.length > 0 || all.length === 1);
  const symbols = cost[n][best];
  return { segments, symbols, modules: (symbols + 1) * 11 + 13 };
}
