import type { ColumnSpec } from '../tabular';
import { TEMPERATURE_WORDS } from '../layout/layout.model';
import { SkuFields } from './catalog.model';
import { checkBarcode } from './barcodes';
import { issuesToDetails } from '../http/validate';

/** Import columns with the headers Chinese sellers actually write. */
export const SKU_COLUMNS: ColumnSpec[] = [
  { name: 'owner_code', aliases: ['货主编码', '货主', 'owner'] },
  { name: 'sku_code', aliases: ['商品编码', 'SKU编码', 'SKU', '货号', 'skucode'], required: true },
  { name: 'name', aliases: ['商品名称', '名称', '品名', 'product_name'], required: true },
  { name: 'barcode', aliases: ['条码', '条形码', '商品条码', 'ean'] },
  { name: 'spec', aliases: ['规格', 'specification'] },
  { name: 'unit', aliases: ['单位'] },
  { name: 'weight_g', aliases: ['重量(克)', '重量（克）', '重量克', '重量', 'weight', '毛重(克)'], required: true },
  { name: 'length_mm', aliases: ['长(毫米)', '长（毫米）', '长', 'length'] },
  { name: 'width_mm', aliases: ['宽(毫米)', '宽（毫米）', '宽', 'width'] },
  { name: 'height_mm', aliases: ['高(毫米)', '高（毫米）', '高', 'height'] },
  { name: 'temperature', aliases: ['温层', '温度', '储存温度', '温区'], required: true },
  { name: 'shelf_life_days', aliases: ['保质期(天)', '保质期（天）', '保质期', 'shelf_life'] },
  { name: 'lot_tracked', aliases: ['批次管理', '是否批次管理', 'lot'] },
  { name: 'origin', aliases: ['产地', '原产地'] },
  { name: 'case_barcode', aliases: ['箱条码', '箱码'] },
  { name: 'case_qty', aliases: ['箱规', '每箱数量', '箱规(每箱数量)'] },
];

/** The template's headers: Chinese first, as a Chinese seller reads them. */
export const TEMPLATE_HEADERS: Array<[string, string]> = [
  ['owner_code', '货主编码'],
  ['sku_code', '商品编码'],
  ['name', '商品名称'],
  ['barcode', '条码'],
  ['spec', '规格'],
  ['unit', '单位'],
  ['weight_g', '重量(克)'],
  ['length_mm', '长(毫米)'],
  ['width_mm', '宽(毫米)'],
  ['height_mm', '高(毫米)'],
  ['temperature', '温层'],
  ['shelf_life_days', '保质期(天)'],
  ['lot_tracked', '批次管理'],
  ['origin', '产地'],
  ['case_barcode', '箱条码'],
  ['case_qty', '箱规'],
];

export const TEMPLATE_EXAMPLE: Record<string, string> = {
  owner_code: '',
  sku_code: 'QC-5KG',
  name: '赣南脐橙 5斤装 特级果',
  barcode: '6901234567892',
  spec: '5斤/箱 果径75-80mm',
  unit: '箱',
  weight_g: '2600',
  length_mm: '300',
  width_mm: '200',
  height_mm: '150',
  temperature: '常温',
  shelf_life_days: '30',
  lot_tracked: '是',
  origin: '江西省赣州市信丰县',
  case_barcode: '',
  case_qty: '',
};

export interface RowError {
  row: number;
  column: string | null;
  code: string;
  message: string;
  messageZh: string;
}

export interface ParsedSkuRow {
  ownerCode: string;
  fields: SkuFields;
  barcode: { code: string; kind: string } | null;
  caseUnit: { code: string; kind: string; qty: number } | null;
}

const YES = new Set(['true', '1', '是', 'y', 'yes', '启用']);
const NO = new Set(['false', '0', '否', 'n', 'no', '']);

const ZH: Record<string, string> = {
  sku_code: '商品编码',
  name: '商品名称',
  weight_g: '重量',
  length_mm: '长',
  width_mm: '宽',
  height_mm: '高',
  temperature: '温层',
  shelf_life_days: '保质期',
  spec: '规格',
  unit: '单位',
  origin: '产地',
};

const FIELD_TO_COLUMN: Record<string, string> = {
  skuCode: 'sku_code',
  name: 'name',
  spec: 'spec',
  unit: 'unit',
  weightG: 'weight_g',
  lengthMm: 'length_mm',
  widthMm: 'width_mm',
  heightMm: 'height_mm',
  temperature: 'temperature',
  shelfLifeDays: 'shelf_life_days',
  origin: 'origin',
};

