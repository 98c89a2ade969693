/**
 * `npm run bench -- <name> [options]`: benchmarks print their figures; they assert nothing.
 * Record results in docs/benchmarks.md with the machine and the date.
 */
import * as http from './http.bench';
import * as skuImport from './sku-import.bench';
import * as scan from './scan.bench';
import * as ingest from './ingest.bench';
import * as route from './route.bench';
import * as allocate from './allocate.bench';
import * as labels from './labels.bench';
import * as terminal from './terminal.bench';
import * as peakDay from './peak-day.bench';

const BENCHES: Record<string, { main(args: string[]): Promise<void> }> = { http, 'sku-import': skuImport, scan, ingest, route, allocate, labels, terminal, 'peak-day': peakDay };

async function run() {
  const [name, ...args] = process.argv.slice(2);
  if (!name || !BENCHES[name]) {
    console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}> [options]`);
    process.exit(2);
  }
  await BENCHES[name].main(args);
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
