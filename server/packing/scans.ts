/**
 * Pack verification, pure: every picked unit of the order scanned once, nothing else.
 * A scan resolves to a SKU and a count (a case barcode counts its case); unknown scans,
 * items of other orders and units beyond the picked quantity are each reported.
 */

export interface ExpectedItem {
  skuId: number;
  skuCode: string;
  name: string;
  qty: number;
}

export interface ResolvedScan {
  barcode: string;
  /** null: the barcode names no product of this owner */
  skuId: number | null;
  perScan: number;
}

export interface ScanProblem {
  code: 'wrong_item' | 'extra' | 'missing';
  skuCode?: string;
  barcode?: string;
  expected?: number;
  scanned?: number;
  message: string;
}

export function verifyPackScans(expected: ExpectedItem[], scans: ResolvedScan[]): ScanProblem[] {
  const problems: ScanProblem[] = [];
  const bySku = new Map(expected.map((e) => [e.skuId, e]));
  const counted = new Map<number, number>();
  for (const s of scans) {
    if (s.skuId === null) {
      problems.push({ code: 'wrong_item', barcode: s.barcode, message: `${s.barcode} is not a product of this order's owner` });
      continue;
    }
    if (!bySku.has(s.skuId)) {
      problems.push({ code: 'wrong_item', barcode: s.barcode, message: `${s.barcode} is not in this order` });
      continue;
    }
    counted.set(s.skuId, (counted.get(s.skuId) ?? 0) + s.perScan);
  }
  for (const e of expected) {
    const n = counted.get(e.skuId) ?? 0;
    if (n > e.qty) problems.push({ code: 'extra', skuCode: e.skuCode, expected: e.qty, scanned: n, message: `${e.skuCode} ${e.name}: ${n} scanned, the order has ${e.qty}` });
    if (n < e.qty) problems.push({ code: 'missing', skuCode: e.skuCode, expected: e.qty, scanned: n, message: `${e.skuCode} ${e.name}: ${n} of ${e.qty} scanned` });
  }
  return problems;
}

/**
 * One parcel of a split order ("more cartons follow"): the scans must be items still to pack, no
 * more of each than is left, at least one; `complete` when they are all that is left (this is then
 * the order's last parcel).
 */
export function verifyPartialScans(expected: ExpectedItem[], scans: ResolvedScan[]): { problems: ScanProblem[]; complete: boolean; counted: Map<number, number> } {
  const all = verifyPackScans(expected, scans);
  const problems = all.filter((p) => p.code !== 'missing');
  const counted = new Map<number, number>();
  for (const s of scans) if (s.skuId !== null && expected.some((e) => e.skuId === s.skuId)) counted.set(s.skuId, (counted.get(s.skuId) ?? 0) + s.perScan);
  if (!problems.length && counted.size === 0) problems.push({ code: 'missing', message: 'scan the items that go into this carton' });
  return { problems, complete: !all.some((p) => p.code === 'missing'), counted };
}
