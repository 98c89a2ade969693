import type { AppContext } from '../context';
import type { Tx } from '../db/knex';
import type { Caller } from '../auth/principal';
import { inTransaction } from '../db/transaction';
import { nowDb, toIso } from '../db/time';
import { isUniqueViolation } from '../db/errors';
import { BusinessRule, Conflict, NotFound } from '../http/errors';
import { audit } from '../audit';
import type { CartonType } from './cartonize';

/** Cartons the hub stocks and the pack stations that use them (with their label printer). */

export interface CartonInput {
  warehouseId?: number;
  code: string;
  name: string;
  lengthMm: number;
  widthMm: number;
  heightMm: number;
  maxWeightG?: number | null;
  tareG?: number;
  active?: boolean;
}

export interface StationInput {
  warehouseId?: number;
  code: string;
  name: string;
  printerId?: number | null;
  cartonCodes?: string[];
  active?: boolean;
}

export function presentCarton(r: any) {
  return {
    id: Number(r.id),
    warehouseId: Number(r.warehouse_id),
    code: r.code as string,
    name: r.name as string,
    lengthMm: Number(r.length_mm),
    widthMm: Number(r.width_mm),
    heightMm: Number(r.height_mm),
    maxWeightG: r.max_weight_g === null || r.max_weight_g === undefined ? null : Number(r.max_weight_g),
    tareG: Number(r.tare_g),
    status: r.status as 'active' | 'inactive',
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  };
}

const codesOf = (text: string | null | undefined): string[] => {
  if (!text) return [];
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
};

export function presentStation(r: any) {
  return {
    id: Number(r.id),
    warehouseId: Number(r.warehouse_id),
    code: r.code as string,
    name: r.name as string,
    printerId: r.printer_id === null || r.printer_id === undefined ? null : Number(r.printer_id),
    printerName: (r.printer_name as string | undefined) ?? null,
    cartonCodes: codesOf(r.carton_codes),
    status: r.status as 'active' | 'inactive',
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  };
}

async function warehouseOf(db: Tx, id: number | undefined): Promise<number> {
  const w = id ? await db('warehouses').where({ id }).first('id') : await db('warehouses').orderBy('id').first('id');
  if (!w) throw id ? new NotFound('warehouse') : new BusinessRule('NO_WAREHOUSE', 'Create the warehouse first');
  return Number(w.id);
}

function checkSize(input: Partial<CartonInput>) {
  for (const k of ['lengthMm', 'widthMm', 'heightMm'] as const) {
    if (input[k] !== undefined && !(Number(input[k]) > 0)) throw new BusinessRule('CARTON_SIZE', `${k} must be more than 0 mm`);
  }
}

export async function listCartons(ctx: AppContext, f: { warehouseId?: number; status?: string }) {
  const q = ctx.db('cartons').orderBy([{ column: 'warehouse_id' }, { column: 'length_mm' }, { column: 'code' }]);
  if (f.warehouseId) q.where('warehouse_id', f.warehouseId);
  if (f.status) q.whereIn('status', f.status.split(','));
  const rows = await q;
  // smallest first: the order a packer reads them in
  const items = rows.map(presentCarton).sort((a, b) => a.lengthMm * a.widthMm * a.heightMm - b.lengthMm * b.widthMm * b.heightMm || a.code.localeCompare(b.code));
  return { items, nextCursor: null };
}

export async function createCarton(ctx: AppContext, caller: Caller, input: CartonInput) {
  checkSize(input);
  return inTransaction(ctx.db, async (trx) => {
    const warehouseId = await warehouseOf(trx, input.warehouseId);
    const now = nowDb();
    try {
      const [id] = await trx('cartons').insert({
        warehouse_id: warehouseId,
        code: input.code,
        name: input.name,
        length_mm: input.lengthMm,
        width_mm: input.widthMm,
        height_mm: input.heightMm,
        max_weight_g: input.maxWeightG ?? null,
        tare_g: input.tareG ?? 0,
        status: input.active === false ? 'inactive' : 'active',
        created_at: now,
        updated_at: now,
      });
      await audit(trx, caller, { action: 'carton.create', entity: 'carton', entityId: id, details: { code: input.code } });
      return presentCarton(await trx('cartons').where({ id }).first());
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict('DUPLICATE_CARTON', `Carton ${input.code} exists in this warehouse`);
      throw err;
    }
  });
}

export async function updateCarton(ctx: AppContext, caller: Caller, id: number, patch: Partial<CartonInput>) {
  checkSize(patch);
  return inTransaction(ctx.db, async (trx) => {
    const row = await trx('cartons').where({ id }).forUpdate().first();
    if (!row) throw new NotFound('carton');
    try {
      await trx('cartons')
        .where({ id })
        .update({
          code: patch.code ?? row.code,
          name: patch.name ?? row.name,
          length_mm: patch.lengthMm ?? row.length_mm,
          width_mm: patch.widthMm ?? row.width_mm,
          height_mm: patch.heightMm ?? row.height_mm,
          max_weight_g: patch.maxWeightG === undefined ? row.max_weight_g : patch.maxWeightG,
          tare_g: patch.tareG ?? row.tare_g,
          status: patch.active === undefined ? row.status : patch.active ? 'active' : 'inactive',
          updated_at: nowDb(),
        });
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict('DUPLICATE_CARTON', `Carton ${patch.code} exists in this warehouse`);
      throw err;
    }
    await audit(trx, caller, { action: 'carton.update', entity: 'carton', entityId: id, details: { fields: Object.keys(patch) } });
    return presentCarton(await trx('cartons').where({ id }).first());
  });
}

