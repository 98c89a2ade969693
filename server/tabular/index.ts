import { BadRequest } from '../http/errors';
import { ColumnSpec, TabularFile, readCsv } from './csv';
import { readXlsx } from './xlsx';

export type { ColumnSpec, TabularFile, TabularRow } from './csv';

/** Reads an uploaded sheet, CSV (UTF-8 or GBK) or XLSX, told apart by its bytes, not its name. */
export async function readTabular(buf: Buffer, spec: ColumnSpec[]): Promise<TabularFile> {
  if (buf.length >= 4 && buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04) return readXlsx(buf, spec);
  if (buf.length >= 4 && buf[0] === 0xd0 && buf[1] === 0xcf && buf[2] === 0x11 && buf[3] === 0xe0) {
    throw new BadRequest('UNSUPPORTED_FILE', 'This is an old Excel .xls file; save it as .xlsx or as CSV');
  }
  return readCsv(buf, spec);
}
