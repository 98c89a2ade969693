import ExcelJS from 'exceljs';
import { csvBuffer } from '../tabular/write';
import { TEMPLATE_EXAMPLE, TEMPLATE_HEADERS, RowError } from './sku-import.columns';

const csv = csvBuffer;

async function xlsx(sheetName: string, rows: unknown[][], textColumns: number[] = []): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  rows.forEach((r) => ws.addRow(r));
  ws.getRow(1).font = { bold: true };
  ws.columns.forEach((c) => (c.width = 16));
  // Barcodes as text, so Excel does not turn 6901234567892 into 6.90123E+12.
  for (const i of textColumns) ws.getColumn(i + 1).numFmt = '@';
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The SKU upload template: Chinese headers (the importer also takes the English names). */
export async function skuTemplate(format: 'csv' | 'xlsx', withOwner: boolean) {
  const cols = TEMPLATE_HEADERS.filter(([k]) => withOwner || k !== 'owner_code');
  const example = cols.map(([k]) => TEMPLATE_EXAMPLE[k]);
  // A first cell starting with # makes the importer skip the row, so the example never
  // becomes a product by accident; a seller deletes the "#示例" to use it.
  example[0] = `#示例 ${example[0]}`.trim();
  const rows = [cols.map(([, zh]) => zh), example];
  if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', data: csv(rows), filename: 'sku-template.csv' };
  const textCols = cols.map(([k], i) => (k.includes('barcode') || k === 'sku_code' ? i : -1)).filter((i) => i >= 0);
  return { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', data: await xlsx('商品', rows, textCols), filename: 'sku-template.xlsx' };
}

/** The downloadable error report of an import: one line per problem, in Chinese and English. */
export async function errorReport(format: 'csv' | 'xlsx', errors: RowError[]) {
  const rows: unknown[][] = [['行号 row', '列 column', '错误 problem', 'problem (English)', 'code']];
  for (const e of errors) rows.push([e.row, e.column ?? '', e.messageZh, e.message, e.code]);
  if (format === 'csv') return { contentType: 'text/csv; charset=utf-8', data: csv(rows), filename: 'sku-import-errors.csv' };
  return { contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', data: await xlsx('错误', rows), filename: 'sku-import-errors.xlsx' };
}
