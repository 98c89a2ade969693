import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { gtinCheckDigit } from '../../printers/barcode-check';
import { createDb } from '../../server/db/knex';

/**
 * The untimed part of `npm run bench -- terminal`, all through the HTTP API: a client light
 * enough to run 100 terminals beside the server on one small machine, and a warehouse with an
 * owner, SKUs with stock on pick faces, and allocated orders.
 */

/** Keep-alive connections, no limit per host: each terminal holds its own socket, as a scanner does. */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string) {
    super(message);
  }
}

export interface Client {
  call<T = any>(method: string, path: string, body?: unknown): Promise<T>;
  /** The same call with its latency in ms (request written to the last byte of the answer). */
  timed<T = any>(method: string, path: string, body?: unknown): Promise<{ ms: number; body: T }>;
}

export function client(baseUrl: string, token: string | null, contentType = 'application/json'): Client {
  const u = new URL(baseUrl);
  const send = (method: string, path: string, body?: unknown) =>
    new Promise<{ ms: number; body: any }>((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const headers: Record<string, string> = { 'content-type': contentType };
      if (token) headers.authorization = `Bearer ${token}`;
      if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
      const t0 = performance.now();
      const req = http.request({ host: u.hostname, port: u.port, method, path, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - t0;
          const text = Buffer.concat(chunks).toString('utf8');
          let json: any = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            json = text;
          }
          if ((res.statusCode ?? 500) >= 400) {
            reject(new ApiError(res.statusCode ?? 500, json?.error?.code ?? 'HTTP_' + res.statusCode, `${method} ${path}: ${res.statusCode} ${text.slice(0, 400)}`));
          } else resolve({ ms, body: json });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  return { call: async (m, p, b) => (await send(m, p, b)).body, timed: send };
}

export function closeClients() {
  agent.destroy();
}

export async function login(baseUrl: string, username: string, password: string): Promise<Client> {
  const { token } = await client(baseUrl, null).call('POST', '/api/v1/auth/login', { username, password });
  return client(baseUrl, token);
}

/** Runs `work` over `items` with `n` at a time. */
export async function pool<T>(items: T[], n: number, work: (item: T, worker: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async (_, w) => {
    while (next < items.length) await work(items[next++], w);
  }));
}

/** Deterministic data: the same warehouse every run. */
export function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const eanOf = (i: number) => {
  const body = '69' + String(20_000_000 + i).padStart(10, '0');
  return body + gtinCheckDigit(body);
};
export const skuCodeOf = (i: number) => `TRM-${String(i).padStart(4, '0')}`;

const PLACES = [
  ['浙江省', '杭州市', '西湖区'],
  ['广东省', '深圳市', '南山区'],
  ['北京市', '北京市', '朝阳区'],
  ['四川省', '成都市', '武侯区'],
  ['江苏省', '南京市', '鼓楼区'],
  ['湖北省', '武汉市', '洪山区'],
];
const NAMES = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊', '赵敏', '黄勇'];

export interface Warehouse {
  ownerId: number;
  /** externalId → the barcode of each unit the order holds */
  unitsOf: Map<string, string[]>;
}

async function csv(c: Client, path: string, rows: string[][]) {
  const res = await c.call('POST', path, rows.map((r) => r.join(',')).join('\n') + '\n');
  if (res.errors?.length || res.held) throw new Error(`POST ${path}: ${JSON.stringify(res).slice(0, 1500)}`);
  return res;
}

/**
 * Owner, SF as its carrier, `skus` SKUs each with an EAN-13, `faces` pick faces in 10 aisles,
 * 1.5× the stock the orders need on each SKU's face, and `orders` orders: even ones a single
 * unit, odd ones 2-3 lines of distinct SKUs (one unit each, now and then two), so that a wave
 * has a single-unit batch and put-wall batches.
 */
export async function buildWarehouse(admin: Client, csvAdmin: Client, o: { skus: number; faces: number; orders: number; sf: { baseUrl: string; credentials: unknown; settings: unknown } }): Promise<Warehouse> {
  const rnd = mulberry32(20261205);
  await admin.call('POST', '/api/v1/warehouses', { code: 'MAIN', name: '信丰县电商仓', province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇正平路88号', phone: '07973456789' });
  const owner = await admin.call('POST', '/api/v1/owners', { code: 'TERM', name: '信丰县脐橙合作社', phone: '13907970001' });
  const carrier = await admin.call('POST', '/api/v1/carriers', { code: 'SF', name: '顺丰速运', adapter: 'sf', baseUrl: o.sf.baseUrl, credentials: o.sf.credentials, settings: o.sf.settings });
  await admin.call('PUT', `/api/v1/owners/${owner.id}/carrier-preferences`, { carrierCodes: [carrier.code] });
  // aisles 2.5 m apart, faces 1 m apart along them; walking order aisle by aisle
  const perAisle = Math.ceil(o.faces / 10);
  await csv(csvAdmin, '/api/v1/locations/import', [
    ['code', 'zone', 'temperature', 'type', 'x', 'y', 'pick_seq'],
    ...Array.from({ length: o.faces }, (_, i) => [faceOf(i), 'A', 'ambient', 'pick', String(Math.floor(i / perAisle) * 2.5), String(1 + (i % perAisle)), String(i)]),
  ]);
  await csv(csvAdmin, `/api/v1/skus/import?ownerId=${owner.id}`, [
    ['sku_code', 'name', 'barcode', 'weight_g', 'temperature'],
    ...Array.from({ length: o.skus }, (_, i) => [skuCodeOf(i), `赣南脐橙 礼盒${i}号`, eanOf(i), String(300 + ((i * 37) % 2000)), 'ambient']),
  ]);

  const unitsOf = new Map<string, string[]>();
  const need = new Array<number>(o.skus).fill(0);
  const orderRows: string[][] = [];
  for (let i = 0; i < o.orders; i++) {
    const picked = new Set<number>();
    const lines = i % 2 === 0 ? 1 : 2 + Math.floor(rnd() * 2);
    while (picked.size < lines) picked.add(Math.floor(rnd() * o.skus));
    const ext = `T${String(i).padStart(6, '0')}`;
    const units: string[] = [];
    [...picked].forEach((s, j) => {
      const qty = lines > 1 && rnd() < 0.15 ? 2 : 1;
      need[s] += qty;
      for (let k = 0; k < qty; k++) units.push(eanOf(s));
      const [province, city, district] = PLACES[i % PLACES.length];
      const who = j === 0 ? [NAMES[i % NAMES.length], `139${String(10_000_000 + i).slice(-8)}`, province, city, district, `幸福路${(i % 300) + 1}号${(i % 12) + 1}幢`] : ['', '', '', '', '', ''];
      orderRows.push([ext, skuCodeOf(s), String(qty), ...who]);
    });
    unitsOf.set(ext, units);
  }
  const receipts = need.map((n, s) => ({ ownerId: owner.id, barcode: eanOf(s), qty: Math.max(5, Math.ceil(n * 1.5)), locationCode: faceOf(s % o.faces) }));
  await pool(receipts, 8, async (r) => void (await admin.call('POST', '/api/v1/receipts', r)));
  const header = ['order_no', 'sku_code', 'qty', 'receiver_name', 'phone', 'province', 'city', 'district', 'address'];
  for (let from = 0; from < orderRows.length; ) {
    // files of about 2,500 rows, never splitting an order's lines
    let to = Math.min(orderRows.length, from + 2500);
    while (to < orderRows.length && orderRows[to][0] === orderRows[to - 1][0]) to++;
    await csv(csvAdmin, `/api/v1/orders/import?ownerId=${owner.id}`, [header, ...orderRows.slice(from, to)]);
    from = to;
  }
  return { ownerId: owner.id, unitsOf };
}

export const faceOf = (i: number) => `A${String(Math.floor(i / 100) + 1).padStart(2, '0')}-${String(i % 100).padStart(2, '0')}`;

/** Every order of these statuses, paged through the list. */
export async function ordersWith(admin: Client, status: string): Promise<Array<{ id: number; externalId: string; status: string }>> {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await admin.call('GET', `/api/v1/orders?status=${status}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

export async function waitFor(what: string, limitMs: number, done: () => Promise<boolean>) {
  const t0 = performance.now();
  while (!(await done())) {
    if (performance.now() - t0 > limitMs) throw new Error(`${what}: not after ${limitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A fresh database name beside the one given, as pack-to-printer does; dropped by dropDatabase. */
export function benchDatabase(url: string): string {
  return url.replace(/\/[^/]*$/, `/wms_bench_terminal_${Date.now()}`);
}

export async function dropDatabase(url: string) {
  const u = new URL(url);
  const db = createDb({ kind: 'mysql', url: `${u.protocol}//${u.username ? u.username + (u.password ? ':' + u.password : '') + '@' : ''}${u.host}/mysql` });
  try {
    await db.raw(`DROP DATABASE IF EXISTS \`${u.pathname.slice(1)}\``);
  } finally {
    await db.destroy();
  }
}
