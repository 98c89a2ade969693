import { PlatformError } from './types';

export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  /** a string is sent as is; an object as JSON */
  body?: string | object;
  timeoutMs?: number;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** the body parsed as JSON, or undefined when it is not JSON */
  json: any;
}

/** Seconds or an HTTP date in Retry-After, as milliseconds; `fallback` when absent or unreadable. */
export function retryAfterMs(value: string | null, fallback: number): number {
  if (!value) return fallback;
  const secs = Number(value);
  if (Number.isFinite(secs) && secs >= 0) return Math.min(secs * 1000, 10 * 60 * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, Math.min(at - Date.now(), 10 * 60 * 1000)) : fallback;
}

/**
 * One HTTP request to a platform, with a timeout. No answer in time becomes PlatformError
 * `timeout`, a connection that fails `unavailable`; a 429 `rate_limited` (with Retry-After),
 * 401/403 `auth`, 5xx `unavailable`.
 * Other statuses are returned for the adapter to read its platform's error format.
 */
export async function platformRequest(call: HttpCall, what: string): Promise<HttpAnswer> {
  const timeoutMs = call.timeoutMs ?? 15_000;
  const headers: Record<string, string> = { Accept: 'application/json', ...call.headers };
  let body: string | undefined;
  if (call.body !== undefined) {
    body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body);
    if (typeof call.body !== 'string' && !headers['Content-Type']) headers['Content-Type'] = 'application/json';
  }
  let res: Response;
  let text: string;
  try {
    res = await fetch(call.url, { method: call.method, headers, body, signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    text = await res.text();
  } catch (err: any) {
    const timedOut = err?.name === 'TimeoutError' || err?.name === 'AbortError';
    if (timedOut) throw new PlatformError('timeout', `${what}: no answer within ${timeoutMs / 1000} s`);
    throw new PlatformError('unavailable', `${what}: cannot connect (${err?.cause?.code ?? err?.message ?? err})`);
  }
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (res.status === 429) {
    throw new PlatformError('rate_limited', `${what}: rate limited by the platform`, { status: 429, retryAfterMs: retryAfterMs(res.headers.get('retry-after'), 2000) });
  }
  if (res.status === 401 || res.status === 403) {
    // the platform's own words ("Invalid API key or access token", "Consumer key is invalid.") tell
    // the supervisor which credential to renew
    const said = platformWords(json, text);
    throw new PlatformError('auth', `${what}: the platform refused the credentials (HTTP ${res.status}${said ? `: ${said}` : ''})`, { status: res.status });
  }
  if (res.status >= 500) throw new PlatformError('unavailable', `${what}: the platform answered HTTP ${res.status}`, { status: res.status });
  return { status: res.status, headers: res.headers, text, json };
}

/** A short message out of an error body: Shopify's `errors`, WordPress's `message`, or the text. */
function platformWords(json: any, text: string): string {
  const e = json?.errors ?? json?.message ?? json?.error;
  const said = typeof e === 'string' ? e : Array.isArray(e) ? e.map(String).join('; ') : /^\s*</.test(text) ? '' : text;
  return said.replace(/<[^>]*>/g, '').trim().slice(0, 200);
}

/** Joins a store's base URL and a path without doubling or dropping slashes. */
export function joinUrl(baseUrl: string, path: string, query?: Record<string, string | number | undefined>): string {
  const url = new URL(baseUrl.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, ''));
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
  return url.toString();
}

/** Header value of a webhook request (case-insensitive, first of several). */
export function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === want) return Array.isArray(v) ? v[0] : v;
  return undefined;
}
