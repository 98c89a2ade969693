import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDb, type Db } from '../../../server/db/knex';
import { ApiError, client, closeClients, type Client } from '../terminal-setup';
import { tempDir } from '../processes';
import { Cluster } from './cluster';
import { catalog, dayOrders, demand, type Coop, type DayOrder } from './day';
import { checkInvariants, type Invariants } from './invariants';
import { startFakeShopify } from '../../../tests/helpers/fakes/shopify';
import { startFakeTaobao } from '../../../tests/helpers/fakes/taobao';
import { startFakeWooCommerce } from '../../../tests/helpers/fakes/woocommerce';
import type { FakePlatform } from '../../../tests/helpers/fakes/types';
import { startFakeSf } from '../../../tests/helpers/fakes/carriers/sf';
import { startFakeKuaidi100 } from '../../../tests/helpers/fakes/carriers/kuaidi100';
import { startFakeNetworkPrinter, type FakeNetworkPrinter } from '../../../tests/helpers/fake-printer';

/**
 * A whole peak day through the real server, as the stores and the floor drive it: orders appear in
 * the co-ops' stores (fakes of Taobao, Shopify and WooCommerce on loopback) at their time of the
 * accelerated day and are pulled by the server's own store sync; allocation, the write-back and
 * the print jobs run as the server's jobs; waves are released, picks confirmed, the put-wall
 * sorted, orders packed (labels to ZPL printers on loopback), parcels scanned at the dock and
 * manifests closed and handed over through the HTTP API, as terminals and supervisors do.
 */

export const FAULTS = ['db-restart', 'redis-stop', 'kill-worker', 'printer-drop', 'carrier-errors', 'store-429'] as const;
export type Fault = (typeof FAULTS)[number];

export interface PeakOptions {
  orders: number;
  skus: number;
  coops: number;
  /** wall minutes the 24 simulated hours take */
  dayMinutes: number;
  /** wall minutes allowed after the day for the floor to finish */
  drainMinutes: number;
  pickers: number;
  sorters: number;
  packers: number;
  /** people scanning parcels at the dock (default 2) */
  docks?: number;
  mysql: string | null;
  redis: string | null;
  apiProcs: number;
  workerProcs: number;
  faults: Fault[];
  cancelShare: number;
  kitShare: number;
  keepDb: boolean;
  /** how long the database and Redis stay away in their fault runs (default 15 s and 60 s) */
  outageSeconds?: { db: number; redis: number };
  log: (line: string) => void;
}

export interface Stage {
  what: string;
  samples: number[];
  errors: Map<string, number>;
  first: number;
  last: number;
}

export interface PeakReport {
  options: PeakOptions;
  startedAt: string;
  wallS: number;
  setupS: number;
  generated: number;
  counts: Record<string, number>;
  stages: Stage[];
  ingestLag: { all: number[]; peak: number[]; pickable: number[]; peakPickable: number[] };
  writebackLag: number[];
  labels: { jobs: number; waybills: number; duplicates: number; unknown: number };
  processes: Array<{ name: string; cpuS: number; peakRssMb: number; restarts: number }>;
  dbSizeMb: number;
  faultsDone: string[];
  serverErrors: Map<string, number>;
  invariants: Invariants;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function stage(what: string): Stage {
  return { what, samples: [], errors: new Map(), first: 0, last: 0 };
}
function record(s: Stage, ms: number) {
  const now = performance.now();
  if (!s.first) s.first = now - ms;
  s.last = now;
  s.samples.push(ms);
}
function fail(s: Stage, err: unknown) {
  const code = err instanceof ApiError ? err.code : String((err as Error)?.message ?? err).slice(0, 60);
  s.errors.set(code, (s.errors.get(code) ?? 0) + 1);
}

/** A queue the floor's people take work from, one item each. */
class WorkQueue<T> {
  private items: T[] = [];
  push(...xs: T[]) {
    this.items.push(...xs);
  }
  take(): T | undefined {
    return this.items.shift();
  }
  get size() {
    return this.items.length;
  }
}

function csvOf(rows: string[][]): string {
  return rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n') + '\n';
}

async function pool<T>(items: T[], n: number, work: (item: T) => Promise<void>) {
  let i = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (i < items.length) await work(items[i++]);
  }));
}

