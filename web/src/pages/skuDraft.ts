import type { ErrorDetail, Sku, SkuStatus, Temperature } from '../api';
import type { TFunction } from '../i18n';

/** The SKU form's values as typed (strings), the checks that help before sending, and the request body. */

export interface SkuDraft {
  ownerId: string;
  skuCode: string;
  name: string;
  spec: string;
  unit: string;
  weightG: string;
  lengthMm: string;
  widthMm: string;
  heightMm: string;
  temperature: Temperature | '';
  shelfLifeDays: string;
  lotTracked: boolean;
  origin: string;
  barcodes: string[];
  cases: Array<{ barcode: string; qty: string }>;
  components: Array<{ skuCode: string; qty: string }>;
  status: SkuStatus;
}

export const emptyDraft = (ownerId = ''): SkuDraft => ({
  ownerId,
  skuCode: '',
  name: '',
  spec: '',
  unit: '',
  weightG: '',
  lengthMm: '',
  widthMm: '',
  heightMm: '',
  temperature: '',
  shelfLifeDays: '',
  lotTracked: false,
  origin: '',
  barcodes: [''],
  cases: [],
  components: [],
  status: 'active',
});

const str = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

export function draftOf(sku: Sku): SkuDraft {
  return {
    ownerId: String(sku.ownerId),
    skuCode: sku.skuCode,
    name: sku.name,
    spec: sku.spec ?? '',
    unit: sku.unit ?? '',
    weightG: str(sku.weightG),
    lengthMm: str(sku.lengthMm),
    widthMm: str(sku.widthMm),
    heightMm: str(sku.heightMm),
    temperature: sku.temperature,
    shelfLifeDays: str(sku.shelfLifeDays),
    lotTracked: sku.lotTracked,
    origin: sku.origin ?? '',
    barcodes: sku.barcodes.length ? [...sku.barcodes] : [''],
    cases: sku.cases.map((c) => ({ barcode: c.barcode, qty: String(c.qty) })),
    components: sku.components.map((c) => ({ skuCode: c.skuCode, qty: String(c.qty) })),
    status: sku.status,
  };
}

/** Full-width digits and letters (typed with a Chinese input method) as plain ASCII. */
export function halfWidth(s: string): string {
  return s.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, ' ');
}

/** A barcode as scanned or typed: no spaces, half-width. */
export const cleanCode = (s: string) => halfWidth(s).replace(/\s+/g, '');

