import { z, Temperature } from '../http/zod';

const Code = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9._\-/+]*$/, 'letters, digits and . _ - / + only');
const PositiveInt = (max: number) => z.number().int().min(1).max(max);

/** The fields of a SKU, shared by the API schema and the import's row check. */
export const SkuFields = z.object({
  skuCode: Code,
  name: z.string().trim().min(1).max(200),
  spec: z.string().trim().max(200).nullish(),
  unit: z.string().trim().max(20).nullish(),
  weightG: PositiveInt(1_000_000),
  lengthMm: PositiveInt(10_000).nullish(),
  widthMm: PositiveInt(10_000).nullish(),
  heightMm: PositiveInt(10_000).nullish(),
  temperature: Temperature,
  shelfLifeDays: PositiveInt(36_500).nullish(),
  lotTracked: z.boolean().optional(),
  origin: z.string().trim().max(200).nullish(),
});
export type SkuFields = z.infer<typeof SkuFields>;

export const CaseUnit = z.object({ barcode: z.string().trim().min(1).max(64), qty: z.number().int().min(2).max(100_000) }).strict().openapi('CaseUnit');
export const KitComponentInput = z.object({ skuCode: Code, qty: z.number().int().min(1).max(10_000) }).strict().openapi('KitComponentInput');

export interface SkuRow {
  id: number;
  owner_id: number;
  sku_code: string;
  name: string;
  spec: string | null;
  unit: string | null;
  weight_g: number;
  length_mm: number | null;
  width_mm: number | null;
  height_mm: number | null;
  temperature: string;
  shelf_life_days: number | null;
  lot_tracked: number | boolean;
  origin: string | null;
  is_kit: number | boolean;
  status: string;
  created_at: string;
  updated_at: string;
}

/** Column values of a SKU row from its API fields (undefined = not given, leave as is). */
export function toColumns(f: Partial<SkuFields>): Record<string, unknown> {
  const c: Record<string, unknown> = {};
  if (f.name !== undefined) c.name = f.name;
  if (f.spec !== undefined) c.spec = f.spec || null;
  if (f.unit !== undefined) c.unit = f.unit || null;
  if (f.weightG !== undefined) c.weight_g = f.weightG;
  if (f.lengthMm !== undefined) c.length_mm = f.lengthMm ?? null;
  if (f.widthMm !== undefined) c.width_mm = f.widthMm ?? null;
  if (f.heightMm !== undefined) c.height_mm = f.heightMm ?? null;
  if (f.temperature !== undefined) c.temperature = f.temperature;
  if (f.shelfLifeDays !== undefined) c.shelf_life_days = f.shelfLifeDays ?? null;
  if (f.lotTracked !== undefined) c.lot_tracked = f.lotTracked;
  if (f.origin !== undefined) c.origin = f.origin || null;
  return c;
}

/** Whether applying `cols` to `row` would change anything (booleans come back as 0/1). */
export function differs(row: Record<string, any>, cols: Record<string, unknown>): boolean {
  return Object.entries(cols).some(([k, v]) => {
    const cur = row[k];
    if (typeof v === 'boolean') return Boolean(cur) !== v;
    return (cur ?? null) !== (v ?? null);
  });
}
