import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { machine, startProcess, Started, tempDir } from './lib/processes';
import { createDb, Db } from '../server/db/knex';
import { nowDb } from '../server/db/time';

/**
 * `npm run bench -- allocate [--orders N] [--skus N] [--workers N] [--mysql URL] [--redis URL]`:
 * FEFO allocation on MariaDB + Redis, as a warehouse runs it: the API process (WMS_WORKERS=0) and
 * one `npm run worker` process (or N, to see how it scales).
 *
 * Setup, untimed and all through the HTTP API: one owner, 2,000 lot-tracked ambient SKUs and
 * 200 pick faces (CSV imports), stock in 1-3 lots per SKU with different expiry dates (received
 * in shuffled order, so lot id order is not expiry order) at 1-2 pick faces each; about 5 % of
 * SKUs get less stock than their orders need, so backorders happen. Then 10,000 orders (1-5
 * lines, 30,000 in all, random distinct SKUs, qty 1-3) are imported while no worker runs.
 *
 * Run 1 (throughput): the worker is started and the clock runs until no released order is
 * pending. The end state is checked: allocated <= on_hand, open allocations per stock row =
 * inventory.allocated, allocated orders complete, FEFO (no earlier-expiring stock left that a
 * later lot was taken before), and each backorder really short.
 * Run 2 (contention): 200 one-unit orders of a SKU with no stock become backorders; the worker
 * is stopped, 50 units are found at one pick face, and 200 POST /api/v1/orders/:id/allocate are
 * fired at once. Exactly 50 units and 50 orders must be allocated.
 */

const PROVINCES = [
  ['浙江省', '杭州市', '西湖区'],
  ['江西省', '赣州市', '信丰县'],
  ['广东省', '深圳市', '南山区'],
  ['北京市', '北京市', '朝阳区'],
  ['四川省', '成都市', '武侯区'],
  ['湖北省', '武汉市', '洪山区'],
];
const NAMES = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊', '赵敏', '黄勇'];
const LOCATIONS = 200;
const ROOT = path.resolve(__dirname, '..');

