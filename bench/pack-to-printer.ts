import { performance } from 'node:perf_hooks';
import { startProcess, tempDir } from './lib/processes';
import { startFakeSf } from '../tests/helpers/fakes/carriers/sf';
import { startFakeNetworkPrinter } from '../tests/helpers/fake-printer';
import { gtinCheckDigit } from '../printers/barcode-check';

/**
 * Pack to printer, as a pack station sees it: the real server (`server/main.ts`, API and worker
 * in one process, SQLite by default or `--mysql URL --redis URL`), SF's fake on loopback as the
 * carrier, a ZPL printer on loopback that answers ~HS. For each parcel the clock runs from the
 * POST /orders/:id/pack to the moment the printer has the whole label (its connection closed).
 * Orders are one unit each, picked through a real wave first (untimed).
 */
export interface PackToPrinterFigures {
  parcels: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  packP50: number;
}

async function api(url: string, token: string | null, method: string, p: string, body?: unknown) {
  const res = await fetch(url + p, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text.slice(0, 500)}`);
  return json;
}

const pct = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

export async function packToPrinter(opts: { parcels: number; mysql?: string; redis?: string }): Promise<PackToPrinterFigures> {
  const sf = await startFakeSf();
  const device = await startFakeNetworkPrinter('zpl');
  const env: Record<string, string> = { WMS_DATA_DIR: tempDir('pack-print'), WMS_ADMIN_PASSWORD: 'bench-password-1', WMS_DEMO: '0', LOG_LEVEL: 'error' };
  if (opts.mysql) env.DATABASE_URL = opts.mysql.replace(/\/[^/]*$/, `/wms_bench_pack_${Date.now()}`);
  if (opts.redis) env.REDIS_URL = opts.redis;
  const server = await startProcess('server/main.ts', env);
  try {
    const url = server.url;
    const token = (await api(url, null, 'POST', '/api/v1/auth/login', { username: 'admin', password: 'bench-password-1' })).token;
    const call = (method: string, p: string, body?: unknown) => api(url, token, method, p, body);
    await call('POST', '/api/v1/warehouses', { code: 'MAIN', name: '信丰县电商仓', province: '江西省', city: '赣州市', district: '信丰县', address: '嘉定镇正平路88号', phone: '07973456789' });
    const owner = await call('POST', '/api/v1/owners', { code: 'BENCH', name: '信丰县脐橙合作社', phone: '13907970001' });
    const carrier = await call('POST', '/api/v1/carriers', { code: 'SF', name: '顺丰速运', adapter: 'sf', baseUrl: sf.baseUrl, credentials: sf.credentials, settings: sf.settings });
    await call('PUT', `/api/v1/owners/${owner.id}/carrier-preferences`, { carrierCodes: [carrier.code] });
    const printer = await call('POST', '/api/v1/printers', { name: 'PACK-01', language: 'zpl', host: '127.0.0.1', port: device.port, paperSize: '100x150' });
    const ean = '690123456789' + gtinCheckDigit('690123456789');
    const sku = await call('POST', '/api/v1/skus', { ownerId: owner.id, skuCode: 'ORANGE-5KG', name: '赣南脐橙 5斤装', barcode: ean, weightG: 2600, temperature: 'ambient' });
    await call('POST', '/api/v1/locations', { code: 'A-01-01', zone: 'A', temperature: 'ambient', type: 'pick', x: 2, y: 1 });
    await call('POST', '/api/v1/receipts', { ownerId: owner.id, barcode: ean, qty: opts.parcels, locationCode: 'A-01-01' });
    const ids: number[] = [];
    for (let i = 0; i < opts.parcels; i++) {
      const o = await call('POST', '/api/v1/orders', { ownerId: owner.id, externalId: `B${i}`, receiver: { name: '张三', phone: '13812345678', province: '浙江省', city: '杭州市', district: '西湖区', address: `文三路${i}号` }, lines: [{ skuCode: sku.skuCode, qty: 1 }] });
      ids.push(o.id);
    }
    for (;;) {
      const page = await call('GET', '/api/v1/orders?status=allocated&limit=500');
      if (page.items.length >= opts.parcels) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const wave = await call('POST', '/api/v1/waves', { orderIds: ids, maxOrders: opts.parcels });
    for (const t of (await call('GET', `/api/v1/pick-tasks?waveId=${wave.id}&limit=500`)).items) {
      await call('POST', `/api/v1/pick-tasks/${t.id}/confirm`, { locationCode: t.locationCode, barcode: ean, qty: t.qty });
    }

    const totals: number[] = [];
    const packs: number[] = [];
    for (const id of ids) {
      const before = device.jobs.length;
      const t0 = performance.now();
      await call('POST', `/api/v1/orders/${id}/pack`, { scans: [ean], weightG: 2700, printerId: printer.id });
      packs.push(performance.now() - t0);
      await device.received(before + 1, 10_000);
      totals.push(performance.now() - t0);
    }
    totals.sort((a, b) => a - b);
    packs.sort((a, b) => a - b);
    return { parcels: totals.length, p50: pct(totals, 0.5), p95: pct(totals, 0.95), p99: pct(totals, 0.99), max: totals[totals.length - 1], packP50: pct(packs, 0.5) };
  } finally {
    await server.stop();
    await device.close();
    await sf.close();
  }
}
