import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { machine, startProcess, tempDir } from './lib/processes';
import { ApiError, benchDatabase, buildWarehouse, client, Client, closeClients, dropDatabase, eanOf, login, mulberry32, ordersWith, pool, skuCodeOf, waitFor } from './lib/terminal-setup';
import { startFakeSf } from '../tests/helpers/fakes/carriers/sf';
import { startFakeNetworkPrinter, type FakeNetworkPrinter } from '../tests/helpers/fake-printer';

/**
 * `npm run bench -- terminal [--terminals 100] [--stations 10] [--orders 3000] [--skus 200]
 * [--wave-orders 80] [--pack-parcels 200] [--gap-ms 0] [--mysql URL --redis URL] [--keep]`: the floor's hot
 * endpoints at N concurrent terminals, against the real server (`server/main.ts`, API and worker
 * in one process; SQLite by default, or a fresh MariaDB database beside --mysql's and Redis).
 *
 * Untimed setup through the API: an owner with SF (its fake on loopback) as carrier, SKUs with
 * EAN-13s and stock on pick faces, orders (half one unit, half 2-3 lines) allocated by the
 * worker and released in waves of --wave-orders, so each wave has a single-unit batch and
 * put-wall batches; one operator user per terminal, each logged in.
 *
 * 1. pick confirm: every terminal claims a batch (POST /pick-tasks/claim), confirms its tasks in
 *    walking order (POST /pick-tasks/:id/confirm with the face and the item's barcode) back to
 *    back, then claims the next, until no batch is left.
 * 2. put-wall (a side figure): the units of each multi-unit batch scanned into their slots by
 *    --stations operators, so those orders can be packed.
 * 3. pack scan: every terminal takes a picked order and checks it scan by scan
 *    (POST /orders/:id/pack/verify with all scans so far, newest last), then the next order.
 * 4. pack to label: --stations pack stations, each with its own ZPL printer on loopback, pack
 *    --pack-parcels orders (POST /orders/:id/pack); the clock runs until the station's printer
 *    has the whole label (its connection closed), as in pack-to-printer.ts.
 *
 * By default terminals send their next request the moment the last is answered (saturation);
 * --gap-ms N makes each pause a random time around N ms before each pick confirm and pack scan
 * (a person's pace). Latency is per request, seen by the terminal.
 */

interface Sample {
  ms: number;
  /** terminals still working when the request was sent */
  busy: number;
}

interface Row {
  what: string;
  terminals: number;
  samples: Sample[];
  seconds: number;
  errors: Record<string, number>;
  target?: { q: 'p95' | 'p99'; ms: number };
}

const pct = (sorted: number[], q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : NaN);

function stats(samples: Sample[]) {
  const s = samples.map((x) => x.ms).sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 0.5), p95: pct(s, 0.95), p99: pct(s, 0.99), max: s[s.length - 1] ?? NaN };
}

function countError(errors: Record<string, number>, err: unknown) {
  const code = err instanceof ApiError ? err.code : (err as Error).message.slice(0, 60);
  errors[code] = (errors[code] ?? 0) + 1;
}

function options(args: string[]) {
  const arg = (name: string) => (args.indexOf(`--${name}`) >= 0 ? args[args.indexOf(`--${name}`) + 1] : undefined);
  return {
    terminals: Number(arg('terminals') ?? 100),
    stations: Number(arg('stations') ?? 10),
    orders: Number(arg('orders') ?? 3000),
    skus: Number(arg('skus') ?? 200),
    waveOrders: Number(arg('wave-orders') ?? 80),
    packParcels: Number(arg('pack-parcels') ?? 200),
    mysql: arg('mysql'),
    redis: arg('redis'),
    /** mean pause (exponential) before each pick confirm and pack scan: 0 is saturation, ~1000 a person's pace */
    gapMs: Number(arg('gap-ms') ?? 0),
    keep: args.includes('--keep'),
  };
}

/** An error message without its ids, the middle of a long SQL statement cut out. */
function brief(message: string): string {
  const m = message.replace(/\d+/g, 'N');
  return m.length > 220 ? `${m.slice(0, 90)} … ${m.slice(-120)}` : m;
}

/** A person's pause between scans: exponential around `mean` ms, so terminals do not press in step. */
function pause(mean: number): Promise<void> | undefined {
  if (!mean) return undefined;
  return new Promise((r) => setTimeout(r, -mean * Math.log(1 - Math.random())));
}

const elapsed = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

