import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { BadRequest } from '../http/errors';
import { ColumnSpec, TabularFile, TabularRow, isComment, mapHeader } from './csv';

/** A cell as the text a person sees in Excel (numbers without float noise, dates as YYYY-MM-DD). */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    const o = v as any;
    if (Array.isArray(o.richText)) return o.richText.map((r: any) => r.text).join('').trim();
    if ('result' in o) return cellText(o.result);
    if ('text' in o) return cellText(o.text);
    if ('error' in o) return '';
  }
  return String(v).trim();
}

/**
 * Streams the first sheet of an XLSX file row by row (exceljs' streaming reader), so a
 * 100,000-row sheet is never held as a whole workbook in memory.
 */
export async function readXlsx(file: string, spec: ColumnSpec[]): Promise<TabularFile> {
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(fs.createReadStream(file), {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  } as any);
  const unreadable = (e: any) => new BadRequest('UNREADABLE_FILE', `The Excel file could not be read (${e?.message ?? e}); save it again as .xlsx or CSV`);

  let sheetIterator: AsyncIterator<any>;
  let rowIterator: AsyncIterator<any>;
  try {
    sheetIterator = (reader as any)[Symbol.asyncIterator]();
    const sheet = await sheetIterator.next();
    if (sheet.done) throw new BadRequest('EMPTY_FILE', 'The workbook has no sheet');
    rowIterator = sheet.value[Symbol.asyncIterator]();
  } catch (e) {
    if (e instanceof BadRequest) throw e;
    throw unreadable(e);
  }
  const nextRow = async () => {
    try {
      return await rowIterator.next();
    } catch (e) {
      throw unreadable(e);
    }
  };
  let headerRow;
  for (;;) {
    headerRow = await nextRow();
    if (headerRow.done) throw new BadRequest('EMPTY_FILE', 'The first sheet is empty');
    const values = (headerRow.value.values as unknown[]).slice(1).map(cellText);
    if (values.some((v) => v !== '')) break;
  }
  const header = (headerRow.value.values as unknown[]).slice(1).map(cellText);
  const { index, ignored } = mapHeader(header, spec);
  async function* rows(): AsyncIterable<TabularRow> {
    for (;;) {
      const next = await nextRow();
      if (next.done) return;
      const cells = next.value.values as unknown[];
      if (isComment([cellText(cells[1])])) continue;
      const values: Record<string, string> = {};
      let any = false;
      for (const [name, i] of index) {
        const text = cellText(cells[i + 1]);
        values[name] = text;
        if (text !== '') any = true;
      }
      if (any) yield { row: next.value.number, values };
    }
  }
  return { encoding: 'xlsx', columns: [...index.keys()], ignoredColumns: ignored, rows: rows() };
}
