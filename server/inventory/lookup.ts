import type { Tx } from '../db/knex';
import { BusinessRule } from '../http/errors';
import type { Principal } from '../auth/principal';
import { findByBarcode } from '../catalog';

export interface LocationRow {
  id: number;
  code: string;
  type: string;
  temperature: string;
  zone_code: string;
  x_cm: number | null;
  y_cm: number | null;
}

/** A location by the code on its label (unique within the hub's warehouse). */
export async function findLocation(trx: Tx, code: string, field = 'locationCode'): Promise<LocationRow> {
  const find = (exact: boolean) =>
    trx('locations')
      .join('zones', 'zones.id', 'locations.zone_id')
      .where((w) => (exact ? w.where('locations.code', code.trim()) : w.whereRaw('lower(locations.code) = ?', [code.trim().toLowerCase()])))
      .andWhere('locations.status', 'active')
      .first('locations.id', 'locations.code', 'locations.type', 'locations.x_cm', 'locations.y_cm', 'zones.temperature', 'zones.code as zone_code');
  // Exact first (uses the index); then ignoring case, as MySQL's collation already does, so a
  // code typed in lower case finds the same location on SQLite too.
  const row = (await find(true)) ?? (await find(false));
  if (!row) throw new BusinessRule('UNKNOWN_LOCATION', `No location "${code}"`, [{ field, code: 'unknown_location', message: `no location ${code}` }]);
  return row;
}

export interface ItemRef {
  barcode?: string | null;
  skuCode?: string | null;
}

/**
 * What a scan names within one owner: a unit or case barcode, or the SKU code printed on an
 * internal label. `perScan` is how many units one scan counts (a case barcode counts its case).
 */
export async function resolveItem(trx: Tx, ownerId: number, ref: ItemRef): Promise<{ sku: any; perScan: number }> {
  if (ref.barcode) {
    const hit = await findByBarcode(trx, ownerId, ref.barcode);
    if (hit) return { sku: await trx('skus').where({ id: hit.skuId }).first(), perScan: hit.qty };
  }
  const code = (ref.skuCode ?? ref.barcode ?? '').trim();
  const sku = code ? await trx('skus').where({ owner_id: ownerId, sku_code: code }).first() : null;
  if (!sku) {
    const what = ref.barcode ? `barcode ${ref.barcode}` : `SKU ${code}`;
    throw new BusinessRule('UNKNOWN_BARCODE', `${what} matches no product of this owner`, [
      { field: ref.barcode ? 'barcode' : 'skuCode', code: 'unknown', message: `${what} is not this owner's` },
    ]);
  }
  return { sku, perScan: 1 };
}

const STORAGE_TYPES = new Set(['pick', 'bulk', 'putwall']);

/**
 * Chilled and frozen goods must never be stored at the wrong temperature. Docks and staging
 * areas take anything in passing; storage locations only their own class, unless a
 * supervisor overrides.
 */
export function checkPlacement(p: Principal, sku: { temperature: string; sku_code: string }, loc: LocationRow, override = false): void {
  if (!STORAGE_TYPES.has(loc.type) || loc.temperature === sku.temperature) return;
  if (override && (p.role === 'supervisor' || p.role === 'admin')) return;
  throw new BusinessRule(
    'TEMPERATURE_MISMATCH',
    `${sku.sku_code} is ${sku.temperature}; location ${loc.code} is ${loc.temperature}${override ? ' (only a supervisor may override)' : ''}`,
    [{ field: 'locationCode', code: 'temperature_mismatch', message: `${loc.code} is ${loc.temperature}` }],
  );
}