/** Phase 1: each terminal claims a batch, confirms its tasks in order, claims the next. */
async function pickPhase(operators: Client[], eanOfSku: Map<string, string>, gapMs: number) {
  const confirm: Row = { what: 'POST /pick-tasks/:id/confirm', terminals: operators.length, samples: [], seconds: 0, errors: {}, target: { q: 'p99', ms: 50 } };
  const claim: Row = { what: 'POST /pick-tasks/claim', terminals: operators.length, samples: [], seconds: 0, errors: {} };
  let busy = operators.length;
  let batches = 0;
  const t0 = performance.now();
  await Promise.all(operators.map(async (op) => {
    for (let attempt = 0; ; ) {
      let work: any;
      try {
        const r = await op.timed('POST', '/api/v1/pick-tasks/claim', {});
        claim.samples.push({ ms: r.ms, busy });
        work = r.body;
        attempt = 0;
      } catch (err) {
        if (err instanceof ApiError && err.code === 'NO_WORK') break;
        countError(claim.errors, err);
        if (++attempt > 5) break;
        continue;
      }
      batches++;
      for (const t of work.tasks) {
        if (!['open', 'skipped'].includes(t.status)) continue;
        await pause(gapMs);
        try {
          const r = await op.timed('POST', `/api/v1/pick-tasks/${t.id}/confirm`, { locationCode: t.locationCode, barcode: eanOfSku.get(t.skuCode)!, qty: t.qty - t.pickedQty });
          confirm.samples.push({ ms: r.ms, busy });
        } catch (err) {
          countError(confirm.errors, err);
        }
      }
    }
    busy--;
  }));
  confirm.seconds = claim.seconds = (performance.now() - t0) / 1000;
  return { confirm, claim, batches };
}

/** Put-wall: the units of each multi-unit batch, shuffled as they come out of the tote, into their slots. */
async function putwallPhase(sorters: Client[], admin: Client, waveIds: number[], unitsOf: Map<string, string[]>) {
  const row: Row = { what: 'POST /putwall/scan (side figure)', terminals: sorters.length, samples: [], seconds: 0, errors: {} };
  const rnd = mulberry32(7);
  const jobs: Array<{ waveId: number; batchNo: number; units: string[] }> = [];
  for (const id of waveIds) {
    const wave = await admin.call('GET', `/api/v1/waves/${id}`);
    for (const b of wave.batches.filter((x: any) => x.kind === 'multi')) {
      const units = wave.orders.filter((o: any) => o.batchNo === b.batchNo).flatMap((o: any) => unitsOf.get(o.externalId) ?? []);
      units.sort(() => rnd() - 0.5);
      jobs.push({ waveId: id, batchNo: b.batchNo, units });
    }
  }
  let busy = Math.min(sorters.length, jobs.length);
  const t0 = performance.now();
  await pool(jobs, sorters.length, async (job, w) => {
    for (const barcode of job.units) {
      try {
        const r = await sorters[w].timed('POST', '/api/v1/putwall/scan', { waveId: job.waveId, batchNo: job.batchNo, barcode });
        row.samples.push({ ms: r.ms, busy });
      } catch (err) {
        countError(row.errors, err);
      }
    }
    if (jobs.indexOf(job) >= jobs.length - sorters.length) busy--;
  });
  row.seconds = (performance.now() - t0) / 1000;
  return row;
}

/** Phase 3: each terminal checks an order scan by scan, then takes the next. */
async function packScanPhase(operators: Client[], orders: Array<{ id: number; externalId: string }>, unitsOf: Map<string, string[]>, gapMs: number) {
  const row: Row = { what: 'POST /orders/:id/pack/verify', terminals: operators.length, samples: [], seconds: 0, errors: {}, target: { q: 'p99', ms: 50 } };
  let busy = operators.length;
  let next = 0;
  const t0 = performance.now();
  await Promise.all(operators.map(async (op) => {
    while (next < orders.length) {
      const o = orders[next++];
      const scans: string[] = [];
      for (const unit of unitsOf.get(o.externalId)!) {
        scans.push(unit);
        await pause(gapMs);
        try {
          const r = await op.timed('POST', `/api/v1/orders/${o.id}/pack/verify`, { scans });
          row.samples.push({ ms: r.ms, busy });
          if (!r.body.last?.accepted) countError(row.errors, new Error('scan not accepted'));
          if (scans.length === unitsOf.get(o.externalId)!.length && !r.body.complete) countError(row.errors, new Error('order not complete after its last scan'));
        } catch (err) {
          countError(row.errors, err);
        }
      }
    }
    busy--;
  }));
  row.seconds = (performance.now() - t0) / 1000;
  return row;
}