async function api(url: string, token: string | null, method: string, p: string, body?: unknown) {
  const res = await fetch(url + p, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json()) as any;
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function postCsv(url: string, token: string, p: string, rows: string[][]) {
  const csv = rows.map((r) => r.join(',')).join('\n') + '\n';
  const res = await fetch(url + p, { method: 'POST', headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` }, body: csv });
  const json = (await res.json()) as any;
  if (!res.ok || json.errors?.length) throw new Error(`POST ${p}: ${res.status} ${JSON.stringify(json).slice(0, 2000)}`);
  return json;
}

/** Deterministic data: the same warehouse every run. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

async function dropDatabase(url: string) {
  const u = new URL(url);
  const db = createDb({ kind: 'mysql', url: `${u.protocol}//${u.username ? u.username + '@' : ''}${u.host}/mysql` });
  try {
    await db.raw(`DROP DATABASE IF EXISTS \`${u.pathname.slice(1)}\``);
  } finally {
    await db.destroy();
  }
}

/** `npm run worker` as a child; it prints no URL, so readiness is its "worker started" log line. */
async function startWorker(env: Record<string, string>, onLine: (line: string) => void = () => undefined): Promise<Started> {
  const proc: ChildProcess = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, 'server/worker.ts')], { cwd: ROOT, env: { ...process.env, ...env, LOG_LEVEL: 'info' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  let partial = '';
  const keep = (d: Buffer) => (tail = (tail + d.toString()).slice(-20_000));
  proc.stdout!.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    lines.forEach(onLine);
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${tail}`)), 60_000);
    proc.stdout!.on('data', (d: Buffer) => {
      keep(d);
      if (tail.includes('worker started')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.stderr!.on('data', keep);
    proc.on('exit', (code) => reject(new Error(`worker exited with ${code}: ${tail}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  return { proc, url: '', stop };
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

function mariadbPid(): number | undefined {
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (/^(mariadbd|mysqld)$/.test(fs.readFileSync(`/proc/${d}/comm`, 'utf8').trim())) return Number(d);
    } catch {
      // gone
    }
  }
  return undefined;
}

const STATUS = ['Innodb_row_lock_waits', 'Innodb_row_lock_time', 'Innodb_deadlocks', 'Questions', 'Com_commit', 'Com_rollback'];
async function serverStatus(db: Db): Promise<Record<string, number>> {
  const [rows] = await db.raw(`SHOW GLOBAL STATUS WHERE Variable_name IN (${STATUS.map(() => '?').join(',')})`, STATUS);
  return Object.fromEntries(rows.map((r: any) => [r.Variable_name, Number(r.Value)]));
}

async function count(q: any): Promise<number> {
  const [r] = await q.count({ n: '*' });
  return Number((r as any).n);
}

async function waitFor(what: string, limitMs: number, done: () => Promise<boolean>) {
  const t0 = performance.now();
  while (!(await done())) {
    if (performance.now() - t0 > limitMs) throw new Error(`${what}: not after ${limitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Catalogue, layout and stock through the API; returns how many receipts it took. */
async function stockWarehouse(url: string, admin: string, owner: { id: number; code: string }, skus: number, rnd: () => number) {
  await postCsv(url, admin, '/api/v1/locations/import', [
    ['code', 'zone', 'temperature', 'type', 'x', 'y', 'pick_seq'],
    ...Array.from({ length: LOCATIONS }, (_, i) => [`P-${String(i).padStart(3, '0')}`, 'A', 'ambient', 'pick', String((i % 20) * 2), String(Math.floor(i / 20) * 3), String(i)]),
  ]);
  await postCsv(url, admin, `/api/v1/skus/import?ownerId=${owner.id}`, [
    ['sku_code', 'name', 'weight_g', 'temperature', 'shelf_life_days', 'lot_tracked'],
    ...Array.from({ length: skus }, (_, i) => [`ALC-${String(i).padStart(4, '0')}`, `基准商品${i}`, '500', 'ambient', '180', '是']),
  ]);
  const receipts: Array<Array<Record<string, unknown>>> = [];
  for (let i = 0; i < skus; i++) {
    const mine: Array<Record<string, unknown>> = [];
    receipts.push(mine);
    const scarce = rnd() < 0.05;
    const total = scarce ? 5 + Math.floor(rnd() * 11) : 40 + Math.floor(rnd() * 31);
    const lots = 1 + Math.floor(rnd() * 3);
    // lots received in a shuffled order: FEFO must follow the expiry date, not the lot id
    const expiries = Array.from({ length: lots }, (_, k) => day(20 + k * 30 + Math.floor(rnd() * 10))).sort(() => rnd() - 0.5);
    const home = `P-${String((i * 7) % LOCATIONS).padStart(3, '0')}`;
    const other = `P-${String((i * 7 + 101) % LOCATIONS).padStart(3, '0')}`;
    for (let k = 0; k < lots; k++) {
      const qty = Math.floor(total / lots) + (k === 0 ? total % lots : 0);
      const split = qty >= 2 && rnd() < 0.5 ? Math.floor(qty / 2) : 0;
      const base = { ownerId: owner.id, skuCode: `ALC-${String(i).padStart(4, '0')}`, lotNo: `L${k + 1}`, expiresAt: expiries[k] };
      mine.push({ ...base, qty: qty - split, locationCode: home });
      if (split) mine.push({ ...base, qty: split, locationCode: other });
    }
  }
  // Eight clerks, each receiving whole SKUs: two receipts of one new lot at once can fail on
  // MariaDB (ensureLot's re-read after losing the insert race reads its own snapshot).
  let next = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < receipts.length) for (const r of receipts[next++]) await api(url, admin, 'POST', '/api/v1/receipts', r);
  }));
  return receipts.reduce((n, r) => n + r.length, 0);
}

/** 1-5 lines per order (3 on average), distinct random SKUs, 1-3 units each; imported in files of 2,000 orders. */
async function importOrders(url: string, admin: string, ownerId: number, orders: number, skus: number, rnd: () => number) {
  let lines = 0;
  for (let from = 0; from < orders; from += 2000) {
    const rows = [['order_no', 'sku_code', 'qty', 'receiver_name', 'phone', 'province', 'city', 'district', 'address']];
    for (let i = from; i < Math.min(orders, from + 2000); i++) {
      const picked = new Set<number>();
      const n = 1 + ((i * 7) % 5);
      while (picked.size < n) picked.add(Math.floor(rnd() * skus));
      const [province, city, district] = PROVINCES[i % PROVINCES.length];
      [...picked].forEach((s, j) => {
        const who = j === 0 ? [NAMES[i % NAMES.length], `139${String(10_000_000 + i).slice(-8)}`, province, city, district, `幸福路${(i % 300) + 1}号${(i % 12) + 1}幢`] : ['', '', '', '', '', ''];
        rows.push([`A${i}`, `ALC-${String(s).padStart(4, '0')}`, String(1 + Math.floor(rnd() * 3)), ...who]);
      });
      lines += n;
    }
    const r = await postCsv(url, admin, `/api/v1/orders/import?ownerId=${ownerId}`, rows);
    if (r.held) throw new Error(`${r.held} imported orders were held: ${JSON.stringify(r.heldOrders.slice(0, 3))}`);
  }
  return lines;
}

/** The end state of run 1, read in one snapshot. Each check counts offending rows. */
async function checkInvariants(db: Db) {
  return db.transaction(async (trx) => {
    const n = async (sql: string) => Number((await trx.raw(sql))[0][0].n);
    return {
      'allocated ≤ on_hand': await n('SELECT COUNT(*) n FROM inventory WHERE allocated > on_hand OR allocated < 0'),
      'open allocations = inventory.allocated': await n(`SELECT COUNT(*) n FROM inventory i LEFT JOIN (SELECT inventory_id, SUM(qty) q FROM allocations WHERE status = 'open' GROUP BY inventory_id) a ON a.inventory_id = i.id WHERE COALESCE(a.q, 0) <> i.allocated`),
      'allocated orders whole': await n(`SELECT COUNT(*) n FROM order_lines l JOIN orders o ON o.id = l.order_id LEFT JOIN (SELECT order_line_id, SUM(qty) q FROM allocations WHERE status = 'open' GROUP BY order_line_id) a ON a.order_line_id = l.id
        WHERE (o.status = 'allocated' AND COALESCE(a.q, 0) <> l.qty) OR (o.status <> 'allocated' AND a.q IS NOT NULL)`),
      // stock only went down during the run: earlier-expiring stock left now was there then too
      'FEFO (no earlier lot left behind)': await n(`SELECT COUNT(*) n FROM allocations a JOIN lots la ON la.id = a.lot_id WHERE a.status = 'open' AND EXISTS (
        SELECT 1 FROM inventory i JOIN lots l ON l.id = i.lot_id JOIN locations c ON c.id = i.location_id WHERE i.sku_id = a.sku_id AND c.type = 'pick' AND i.on_hand > i.allocated AND l.expires_at < la.expires_at)`),
      'backorders really short': await n(`SELECT COUNT(*) n FROM orders o WHERE o.status = 'backorder' AND NOT EXISTS (
        SELECT 1 FROM (SELECT order_id, sku_id, SUM(qty) need FROM order_lines GROUP BY order_id, sku_id) d
        LEFT JOIN (SELECT sku_id, SUM(on_hand - allocated) free FROM inventory GROUP BY sku_id) s ON s.sku_id = d.sku_id
        WHERE d.order_id = o.id AND COALESCE(s.free, 0) < d.need)`),
    };
  });
}

function quantile(sorted: number[], p: number) {
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]);
}

export async function main(args: string[]) {
  const opt = (n: string) => (args.indexOf(`--${n}`) >= 0 ? args[args.indexOf(`--${n}`) + 1] : undefined);
  const orders = Number(opt('orders') ?? 10_000);
  const skus = Number(opt('skus') ?? 2_000);
  const workerCount = Number(opt('workers') ?? 1);
  const mysql = opt('mysql') ?? 'mysql://root@127.0.0.1:3306/wms_bench_allocate';
  const redis = opt('redis') ?? 'redis://127.0.0.1:6379';
  await dropDatabase(mysql);
  console.log(`allocate benchmark — ${orders} orders over ${skus} SKUs on MariaDB (+ Redis), ${workerCount} worker process(es); then 200 requests racing for 50 units, ${new Date().toISOString()}`);
  console.log(`machine: ${machine()}`);

  const rnd = mulberry32(20261123);
  const password = 'bench-admin-password';
  const env = { WMS_DATA_DIR: tempDir('wms-bench-allocate-'), WMS_ADMIN_PASSWORD: password, WMS_DEMO: '0', DATABASE_URL: mysql, REDIS_URL: redis };
  const server = await startProcess('server/main.ts', { ...env, WMS_WORKERS: '0' });
  let serverLog = '';
  server.proc.stdout!.on('data', (b: Buffer) => (serverLog = (serverLog + b.toString()).slice(-8000)));
  const db = createDb({ kind: 'mysql', url: mysql });
  let workers: Started[] = [];
  try {
    const t0 = performance.now();
    const admin = (await api(server.url, null, 'POST', '/api/v1/auth/login', { username: 'admin', password })).token;
    const owner = await api(server.url, admin, 'POST', '/api/v1/owners', { code: 'ALLOC', name: '分配基准合作社' });
    const receipts = await stockWarehouse(server.url, admin, owner, skus, rnd);
    const stockS = (performance.now() - t0) / 1000;
    const lines = await importOrders(server.url, admin, owner.id, orders, skus, rnd);
    console.log(`setup: ${skus} SKUs, ${LOCATIONS} pick faces, ${receipts} receipts in ${stockS.toFixed(1)} s; ${orders} orders (${lines} lines) imported in ${((performance.now() - t0) / 1000 - stockS).toFixed(1)} s`);
    const released = () => count(db('orders').where({ status: 'pending' }).whereNotNull('released_at'));
    if ((await released()) !== orders) throw new Error(`expected ${orders} released orders before the worker starts`);
    // The API process kept scheduling the 15-second allocation sweep while no worker ran; a
    // running warehouse never has a pile of them, so they are retired, not run all at once.
    const stale = await db('outbox_jobs').where('dedupe_key', 'like', 'schedule:%').whereIn('status', ['pending', 'queued']).update({ status: 'done', finished_at: nowDb(), updated_at: nowDb() });

    // ---- run 1: throughput
    const mariadb = mariadbPid();
    const before = { status: await serverStatus(db), db: cpuSeconds(mariadb), api: cpuSeconds(server.proc.pid) };
    const spawnAt = performance.now();
    const sweeps = { runs: 0, allocated: 0, backorder: 0 };
    const onLine = (line: string) => {
      if (!line.includes('"allocation sweep"')) return;
      const r = JSON.parse(line);
      sweeps.runs++;
      sweeps.allocated += r.allocated ?? 0;
      sweeps.backorder += r.backorder ?? 0;
    };
    workers = await Promise.all(Array.from({ length: workerCount }, () => startWorker(env, onLine)));
    const start = performance.now();
    const bootS = (start - spawnAt) / 1000;
    const workerCpu = () => workers.reduce((t, w) => t + cpuSeconds(w.proc.pid), 0);
    const workerCpu0 = workerCpu();
    let lastPrint = start;
    await waitFor('run 1', 15 * 60_000, async () => {
      const left = await released();
      if (performance.now() - lastPrint > 10_000) {
        lastPrint = performance.now();
        console.log(`  … ${orders - left} orders allocated or backordered after ${Math.round((lastPrint - start) / 1000)} s`);
      }
      return left === 0;
    });
    const runS = (performance.now() - start) / 1000;
    const after = { status: await serverStatus(db), db: cpuSeconds(mariadb), api: cpuSeconds(server.proc.pid), worker: workerCpu() - workerCpu0 };
    const allocated = await count(db('orders').where({ status: 'allocated' }));
    const backorder = await count(db('orders').where({ status: 'backorder' }));
    const allocatedLines = await count(db('order_lines').join('orders', 'orders.id', 'order_lines.order_id').where('orders.status', 'allocated'));
    const picks = await count(db('allocations').where({ status: 'open' }));
    const backorderEvents = await count(db('order_events').where({ event: 'backorder' }));
    const checks = await checkInvariants(db);
    const failed1 = Object.entries(checks).filter(([, v]) => v !== 0);
    const d = (k: string) => after.status[k] - before.status[k];

    // ---- run 2: contention
    const hot = await api(server.url, admin, 'POST', '/api/v1/skus', { ownerId: owner.id, skuCode: 'HOT-1', name: '爆款 脐橙 5斤', weightG: 2600, temperature: 'ambient' });
    await api(server.url, admin, 'POST', '/api/v1/locations', { code: 'HOT-PICK', zone: 'A', temperature: 'ambient', type: 'pick', x: 1, y: 1 });
    await postCsv(server.url, admin, `/api/v1/orders/import?ownerId=${owner.id}`, [
      ['order_no', 'sku_code', 'qty', 'receiver_name', 'phone', 'province', 'city', 'district', 'address'],
      ...Array.from({ length: 200 }, (_, i) => [`H${i}`, 'HOT-1', '1', NAMES[i % NAMES.length], `138${String(10_000_000 + i).slice(-8)}`, ...PROVINCES[i % PROVINCES.length], `秒杀路${i + 1}号`]),
    ]);
    const hotOrders = () => db('orders').join('order_lines', 'order_lines.order_id', 'orders.id').where('order_lines.sku_id', hot.id);
    await waitFor('200 hot orders backordered', 120_000, async () => (await count(hotOrders().where('orders.status', 'backorder'))) === 200);
    // the worker would take the sweep the stock adjustment enqueues: stop it so only the 200 requests race
    await Promise.all(workers.map((w) => w.stop()));
    workers = [];
    await api(server.url, admin, 'POST', '/api/v1/inventory/adjustments', { ownerId: owner.id, skuCode: 'HOT-1', locationCode: 'HOT-PICK', qtyDelta: 50, reason: 'found' });
    const ids: number[] = (await hotOrders().select('orders.id')).map((r: any) => Number(r.id));
    const lockBefore = await serverStatus(db);
    const latencies: number[] = [];
    const outcome: Record<string, number> = {};
    const c0 = performance.now();
    await Promise.all(ids.map(async (id) => {
      const t = performance.now();
      const res = await fetch(`${server.url}/api/v1/orders/${id}/allocate`, { method: 'POST', headers: { authorization: `Bearer ${admin}` } });
      const body = (await res.json()) as any;
      latencies.push(performance.now() - t);
      const key = res.ok ? body.status : `HTTP ${res.status} ${body.code ?? ''}`.trim();
      outcome[key] = (outcome[key] ?? 0) + 1;
    }));
    const contentionMs = performance.now() - c0;
    const lockAfter = await serverStatus(db);
    latencies.sort((a, b) => a - b);
    const openSum = Number((await db('allocations').where({ sku_id: hot.id, status: 'open' }).sum({ q: 'qty' }))[0].q ?? 0);
    const inv = await db('inventory').where({ sku_id: hot.id }).first('on_hand', 'allocated');
    const hotAllocated = await count(hotOrders().where('orders.status', 'allocated'));
    const ok2 = openSum === 50 && Number(inv.allocated) === 50 && hotAllocated === 50;

    console.log('');
    console.log('| run | orders | lines | seconds | orders/s | lines/s | allocated | backorder | invariants |');
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
    console.log(`| ${workerCount} worker process(es), FEFO, whole order or backorder | ${orders} | ${lines} | ${runS.toFixed(1)} | ${Math.round(orders / runS)} | ${Math.round(lines / runS)} | ${allocated} (${allocatedLines} lines, ${picks} picks) | ${backorder} | ${failed1.length ? `FAILED: ${failed1.map(([k, v]) => `${k} ×${v}`).join('; ')}` : 'OK'} |`);
    console.log('');
    console.log('| contention | requests at once | stock | allocated units (open allocations / inventory.allocated) | allocated orders | outcomes | seconds | min ms | p50 ms | p99 ms | max ms | result |');
    console.log('|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|');
    console.log(`| 200 × POST /orders/:id/allocate, one SKU, one pick face | ${ids.length} | ${inv.on_hand} | ${openSum} / ${inv.allocated} | ${hotAllocated} | ${Object.entries(outcome).map(([k, v]) => `${k} ${v}`).join(', ')} | ${(contentionMs / 1000).toFixed(2)} | ${Math.round(latencies[0])} | ${quantile(latencies, 0.5)} | ${quantile(latencies, 0.99)} | ${Math.round(latencies[latencies.length - 1])} | ${ok2 ? 'OK (exactly 50)' : 'FAILED'} |`);
    console.log('');
    console.log(`run 1 clock: from the worker's "started" line (${bootS.toFixed(1)} s after spawn) to no released order pending; ${stale} stale scheduled jobs retired first`);
    console.log(`sweeps (every 15 s, beside the import's jobs; finished while a worker ran): ${sweeps.runs} logged work, ${sweeps.allocated} orders allocated, ${sweeps.backorder} backorder verdicts (re-tries included); run 1 wrote ${backorderEvents} backorder events for ${backorder} backorders`);
    console.log(`run 1 CPU s: worker ${after.worker.toFixed(1)}, API process ${(after.api - before.api).toFixed(1)}, MariaDB ${(after.db - before.db).toFixed(1)} (of ${(os.cpus().length * runS).toFixed(0)} available on ${os.cpus().length} cores)`);
    console.log(`run 1 MariaDB (server-wide, other clients included): ${d('Questions')} statements (${(d('Questions') / orders).toFixed(1)} per order), ${d('Com_commit')} commits, ${d('Com_rollback')} rollbacks, ${d('Innodb_row_lock_waits')} row lock waits (${d('Innodb_row_lock_time')} ms), ${d('Innodb_deadlocks')} deadlocks`);
    console.log(`run 2 MariaDB: ${lockAfter.Innodb_row_lock_waits - lockBefore.Innodb_row_lock_waits} row lock waits (${lockAfter.Innodb_row_lock_time - lockBefore.Innodb_row_lock_time} ms), ${lockAfter.Innodb_deadlocks - lockBefore.Innodb_deadlocks} deadlocks, ${lockAfter.Questions - lockBefore.Questions} statements`);
    if (failed1.length || !ok2) throw new Error('allocation invariants FAILED (see above)');
  } catch (err) {
    if (serverLog) console.error(`API server log (tail):\n${serverLog}`);
    throw err;
  } finally {
    await db.destroy();
    await Promise.all(workers.map((w) => w.stop()));
    await server.stop();
  }
}
