import { CarrierError } from './types';

export interface CarrierCall {
  url: string;
  headers?: Record<string, string>;
  /** sent as is; the caller chose the encoding its carrier signs */
  body: string;
  contentType: 'application/x-www-form-urlencoded;charset=UTF-8' | 'application/json;charset=UTF-8';
  timeoutMs?: number;
}

export interface CarrierAnswer {
  status: number;
  text: string;
  /** the body parsed as JSON (always an object or array here) */
  json: any;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * One POST to a carrier, with a timeout. No answer in time becomes `timeout`; a connection that
 * fails or a 5xx `unavailable`; 429 `rate_limited`; 401/403 `auth`; a body that is not a JSON
 * object `malformed`. Carriers answer their own errors inside an HTTP 200, so everything else is
 * returned for the adapter to read in its carrier's format.
 */
export async function carrierRequest(call: CarrierCall, what: string): Promise<CarrierAnswer> {
  const timeoutMs = call.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let res: Response;
  let text: string;
  try {
    res = await fetch(call.url, {
      method: 'POST',
      headers: { Accept: 'application/json', 'Content-Type': call.contentType, ...call.headers },
      body: call.body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    text = await res.text();
  } catch (err: any) {
    const timedOut = err?.name === 'TimeoutError' || err?.name === 'AbortError';
    if (timedOut) throw new CarrierError('timeout', `${what}: no answer within ${timeoutMs / 1000} s`);
    throw new CarrierError('unavailable', `${what}: cannot connect (${err?.cause?.code ?? err?.message ?? err})`);
  }
  if (res.status === 429) throw new CarrierError('rate_limited', `${what}: rate limited by the carrier`, '429');
  if (res.status === 401 || res.status === 403) throw new CarrierError('auth', `${what}: the carrier refused the credentials (HTTP ${res.status})`, String(res.status));
  if (res.status >= 500) throw new CarrierError('unavailable', `${what}: the carrier answered HTTP ${res.status}`, String(res.status));
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!json || typeof json !== 'object') {
    // A 4xx page from a proxy or a wrong base URL will not improve on retry; a 2xx that is not
    // JSON is the carrier's gateway misbehaving, which usually passes.
    if (res.status >= 300) throw new CarrierError('rejected', `${what}: HTTP ${res.status} ${text.trim().slice(0, 120)}`, String(res.status));
    throw new CarrierError('malformed', `${what}: the answer is not JSON (${text.trim().slice(0, 80) || 'empty'})`);
  }
  return { status: res.status, text, json };
}

/** application/x-www-form-urlencoded, UTF-8, in the given key order. */
export function formBody(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

/** The carrier's base URL and an endpoint path, without doubling or dropping slashes. */
export function endpoint(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
}

/** Date and time as the Chinese carriers write them ("2024-03-01 08:05:09", Beijing time) to ISO-8601 with offset. */
export function chinaTimeToIso(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return epochToChinaIso(value);
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) {
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? epochToChinaIso(ms) : null;
  }
  const p = (s: string | undefined) => (s ?? '0').padStart(2, '0');
  return `${m[1]}-${p(m[2])}-${p(m[3])}T${p(m[4])}:${m[5]}:${p(m[6])}+08:00`;
}

export function epochToChinaIso(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19) + '+08:00';
}

/** Grams to kilograms as carriers take them: a decimal with at most three places. */
export function kg(grams: number): number {
  return Math.round(grams) / 1000;
}

/** Fen to yuan as a decimal string ("12.50"). */
export function yuan(fen: number): string {
  const f = Math.round(fen);
  return `${Math.trunc(f / 100)}.${String(Math.abs(f % 100)).padStart(2, '0')}`;
}

/** The items as one short line ("苹果x2,梨") for a cargo-name field, cut to what a label has room for. */
export function cargoText(items: Array<{ name: string; qty: number }>, max = 60): string {
  const text = items.map((i) => (i.qty > 1 ? `${i.name}x${i.qty}` : i.name)).join(',');
  return text.length > max ? text.slice(0, max - 1) + '…' : text || '货物';
}