/** Phase 4: stations pack and print; the clock stops when the station's own printer has the label. */
async function packToLabelPhase(stations: Client[], printers: Array<{ id: number; device: FakeNetworkPrinter }>, orders: Array<{ id: number; externalId: string }>, unitsOf: Map<string, string[]>) {
  const label: Row = { what: 'pack → label on the printer', terminals: stations.length, samples: [], seconds: 0, errors: {}, target: { q: 'p95', ms: 300 } };
  const pack: Row = { what: 'POST /orders/:id/pack answered', terminals: stations.length, samples: [], seconds: 0, errors: {} };
  let busy = Math.min(stations.length, orders.length);
  let mismatched = 0;
  const t0 = performance.now();
  await pool(orders, stations.length, async (o, w) => {
    const { device, id: printerId } = printers[w];
    const before = device.jobs.length;
    const scans = unitsOf.get(o.externalId)!;
    try {
      const start = performance.now();
      const r = await stations[w].timed('POST', `/api/v1/orders/${o.id}/pack`, { scans, weightG: 400 * scans.length + 120, printerId });
      pack.samples.push({ ms: r.ms, busy });
      await device.received(before + 1, 20_000);
      label.samples.push({ ms: performance.now() - start, busy });
      // the label's QR code carries the waybill number: the job that arrived is this parcel's
      if (!device.jobs[before].toString('latin1').includes(r.body.waybillNo)) mismatched++;
    } catch (err) {
      countError(label.errors, err);
    }
    if (orders.length - orders.indexOf(o) <= stations.length) busy--;
  });
  label.seconds = pack.seconds = (performance.now() - t0) / 1000;
  return { label, pack, mismatched };
}

function printTable(rows: Row[]) {
  const f = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '—');
  console.log('');
  console.log('| what | terminals | requests | per s | p50 ms | p95 ms | p99 ms | max ms | p99 ms, all terminals busy | errors | target |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
  for (const r of rows) {
    const s = stats(r.samples);
    const full = stats(r.samples.filter((x) => x.busy >= r.terminals));
    const errs = Object.entries(r.errors).map(([k, v]) => `${k} ×${v}`).join(', ') || '0';
    const target = r.target ? `${r.target.q} < ${r.target.ms} ms: ${s[r.target.q] < r.target.ms ? 'met' : '**missed**'}` : '';
    console.log(`| ${r.what} | ${r.terminals} | ${s.n} | ${f(s.n / r.seconds)} | ${f(s.p50)} | ${f(s.p95)} | ${f(s.p99)} | ${f(s.max)} | ${f(full.p99)} (${full.n}) | ${errs} | ${target} |`);
  }
}

