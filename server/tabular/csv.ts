import { parse } from 'csv-parse';
import { BadRequest } from '../http/errors';
import fs from 'node:fs';
import { pipeline } from 'node:stream';
import { AppError } from '../http/errors';
import { decodeHead, decoder, detectEncoding, TextEncoding } from './decode';

export interface ColumnSpec {
  /** canonical name, e.g. sku_code */
  name: string;
  /** other accepted header spellings (compared case- and space-insensitively) */
  aliases: string[];
  required?: boolean;
}

export interface TabularRow {
  /** 1-based row number in the file as a spreadsheet shows it (the header is row 1) */
  row: number;
  values: Record<string, string>;
}

export interface TabularFile {
  encoding: TextEncoding | 'xlsx';
  columns: string[];
  ignoredColumns: string[];
  rows: AsyncIterable<TabularRow>;
}

const norm = (s: string) => s.trim().toLowerCase().replace(/[\s_\-（）()]/g, '');

/** Maps a header row to canonical column names; throws a 400 listing every missing column. */
export function mapHeader(header: string[], spec: ColumnSpec[]): { index: Map<string, number>; ignored: string[] } {
  const lookup = new Map<string, string>();
  for (const c of spec) for (const a of [c.name, ...c.aliases]) lookup.set(norm(a), c.name);
  const index = new Map<string, number>();
  const ignored: string[] = [];
  header.forEach((h, i) => {
    const canonical = lookup.get(norm(h));
    if (canonical && !index.has(canonical)) index.set(canonical, i);
    else if (h.trim()) ignored.push(h.trim());
  });
  const missing = spec.filter((c) => c.required && !index.has(c.name));
  if (missing.length) {
    throw new BadRequest(
      'MISSING_COLUMNS',
      `The header row lacks required column(s): ${missing.map((m) => m.name).join(', ')}`,
      missing.map((m) => ({ column: m.name, code: 'missing_column', message: `column "${m.name}" (or ${m.aliases.join(' / ')}) is required` })),
    );
  }
  return { index, ignored };
}

/** A row whose first cell starts with # is a note (the template's example row), not data. */
export function isComment(cells: string[]): boolean {
  return (cells[0] ?? '').trimStart().startsWith('#');
}

export function looksBinary(buf: Buffer): boolean {
  const n = Math.min(buf.length, 4096);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return true;
  return false;
}

/**
 * Reads a CSV file: encoding detected, header mapped, rows streamed with their file row
 * numbers. The parser reads ahead only as far as the importer consumes rows.
 */
export async function readCsv(file: string, head: Buffer, spec: ColumnSpec[]): Promise<TabularFile> {
  if (head.length === 0 || head.toString('utf8').trim() === '') throw new BadRequest('EMPTY_FILE', 'The file is empty');
  const encoding = await detectEncoding(file, head);
  if (encoding.startsWith('utf-16') ? false : looksBinary(head)) {
    throw new BadRequest('UNSUPPORTED_FILE', 'The file is not a text (CSV) file');
  }
  const delimiter = sniffDelimiter(firstLine(decodeHead(head, encoding)));
  const parser = parse({ delimiter, relax_column_count: true, skip_empty_lines: true, trim: true, info: true, bom: true });
  pipeline(fs.createReadStream(file), decoder(encoding), parser, () => undefined);
  const it = parser[Symbol.asyncIterator]();
  let first;
  try {
    first = await it.next();
  } catch (e: any) {
    throw new BadRequest('MALFORMED_CSV', `The file could not be read as CSV: ${e.message}`);
  }
  if (first.done) throw new BadRequest('EMPTY_FILE', 'The file is empty');
  const header: string[] = first.value.record;
  const { index, ignored } = mapHeader(header, spec);
  async function* rows(): AsyncIterable<TabularRow> {
    for (;;) {
      let next;
      try {
        next = await it.next();
      } catch (e: any) {
        if (e instanceof AppError) throw e;
        throw new BadRequest('MALFORMED_CSV', `The file is not valid CSV near line ${e.lines ?? '?'}: ${e.message}`);
      }
      if (next.done) return;
      const rec: string[] = next.value.record;
      if (rec.every((v) => v === '') || isComment(rec)) continue;
      const values: Record<string, string> = {};
      for (const [name, i] of index) values[name] = rec[i] ?? '';
      yield { row: next.value.info.lines, values };
    }
  }
  return { encoding, columns: [...index.keys()], ignoredColumns: ignored, rows: rows() };
}

function firstLine(head: string): string {
  const end = head.indexOf('\n');
  return end === -1 ? head : head.slice(0, end);
}

function sniffDelimiter(line: string): string {
  const counts = [',', ';', '\t'].map((d) => [d, line.split(d).length] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 1 ? counts[0][0] : ',';
}
