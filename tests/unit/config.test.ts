import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../server/config/config';

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'wms-config-'));

test('defaults: embedded SQLite in the data dir, in-process queue, demo on, a data key generated once', () => {
  const d = dir();
  const c = loadConfig({ WMS_DATA_DIR: d });
  expect(c.port).toBe(3000);
  expect(c.database).toMatchObject({ kind: 'sqlite', sqliteFile: path.join(d, 'wms.sqlite') });
  expect(c.redisUrl).toBeUndefined();
  expect(c.demo).toBe(true);
  expect(c.dataKey).toHaveLength(32);
  expect(c.dataKeyGenerated).toBe(true);
  const again = loadConfig({ WMS_DATA_DIR: d });
  expect(again.dataKeyGenerated).toBe(false);
  expect(again.dataKey.equals(c.dataKey)).toBe(true);
});

test('MySQL and Redis from URLs; demo only when asked for on MySQL', () => {
  const c = loadConfig({ WMS_DATA_DIR: dir(), DATABASE_URL: 'mysql://root@127.0.0.1:3306/wms', REDIS_URL: 'redis://127.0.0.1:6379', WMS_DATA_KEY: 'ab'.repeat(32) });
  expect(c.database).toMatchObject({ kind: 'mysql', url: 'mysql://root@127.0.0.1:3306/wms' });
  expect(c.redisUrl).toBe('redis://127.0.0.1:6379');
  expect(c.demo).toBe(false);
  expect(c.dataKey.toString('hex')).toBe('ab'.repeat(32));
});

test('every problem is listed at once', () => {
  let error: ConfigError | undefined;
  try {
    loadConfig({ WMS_DATA_DIR: dir(), PORT: 'eighty', DATABASE_URL: 'postgres://x', REDIS_URL: 'localhost:6379', WMS_DATA_KEY: 'short', LOG_LEVEL: 'loud', WMS_ADMIN_PASSWORD: 'pw' });
  } catch (e) {
    error = e as ConfigError;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const fields = error!.problems.map((p) => p.split(':')[0]).sort();
  expect(fields).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'REDIS_URL', 'WMS_ADMIN_PASSWORD', 'WMS_DATA_KEY']);
});
