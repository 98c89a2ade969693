import { clearSession, getToken, rememberReturnPath } from './session';
import { currentPath, navigate } from './router';

/** The API client: bearer token, the error shape of API.md, and the way back to /login. */

export interface ErrorDetail {
  field: string;
  code: string;
  message: string;
  /** File-level import problems name a column of the file instead of a field. */
  column?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

type QueryValue = string | number | boolean | null | undefined;

export function withQuery(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

const SESSION_ENDED = new Set(['TOKEN_EXPIRED', 'INVALID_TOKEN']);

/** A protected call answered that the session is gone: back to /login, then back here. */
function sessionEnded(): void {
  rememberReturnPath(currentPath());
  clearSession();
  navigate('/login', { replace: true });
}

function toApiError(status: number, body: unknown): ApiError {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (e && typeof e.code === 'string') {
    const details = Array.isArray(e.details)
      ? (e.details as ErrorDetail[])
          .filter((d) => d && typeof d.message === 'string')
          .map((d) => ({ field: String(d.field ?? ''), code: String(d.code ?? ''), message: d.message, ...(typeof d.column === 'string' ? { column: d.column } : {}) }))
      : [];
    return new ApiError(status, e.code, typeof e.message === 'string' ? e.message : e.code, details);
  }
  return new ApiError(status, 'HTTP_' + status, `HTTP ${status}`);
}

function handle(status: number, body: unknown, hadToken: boolean): ApiError {
  const err = toApiError(status, body);
  if (status === 401 && hadToken && SESSION_ENDED.has(err.code)) sessionEnded();
  return err;
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** `Idempotency-Key`: a retry with the same key is answered once (API.md). */
  idempotencyKey?: string;
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const token = getToken();
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK_ERROR', (e as Error)?.message ?? 'network error');
  }
  const body = parseJson(await res.text());
  if (!res.ok) throw handle(res.status, body, !!token);
  return body as T;
}

export interface UploadOptions {
  query?: Record<string, QueryValue>;
  contentType: string;
  onProgress?: (fraction: number) => void;
}

/** Sends a file as the raw request body, reporting upload progress (fetch cannot). */
export function upload<T>(path: string, file: Blob, opts: UploadOptions): Promise<T> {
  return new Promise((resolve, reject) => {
    const token = getToken();
    const xhr = new XMLHttpRequest();
    xhr.open('POST', withQuery(path, opts.query));
    xhr.setRequestHeader('Content-Type', opts.contentType);
    xhr.setRequestHeader('Accept', 'application/json');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) opts.onProgress?.(e.loaded / e.total);
    };
    xhr.upload.onload = () => opts.onProgress?.(1);
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK_ERROR', 'network error'));
    xhr.onload = () => {
      const body = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(handle(xhr.status, body, !!token));
    };
    xhr.send(file);
  });
}

/** The file name a download response suggests (`Content-Disposition`), or the fallback. */
function filenameOf(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*(?:[\w-]+'[\w-]*')?([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1].trim() : fallback;
}

/** A file the API sends (template, error report, label PDF), fetched with the bearer token. */
export async function fetchFile(path: string, opts: { query?: Record<string, QueryValue>; fallbackName: string }): Promise<{ blob: Blob; filename: string }> {
  const token = getToken();
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  } catch (e) {
    throw new ApiError(0, 'NETWORK_ERROR', (e as Error)?.message ?? 'network error');
  }
  if (!res.ok) throw handle(res.status, parseJson(await res.text()), !!token);
  return { blob: await res.blob(), filename: filenameOf(res.headers.get('Content-Disposition'), opts.fallbackName) };
}

/** Hands a fetched file to the browser as a download. */
export function saveFile(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

// --- the resources the web app uses ---

export interface LoginResult {
  token: string;
  expiresInSeconds: number;
  user: { id: number; username: string; role: string; ownerId: number | null; carrierId: number | null; displayName: string | null; active: boolean };
}

export interface Me {
  kind: string;
  id: number | null;
  username: string;
  role: string;
  ownerId: number | null;
  carrierId: number | null;
}

export interface Owner {
  id: number;
  code: string;
  name: string;
  contactName: string | null;
  phone: string | null;
  status: 'active' | 'inactive';
  createdAt: string;
  updatedAt: string;
}

export type Temperature = 'ambient' | 'chilled' | 'frozen';
export const TEMPERATURES: Temperature[] = ['ambient', 'chilled', 'frozen'];
export type LocationType = 'pick' | 'bulk' | 'dock' | 'staging' | 'putwall';
export const LOCATION_TYPES: LocationType[] = ['pick', 'bulk', 'dock', 'staging', 'putwall'];

export interface Location {
  id: number;
  warehouseId: number;
  code: string;
  zone: string;
  temperature: Temperature;
  type: LocationType;
  x: number | null;
  y: number | null;
  pickSeq: number | null;
  status: string;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  errors: Array<{ row: number; column: string | null; code: string; message: string }>;
  encoding: string;
  ignoredColumns: string[];
  dryRun: boolean;
}

export type SkuStatus = 'active' | 'inactive';

export interface Sku {
  id: number;
  ownerId: number;
  skuCode: string;
  name: string;
  barcode: string | null;
  barcodes: string[];
  cases: Array<{ barcode: string; qty: number }>;
  spec: string | null;
  unit: string | null;
  weightG: number;
  lengthMm: number | null;
  widthMm: number | null;
  heightMm: number | null;
  temperature: Temperature;
  shelfLifeDays: number | null;
  lotTracked: boolean;
  origin: string | null;
  kit: boolean;
  components: Array<{ skuId: number; skuCode: string; qty: number }>;
  status: SkuStatus;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface SkuImportError {
  row: number;
  column: string | null;
  code: string;
  message: string;
  messageZh: string;
}

export interface SkuImportResult {
  created: number;
  updated: number;
  unchanged: number;
  errors: SkuImportError[];
  errorCount: number;
  errorsTruncated: boolean;
  encoding: string;
  ignoredColumns: string[];
  dryRun: boolean;
  reportId: string;
}

export interface User {
  id: number;
  username: string;
  role: string;
  ownerId: number | null;
  carrierId: number | null;
  displayName: string | null;
  active: boolean;
}

export type JobStatus = 'pending' | 'queued' | 'running' | 'done' | 'failed';
export const JOB_STATUSES: JobStatus[] = ['pending', 'queued', 'running', 'done', 'failed'];

export interface Job {
  id: number;
  type: string;
  status: JobStatus;
  attempts: number;
  maxAttempts: number;
  runAfter: string | null;
  lastError: string | null;
  payload: unknown;
  createdAt: string | null;
  finishedAt: string | null;
}

export interface Health {
  status: string;
  database: string;
  queue: string;
  version: string;
}
