/**
 * GS1 check digits (EAN-8, UPC-A = GTIN-12, EAN-13, GTIN-14). Shared by the label model (which
 * symbology to print) and the catalog (reject a mistyped barcode at import): a code whose check
 * digit is wrong would print a label that scans as another product, or not at all.
 */

const GTIN_LENGTHS = new Set([8, 12, 13, 14]);

/**
 * The GS1 mod-10 check digit for the digits before it (the "payload", 7/11/12/13 digits).
 * From the right, payload digits are weighted 3,1,3,1,…; the check digit brings the sum to a
 * multiple of 10.
 */
export function gtinCheckDigit(payload: string): number {
  if (!/^\d+$/.test(payload)) throw new Error(`GTIN payload must be digits, got "${payload}"`);
  let sum = 0;
  for (let i = payload.length - 1, weight = 3; i >= 0; i--, weight = 4 - weight) {
    sum += (payload.charCodeAt(i) - 48) * weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** True for 8, 12, 13 or 14 digits whose last digit is the correct GS1 check digit. */
export function isValidGtin(code: string): boolean {
  if (typeof code !== 'string' || !/^\d+$/.test(code) || !GTIN_LENGTHS.has(code.length)) return false;
  return gtinCheckDigit(code.slice(0, -1)) === code.charCodeAt(code.length - 1) - 48;
}
