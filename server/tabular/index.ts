import { BadRequest } from '../http/errors';
import { ColumnSpec, TabularFile, readCsv } from './csv';
import { readXlsx } from './xlsx';
import { readHead } from './decode';

export type { ColumnSpec, TabularFile, TabularRow } from './csv';

/** Reads an uploaded sheet file, CSV (UTF-8 or GBK) or XLSX, told apart by its bytes, not its name. */
export async function readTabular(file: string, spec: ColumnSpec[]): Promise<TabularFile> {
  const head = await readHead(file);
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return readXlsx(file, spec);
  if (head.length >= 4 && head[0] === 0xd0 && head[1] === 0xcf && head[2] === 0x11 && head[3] === 0xe0) {
    throw new BadRequest('UNSUPPORTED_FILE', 'This is an old Excel .xls file; save it as .xlsx or as CSV');
  }
  return readCsv(file, head, spec);
}
