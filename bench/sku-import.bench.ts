import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDb, ensureMysqlDatabase } from '../server/db/knex';
import { migrateLatest } from '../server/db/migrate';
import { nowDb } from '../server/db/time';
import { gtinCheckDigit } from '../printers/barcode-check';
import { machine, peakRssMb, startProcess, tempDir } from './lib/processes';

/**
 * `npm run bench -- sku-import [--rows N] [--mysql URL]`: a generated CSV of N SKUs (default
 * 100,000) imported through POST /api/v1/skus/import on the real server, beside a plain batched
 * knex insert of the same rows into the same tables, measured in the same run. Prints rows/s
 * and the server's peak RSS, medians of --repeat runs (3). Without --mysql only SQLite is measured.
 */
const TEMPS = ['常温', '冷藏', '冷冻'];

function generateCsv(rows: number): Buffer {
  const lines = ['商品编码,商品名称,条码,规格,单位,重量(克),长(毫米),宽(毫米),高(毫米),温层,保质期(天),批次管理,产地'];
  for (let i = 1; i <= rows; i++) {
    const payload = `69${String(i).padStart(10, '0')}`;
    lines.push(`SKU-${i},测试商品${i} 5斤装 特级果,${payload}${gtinCheckDigit(payload)},5斤/箱,箱,${1000 + (i % 4000)},300,200,150,${TEMPS[i % 3]},${10 + (i % 300)},${i % 2 ? '是' : '否'},江西省赣州市信丰县`);
  }
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

function plainRows(rows: number, ownerId: number) {
  const now = nowDb();
  const temps = ['ambient', 'chilled', 'frozen'];
  return Array.from({ length: rows }, (_, k) => {
    const i = k + 1;
    return {
      owner_id: ownerId,
      sku_code: `SKU-${i}`,
      name: `测试商品${i} 5斤装 特级果`,
      spec: '5斤/箱',
      unit: '箱',
      weight_g: 1000 + (i % 4000),
      length_mm: 300,
      width_mm: 200,
      height_mm: 150,
      temperature: temps[i % 3],
      shelf_life_days: 10 + (i % 300),
      lot_tracked: i % 2 === 1,
      origin: '江西省赣州市信丰县',
      is_kit: false,
      status: 'active',
      created_at: now,
      updated_at: now,
    };
  });
}

/** The baseline: the same rows straight into the tables, 500 per insert, one transaction. */
async function plainInsert(database: { kind: 'sqlite' | 'mysql'; url: string; sqliteFile?: string }, rows: number) {
  if (database.kind === 'mysql') await ensureMysqlDatabase(database.url);
  const db = createDb(database);
  try {
    await migrateLatest(db);
    const now = nowDb();
    const [ownerId] = await db('owners').insert({ code: 'BENCH', name: 'bench', status: 'active', created_at: now, updated_at: now });
    const skuRows = plainRows(rows, Number(ownerId));
    const t0 = performance.now();
    await db.transaction(async (trx) => {
      for (let i = 0; i < skuRows.length; i += 500) {
        const chunk = skuRows.slice(i, i + 500);
        await trx('skus').insert(chunk);
        const ids = await trx('skus').where({ owner_id: ownerId }).whereIn('sku_code', chunk.map((r) => r.sku_code)).select('id', 'sku_code');
        await trx('sku_barcodes').insert(
          ids.map((r: any) => {
            const n = Number(String(r.sku_code).slice(4));
            const payload = `69${String(n).padStart(10, '0')}`;
            return { owner_id: ownerId, sku_id: r.id, barcode: `${payload}${gtinCheckDigit(payload)}`, qty: 1, kind: 'ean13', position: 0 };
          }),
        );
      }
    });
    return (performance.now() - t0) / 1000;
  } finally {
    await db.destroy();
  }
}

async function dropDatabase(url: string) {
  const u = new URL(url);
  const admin = createDb({ kind: 'mysql', url: `${u.protocol}//${u.username ? u.username + '@' : ''}${u.host}/mysql` });
  try {
    await admin.raw(`DROP DATABASE IF EXISTS \`${u.pathname.slice(1)}\``);
  } finally {
    await admin.destroy();
  }
}

async function importThroughServer(env: Record<string, string>, csv: Buffer) {
  const password = 'bench-admin-password';
  const server = await startProcess('server/main.ts', { WMS_DATA_DIR: tempDir('wms-bench-'), WMS_ADMIN_PASSWORD: password, WMS_DEMO: '0', WMS_UPLOAD_LIMIT_MB: '64', ...env });
  try {
    const baseRss = peakRssMb(server.proc.pid!);
    const login = (await (await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) })).json()) as any;
    const auth = { authorization: `Bearer ${login.token}` };
    const owner = (await (await fetch(`${server.url}/api/v1/owners`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify({ code: 'BENCH', name: '基准合作社' }) })).json()) as any;
    const run = async () => {
      const t0 = performance.now();
      const res = await fetch(`${server.url}/api/v1/skus/import?ownerId=${owner.id}`, { method: 'POST', headers: { 'content-type': 'text/csv', ...auth }, body: new Uint8Array(csv) });
      const body = (await res.json()) as any;
      if (res.status !== 200) throw new Error(`import failed: ${res.status} ${JSON.stringify(body)}`);
      return { seconds: (performance.now() - t0) / 1000, body };
    };
    const first = await run();
    const second = await run();
    return { first, second, peakRss: peakRssMb(server.proc.pid!), baseRss };
  } finally {
    await server.stop();
  }
}

