import { carrierBoard, hubInstant } from '../../../server/floor/floor.service';

/**
 * The floor's carrier rows against the cut-off: work waiting is at risk in the last hour before
 * the cut-off, and once the cut-off has passed it stays at risk and is marked late (it missed the
 * pick-up) until it ships; nothing waiting is never at risk.
 */
const day = '2026-12-06';
const carrierRows = [{ id: 7, code: 'SF', name: '顺丰速运', status: 'active' }];
const rules = [{ carrierCode: 'SF', cutoffAt: '16:00' }];

function board(hhmm: string, waiting: { toPack?: number; toShip?: number }) {
  const now = new Date(hubInstant(day, hhmm));
  const toPack = waiting.toPack ? [{ waveId: 1, carrierCode: 'SF', status: 'picked', count: waiting.toPack }] : [];
  const toShip = new Map<number, number>(waiting.toShip ? [[7, waiting.toShip]] : []);
  const rows = carrierBoard({ now, day, hhmm, toPack, toShip, carrierRows, rules, packs: [] });
  return rows.find((r) => r.carrierCode === 'SF')!;
}

test('two hours before the cut-off: not at risk, whatever waits', () => {
  expect(board('14:00', { toPack: 5, toShip: 3 })).toMatchObject({ minutesToCutoff: 120, atRisk: false, late: false });
});

test('in the last hour with work waiting: at risk, not late', () => {
  expect(board('15:30', { toPack: 2 })).toMatchObject({ minutesToCutoff: 30, waiting: 2, atRisk: true, late: false });
  expect(board('15:30', {})).toMatchObject({ atRisk: false, late: false });
});

test('after the cut-off, packed parcels not on a closed manifest are at risk and late', () => {
  const row = board('16:20', { toShip: 4 });
  expect(row).toMatchObject({ cutoffAt: '16:00', minutesToCutoff: -20, toShip: 4, atRisk: true, late: true });
  expect(board('16:20', {})).toMatchObject({ atRisk: false, late: false });
});
