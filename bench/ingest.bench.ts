import { performance } from 'node:perf_hooks';
import { machine, peakRssMb, startProcess, tempDir } from './lib/processes';
import { createDb, Db } from '../server/db/knex';
import type { FakeOrderSpec, FakePlatform } from '../tests/helpers/fakes/types';
import { startFakeShopify } from '../tests/helpers/fakes/shopify';
import { startFakeWooCommerce } from '../tests/helpers/fakes/woocommerce';
import { startFakeTaobao } from '../tests/helpers/fakes/taobao';

/**
 * `npm run bench -- ingest [--orders N] [--mysql URL --redis URL]`: N paid orders (default
 * 100,000; one to five lines, about three on average) waiting on three fake platforms (Shopify,
 * WooCommerce, Taobao; a third each, served in each platform's pages and signatures). One sync of
 * each store is started at once and the clock runs until every order is stored. Beside it, in
 * the same run and database, a plain batched insert of the same rows (orders and lines, 1,000 per
 * statement) gives the floor no sync can beat.
 */

async function api(url: string, token: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json()) as any;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const PROVINCES = [
  ['浙江省', '杭州市', '西湖区'],
  ['江西省', '赣州市', '信丰县'],
  ['广东省', '深圳市', '南山区'],
  ['北京市', '北京市', '朝阳区'],
  ['四川省', '成都市', '武侯区'],
  ['湖北省', '武汉市', '洪山区'],
];
const NAMES = ['张伟', '王芳', '李娜', '刘洋', '陈静', '杨磊', '赵敏', '黄勇'];

function makeOrders(n: number, skus: string[], from: number, to: number): FakeOrderSpec[] {
  const out: FakeOrderSpec[] = [];
  for (let i = 0; i < n; i++) {
    const [province, city, district] = PROVINCES[i % PROVINCES.length];
    const lines = 1 + ((i * 7) % 5); // 1..5 lines, mean 3
    out.push({
      id: String(10_000_000 + i),
      updatedAt: new Date(from + ((to - from) * i) / n),
      receiver: { name: NAMES[i % NAMES.length], phone: `139${String(10_000_000 + i).slice(-8)}`, province, city, district, address: `幸福路${(i % 300) + 1}号${(i % 12) + 1}幢` },
      lines: Array.from({ length: lines }, (_, j) => ({ sku: skus[(i * 13 + j * 31) % skus.length], qty: 1 + ((i + j) % 3), priceFen: 1990 })),
    });
  }
  return out;
}

async function countOrders(db: Db): Promise<number> {
  const [r] = await db('orders').count({ n: '*' });
  return Number((r as any).n);
}

