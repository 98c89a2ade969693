import fs from 'node:fs';
import path from 'node:path';
import { build } from 'vite';

/**
 * Builds web/ into web/dist when the sources are newer than the last build (or with --force),
 * so that `npm start` on a fresh clone serves the web app without a separate step.
 */
const root = path.resolve(__dirname, '../../web');
const dist = path.join(root, 'dist', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

async function main() {
  const force = process.argv.includes('--force');
  if (!force && fs.existsSync(dist) && fs.statSync(dist).mtimeMs >= newestMtime(root)) return;
  process.stdout.write('Building the web app…\n');
  await build({ root, configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
}

main().catch((err) => {
  console.error('Web build failed:', err?.message ?? err);
  process.exit(1);
});