function number(raw: string | undefined): number | null | typeof NaN {
  const s = (raw ?? '').trim().replace(/,/g, '');
  if (s === '') return null;
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
}

/** One file row to SKU fields, with every bad cell reported in English and Chinese. */
export function parseSkuRow(row: number, v: Record<string, string>): { parsed?: ParsedSkuRow; errors: RowError[] } {
  const errors: RowError[] = [];
  const err = (column: string, code: string, message: string, messageZh: string) => errors.push({ row, column, code, message, messageZh });

  const temperatureRaw = (v.temperature ?? '').trim();
  const temperature = TEMPERATURE_WORDS[temperatureRaw.toLowerCase()];
  if (!temperature) err('temperature', 'invalid', `"${temperatureRaw}" is not ambient / chilled / frozen`, `温层"${temperatureRaw}"无效，应为 常温 / 冷藏 / 冷冻`);

  const lotRaw = (v.lot_tracked ?? '').trim().toLowerCase();
  let lotTracked = false;
  if (YES.has(lotRaw)) lotTracked = true;
  else if (!NO.has(lotRaw)) err('lot_tracked', 'invalid', `"${v.lot_tracked}" is not true/false/1/0/是/否`, `批次管理"${v.lot_tracked}"无效，应为 是 / 否`);

  const nums: Record<string, number | null | undefined> = {};
  for (const col of ['weight_g', 'length_mm', 'width_mm', 'height_mm', 'shelf_life_days']) {
    const n = number(v[col]);
    if (Number.isNaN(n)) {
      err(col, 'not_a_number', `"${v[col]}" is not a number`, `${ZH[col]}"${v[col]}"不是数字`);
      nums[col] = undefined;
    } else nums[col] = n as number | null;
  }

  const candidate = {
    skuCode: (v.sku_code ?? '').trim(),
    name: (v.name ?? '').trim(),
    spec: v.spec?.trim() || null,
    unit: v.unit?.trim() || null,
    weightG: nums.weight_g ?? undefined,
    lengthMm: nums.length_mm,
    widthMm: nums.width_mm,
    heightMm: nums.height_mm,
    temperature: temperature ?? 'ambient',
    shelfLifeDays: nums.shelf_life_days,
    lotTracked,
    origin: v.origin?.trim() || null,
  };
  const checked = SkuFields.safeParse(candidate);
  if (!checked.success) {
    for (const d of issuesToDetails(checked.error.issues)) {
      const column = FIELD_TO_COLUMN[d.field ?? ''] ?? d.field ?? null;
      if (errors.some((e) => e.column === column)) continue;
      const value = column ? v[column] ?? '' : '';
      const message = value === '' ? `${column} is required` : `${column} "${value}": ${d.message}`;
      const zh = column && ZH[column] ? ZH[column] : column;
      err(column ?? '', value === '' ? 'required' : 'invalid', message, value === '' ? `${zh}不能为空` : `${zh}"${value}"无效（${column === 'weight_g' ? '应为大于0的整数克数' : '格式或范围不对'}）`);
    }
  }

  let barcode: ParsedSkuRow['barcode'] = null;
  if (v.barcode?.trim()) {
    const c = checkBarcode(v.barcode);
    if (c.ok) barcode = { code: c.code, kind: c.kind };
    else err('barcode', 'invalid_barcode', c.reason, c.reasonZh);
  }
  let caseUnit: ParsedSkuRow['caseUnit'] = null;
  if (v.case_barcode?.trim() || v.case_qty?.trim()) {
    const c = checkBarcode(v.case_barcode ?? '');
    const qty = number(v.case_qty);
    if (!c.ok) err('case_barcode', 'invalid_barcode', c.reason, c.reasonZh);
    else if (typeof qty !== 'number' || !Number.isInteger(qty) || qty < 2) err('case_qty', 'invalid', `case quantity "${v.case_qty ?? ''}" must be a whole number of at least 2`, `箱规"${v.case_qty ?? ''}"应为不小于2的整数`);
    else if (barcode && c.code === barcode.code) err('case_barcode', 'duplicate_barcode', 'the case barcode equals the unit barcode', '箱条码与商品条码相同');
    else caseUnit = { code: c.code, kind: c.kind, qty };
  }

  if (errors.length || !checked.success) return { errors };
  return { parsed: { ownerCode: (v.owner_code ?? '').trim(), fields: checked.data, barcode, caseUnit }, errors };
}
