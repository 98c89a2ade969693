import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { gtinCheckDigit } from '../printers/barcode-check';
import { machine, startProcess, tempDir } from './lib/processes';
import { createDb } from '../server/db/knex';

/**
 * `npm run bench -- scan [--mysql URL --redis URL] [--seconds N] [--connections N]`: latency
 * and throughput of the receiving scan (POST /api/v1/asns/:id/receipts: resolve the barcode,
 * the lot, the location, add stock, write the ledger, update the ASN) at 50 concurrent
 * terminals. Two shapes: each terminal receiving its own delivery (the usual dock), and all
 * terminals scanning the same SKU into the same dock location (one hot stock row).
 */
interface Target {
  name: string;
  env: Record<string, string>;
}

async function api(url: string, token: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(url + path, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json()) as any;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

async function measure(t: Target, seconds: number, connections: number) {
  const password = 'bench-admin-password';
  const server = await startProcess('server/main.ts', { WMS_DATA_DIR: tempDir('wms-bench-scan-'), WMS_ADMIN_PASSWORD: password, WMS_DEMO: '0', ...t.env });
  try {
    const admin = (await api(server.url, null, 'POST', '/api/v1/auth/login', { username: 'admin', password })).token;
    const operator = (await api(server.url, admin, 'POST', '/api/v1/api-keys', { name: 'terminals', role: 'operator' })).key;
    const owner = await api(server.url, admin, 'POST', '/api/v1/owners', { code: 'SCAN', name: '扫码基准合作社' });
    const terminals: Array<{ path: string; body: string }> = [];
    for (let i = 0; i < connections; i++) {
      const payload = `6930000${String(i).padStart(5, '0')}`;
      const barcode = payload + gtinCheckDigit(payload);
      await api(server.url, admin, 'POST', '/api/v1/skus', { ownerId: owner.id, skuCode: `S${i}`, name: `测试商品${i}`, weightG: 1000, temperature: 'ambient', lotTracked: true, shelfLifeDays: 30, barcode });
      await api(server.url, admin, 'POST', '/api/v1/locations', { code: `DOCK-${i}`, zone: 'D', temperature: 'ambient', type: 'dock' });
      const asn = await api(server.url, admin, 'POST', '/api/v1/asns', { ownerId: owner.id, reference: `ASN-${i}`, lines: [{ skuCode: `S${i}`, qty: 100000 }] });
      terminals.push({ path: `/api/v1/asns/${asn.id}/receipts`, body: JSON.stringify({ barcode, qty: 1, lotNo: 'L20261123', producedAt: '2026-11-23', locationCode: `DOCK-${i}` }) });
    }
    // one real scan first: a benchmark of error answers measures nothing
    await api(server.url, operator, 'POST', terminals[0].path, JSON.parse(terminals[0].body));
    const run = async (shape: 'own' | 'hot') => {
      let next = 0;
      const r = await autocannon({
        url: server.url,
        connections,
        duration: seconds,
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` },
        setupClient: (client: any) => {
          const term = shape === 'own' ? terminals[next++ % terminals.length] : terminals[0];
          client.setRequests([{ method: 'POST', path: term.path, body: term.body, headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` } }]);
        },
      } as any);
      if (r.non2xx > 0) throw new Error(`${r.non2xx} of ${r.requests.total} scans were refused (${shape})`);
      return { shape, rate: undefined as number | undefined, rps: Math.round(r.requests.average), p50: r.latency.p50, p97_5: r.latency.p97_5, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts };
    };
    await autocannon({ url: server.url + terminals[0].path, connections: 10, duration: 2, method: 'POST', body: terminals[0].body, headers: { 'content-type': 'application/json', authorization: `Bearer ${operator}` } });
    // Saturation (every terminal fires its next scan the moment the last is answered), then a
    // brisk human pace: each terminal scanning on its own, on average twice a second.
    return [await run('own'), await run('hot'), await paced(server.url, operator, terminals, seconds, 500)];
  } finally {
    await server.stop();
  }
}

/**
 * Terminals at a person's pace: each scans, waits for the answer, then waits a random
 * (exponential) gap averaging `meanGapMs` before the next scan, independently of the others.
 * (autocannon's rate limit releases each second's requests together, which models 50 people
 * scanning in the same instant, not a dock.)
 */
async function paced(url: string, token: string, terminals: Array<{ path: string; body: string }>, seconds: number, meanGapMs: number) {
  const latencies: number[] = [];
  let refused = 0;
  const end = Date.now() + seconds * 1000;
  await Promise.all(
    terminals.map(async (t) => {
      while (Date.now() < end) {
        await new Promise((r) => setTimeout(r, -Math.log(1 - Math.random()) * meanGapMs));
        const t0 = performance.now();
        const res = await fetch(url + t.path, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: t.body });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (res.status !== 201) refused++;
      }
    }),
  );
  if (refused) throw new Error(`${refused} paced scans were refused`);
  latencies.sort((a, b) => a - b);
  const q = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]);
  return { shape: 'own' as const, rate: Math.round((terminals.length * 1000) / meanGapMs), rps: Math.round(latencies.length / seconds), p50: q(0.5), p97_5: q(0.975), p99: q(0.99), non2xx: 0, errors: 0 };
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
  const seconds = Number(opt('seconds') ?? 10);
  const connections = Number(opt('connections') ?? 50);
  const targets: Target[] = [{ name: 'SQLite', env: {} }];
  const mysql = opt('mysql');
  if (mysql) {
    await dropDatabase(mysql);
    targets.push({ name: opt('redis') ? 'MariaDB + Redis' : 'MariaDB', env: { DATABASE_URL: mysql, ...(opt('redis') ? { REDIS_URL: opt('redis')! } : {}) } });
  }
  console.log(`scan benchmark — POST /api/v1/asns/:id/receipts, ${connections} terminals, ${seconds} s per shape, ${new Date().toISOString()}`);
  console.log(`machine: ${machine()}`);
  console.log('');
  console.log('| database | terminals scan | offered load | scans/s | p50 ms | p97.5 ms | p99 ms | non-2xx | errors |');
  console.log('|---|---|---|---:|---:|---:|---:|---:|---:|');
  for (const t of targets) {
    for (const r of await measure(t, seconds, connections)) {
      console.log(`| ${t.name} | ${r.shape === 'own' ? 'each its own delivery' : 'one SKU into one dock location'} | ${r.rate ? `~${r.rate}/s (each terminal ~2 scans/s, unsynchronised)` : 'saturation'} | ${r.rps} | ${r.p50} | ${r.p97_5} | ${r.p99} | ${r.non2xx} | ${r.errors} |`);
    }
  }
}