export async function main(args: string[]) {
  const opt = (n: string) => (args.indexOf(`--${n}`) >= 0 ? args[args.indexOf(`--${n}`) + 1] : undefined);
  const rows = Number(opt('rows') ?? 100_000);
  const repeat = Number(opt('repeat') ?? 3);
  const mysql = opt('mysql');
  console.log(`sku-import benchmark — ${rows} rows, median of ${repeat} interleaved runs, ${new Date().toISOString()}`);
  console.log(`machine: ${machine()}`);
  const csv = generateCsv(rows);
  console.log(`file: ${(csv.length / 1024 / 1024).toFixed(1)} MB CSV (UTF-8, Chinese headers and names, EAN-13 barcodes)`);

  const targets: Array<{ name: string; env: Record<string, string>; database: { kind: 'sqlite' | 'mysql'; url: string; sqliteFile?: string } }> = [];
  const sqliteFile = path.join(tempDir('wms-bench-plain-'), 'plain.sqlite');
  targets.push({ name: 'SQLite', env: {}, database: { kind: 'sqlite', url: `sqlite:${sqliteFile}`, sqliteFile } });
  if (mysql) {
    const u = new URL(mysql);
    const importDb = new URL(mysql);
    importDb.pathname = `${u.pathname}_import`;
    const plainDb = new URL(mysql);
    plainDb.pathname = `${u.pathname}_plain`;
    targets.push({ name: 'MariaDB', env: { DATABASE_URL: importDb.toString() }, database: { kind: 'mysql', url: plainDb.toString() } });
  }

  console.log('');
  console.log('| database | import rows/s | re-import (unchanged) rows/s | plain batched insert rows/s | import ÷ plain | server peak RSS MB (worst run) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const t of targets) {
    const plain: number[] = [];
    const first: number[] = [];
    const again: number[] = [];
    const rss: number[] = [];
    // Interleaved, fresh database and server each time: this VM's speed drifts by a third
    // between minutes, and a single sample of each side says little.
    for (let i = 0; i < repeat; i++) {
      if (t.database.kind === 'sqlite') fs.rmSync(t.database.sqliteFile!, { force: true });
      else await dropDatabase(t.database.url);
      if (t.env.DATABASE_URL) await dropDatabase(t.env.DATABASE_URL);
      plain.push(await plainInsert(t.database, rows));
      const r = await importThroughServer(t.env, csv);
      if (r.first.body.created !== rows) throw new Error(`expected ${rows} created, got ${JSON.stringify(r.first.body).slice(0, 300)}`);
      if (r.second.body.unchanged !== rows) throw new Error(`expected ${rows} unchanged on re-import`);
      first.push(r.first.seconds);
      again.push(r.second.seconds);
      rss.push(r.peakRss);
    }
    const rate = (s: number) => Math.round(rows / s);
    console.log(`| ${t.name} | ${rate(median(first))} | ${rate(median(again))} | ${rate(median(plain))} | ${(median(plain) / median(first)).toFixed(2)} | ${Math.max(...rss)} |`);
  }
  if (sqliteFile && fs.existsSync(sqliteFile)) fs.rmSync(path.dirname(sqliteFile), { recursive: true, force: true });
}
