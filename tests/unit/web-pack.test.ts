import { gramsOf, isComplete, judgeScan, slotOf, weightText, type PackScan } from '../../web/src/terminal/packScan';
import type { PackOrder } from '../../web/src/terminal/packApi';

/** The pack station's own scan check: what it beeps at before the server has answered. */

const item = (skuId: number, skuCode: string, qty: number, barcodes: Array<[string, number]>) => ({
  skuId,
  skuCode,
  name: skuCode,
  spec: null,
  imageUrl: null,
  qty,
  weightG: 100,
  lengthMm: null,
  widthMm: null,
  heightMm: null,
  barcodes: barcodes.map(([barcode, units]) => ({ barcode, units })),
});

const order: PackOrder = {
  orderId: 1,
  externalId: 'WX-1',
  ownerId: 1,
  ownerName: 'o',
  status: 'picked',
  waveId: 1,
  batchNo: 1,
  slotNo: 1,
  temperature: 'ambient',
  units: 7,
  itemsWeightG: 700,
  items: [item(10, 'QC', 6, [['6901', 1], ['6902', 6]]), item(20, 'DRY', 1, [['6903', 1]])],
  cartons: { suggested: null, reason: '', options: [] },
  parcels: [],
};

let seq = 0;
const accept = (scans: PackScan[], code: string): PackScan[] => {
  const j = judgeScan(order, scans, code);
  if (j.verdict !== 'ok') throw new Error(`${code}: ${j.verdict}`);
  return [...scans, { seq: ++seq, code, skuId: j.item.skuId, units: j.units }];
};

test('an item barcode counts one, a case barcode its case, the SKU code one; full-width digits as typed by an input method', () => {
  expect(judgeScan(order, [], '6901')).toMatchObject({ verdict: 'ok', units: 1, item: { skuCode: 'QC' } });
  expect(judgeScan(order, [], '6902')).toMatchObject({ verdict: 'ok', units: 6 });
  expect(judgeScan(order, [], 'DRY')).toMatchObject({ verdict: 'ok', units: 1, item: { skuCode: 'DRY' } });
  expect(judgeScan(order, [], '６９０３')).toMatchObject({ verdict: 'ok', item: { skuCode: 'DRY' } });
});

test('an item not in the order is wrong; one beyond the quantity is extra, a case that would overshoot too', () => {
  expect(judgeScan(order, [], '6999').verdict).toBe('wrong');
  const one = accept([], '6901');
  expect(judgeScan(order, one, '6902')).toMatchObject({ verdict: 'extra', units: 6 });
  const dry = accept([], '6903');
  expect(judgeScan(order, dry, '6903').verdict).toBe('extra');
});

test('complete only when every line has exactly its quantity', () => {
  let s = accept([], '6902');
  expect(isComplete(order, s)).toBe(false);
  s = accept(s, '6903');
  expect(isComplete(order, s)).toBe(true);
});

test('a slot as typed or scanned; weights in grams or kilograms, nothing at or below zero', () => {
  expect(slotOf('7')).toBe(7);
  expect(slotOf('PW-07')).toBe(7);
  expect(slotOf('pw07')).toBe(7);
  expect(slotOf('0')).toBeNull();
  expect(slotOf('6901234567890')).toBeNull();
  expect(slotOf('TOTE-W1-1')).toBeNull();
  expect(gramsOf('1250', 'g')).toBe(1250);
  expect(gramsOf('1.25', 'kg')).toBe(1250);
  expect(gramsOf('1,25', 'kg')).toBe(1250);
  expect(gramsOf('0', 'g')).toBeNull();
  expect(gramsOf('0.0001', 'kg')).toBeNull();
  expect(gramsOf('-3', 'g')).toBeNull();
  expect(gramsOf('', 'g')).toBeNull();
  expect(gramsOf('abc', 'kg')).toBeNull();
  expect(weightText(5480, 'kg')).toBe('5.48');
  expect(weightText(5480, 'g')).toBe('5480');
});
