const BOM = '\ufeff';

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV. With a BOM, Excel in China opens UTF-8 CSV as UTF-8 instead of guessing GBK. */
export function csvBuffer(rows: unknown[][]): Buffer {
  return Buffer.from(BOM + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n', 'utf8');
}
