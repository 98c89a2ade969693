import type { AppContext } from '../context';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { audit } from '../audit';
import { AppError } from '../http/errors';
import { ColumnSpec, readTabular } from '../tabular';
import { LOCATION_TYPE_WORDS, LocationInput, TEMPERATURE_WORDS } from './layout.model';
import { upsertLocation } from './layout.service';

const COLUMNS: ColumnSpec[] = [
  { name: 'code', aliases: ['location_code', 'location', '库位编码', '库位', '库位号'], required: true },
  { name: 'zone', aliases: ['zone_code', '库区', '区域'], required: true },
  { name: 'temperature', aliases: ['temp', '温层', '温区', '温度'], required: true },
  { name: 'type', aliases: ['location_type', '类型', '库位类型'], required: true },
  { name: 'x', aliases: ['x_m', 'X坐标', '横坐标'] },
  { name: 'y', aliases: ['y_m', 'Y坐标', '纵坐标'] },
  { name: 'pick_seq', aliases: ['pickseq', 'sequence', '拣货顺序', '拣货序号'] },
];

export interface ImportError {
  row: number;
  column: string | null;
  code: string;
  message: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  errors: ImportError[];
  encoding: string;
  ignoredColumns: string[];
  dryRun: boolean;
}

const MAX_ROWS = 50_000;

function parseRow(row: number, v: Record<string, string>): { input?: LocationInput; errors: ImportError[] } {
  const errors: ImportError[] = [];
  const err = (column: string, code: string, message: string) => errors.push({ row, column, code, message });
  const code = v.code?.trim();
  if (!code) err('code', 'required', 'location code is empty');
  else if (!/^[A-Za-z0-9._-]{1,64}$/.test(code)) err('code', 'invalid', `"${code}" may only hold letters, digits and . _ -`);
  const zone = v.zone?.trim();
  if (!zone) err('zone', 'required', 'zone is empty');
  else if (!/^[A-Za-z0-9._-]{1,32}$/.test(zone)) err('zone', 'invalid', `"${zone}" may only hold letters, digits and . _ -`);
  const temperature = TEMPERATURE_WORDS[(v.temperature ?? '').trim().toLowerCase()];
  if (!temperature) err('temperature', 'invalid', `"${v.temperature}" is not ambient / chilled / frozen (常温 / 冷藏 / 冷冻)`);
  const type = LOCATION_TYPE_WORDS[(v.type ?? '').trim().toLowerCase()];
  if (!type) err('type', 'invalid', `"${v.type}" is not pick / bulk / dock / staging / putwall`);
  const num = (column: string, raw: string | undefined, integer: boolean): number | null => {
    const s = (raw ?? '').trim();
    if (s === '') return null;
    const n = Number(s);
    if (!Number.isFinite(n) || n < 0 || n > 100000 || (integer && !Number.isInteger(n))) {
      err(column, 'invalid', `"${s}" is not a ${integer ? 'whole number' : 'number of metres'} between 0 and 100000`);
      return null;
    }
    return n;
  };
  const x = num('x', v.x, false);
  const y = num('y', v.y, false);
  const pickSeq = num('pick_seq', v.pick_seq, true);
  if (errors.length) return { errors };
  return { input: { code: code!, zone: zone!, temperature, type, x, y, pickSeq }, errors };
}

class DryRunRollback extends Error {}

/**
 * Valid rows are applied, invalid ones reported with their row number and left out. All rows
 * go in one transaction: either the response describes exactly what was written, or nothing was.
 */
export async function importLocations(ctx: AppContext, caller: Caller, file: string, dryRun: boolean): Promise<ImportResult> {
  const sheet = await readTabular(file, COLUMNS);
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0, errors: [], encoding: sheet.encoding, ignoredColumns: sheet.ignoredColumns, dryRun };
  const rows: Array<{ row: number; input: LocationInput }> = [];
  const seen = new Map<string, number>();
  for await (const { row, values } of sheet.rows) {
    if (rows.length + result.errors.length > MAX_ROWS) {
      throw new AppError(413, 'TOO_MANY_ROWS', `A location file may hold at most ${MAX_ROWS} rows`);
    }
    const parsed = parseRow(row, values);
    if (!parsed.input) {
      result.errors.push(...parsed.errors);
      continue;
    }
    const first = seen.get(parsed.input.code);
    if (first) {
      result.errors.push({ row, column: 'code', code: 'duplicate_in_file', message: `location ${parsed.input.code} appears already in row ${first}` });
      continue;
    }
    seen.set(parsed.input.code, row);
    rows.push({ row, input: parsed.input });
  }
  try {
    await inTransaction(ctx.db, async (trx) => {
      for (const { row, input } of rows) {
        try {
          // A savepoint per row keeps one refused row from spoiling the batch.
          const { outcome } = await trx.transaction(async (sp) => upsertLocation(sp, input, true));
          result[outcome]++;
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          result.errors.push({ row, column: (e.details[0]?.field as string) ?? null, code: e.code, message: e.message });
        }
      }
      await audit(trx, caller, {
        action: 'import',
        entity: 'location',
        details: { created: result.created, updated: result.updated, unchanged: result.unchanged, errors: result.errors.length, dryRun },
      });
      if (dryRun) throw new DryRunRollback();
    });
  } catch (e) {
    if (!(e instanceof DryRunRollback)) throw e;
  }
  result.errors.sort((a, b) => a.row - b.row);
  return result;
}
