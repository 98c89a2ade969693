import autocannon from 'autocannon';
import { machine, startProcess, tempDir } from './lib/processes';

/**
 * An authenticated list request (GET /api/v1/locations?limit=50: token lookup, a join, 50 rows)
 * at 50 concurrent connections against the real server, beside a bare Express hello-world
 * measured in the same run. Options: --seconds N (default 10), --connections N (50),
 * --mysql URL and --redis URL to measure on MariaDB + Redis as well.
 */
interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function opt(args: string[], name: string, fallback?: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
}

async function measure(name: string, url: string, headers: Record<string, string>, seconds: number, connections: number): Promise<Figures> {
  await autocannon({ url, headers, connections, duration: 2 }); // warm-up
  const r = await autocannon({ url, headers, connections, duration: seconds });
  return { name, rps: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
}

async function measureWms(label: string, env: Record<string, string>, seconds: number, connections: number): Promise<Figures> {
  const password = 'bench-admin-password';
  const server = await startProcess('server/main.ts', { WMS_DATA_DIR: tempDir('wms-bench-'), WMS_ADMIN_PASSWORD: password, WMS_DEMO: '1', ...env });
  try {
    const login = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
    const { token } = (await login.json()) as { token: string };
    let seeded = (await (await fetch(`${server.url}/api/v1/locations?limit=50`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: unknown[] };
    if (seeded.items.length < 50) {
      // MySQL starts without demo data: give the list 50 rows to return.
      for (let i = 0; i < 50; i++) {
        await fetch(`${server.url}/api/v1/locations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ code: `BENCH-${i}`, zone: 'BENCH', temperature: 'ambient', type: 'pick', x: i, y: 1 }),
        });
      }
      seeded = (await (await fetch(`${server.url}/api/v1/locations?limit=50`, { headers: { authorization: `Bearer ${token}` } })).json()) as { items: unknown[] };
    }
    if (seeded.items.length !== 50) throw new Error(`expected 50 locations, got ${seeded.items.length}`);
    return await measure(label, `${server.url}/api/v1/locations?limit=50`, { authorization: `Bearer ${token}` }, seconds, connections);
  } finally {
    await server.stop();
  }
}

export async function main(args: string[]) {
  const seconds = Number(opt(args, 'seconds', '10'));
  const connections = Number(opt(args, 'connections', '50'));
  const mysql = opt(args, 'mysql');
  const redis = opt(args, 'redis');
  console.log(`http benchmark — ${connections} connections, ${seconds} s each, ${new Date().toISOString()}`);
  console.log(`machine: ${machine()}`);

  const rows: Figures[] = [];
  const hello = await startProcess('bench/fixtures-hello-express.ts');
  try {
    rows.push(await measure('bare Express hello-world', `${hello.url}/`, {}, seconds, connections));
  } finally {
    await hello.stop();
  }
  rows.push(await measureWms('GET /api/v1/locations?limit=50 (SQLite, inline queue)', {}, seconds, connections));
  if (mysql) {
    rows.push(await measureWms(`GET /api/v1/locations?limit=50 (MariaDB${redis ? ' + Redis' : ''})`, { DATABASE_URL: mysql, ...(redis ? { REDIS_URL: redis } : {}) }, seconds, connections));
  }

  const base = rows[0].rps;
  console.log('');
  console.log('| what | requests/s | p50 ms | p99 ms | vs hello-world | errors | non-2xx |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.rps} | ${r.p50} | ${r.p99} | ${((r.rps / base) * 100).toFixed(1)}% | ${r.errors} | ${r.non2xx} |`);
  }
}
