import { isValidGtin } from '../../printers/barcode-check';

export type BarcodeKind = 'ean13' | 'ean8' | 'upca' | 'gtin14' | 'internal';

export type BarcodeCheck = { ok: true; kind: BarcodeKind; code: string } | { ok: false; code: string; reason: string; reasonZh: string };

const INTERNAL = /^[A-Za-z0-9][A-Za-z0-9._\-/+]{0,63}$/;
const SCIENTIFIC = /^\d(\.\d+)?E\+\d+$/i;

/**
 * GS1 codes (EAN-13, EAN-8, UPC-A, GTIN-14 on cases) are checked by their check digit: a
 * mistyped digit would otherwise print a label that scans as another product. Anything else
 * is accepted as an internal code.
 */
export function checkBarcode(raw: string): BarcodeCheck {
  const code = raw.trim();
  if (SCIENTIFIC.test(code)) {
    return {
      ok: false,
      code,
      reason: `"${code}" was saved by Excel in scientific notation and lost digits; format the barcode column as text and save again`,
      reasonZh: `条码"${code}"被 Excel 存成了科学计数法，位数已丢失；请把条码列设为文本格式后重新保存`,
    };
  }
  if (/^\d+$/.test(code) && [8, 12, 13, 14].includes(code.length)) {
    if (!isValidGtin(code)) {
      return { ok: false, code, reason: `"${code}" has a wrong check digit`, reasonZh: `条码"${code}"校验位错误` };
    }
    const kind: BarcodeKind = code.length === 13 ? 'ean13' : code.length === 8 ? 'ean8' : code.length === 12 ? 'upca' : 'gtin14';
    return { ok: true, kind, code };
  }
  if (!INTERNAL.test(code)) {
    return {
      ok: false,
      code,
      reason: `"${code}" is not a barcode: use letters, digits and . _ - / + (at most 64)`,
      reasonZh: `"${code}"不是有效条码：只能包含字母、数字和 . _ - / +（最多64位）`,
    };
  }
  return { ok: true, kind: 'internal', code };
}
