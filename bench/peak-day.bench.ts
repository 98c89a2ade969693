import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { machine } from './lib/processes';
import { FAULTS, simulate, type Fault, type PeakOptions, type PeakReport } from './lib/peak/simulate';

/**
 * `npm run bench -- peak-day [--orders 100000] [--day-minutes 40] [--drain-minutes 30]
 * [--skus 2000] [--coops 20] [--pickers 12] [--sorters 4] [--packers 8] [--docks 2]
 * [--mysql URL --redis URL] [--api 1] [--workers 1] [--faults all|db-restart,redis-stop,...]
 * [--cancel-share 0.03] [--no-write] [--keep]`
 *
 * A Double 11 day through the real server (see bench/lib/peak/simulate.ts). Prints the report and
 * appends it to docs/peak-day.md (unless --no-write). The last line printed is
 * `invariants: ok` or `invariants: FAILED` with what broke.
 */

export function options(args: string[]): PeakOptions & { write: boolean } {
  const arg = (name: string) => (args.indexOf(`--${name}`) >= 0 ? args[args.indexOf(`--${name}`) + 1] : undefined);
  const orders = Number(arg('orders') ?? 100_000);
  const faultArg = arg('faults');
  const faults = (faultArg === 'all' ? [...FAULTS] : (faultArg ?? '').split(',').filter(Boolean)) as Fault[];
  for (const f of faults) if (!FAULTS.includes(f)) throw new Error(`unknown fault ${f} (known: ${FAULTS.join(', ')})`);
  return {
    orders,
    skus: Number(arg('skus') ?? 2000),
    coops: Number(arg('coops') ?? 20),
    dayMinutes: Number(arg('day-minutes') ?? Math.max(2, Math.round((orders / 100_000) * 40))),
    drainMinutes: Number(arg('drain-minutes') ?? 30),
    pickers: Number(arg('pickers') ?? 12),
    sorters: Number(arg('sorters') ?? 4),
    packers: Number(arg('packers') ?? 8),
    docks: Number(arg('docks') ?? 2),
    mysql: arg('mysql') ?? null,
    redis: arg('redis') ?? null,
    apiProcs: Number(arg('api') ?? 1),
    workerProcs: Number(arg('workers') ?? (arg('mysql') ? 1 : 0)),
    faults,
    cancelShare: Number(arg('cancel-share') ?? 0.03),
    kitShare: 0.05,
    keepDb: args.includes('--keep'),
    write: !args.includes('--no-write'),
    log: (line) => console.log(line),
  };
}

const pct = (xs: number[], q: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');
const secs = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '—');

