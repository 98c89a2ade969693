import type { Server } from 'node:http';
import { loadConfig, ConfigError } from './config/config';
import { createLogger } from './logger/logger';
import { openRuntime } from './runtime';
import { createApp } from './app';
import { ensureAdmin } from './auth/bootstrap';
import { seedDemo } from './demo/seed';

/**
 * `npm start`: API, web app and job workers in one process on the embedded database by
 * default. WMS_WORKERS=0 serves the API only (run `npm run worker` beside it).
 */
async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const print = (line: string) => process.stdout.write(line + '\n');
  const work = config.workers;
  const runtime = await openRuntime(config, log, { work });
  if (config.dataKeyGenerated) log.warn({ dir: config.dataDir }, 'generated a new data key in the data directory; back it up (personal data cannot be read without it)');

  await ensureAdmin(runtime.ctx.db, config.adminPassword, print);
  if (config.demo) await seedDemo(runtime.ctx.db, print, config.dataKey);

  const app = createApp(runtime.ctx);
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.on('error', reject);
  });
  server.keepAliveTimeout = 65_000;
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  log.info({ port, database: config.database.kind, queue: runtime.ctx.queue.kind, workers: work }, 'Origin WMS started');
  print(`Origin WMS is serving on http://localhost:${port}  (database: ${config.database.kind}, queue: ${runtime.ctx.queue.kind})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    server.close();
    server.closeIdleConnections();
    await runtime.close().catch((e) => log.error({ err: e }, 'error while closing'));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error('Origin WMS failed to start:', err?.message ?? err);
  process.exit(1);
});
