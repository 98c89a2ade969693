/**
 * The hub's own carrier: village delivery and local trucks. No HTTP; waybill numbers come from a
 * range the hub manages (`services.nextNumber`), so two hubs never print the same number.
 *
 * A number is prefix + the sequence zero-padded to the width of rangeEnd + one check digit
 * (mod 10 with weights 3 and 1 from the right, as GTIN), so a mistyped or misread digit is caught
 * at the scanner instead of at the wrong village.
 */
import { z } from 'zod';
import { CarrierError, type CarrierAdapter, type CarrierAddress, type Waybill } from './types';

export const localSettings = z
  .object({
    prefix: z.string().regex(/^[A-Z0-9]{1,6}$/, '1-6 upper-case letters or digits'),
    rangeStart: z.number().int().nonnegative(),
    rangeEnd: z.number().int().positive(),
    /** township, district or village name → route code, e.g. {"嘉定镇": "XF-01"} */
    routes: z.record(z.string().min(1), z.string().min(1)).optional(),
  })
  .refine((s) => s.rangeStart <= s.rangeEnd, { message: 'rangeStart must not be above rangeEnd', path: ['rangeStart'] });

export type LocalSettings = z.infer<typeof localSettings>;

export const localCredentials = z.object({});

/** GTIN-style check digit: weights 3, 1, 3, ... from the rightmost digit. */
export function checkDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[digits.length - 1 - i]) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10;
}

export function localWaybillNo(prefix: string, n: number, rangeEnd: number): string {
  if (!Number.isSafeInteger(n) || n < 0 || n > rangeEnd) throw new RangeError(`${n} is outside 0..${rangeEnd}`);
  const digits = String(n).padStart(String(rangeEnd).length, '0');
  return prefix + digits + checkDigit(digits);
}

/** Whether `no` is a well-formed local waybill number of this prefix (right check digit). */
export function checkLocalWaybillNo(no: string, prefix: string): boolean {
  if (!no.startsWith(prefix)) return false;
  const rest = no.slice(prefix.length);
  if (!/^\d{2,}$/.test(rest)) return false;
  return checkDigit(rest.slice(0, -1)) === Number(rest[rest.length - 1]);
}

/** The route of the longest name found in the district or the address, so 嘉定镇 wins over 嘉定. */
export function localRoute(receiver: CarrierAddress, routes: Record<string, string> | undefined): string | null {
  const names = Object.keys(routes ?? {}).sort((a, b) => b.length - a.length);
  for (const name of names) {
    if (receiver.district.includes(name) || receiver.address.includes(name)) return routes![name];
  }
  return receiver.district.trim() || null;
}

function settingsOf(raw: Record<string, unknown>): LocalSettings {
  const parsed = localSettings.safeParse(raw);
  if (!parsed.success) throw new CarrierError('rejected', `local carrier settings invalid: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

export const localAdapter: CarrierAdapter = {
  name: 'local',
  title: '本地配送 (乡村配送 / 自有车辆)',
  defaultBaseUrl: null,
  credentialsSchema: localCredentials as unknown as z.ZodType<Record<string, string>>,
  settingsSchema: localSettings,

  async createWaybill(conn, req, services): Promise<Waybill> {
    const s = settingsOf(conn.settings);
    if (!services?.nextNumber) throw new CarrierError('unavailable', 'local carrier: the server gave no number source (services.nextNumber)');
    let n: number;
    try {
      n = await services.nextNumber();
    } catch (err) {
      // the server's own typed errors (a stable `code`, e.g. the range used up) reach the caller as they are
      if (err instanceof CarrierError || typeof (err as { code?: unknown })?.code === 'string') throw err;
      throw new CarrierError('unavailable', `local carrier: no number for ${req.reference}: ${(err as Error)?.message ?? err}`);
    }
    // A person must assign a new range; retrying the same request cannot help.
    if (!Number.isSafeInteger(n) || n < s.rangeStart || n > s.rangeEnd) {
      throw new CarrierError('rejected', `local carrier: number range ${s.rangeStart}-${s.rangeEnd} of ${s.prefix} is exhausted (got ${n}); assign a new range`);
    }
    return { waybillNo: localWaybillNo(s.prefix, n, s.rangeEnd), routingCode: localRoute(req.receiver, s.routes), sortCenter: null, carrierOrderId: null };
  },

  async cancelWaybill() {
    // The number is simply never used; ranges are not refilled.
  },

  async track() {
    return [];
  },
};