export function reportText(r: PeakReport): string {
  const o = r.options;
  const L: string[] = [];
  const db = o.mysql ? `MariaDB${o.redis ? ' + Redis' : ''}` : 'SQLite (one process)';
  L.push(`## ${r.startedAt.slice(0, 10)}: ${r.generated.toLocaleString('en')} orders, ${db}, ${o.mysql ? `${o.apiProcs} API + ${o.workerProcs} worker process(es)` : 'API and worker in one process'}${o.faults.length ? `, faults: ${o.faults.join(', ')}` : ''}`);
  L.push('');
  L.push(`Machine: ${machine()}. Day of ${o.dayMinutes} wall minutes (×${f1(1440 / o.dayMinutes)}), ${o.coops} co-ops, ${o.skus} SKUs (70% ambient, 20% chilled, 10% frozen; kits), ${o.pickers} pickers, ${o.sorters} put-wall sorters, ${o.packers} pack stations, ${o.docks ?? 2} dock scanners, ${(o.cancelShare * 100).toFixed(0)}% of orders cancelled by the buyer. Setup (untimed) ${r.setupS.toFixed(0)} s.`);
  L.push('');
  const c = r.counts;
  const settled = (c.shipped ?? 0) + (c.cancelled ?? 0) + (c.intercepted ?? 0);
  L.push(`- **Wall time**, first order to the last written back: ${f1(r.wallS / 60)} min`);
  L.push(`- Orders: generated ${r.generated}, ingested ${Object.entries(c).filter(([k]) => k !== 'writeback_pending').reduce((a, [, v]) => a + v, 0)}, shipped ${c.shipped ?? 0}, cancelled ${c.cancelled ?? 0}, intercepted after packing ${c.intercepted ?? 0}, **stuck ${r.invariants.stuck}** (${Object.entries(c).filter(([k]) => !['shipped', 'cancelled', 'intercepted', 'writeback_pending'].includes(k)).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}); write-backs pending ${c.writeback_pending ?? 0}; settled ${settled}`);
  L.push(`- Ingest lag (order in the store → in the WMS): p50 ${secs(pct(r.ingestLag.all, 0.5))}, p99 ${secs(pct(r.ingestLag.all, 0.99))}; in the peak hour p50 ${secs(pct(r.ingestLag.peak, 0.5))}, p99 ${secs(pct(r.ingestLag.peak, 0.99))} (wall time, at the accelerated rate)`);
  L.push(`- Store → pickable (allocated): p50 ${secs(pct(r.ingestLag.pickable, 0.5))}, p99 ${secs(pct(r.ingestLag.pickable, 0.99))}; peak hour p50 ${secs(pct(r.ingestLag.peakPickable, 0.5))}, p99 ${secs(pct(r.ingestLag.peakPickable, 0.99))}`);
  L.push(`- Shipped → written back: p50 ${secs(pct(r.writebackLag, 0.5))}, p99 ${secs(pct(r.writebackLag, 0.99))}`);
  L.push(`- Labels: ${r.labels.jobs} print jobs reached the printers for ${r.labels.waybills} waybills; printed twice: ${r.labels.duplicates}; not matching a waybill: ${r.labels.unknown}`);
  L.push(`- Database size at the end: ${r.dbSizeMb} MB`);
  if (r.faultsDone.length) L.push(`- Faults: ${r.faultsDone.join('; ')}`);
  L.push('');
  L.push('| stage | requests | per s | p50 ms | p99 ms | errors |');
  L.push('|---|---:|---:|---:|---:|---|');
  for (const s of r.stages) {
    const span = (s.last - s.first) / 1000;
    const errs = [...s.errors.entries()].map(([k, v]) => `${k} ×${v}`).join(', ') || '0';
    L.push(`| ${s.what} | ${s.samples.length} | ${f1(span > 0 ? s.samples.length / span : NaN)} | ${f1(pct(s.samples, 0.5))} | ${f1(pct(s.samples, 0.99))} | ${errs} |`);
  }
  L.push('');
  L.push('| process | CPU s | peak RSS MB | restarts |');
  L.push('|---|---:|---:|---:|');
  for (const p of r.processes) L.push(`| ${p.name} | ${f1(p.cpuS)} | ${p.peakRssMb} | ${p.restarts} |`);
  if (r.serverErrors.size) {
    L.push('');
    L.push('Server errors logged (grouped):');
    for (const [k, v] of [...r.serverErrors.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) L.push(`- ${v} × ${k.slice(0, 240)}`);
  }
  L.push('');
  L.push('Invariants checked: ' + r.invariants.checked.join('; ') + '.');
  for (const f of r.invariants.failures) L.push(`- FAILED: ${f}`);
  L.push('');
  L.push(r.invariants.ok ? 'invariants: ok' : `invariants: FAILED (${r.invariants.failures.length})`);
  return L.join('\n');
}

export async function main(args: string[]): Promise<void> {
  const o = options(args);
  console.log(`peak day — ${o.orders} orders over ${o.dayMinutes} wall minutes, ${o.mysql ? 'MariaDB' : 'SQLite'}${o.redis ? ' + Redis' : ''}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const r = await simulate(o);
  const text = reportText(r);
  if (o.write) {
    const file = path.resolve(__dirname, '../docs/peak-day.md');
    const head = fs.existsSync(file) ? '' : '# Peak day (`npm run bench -- peak-day`)\n\nEach run appends its report here; see README → Benchmarks for how to run it.\n\n';
    fs.appendFileSync(file, `${head}${text}\n\n`);
  }
  console.log('');
  console.log(text);
  if (!r.invariants.ok) process.exitCode = 1;
}