/** The GS1 check digit (EAN-8, UPC-A, EAN-13, GTIN-14) is right. */
export function gtinValid(code: string): boolean {
  let sum = 0;
  for (let i = code.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += (code.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10 === code.charCodeAt(code.length - 1) - 48;
}

const CODE = /^[A-Za-z0-9][A-Za-z0-9._\-/+]*$/;

/** What is wrong with a barcode, in the reader's language, or null. */
export function barcodeProblem(t: TFunction, raw: string): string | null {
  const code = cleanCode(raw);
  if (/^\d(\.\d+)?e\+?\d+$/i.test(code)) return t('skuForm.barcodeScientific');
  if (/^\d+$/.test(code) && [8, 12, 13, 14].includes(code.length)) return gtinValid(code) ? null : t('skuForm.barcodeCheckDigit', { code });
  if (code.length > 64 || !CODE.test(code)) return t('skuForm.barcodeChars');
  return null;
}

/** A whole number typed in a box: '' → null; 2,600 → 2600; anything else → NaN. */
export function wholeNumber(raw: string): number | null {
  const s = halfWidth(raw).replace(/[,\s]/g, '');
  if (s === '') return null;
  return /^\d+$/.test(s) ? Number(s) : NaN;
}

const NUMBERS: Array<{ field: 'weightG' | 'lengthMm' | 'widthMm' | 'heightMm' | 'shelfLifeDays'; max: number; required?: boolean }> = [
  { field: 'weightG', max: 1_000_000, required: true },
  { field: 'lengthMm', max: 10_000 },
  { field: 'widthMm', max: 10_000 },
  { field: 'heightMm', max: 10_000 },
  { field: 'shelfLifeDays', max: 36_500 },
];

/** The checks the API would make, said plainly; fields are named as the API names them. */
export function checkDraft(t: TFunction, d: SkuDraft, opts: { creating: boolean; needsOwner: boolean }): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  const add = (field: string, message: string) => out.push({ field, code: 'client', message });
  if (opts.creating && opts.needsOwner && !d.ownerId) add('ownerId', t('skuForm.chooseOwner'));
  if (opts.creating) {
    const code = halfWidth(d.skuCode).trim();
    if (!code) add('skuCode', t('form.required'));
    else if (code.length > 64 || !CODE.test(code)) add('skuCode', t('skuForm.codeChars'));
  }
  if (!d.name.trim()) add('name', t('form.required'));
  for (const n of NUMBERS) {
    const v = wholeNumber(d[n.field]);
    if (v === null) {
      if (n.required) add(n.field, t('form.required'));
    } else if (!Number.isFinite(v) || v < 1) add(n.field, t('skuForm.wholeNumber'));
    else if (v > n.max) add(n.field, t('skuForm.tooBig', { max: n.max }));
  }
  if (!d.temperature) add('temperature', t('skuForm.chooseTemperature'));

  const seen = new Map<string, string>();
  const checkCode = (raw: string, field: string) => {
    const code = cleanCode(raw);
    const problem = barcodeProblem(t, code);
    if (problem) return add(field, problem);
    if (seen.has(code)) return add(field, t('skuForm.barcodeTwice'));
    seen.set(code, field);
  };
  d.barcodes.forEach((b, i) => cleanCode(b) && checkCode(b, i === 0 ? 'barcode' : `barcodes.${i}`));
  d.cases.forEach((c, i) => {
    if (!cleanCode(c.barcode) && !c.qty.trim()) return;
    if (!cleanCode(c.barcode)) add(`cases.${i}.barcode`, t('form.required'));
    else checkCode(c.barcode, `cases.${i}.barcode`);
    const q = wholeNumber(c.qty);
    if (q === null || !Number.isFinite(q) || q < 2 || q > 100_000) add(`cases.${i}.qty`, t('skuForm.caseQty'));
  });
  const codes = new Set<string>();
  d.components.forEach((c, i) => {
    const code = halfWidth(c.skuCode).trim();
    if (!code && !c.qty.trim()) return;
    if (!code) add(`components.${i}.skuCode`, t('form.required'));
    else if (code === halfWidth(d.skuCode).trim()) add(`components.${i}.skuCode`, t('skuForm.kitSelf'));
    else if (codes.has(code)) add(`components.${i}.skuCode`, t('skuForm.kitTwice'));
    codes.add(code);
    const q = wholeNumber(c.qty);
    if (q === null || !Number.isFinite(q) || q < 1 || q > 10_000) add(`components.${i}.qty`, t('skuForm.wholeNumber'));
  });
  return out;
}

const optional = (s: string) => s.trim() || null;
const num = (s: string) => wholeNumber(s);

/** The request body: POST leaves empty boxes out; PATCH sends null to clear them. */
export function bodyOf(d: SkuDraft, opts: { creating: boolean; sendOwner: boolean }): Record<string, unknown> {
  const barcodes = d.barcodes.map(cleanCode).filter(Boolean);
  const cases = d.cases.filter((c) => cleanCode(c.barcode)).map((c) => ({ barcode: cleanCode(c.barcode), qty: num(c.qty) }));
  const components = d.components.filter((c) => c.skuCode.trim()).map((c) => ({ skuCode: halfWidth(c.skuCode).trim(), qty: num(c.qty) }));
  const body: Record<string, unknown> = {
    name: d.name.trim(),
    spec: optional(d.spec),
    unit: optional(d.unit),
    weightG: num(d.weightG),
    lengthMm: num(d.lengthMm),
    widthMm: num(d.widthMm),
    heightMm: num(d.heightMm),
    temperature: d.temperature,
    shelfLifeDays: num(d.shelfLifeDays),
    lotTracked: d.lotTracked,
    origin: optional(d.origin),
    barcode: barcodes[0] ?? null,
    barcodes,
    cases,
  };
  if (opts.creating) {
    body.skuCode = halfWidth(d.skuCode).trim();
    if (opts.sendOwner) body.ownerId = Number(d.ownerId);
    for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
    if (components.length) body.components = components;
  } else {
    body.components = components;
    body.status = d.status;
  }
  return body;
}

/** Puts an API detail that names the whole list on the box holding the barcode it mentions. */
export function placeDetails(details: ErrorDetail[], d: SkuDraft): ErrorDetail[] {
  return details.map((e) => {
    if (e.code !== 'duplicate_barcode' || e.field !== 'barcode') return e;
    const i = d.barcodes.findIndex((b) => cleanCode(b) && e.message.includes(cleanCode(b)));
    if (i > 0) return { ...e, field: `barcodes.${i}` };
    const c = d.cases.findIndex((x) => cleanCode(x.barcode) && e.message.includes(cleanCode(x.barcode)));
    return c >= 0 && i < 0 ? { ...e, field: `cases.${c}.barcode` } : e;
  });
}