function mysqlAdmin(url: string): Db {
  const u = new URL(url);
  u.pathname = '/mysql';
  return createDb({ kind: 'mysql', url: u.toString() });
}

export async function simulate(o: PeakOptions): Promise<PeakReport> {
  const startedAt = new Date().toISOString();
  const T0 = performance.now();
  const coops = catalog(o.coops, o.skus);
  const day = dayOrders(coops, o.orders, { cancelShare: o.cancelShare, kitShare: o.kitShare });
  const byId = new Map(day.map((d) => [d.id, d]));
  const serverErrors = new Map<string, number>();
  const errorsFile = path.join(os.tmpdir(), `wms-peak-${Date.now()}-server-errors.log`);
  const onError = (proc: string, line: string) => {
    fs.appendFileSync(errorsFile, `${proc} ${line}\n`);
    let key = line.slice(0, 200);
    try {
      const j = JSON.parse(line);
      key = `${j.msg}${j.err ? `: ${String(j.err.message ?? j.err).replace(/\d+/g, 'N').slice(0, 160)}` : ''}`;
    } catch {
      // not JSON
    }
    key = `${proc.replace(/-\d+$/, '')}: ${key}`;
    serverErrors.set(key, (serverErrors.get(key) ?? 0) + 1);
  };

  // --- the outside world on loopback ---
  const stores: FakePlatform[] = [];
  for (const c of coops) stores.push(c.platform === 'taobao' ? await startFakeTaobao() : c.platform === 'shopify' ? await startFakeShopify() : await startFakeWooCommerce());
  const sf = await startFakeSf();
  const k100 = await startFakeKuaidi100();
  const printers: FakeNetworkPrinter[] = [];
  for (let i = 0; i < o.packers; i++) printers.push(await startFakeNetworkPrinter('zpl'));

  const databaseUrl = o.mysql ? o.mysql.replace(/\/[^/]*$/, `/wms_peak_${Date.now()}`) : null;
  const dataDir = tempDir('wms-peak-');
  const password = 'peak-day-password';
  const cluster = new Cluster({
    databaseUrl,
    redisUrl: o.redis,
    apiProcs: databaseUrl ? o.apiProcs : 1,
    workerProcs: databaseUrl ? o.workerProcs : 0,
    dataDir,
    onError,
    env: {
      WMS_ADMIN_PASSWORD: password,
      WMS_DEMO: '0',
      WMS_DATA_KEY: 'a'.repeat(64),
      LOG_LEVEL: 'warn',
      WMS_CARRIER_TIMEOUT_MS: '3000',
      WMS_PRINTER_TIMEOUT_MS: '3000',
    },
  });
  let db: Db | null = null;
  const faultsDone: string[] = [];
  const stages = {
    wave: stage('POST /waves (release)'),
    claim: stage('POST /pick-tasks/claim'),
    confirm: stage('POST /pick-tasks/:id/confirm'),
    putwall: stage('POST /putwall/scan'),
    pack: stage('POST /orders/:id/pack'),
    dock: stage('POST /dock/scan'),
    close: stage('POST /manifests/:id/close'),
    handover: stage('POST /manifests/:id/handover'),
  };
  const availableAt = new Map<string, number>();
  const waybillToParcel = new Map<string, number>();
  let setupS = 0;
  try {
    await cluster.start();
    o.log(`processes: ${cluster.procs.map((p) => p.name).join(', ')}; API at ${cluster.url}; server errors to ${errorsFile}`);
    db = databaseUrl ? createDb({ kind: 'mysql', url: databaseUrl }) : createDb({ kind: 'sqlite', url: `sqlite:${path.join(dataDir, 'wms.sqlite')}`, sqliteFile: path.join(dataDir, 'wms.sqlite') });
    const { token } = await client(cluster.url, null).call('POST', '/api/v1/auth/login', { username: 'admin', password });
    const admin = client(cluster.url, token);
    const csv = client(cluster.url, token, 'text/csv');

    // --- the hub, untimed ---
    await admin.call('POST', '/api/v1/warehouses', { code: 'MAIN', name: '信丰县电商产地仓', province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇正平路88号', phone: '07973456789' });
    const zone = { ambient: 'A', chilled: 'C', frozen: 'F' } as const;
    const faceOf = new Map<string, string>();
    const locRows: string[][] = [['code', 'zone', 'temperature', 'type', 'x', 'y', 'pick_seq']];
    let seq = 0;
    for (const c of coops)
      for (const s of c.skus) {
        const z = zone[s.temperature];
        const n = seq++;
        const code = `${z}${String(Math.floor(n / 100) + 1).padStart(2, '0')}-${String(n % 100).padStart(2, '0')}`;
        faceOf.set(s.code, code);
        locRows.push([code, z, s.temperature, 'pick', String(Math.floor(n / 100) * 2.5), String(1 + (n % 100)), String(n)]);
      }
    for (let i = 1; i < locRows.length; i += 2000) await csv.call('POST', '/api/v1/locations/import', csvOf([locRows[0], ...locRows.slice(i, i + 2000)]));
    const sfCarrier = await admin.call('POST', '/api/v1/carriers', { code: 'SF', name: '顺丰速运', adapter: 'sf', coldChain: true, baseUrl: sf.baseUrl, credentials: sf.credentials, settings: sf.settings });
    const zto = await admin.call('POST', '/api/v1/carriers', { code: 'ZTO', name: '中通快递', adapter: 'kuaidi100', baseUrl: k100.baseUrl, credentials: { ...k100.credentials, salt: 'peak-salt' }, settings: k100.settings });
    const carrierKey = new Map<number, Client>();
    for (const c of [sfCarrier, zto]) carrierKey.set(c.id, client(cluster.url, (await admin.call('POST', '/api/v1/api-keys', { name: `driver-${c.code}`, role: 'carrier', carrierId: c.id })).key));
    const need = demand(coops, day);
    const ownerOf = new Map<number, number>();
    for (const c of coops) {
      const owner = await admin.call('POST', '/api/v1/owners', { code: c.code, name: c.name, phone: `1390797${String(c.index).padStart(4, '0')}` });
      ownerOf.set(c.index, owner.id);
      await admin.call('PUT', `/api/v1/owners/${owner.id}/carrier-preferences`, { carrierCodes: ['ZTO', 'SF'] });
      await csv.call('POST', `/api/v1/skus/import?ownerId=${owner.id}`, csvOf([['sku_code', 'name', 'barcode', 'weight_g', 'temperature'], ...c.skus.map((s) => [s.code, s.name, s.barcode, String(s.weightG), s.temperature])]));
      for (const k of c.kits) await admin.call('POST', '/api/v1/skus', { ownerId: owner.id, skuCode: k.code, name: k.name, weightG: 1000, temperature: 'ambient', components: k.components.map((x) => ({ skuCode: x.code, qty: x.qty })) });
    }
    const receipts = coops.flatMap((c) => c.skus.map((s) => ({ ownerId: ownerOf.get(c.index)!, barcode: s.barcode, qty: Math.ceil((need.get(s.code) ?? 0) * 1.1) + 2, locationCode: faceOf.get(s.code)! })));
    await pool(receipts, 8, async (r) => void (await admin.call('POST', '/api/v1/receipts', r)));
    const stations: Array<{ printerId: number; device: FakeNetworkPrinter }> = [];
    for (const [i, device] of printers.entries()) {
      const p = await admin.call('POST', '/api/v1/printers', { name: `PACK-${String(i + 1).padStart(2, '0')}`, language: 'zpl', host: '127.0.0.1', port: device.port, paperSize: '100x150' });
      await admin.call('POST', '/api/v1/pack-stations', { code: `PS${String(i + 1).padStart(2, '0')}`, name: `打包台 ${i + 1}`, printerId: p.id });
      stations.push({ printerId: p.id, device });
    }
    const keyOf = async (name: string) => client(cluster.url, (await admin.call('POST', '/api/v1/api-keys', { name, role: 'operator' })).key);
    const pickers = await Promise.all(Array.from({ length: o.pickers }, (_, i) => keyOf(`picker-${i + 1}`)));
    const sorters = await Promise.all(Array.from({ length: o.sorters }, (_, i) => keyOf(`sorter-${i + 1}`)));
    const packers = await Promise.all(Array.from({ length: o.packers }, (_, i) => keyOf(`packer-${i + 1}`)));
    const dockHands = await Promise.all(Array.from({ length: o.docks ?? 2 }, (_, i) => keyOf(`dock-${i + 1}`)));
    const supervisor = client(cluster.url, (await admin.call('POST', '/api/v1/api-keys', { name: 'supervisor', role: 'supervisor' })).key);
    const barcodeOfSku = new Map<string, string>();
    for (const c of coops) for (const s of c.skus) barcodeOfSku.set(s.code, s.barcode);
    // the stores last: from now on the server pulls their orders by itself, every 10 s (a peak-day setting; the default is 60 s)
    for (const [i, c] of coops.entries()) {
      const f = stores[i];
      await admin.call('POST', '/api/v1/stores', { ownerId: ownerOf.get(c.index), platform: f.platform, name: `${c.name} ${f.platform}`, baseUrl: f.baseUrl, credentials: f.credentials, syncFrom: new Date(Date.now() - 3600_000).toISOString(), active: true, syncEverySeconds: 10 });
    }
    setupS = (performance.now() - T0) / 1000;
    o.log(`setup: ${coops.length} co-ops, ${o.skus} SKUs with stock, ${coops.length} stores, ${o.packers} pack stations, in ${setupS.toFixed(0)} s`);

    // --- the day ---
    const dayMs = o.dayMinutes * 60_000;
    const t0 = Date.now();
    const simNow = () => ((Date.now() - t0) / dayMs) * 86400;
    let feedDone = false;
    let stopFloor = false;
    const pending = [...day];
    const cancels = day.filter((d) => d.cancelAt !== null).sort((a, b) => a.cancelAt! - b.cancelAt!);
    const feeder = (async () => {
      let next = 0;
      let nextCancel = 0;
      while (next < pending.length || nextCancel < cancels.length) {
        const now = simNow();
        const due = new Map<number, DayOrder[]>();
        while (next < pending.length && pending[next].at <= now) {
          const d = pending[next++];
          (due.get(d.coop) ?? due.set(d.coop, []).get(d.coop)!).push(d);
        }
        const at = Date.now();
        for (const [coop, list] of due) {
          stores[coop].upsertMany(list.map((d) => ({ id: d.id, lines: d.lines })));
          for (const d of list) availableAt.set(d.id, at);
        }
        while (nextCancel < cancels.length && cancels[nextCancel].cancelAt! <= now) {
          const d = cancels[nextCancel++];
          if (availableAt.has(d.id)) stores[d.coop].upsert({ id: d.id, lines: d.lines, cancelled: true });
        }
        await sleep(200);
      }
      feedDone = true;
    })();

    // waves: released as orders are allocated (a supervisor releasing before each cut-off)
    const waveLoop = (async () => {
      while (!stopFloor) {
        try {
          const t = performance.now();
          const w = await supervisor.call('POST', '/api/v1/waves', { maxOrders: 120 });
          record(stages.wave, performance.now() - t);
          if (w?.id) continue;
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 'NO_ORDERS')) fail(stages.wave, err);
        }
        await sleep(1000);
      }
    })();

    const putwallQueue = new WorkQueue<{ waveId: number; batchNo: number }>();
    const packQueue = new WorkQueue<number>();
    const dockQueue = new WorkQueue<string>();
    const orderUnits = async (waveId: number, batchNo: number) => {
      const w = await supervisor.call('GET', `/api/v1/waves/${waveId}`);
      return (w.orders as any[]).filter((x) => x.batchNo === batchNo);
    };
    const pickLoops = pickers.map(async (op) => {
      while (!stopFloor) {
        let work: any;
        try {
          const t = performance.now();
          work = await op.call('POST', '/api/v1/pick-tasks/claim', {});
          record(stages.claim, performance.now() - t);
        } catch (err) {
          if (!(err instanceof ApiError && err.code === 'NO_WORK')) fail(stages.claim, err);
          await sleep(500);
          continue;
        }
        for (const t of work.tasks) {
          if (!['open', 'skipped'].includes(t.status)) continue;
          try {
            const s = performance.now();
            await op.call('POST', `/api/v1/pick-tasks/${t.id}/confirm`, { locationCode: t.locationCode, barcode: barcodeOfSku.get(t.skuCode), qty: t.qty - t.pickedQty });
            record(stages.confirm, performance.now() - s);
          } catch (err) {
            fail(stages.confirm, err);
          }
        }
        if (work.kind === 'multi') putwallQueue.push({ waveId: work.waveId, batchNo: work.batchNo });
        else {
          try {
            for (const x of await orderUnits(work.waveId, work.batchNo)) if (x.status === 'picked') packQueue.push(x.orderId);
          } catch (err) {
            fail(stages.claim, err);
          }
        }
      }
    });
    const sortLoops = sorters.map(async (op) => {
      while (!stopFloor) {
        const job = putwallQueue.take();
        if (!job) {
          await sleep(300);
          continue;
        }
        let orders: any[] = [];
        try {
          orders = await orderUnits(job.waveId, job.batchNo);
        } catch (err) {
          fail(stages.putwall, err);
          putwallQueue.push(job);
          continue;
        }
        for (const x of orders) {
          const d = byId.get(x.externalId);
          if (!d || x.status !== 'picked') continue;
          for (let u = x.sortedUnits; u < d.units.length; u++) {
            // a scan the terminal could not send (server busy, database away) is scanned again, as a sorter does
            for (let attempt = 1; attempt <= 10; attempt++) {
              try {
                const s = performance.now();
                await op.call('POST', '/api/v1/putwall/scan', { waveId: job.waveId, batchNo: job.batchNo, barcode: d.units[u] });
                record(stages.putwall, performance.now() - s);
                break;
              } catch (err) {
                fail(stages.putwall, err);
                if (!transient(err)) break;
                await sleep(1000 * attempt);
              }
            }
          }
          packQueue.push(x.orderId);
        }
      }
    });
    const externalOf = new Map<number, string>();
    const packLoops = packers.map(async (op, i) => {
      while (!stopFloor) {
        const id = packQueue.take();
        if (!id) {
          await sleep(200);
          continue;
        }
        let ext = externalOf.get(id);
        if (!ext) {
          try {
            ext = (await op.call('GET', `/api/v1/orders/${id}`)).externalId as string;
            externalOf.set(id, ext);
          } catch (err) {
            fail(stages.pack, err);
            continue;
          }
        }
        const d = byId.get(ext)!;
        // a carrier that errs or times out: the packer presses Pack again, a few times
        for (let attempt = 1; attempt <= 6; attempt++) {
          try {
            const s = performance.now();
            const r = await op.call('POST', `/api/v1/orders/${id}/pack`, { scans: d.units, weightG: d.weightG + 150, printerId: stations[i].printerId });
            record(stages.pack, performance.now() - s);
            waybillToParcel.set(r.waybillNo, r.parcelId);
            dockQueue.push(r.waybillNo);
            break;
          } catch (err) {
            fail(stages.pack, err);
            const retry = transient(err) || (err instanceof ApiError && ['CARRIER_UNAVAILABLE', 'PACK_IN_PROGRESS', 'ORDER_NOT_SORTED'].includes(err.code));
            if (!retry) break;
            await sleep(1000 * attempt);
          }
        }
      }
    });
    const dockLoops = dockHands.map(async (dockHand) => {
      while (!stopFloor) {
        const w = dockQueue.take();
        if (!w) {
          await sleep(200);
          continue;
        }
        try {
          const s = performance.now();
          await dockHand.call('POST', '/api/v1/dock/scan', { waybillNo: w });
          record(stages.dock, performance.now() - s);
        } catch (err) {
          fail(stages.dock, err);
          // a parcel whose buyer cancelled after packing: pulled out at the dock and voided
          if (err instanceof ApiError && err.code === 'ORDER_CANCELLED') {
            await supervisor.call('POST', `/api/v1/parcels/${waybillToParcel.get(w)}/void`, { reason: 'buyer cancelled after packing' }).catch(() => undefined);
          } else if (!(err instanceof ApiError && ['ALREADY_SCANNED', 'ON_ANOTHER_MANIFEST', 'WAYBILL_VOIDED'].includes(err.code))) dockQueue.push(w);
        }
      }
    });
    // the carriers come for their parcels every 20 s of wall time (many pick-ups a simulated day)
    let closing: Promise<void> | null = null;
    // one pick-up at a time: the timer's and the end of the day's would otherwise confirm the same manifest
    const closeAll = () => (closing ??= closeAllOnce().finally(() => (closing = null)));
    const closeAllOnce = async () => {
      let page: any;
      try {
        page = await supervisor.call('GET', '/api/v1/manifests?status=open&limit=50');
      } catch (err) {
        fail(stages.close, err);
        return;
      }
      for (const m of page.items) {
        if (!m.parcelCount) continue;
        try {
          const s = performance.now();
          let closed: any;
          try {
            closed = await supervisor.call('POST', `/api/v1/manifests/${m.id}/close`);
          } catch (err) {
            if (!(err instanceof ApiError && err.code === 'MANIFEST_HAS_STOPPED_PARCELS')) throw err;
            fail(stages.close, err);
            // the supervisor pulls the parcels whose buyers cancelled after the scan, voids them, and closes
            const stopped = await supervisor.call('GET', `/api/v1/manifests/${m.id}`);
            // only orders the buyer cancelled can have stopped (the day's plan says which)
            for (const p of (stopped.parcels as any[]).filter((x) => byId.get(x.orderExternalId)?.cancelAt != null)) {
              const parcel = await supervisor.call('GET', `/api/v1/parcels/${p.parcelId}`);
              const order = await supervisor.call('GET', `/api/v1/orders/${p.orderId}`);
              if (parcel.status === 'labelled' && parcel.waybillNo === p.waybillNo && order.status !== 'cancelled' && !order.intercept) continue;
              await supervisor.call('DELETE', `/api/v1/manifests/${m.id}/parcels/${p.parcelId}`);
              if (parcel.status === 'labelled') await supervisor.call('POST', `/api/v1/parcels/${p.parcelId}/void`, { reason: 'buyer cancelled after the dock scan' }).catch((e) => fail(stages.close, e));
            }
            closed = await supervisor.call('POST', `/api/v1/manifests/${m.id}/close`);
          }
          record(stages.close, performance.now() - s);
          const h = performance.now();
          await carrierKey.get(m.carrierId)!.call('POST', `/api/v1/manifests/${m.id}/handover`, { receivedBy: `${m.carrierCode} 司机`, countedCount: closed.parcelCount });
          record(stages.handover, performance.now() - h);
        } catch (err) {
          fail(stages.close, err);
        }
      }
      // closed but not handed over (a failure above): the carrier confirms on its next visit
      try {
        for (const m of (await supervisor.call('GET', '/api/v1/manifests?status=closed&limit=50')).items) {
          await carrierKey.get(m.carrierId)!.call('POST', `/api/v1/manifests/${m.id}/handover`, { receivedBy: `${m.carrierCode} 司机`, countedCount: m.parcelCount }).catch((err) => fail(stages.handover, err));
        }
      } catch (err) {
        fail(stages.handover, err);
      }
    };
    const manifestLoop = (async () => {
      while (!stopFloor) {
        await sleep(20_000);
        await closeAll();
      }
    })();

    // --- faults in the middle of the day ---
    const dbOut = o.outageSeconds?.db ?? 15;
    const redisOut = o.outageSeconds?.redis ?? 60;
    const faultLoop = (async () => {
      if (o.faults.includes('carrier-errors')) {
        sf.faults.failRate = 0.05;
        sf.faults.timeoutRate = 0.01;
        k100.faults.failRate = 0.05;
        k100.faults.timeoutRate = 0.01;
        faultsDone.push('carriers: 5% of requests HTTP 500, 1% never answered, all day');
      }
      if (o.faults.includes('store-429')) {
        for (const s of stores) s.faults.duplicateAcrossPages = true;
        faultsDone.push('stores: every page repeats the last order of the previous one, all day; 429 on a store every 5 s');
      }
      const at = (share: number) => sleep(Math.max(0, t0 + dayMs * share - Date.now()));
      const ticker = o.faults.includes('store-429')
        ? setInterval(() => stores[Math.floor(Math.random() * stores.length)].faults.rateLimitNext(1, 1), 5000)
        : null;
      try {
        if (o.faults.includes('printer-drop')) {
          await at(0.3);
          for (const p of printers) p.mode = 'drop';
          await sleep(Math.min(30_000, dayMs * 0.05));
          for (const p of printers) p.mode = 'normal';
          faultsDone.push(`printers dropped every connection mid-job for ${(Math.min(30_000, dayMs * 0.05) / 1000).toFixed(0)} s at 30% of the day`);
        }
        if (o.faults.includes('kill-worker')) {
          await at(0.45);
          const name = await cluster.killWorker();
          faultsDone.push(`${name} killed with SIGKILL at 45% of the day and started again`);
        }
        if (o.faults.includes('db-restart') && cluster.dbProxy) {
          await at(0.55);
          await cluster.dbProxy.cut();
          await sleep(dbOut * 1000);
          await cluster.dbProxy.restore();
          faultsDone.push(`MariaDB gone for ${dbOut} s at 55% of the day (every connection dropped, new ones refused), then back`);
        }
        if (o.faults.includes('redis-stop') && cluster.redisProxy) {
          await at(0.65);
          await cluster.redisProxy.cut();
          await sleep(redisOut * 1000);
          await cluster.redisProxy.restore();
          faultsDone.push(`Redis gone for ${redisOut} s at 65% of the day, then back`);
        }
      } finally {
        if (ticker) clearInterval(ticker);
      }
    })();

    // --- progress, until every order is shipped or cancelled and every write-back settled ---
    const sampler = setInterval(() => cluster.sample(), 5000);
    const deadline = t0 + dayMs + o.drainMinutes * 60_000;
    let lastLine = 0;
    let lastSig = '';
    let lastChange = Date.now();
    for (;;) {
      await sleep(2000);
      if (Date.now() - lastLine > 30_000) {
        lastLine = Date.now();
        const c = await statusCounts(db);
        o.log(`t+${((Date.now() - t0) / 1000).toFixed(0)} s (sim ${fmtSim(simNow())}): fed ${availableAt.size}/${day.length} ${Object.entries(c).map(([k, v]) => `${k} ${v}`).join(', ')}; queues put-wall ${putwallQueue.size}, pack ${packQueue.size}, dock ${dockQueue.size}`);
      }
      if (!feedDone) continue;
      const c = await statusCounts(db).catch(() => null);
      if (!c) continue;
      const total = Object.values(c).reduce((a, b) => a + b, 0) - (c.writeback_pending ?? 0);
      const settled = (c.shipped ?? 0) + (c.cancelled ?? 0) + (c.intercepted ?? 0);
      if (total >= day.length && settled === total && !c.writeback_pending && !dockQueue.size && !packQueue.size) break;
      if (Date.now() > deadline) {
        o.log('drain deadline reached: reporting what is stuck');
        break;
      }
      // nothing moves any more and the floor has nothing in hand: what is left is stuck
      const sig = JSON.stringify(c);
      if (sig !== lastSig || putwallQueue.size || packQueue.size || dockQueue.size) {
        lastSig = sig;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > 120_000 && !c.writeback_pending) {
        // (a write-back that a killed worker was running comes back when its lease runs out, up to
        // 5 minutes later: that waits for the drain deadline instead)
        o.log('no progress for 2 minutes with nothing left on the floor: reporting what is stuck');
        break;
      }
      // the last pick-up of the day: everything packed goes
      if (packQueue.size === 0 && dockQueue.size === 0 && (c.packed ?? 0) > 0) await closeAll();
    }
    stopFloor = true;
    clearInterval(sampler);
    cluster.sample();
    await Promise.all([feeder, waveLoop, ...pickLoops, ...sortLoops, ...packLoops, ...dockLoops, manifestLoop, faultLoop]);
    const wallS = (Date.now() - t0) / 1000;

    // --- the report ---
    const counts = await statusCounts(db);
    const orders = await db('orders').select('external_id', 'created_at', 'allocated_at', 'shipped_at', 'written_back_at');
    const lag = { all: [] as number[], peak: [] as number[], pickable: [] as number[], peakPickable: [] as number[] };
    const writebackLag: number[] = [];
    const ms = (v: unknown) => (v ? Date.parse(String(v instanceof Date ? v.toISOString() : String(v).replace(' ', 'T') + (String(v).endsWith('Z') ? '' : 'Z'))) : NaN);
    for (const r of orders) {
      const d = byId.get(r.external_id);
      const av = availableAt.get(r.external_id);
      if (!d || !av) continue;
      const created = ms(r.created_at) - av;
      const alloc = ms(r.allocated_at) - av;
      const peak = d.at >= 20 * 3600 && d.at < 21 * 3600;
      if (Number.isFinite(created)) {
        lag.all.push(created);
        if (peak) lag.peak.push(created);
      }
      if (Number.isFinite(alloc)) {
        lag.pickable.push(alloc);
        if (peak) lag.peakPickable.push(alloc);
      }
      const wb = ms(r.written_back_at) - ms(r.shipped_at);
      if (Number.isFinite(wb)) writebackLag.push(wb);
    }
    const labels = countLabels(printers, new Set(waybillToParcel.keys()));
    const invariants = await checkInvariants(db, { generated: day, stores, coops, labelDuplicates: labels.duplicates });
    return {
      options: o,
      startedAt,
      wallS,
      setupS,
      generated: day.length,
      counts,
      stages: Object.values(stages),
      ingestLag: lag,
      writebackLag,
      labels,
      processes: cluster.procs.map((p) => ({ name: p.name, cpuS: p.cpuS, peakRssMb: p.peakRssMb, restarts: p.restarts })),
      dbSizeMb: await dbSize(db, databaseUrl, dataDir),
      faultsDone,
      serverErrors,
      invariants,
    };
  } finally {
    await cluster.stop().catch(() => undefined);
    await db?.destroy().catch(() => undefined);
    for (const s of stores) await s.close().catch(() => undefined);
    await sf.close().catch(() => undefined);
    await k100.close().catch(() => undefined);
    for (const p of printers) await p.close().catch(() => undefined);
    closeClients();
    if (databaseUrl && !o.keepDb) {
      const a = mysqlAdmin(databaseUrl);
      await a.raw(`DROP DATABASE IF EXISTS \`${new URL(databaseUrl).pathname.slice(1)}\``).catch(() => undefined);
      await a.destroy();
    }
    if (!o.keepDb) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Errors a terminal answers by trying again: the server or the database busy or away, a dropped connection. */
function transient(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return ['DATABASE_UNAVAILABLE', 'UNAVAILABLE', 'QUEUE_UNAVAILABLE', 'BAD_GATEWAY', 'INTERNAL'].includes(err.code) || err.status === 502 || err.status === 503;
}

const fmtSim = (s: number) => `${String(Math.floor(Math.min(s, 86399) / 3600)).padStart(2, '0')}:${String(Math.floor((Math.min(s, 86399) % 3600) / 60)).padStart(2, '0')}`;

/** Orders by status (intercepted ones apart), and write-backs still pending. */
async function statusCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db('orders').groupBy('status', 'intercept').select('status', 'intercept').count({ n: '*' });
  const out: Record<string, number> = {};
  for (const r of rows as any[]) {
    const key = Number(r.intercept) && r.status !== 'cancelled' && r.status !== 'shipped' ? 'intercepted' : r.status;
    out[key] = (out[key] ?? 0) + Number(r.n);
  }
  const [wb] = await db('orders').where({ writeback_status: 'pending' }).count({ n: '*' });
  out.writeback_pending = Number((wb as any)?.n ?? 0);
  return out;
}

/** Labels that reached the printers: each job's waybill (from its ^FD fields), and any printed twice. */
function countLabels(printers: FakeNetworkPrinter[], waybills: Set<string>) {
  const seen = new Map<string, number>();
  let jobs = 0;
  let unknown = 0;
  for (const p of printers)
    for (const job of p.jobs) {
      jobs++;
      const text = job.toString('latin1');
      // the QR code's data begins with the waybill number: ^FD<level>A,<waybill>|<carrier>|<routing>
      const hit = [...text.matchAll(/\^FD[LMQH]A,([^|^]+)\|/g)].map((m) => m[1]).find((f) => waybills.has(f));
      if (!hit) {
        unknown++;
        continue;
      }
      seen.set(hit, (seen.get(hit) ?? 0) + 1);
    }
  return { jobs, waybills: seen.size, duplicates: [...seen.values()].filter((n) => n > 1).length, unknown };
}

async function dbSize(db: Db, databaseUrl: string | null, dataDir: string): Promise<number> {
  if (databaseUrl) {
    const name = new URL(databaseUrl).pathname.slice(1);
    const [rows] = (await db.raw('SELECT SUM(data_length + index_length) AS b FROM information_schema.tables WHERE table_schema = ?', [name])) as any;
    return Math.round(Number(rows[0]?.b ?? 0) / 2 ** 20);
  }
  let b = 0;
  for (const f of fs.readdirSync(dataDir)) if (f.startsWith('wms.sqlite')) b += fs.statSync(path.join(dataDir, f)).size;
  return Math.round(b / 2 ** 20);
}

export type { Coop, DayOrder };