/** The floor: the same orders and lines written by batched INSERTs into look-alike tables. */
async function plainInsert(db: Db, specs: FakeOrderSpec[], ownerId: number, skuIds: Map<string, number>) {
  await db.schema.dropTableIfExists('bench_order_lines');
  await db.schema.dropTableIfExists('bench_orders');
  await db.raw('CREATE TABLE bench_orders LIKE orders');
  await db.raw('CREATE TABLE bench_order_lines LIKE order_lines');
  const t0 = performance.now();
  const now = new Date().toISOString().replace('T', ' ').replace('Z', '');
  for (let i = 0; i < specs.length; i += 1000) {
    const chunk = specs.slice(i, i + 1000);
    await db.transaction(async (trx) => {
      const [first] = await trx('bench_orders').insert(
        chunk.map((s) => ({
          owner_id: ownerId,
          source: 'bench',
          channel: 'bench',
          external_id: s.id,
          status: 'pending',
          paid: true,
          receiver_name_sealed: s.receiver!.name,
          receiver_phone_sealed: s.receiver!.phone,
          receiver_address_sealed: s.receiver!.address,
          province: s.receiver!.province,
          city: s.receiver!.city,
          district: s.receiver!.district,
          created_at: now,
          updated_at: now,
        })),
      );
      const lines = chunk.flatMap((s, k) =>
        s.lines.map((l, j) => ({ order_id: Number(first) + k, line_no: j + 1, listing_code: l.sku, platform_qty: l.qty, sku_id: skuIds.get(l.sku!)!, factor: 1, qty: l.qty, price_fen: l.priceFen ?? null })),
      );
      for (let j = 0; j < lines.length; j += 1000) await trx('bench_order_lines').insert(lines.slice(j, j + 1000));
    });
  }
  const ms = performance.now() - t0;
  await db.schema.dropTable('bench_order_lines');
  await db.schema.dropTable('bench_orders');
  return ms;
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

export async function main(args: string[]) {
  const opt = (n: string) => (args.indexOf(`--${n}`) >= 0 ? args[args.indexOf(`--${n}`) + 1] : undefined);
  const n = Number(opt('orders') ?? 100_000);
  const mysql = opt('mysql') ?? 'mysql://root@127.0.0.1:3306/wms_bench_ingest';
  const redis = opt('redis') ?? 'redis://127.0.0.1:6379';
  await dropDatabase(mysql);
  console.log(`ingest benchmark — ${n} orders from three fake platforms synced into MariaDB (+ Redis), ${new Date().toISOString()}`);
  console.log(`machine: ${machine()}`);

  const fakes: FakePlatform[] = [await startFakeShopify(), await startFakeWooCommerce(), await startFakeTaobao()];
  const password = 'bench-admin-password';
  const server = await startProcess('server/main.ts', { WMS_DATA_DIR: tempDir('wms-bench-ingest-'), WMS_ADMIN_PASSWORD: password, WMS_DEMO: '0', DATABASE_URL: mysql, REDIS_URL: redis });
  const db = createDb({ kind: 'mysql', url: mysql });
  try {
    const admin = (await api(server.url, null, 'POST', '/api/v1/auth/login', { username: 'admin', password })).token;
    const owner = await api(server.url, admin, 'POST', '/api/v1/owners', { code: 'INGEST', name: '同步基准合作社' });
    const skus: string[] = [];
    for (let i = 0; i < 200; i++) {
      const code = `ING-${i}`;
      await api(server.url, admin, 'POST', '/api/v1/skus', { ownerId: owner.id, skuCode: code, name: `基准商品${i}`, weightG: 500, temperature: 'ambient' });
      skus.push(code);
    }
    const until = Date.now() - 60_000;
    const since = until - 6 * 3600 * 1000;
    const specs = makeOrders(n, skus, since, until);
    const lines = specs.reduce((s, o) => s + o.lines.length, 0);
    const third = Math.ceil(n / 3);
    fakes.forEach((f, i) => f.upsertMany(specs.slice(i * third, (i + 1) * third)));
    const stores = [];
    for (const f of fakes) {
      stores.push(await api(server.url, admin, 'POST', '/api/v1/stores', { ownerId: owner.id, platform: f.platform, name: f.platform, baseUrl: f.baseUrl, credentials: f.credentials, syncFrom: new Date(since - 60_000).toISOString(), active: false }));
    }

    const t0 = performance.now();
    for (const s of stores) await api(server.url, admin, 'POST', `/api/v1/stores/${s.id}/sync`, {});
    let done = 0;
    let lastPrint = 0;
    while ((done = await countOrders(db)) < n) {
      if (performance.now() - t0 > 15 * 60 * 1000) throw new Error(`only ${done} of ${n} orders after 15 minutes`);
      if (performance.now() - lastPrint > 10_000) {
        lastPrint = performance.now();
        console.log(`  … ${done} orders after ${Math.round((performance.now() - t0) / 1000)} s`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const syncMs = performance.now() - t0;
    const rss = peakRssMb(server.proc.pid!);
    const failed = await db('outbox_jobs').where({ status: 'failed' }).count({ n: '*' });
    const held = await db('orders').where({ status: 'held' }).count({ n: '*' });
    const requests = fakes.map((f) => `${f.platform} ${f.requests.length}`).join(', ');

    const skuIds = new Map<string, number>((await db('skus').where({ owner_id: owner.id }).select('id', 'sku_code')).map((r: any) => [r.sku_code, Number(r.id)]));
    const plainMs = await plainInsert(db, specs, owner.id, skuIds);

    console.log('');
    console.log('| what | orders | lines | seconds | orders/s | ratio to plain insert |');
    console.log('|---|---|---|---|---|---|');
    console.log(`| sync from 3 fake platforms (end to end) | ${n} | ${lines} | ${(syncMs / 1000).toFixed(1)} | ${Math.round(n / (syncMs / 1000))} | ${(plainMs / syncMs).toFixed(2)} |`);
    console.log(`| plain batched INSERT of the same rows | ${n} | ${lines} | ${(plainMs / 1000).toFixed(1)} | ${Math.round(n / (plainMs / 1000))} | 1.00 |`);
    console.log('');
    console.log(`server peak RSS ${rss} MB; platform requests: ${requests}; held orders ${Number((held[0] as any).n)}; failed jobs ${Number((failed[0] as any).n)}`);
    console.log(`100,000-order backlog cleared in ${((syncMs / n) * 100_000 / 1000).toFixed(1)} s at this rate`);
  } finally {
    await db.destroy();
    await server.stop();
    for (const f of fakes) await f.close();
  }
}