export async function main(args: string[]): Promise<void> {
  const o = options(args);
  const sf = await startFakeSf();
  const devices = await Promise.all(Array.from({ length: o.stations }, () => startFakeNetworkPrinter('zpl')));
  const password = 'bench-password-1';
  const env: Record<string, string> = { WMS_DATA_DIR: tempDir('wms-bench-terminal-'), WMS_ADMIN_PASSWORD: password, WMS_DEMO: '0', LOG_LEVEL: 'error' };
  const database = o.mysql ? benchDatabase(o.mysql) : null;
  if (database) env.DATABASE_URL = database;
  if (o.redis) env.REDIS_URL = o.redis;
  const dbName = database ? 'MariaDB' : 'SQLite';
  console.log(`terminal benchmark — ${o.terminals} terminals, ${o.stations} pack stations, ${o.orders} orders over ${o.skus} SKUs, ${o.gapMs ? `a person's pace (mean ${o.gapMs} ms between a terminal's scans)` : 'saturation (each terminal scans again the moment it is answered)'}, ${dbName}${o.redis ? ' + Redis' : ''}, ${new Date().toISOString()}`);
  console.log(`machine: ${machine()}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const server = await startProcess('server/main.ts', env);
  // the server's errors (500s are logged with their cause), grouped by message, printed at the end
  const serverErrors = new Map<string, number>();
  let partial = '';
  const onLog = (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      if (!/"level":(50|60)/.test(line)) continue;
      let key = line.slice(0, 300);
      try {
        const j = JSON.parse(line);
        key = `${j.msg}${j.path ? ` ${j.method} ${j.path.replace(/\/\d+/g, '/:id')}` : ''}${j.err ? `: ${brief(String(j.err.message ?? j.err))}` : ''}`;
      } catch {
        // not JSON: keep the raw line
      }
      serverErrors.set(key, (serverErrors.get(key) ?? 0) + 1);
    }
  };
  server.proc.stdout!.on('data', onLog);
  server.proc.stderr!.on('data', onLog);
  const t0 = performance.now();
  try {
    const admin = await login(server.url, 'admin', password);
    const { token } = await client(server.url, null).call('POST', '/api/v1/auth/login', { username: 'admin', password });
    const wh = await buildWarehouse(admin, client(server.url, token, 'text/csv'), { skus: o.skus, faces: o.skus, orders: o.orders, sf });
    await waitFor('allocation', 15 * 60_000, async () => (await admin.call('GET', '/api/v1/orders?status=pending&limit=1')).items.length === 0);
    const allocated = await ordersWith(admin, 'allocated');
    if (allocated.length !== o.orders) throw new Error(`${allocated.length} of ${o.orders} orders allocated`);
    const waveIds: number[] = [];
    let batches = 0;
    for (let i = 0; i < allocated.length; i += o.waveOrders) {
      const ids = allocated.slice(i, i + o.waveOrders).map((x) => x.id);
      const wave = await admin.call('POST', '/api/v1/waves', { orderIds: ids, maxOrders: ids.length, maxUnits: 100_000 });
      waveIds.push(wave.id);
      batches += wave.batches.length;
    }
    const eanOfSku = new Map<string, string>();
    for (let i = 0; i < o.skus; i++) eanOfSku.set(skuCodeOf(i), eanOf(i));
    const users = Array.from({ length: o.terminals }, (_, i) => `picker${String(i + 1).padStart(3, '0')}`);
    await pool(users, 8, async (u) => void (await admin.call('POST', '/api/v1/users', { username: u, password, role: 'operator' })));
    const operators: Client[] = [];
    await pool(users, 8, async (u) => void operators.push(await login(server.url, u, password)));
    console.log(`setup: ${o.orders} orders allocated, ${waveIds.length} waves with ${batches} batches, ${o.terminals} operators logged in, in ${elapsed(t0)}`);

    const pick = await pickPhase(operators, eanOfSku, o.gapMs);
    console.log(`pick: ${pick.batches} batches, ${pick.confirm.samples.length} confirms in ${pick.confirm.seconds.toFixed(1)} s`);
    const sorters = operators.slice(0, o.stations);
    const putwall = await putwallPhase(sorters, admin, waveIds, wh.unitsOf);
    console.log(`put-wall: ${putwall.samples.length} units sorted in ${putwall.seconds.toFixed(1)} s`);
    const picked = (await ordersWith(admin, 'picked')).sort((a, b) => a.id - b.id);
    console.log(`${picked.length} of ${o.orders} orders picked`);
    const scan = await packScanPhase(operators, picked, wh.unitsOf, o.gapMs);
    console.log(`pack scan: ${scan.samples.length} scans of ${picked.length} orders in ${scan.seconds.toFixed(1)} s`);
    const printers: Array<{ id: number; device: FakeNetworkPrinter }> = [];
    for (const [i, device] of devices.entries()) {
      const p = await admin.call('POST', '/api/v1/printers', { name: `PACK-${String(i + 1).padStart(2, '0')}`, language: 'zpl', host: '127.0.0.1', port: device.port, paperSize: '100x150' });
      printers.push({ id: p.id, device });
    }
    // every other order from the list: single-unit and put-wall orders alike
    const toPack = picked.filter((_, i) => i % 2 === 0 || picked.length < 2 * o.packParcels).slice(0, o.packParcels + 1);
    // one parcel first, untimed: the first label of a fresh process loads the fonts and the carrier's connection
    const [warm, ...timedPack] = toPack;
    await packToLabelPhase(operators.slice(0, 1), printers, [warm], wh.unitsOf);
    const label = await packToLabelPhase(operators.slice(0, o.stations), printers, timedPack, wh.unitsOf);
    console.log(`pack to label: ${label.label.samples.length} parcels in ${label.label.seconds.toFixed(1)} s; labels not matching their parcel: ${label.mismatched}`);
    printTable([pick.confirm, pick.claim, putwall, scan, label.pack, label.label]);
    console.log(`\n"all terminals busy": requests sent while every terminal still had work (the tail of a phase runs with fewer). Load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}.`);
  } finally {
    if (serverErrors.size) {
      console.log('\nserver errors logged:');
      for (const [k, n] of serverErrors) console.log(`  ${n} × ${k}`);
    }
    await server.stop();
    await Promise.all(devices.map((d) => d.close()));
    await sf.close();
    closeClients();
    if (database && !o.keep) await dropDatabase(database);
  }
}
