import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { TcpProxy } from '../../../tests/helpers/tcp-proxy';

/**
 * The processes of a peak-day run: API processes (API only), worker processes (jobs only), or on
 * SQLite one process doing both; a round-robin HTTP balancer in front of several API processes;
 * and loopback TCP proxies between the processes and MariaDB / Redis, through which a fault run
 * takes the database or Redis away and brings it back (the shared servers themselves stay up).
 */

const ROOT = path.resolve(__dirname, '../../..');

export interface Proc {
  name: string;
  proc: ChildProcess;
  /** the API's address, for API processes */
  url: string | null;
  /** CPU seconds and peak RSS read from /proc just before it exited or at the end */
  cpuS: number;
  /** CPU seconds of the processes this one replaced (after a kill) */
  cpuBefore: number;
  peakRssMb: number;
  restarts: number;
}

export interface ClusterOptions {
  /** mysql://… database of this run, or null for SQLite in dataDir */
  databaseUrl: string | null;
  redisUrl: string | null;
  apiProcs: number;
  workerProcs: number;
  dataDir: string;
  env: Record<string, string>;
  /** server log lines at error level are passed here */
  onError: (proc: string, line: string) => void;
}

/** CPU seconds (user + system) of a live process, from /proc. */
function cpuOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return ticks / 100;
  } catch {
    return NaN;
  }
}

function peakRss(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
}

export class Cluster {
  readonly procs: Proc[] = [];
  private balancer?: http.Server;
  private next = 0;
  dbProxy?: TcpProxy;
  redisProxy?: TcpProxy;
  /** the address clients use: the balancer, or the only API process */
  url = '';
  private stopping = false;

  constructor(private readonly o: ClusterOptions) {}

  private envFor(): Record<string, string> {
    const env: Record<string, string> = { ...this.o.env, WMS_DATA_DIR: this.o.dataDir };
    if (this.o.databaseUrl) {
      const u = new URL(this.o.databaseUrl);
      u.hostname = '127.0.0.1';
      u.port = String(this.dbProxy!.port);
      env.DATABASE_URL = u.toString();
    }
    if (this.o.redisUrl) {
      const u = new URL(this.o.redisUrl);
      u.hostname = '127.0.0.1';
      u.port = String(this.redisProxy!.port);
      env.REDIS_URL = u.toString();
    }
    return env;
  }

  private spawnProc(name: string, entry: string, extra: Record<string, string>, api: boolean): Promise<Proc> {
    const proc = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(ROOT, entry)], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', ...this.envFor(), ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const p: Proc = { name, proc, url: null, cpuS: 0, cpuBefore: 0, peakRssMb: 0, restarts: 0 };
    let partial = '';
    const onLog = (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (/"level":(50|60)/.test(line)) this.o.onError(name, line);
    };
    return new Promise<Proc>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => {
        // not left running behind the run that gave up on it
        proc.kill('SIGKILL');
        reject(new Error(`${name} did not start: ${out.slice(-2000)}`));
      }, 90_000);
      const onData = (d: Buffer) => {
        out += d.toString();
        if (out.length > 20_000) out = out.slice(-10_000);
        const m = /http:\/\/localhost:(\d+)/.exec(out);
        if (api && m) p.url = `http://127.0.0.1:${m[1]}`;
        if ((api && m) || (!api && /worker started/.test(out))) {
          clearTimeout(timer);
          proc.stdout!.off('data', onData);
          proc.stderr!.off('data', onData);
          resolve(p);
        }
      };
      proc.stdout!.on('data', onData);
      proc.stderr!.on('data', onData);
      proc.stdout!.on('data', onLog);
      proc.stderr!.on('data', onLog);
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code ?? signal}) while starting: ${out.slice(-2000)}`));
      });
    });
  }

  async start(): Promise<void> {
    if (this.o.databaseUrl) {
      const u = new URL(this.o.databaseUrl);
      this.dbProxy = new TcpProxy(u.hostname, Number(u.port || 3306));
      await this.dbProxy.start();
    }
    if (this.o.redisUrl) {
      const u = new URL(this.o.redisUrl);
      this.redisProxy = new TcpProxy(u.hostname, Number(u.port || 6379));
      await this.redisProxy.start();
    }
    if (!this.o.databaseUrl) {
      // SQLite: one process, API and worker (the embedded database has one writer)
      this.procs.push(await this.spawnProc('api+worker', 'server/main.ts', { WMS_WORKERS: '1' }, true));
    } else {
      // the first process migrates; the others start after it
      this.procs.push(await this.spawnProc('api-1', 'server/main.ts', { WMS_WORKERS: this.o.workerProcs ? '0' : '1' }, true));
      for (let i = 2; i <= this.o.apiProcs; i++) this.procs.push(await this.spawnProc(`api-${i}`, 'server/main.ts', { WMS_WORKERS: this.o.workerProcs ? '0' : '1' }, true));
      // the worker says it started at level info
      for (let i = 1; i <= this.o.workerProcs; i++) this.procs.push(await this.spawnProc(`worker-${i}`, 'server/worker.ts', { LOG_LEVEL: 'info' }, false));
    }
    const apis = this.procs.filter((p) => p.url);
    if (apis.length === 1) {
      this.url = apis[0].url!;
      return;
    }
    // round-robin: each request to the next API process, keep-alive both ways
    const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    this.balancer = http.createServer((req, res) => {
      const live = this.procs.filter((p) => p.url && p.proc.exitCode === null);
      const target = new URL(live[this.next++ % live.length].url!);
      const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'BAD_GATEWAY', message: err.message, details: [] } }));
      });
      req.pipe(up);
    });
    await new Promise<void>((resolve) => this.balancer!.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.balancer.address() as any).port}`;
  }

  /** Reads CPU and peak RSS of every live process (call before stopping, and now and then). */
  sample(): void {
    for (const p of this.procs) {
      if (p.proc.exitCode !== null || p.proc.signalCode !== null || !p.proc.pid) continue;
      const cpu = cpuOf(p.proc.pid);
      const rss = peakRss(p.proc.pid);
      if (Number.isFinite(cpu)) p.cpuS = p.cpuBefore + cpu;
      if (Number.isFinite(rss)) p.peakRssMb = Math.max(p.peakRssMb, rss);
    }
  }

  /** SIGKILL a worker in the middle of its jobs, and start a new one in its place (as a supervisor would). */
  async killWorker(): Promise<string> {
    const victim = this.procs.find((p) => p.name.startsWith('worker') && p.proc.exitCode === null) ?? this.procs.find((p) => p.proc.exitCode === null)!;
    this.sample();
    victim.proc.kill('SIGKILL');
    await new Promise((r) => victim.proc.once('exit', r));
    const isApi = !!victim.url;
    const fresh = await this.spawnProc(victim.name, isApi ? 'server/main.ts' : 'server/worker.ts', isApi ? { WMS_WORKERS: '1', PORT: new URL(victim.url!).port } : { LOG_LEVEL: 'info' }, isApi);
    victim.proc = fresh.proc;
    victim.cpuBefore = victim.cpuS;
    victim.restarts++;
    return victim.name;
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.sample();
    await Promise.all(
      this.procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.proc.exitCode !== null || p.proc.signalCode !== null) return resolve();
            const t = setTimeout(() => p.proc.kill('SIGKILL'), 20_000);
            p.proc.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            p.proc.kill('SIGTERM');
          }),
      ),
    );
    await new Promise<void>((resolve) => (this.balancer ? this.balancer.close(() => resolve()) : resolve()));
    await this.dbProxy?.stop();
    await this.redisProxy?.stop();
  }
}
