import { loadConfig, ConfigError } from './config/config';
import { createLogger } from './logger/logger';
import { openRuntime } from './runtime';

/** `npm run worker`: job workers only, to scale out beside API processes on the same DB and Redis. */
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
  const runtime = await openRuntime(config, log, { work: true });
  log.info({ database: config.database.kind, queue: runtime.ctx.queue.kind }, 'Origin WMS worker started');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 15_000).unref();
    await runtime.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err) => {
  console.error('Origin WMS worker failed to start:', err?.message ?? err);
  process.exit(1);
});