const stationQuery = (db: Tx) => db('pack_stations').leftJoin('printers', 'printers.id', 'pack_stations.printer_id').select('pack_stations.*', 'printers.name as printer_name');

export async function listStations(ctx: AppContext) {
  const rows = await stationQuery(ctx.db).orderBy('pack_stations.code');
  return { items: rows.map(presentStation), nextCursor: null };
}

async function checkStationRefs(trx: Tx, warehouseId: number, printerId: number | null | undefined, codes: string[] | undefined) {
  if (printerId) {
    const p = await trx('printers').where({ id: printerId }).first('id');
    if (!p) throw new NotFound('printer');
  }
  if (codes?.length) {
    const known = new Set((await trx('cartons').where({ warehouse_id: warehouseId }).whereIn('code', codes).select('code')).map((r: any) => r.code));
    const unknown = codes.filter((c) => !known.has(c));
    if (unknown.length) throw new BusinessRule('UNKNOWN_CARTON', `No carton ${unknown.join(', ')} in this warehouse`, unknown.map((c) => ({ field: 'cartonCodes', code: 'unknown', message: `no carton ${c}` })));
  }
}

export async function createStation(ctx: AppContext, caller: Caller, input: StationInput) {
  return inTransaction(ctx.db, async (trx) => {
    const warehouseId = await warehouseOf(trx, input.warehouseId);
    await checkStationRefs(trx, warehouseId, input.printerId, input.cartonCodes);
    const now = nowDb();
    try {
      const [id] = await trx('pack_stations').insert({
        warehouse_id: warehouseId,
        code: input.code,
        name: input.name,
        printer_id: input.printerId ?? null,
        carton_codes: JSON.stringify([...new Set(input.cartonCodes ?? [])]),
        status: input.active === false ? 'inactive' : 'active',
        created_at: now,
        updated_at: now,
      });
      await audit(trx, caller, { action: 'station.create', entity: 'pack_station', entityId: id, details: { code: input.code } });
      return presentStation(await stationQuery(trx).where('pack_stations.id', id).first());
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict('DUPLICATE_STATION', `Pack station ${input.code} exists in this warehouse`);
      throw err;
    }
  });
}

export async function updateStation(ctx: AppContext, caller: Caller, id: number, patch: Partial<StationInput>) {
  return inTransaction(ctx.db, async (trx) => {
    const row = await trx('pack_stations').where({ id }).forUpdate().first();
    if (!row) throw new NotFound('pack station');
    await checkStationRefs(trx, Number(row.warehouse_id), patch.printerId, patch.cartonCodes);
    try {
      await trx('pack_stations')
        .where({ id })
        .update({
          code: patch.code ?? row.code,
          name: patch.name ?? row.name,
          printer_id: patch.printerId === undefined ? row.printer_id : patch.printerId,
          carton_codes: patch.cartonCodes === undefined ? row.carton_codes : JSON.stringify([...new Set(patch.cartonCodes)]),
          status: patch.active === undefined ? row.status : patch.active ? 'active' : 'inactive',
          updated_at: nowDb(),
        });
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict('DUPLICATE_STATION', `Pack station ${patch.code} exists in this warehouse`);
      throw err;
    }
    await audit(trx, caller, { action: 'station.update', entity: 'pack_station', entityId: id, details: { fields: Object.keys(patch) } });
    return presentStation(await stationQuery(trx).where('pack_stations.id', id).first());
  });
}

/** The cartons a station packs into: its own list, or every active carton of its warehouse. */
export async function stationCartons(db: Tx, stationId: number | undefined): Promise<CartonType[]> {
  let warehouseId: number | null = null;
  let codes: string[] = [];
  if (stationId) {
    const s = await db('pack_stations').where({ id: stationId }).first();
    if (!s) throw new NotFound('pack station');
    warehouseId = Number(s.warehouse_id);
    codes = codesOf(s.carton_codes);
  }
  const q = db('cartons').where({ status: 'active' });
  if (warehouseId) q.where({ warehouse_id: warehouseId });
  if (codes.length) q.whereIn('code', codes);
  const rows = await q;
  return rows.map((r: any) => {
    const c = presentCarton(r);
    return { code: c.code, name: c.name, lengthMm: c.lengthMm, widthMm: c.widthMm, heightMm: c.heightMm, maxWeightG: c.maxWeightG, tareG: c.tareG };
  });
}
