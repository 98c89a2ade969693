import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import IORedis from 'ioredis';
import { TARGET, TEST_DATABASE_URL, TEST_REDIS_URL } from './env';

/** Each run starts from nothing: test databases, files and queue keys of earlier runs are removed. */
export default async function globalSetup(): Promise<void> {
  // Workers are started after this and inherit the variable.
  process.env.WMS_TEST_TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'wms-tests-'));
  if (TARGET === 'mysql') {
    const u = new URL(TEST_DATABASE_URL);
    const base = u.pathname.slice(1) || 'wms_test';
    const admin = knexFactory({
      client: 'mysql2',
      connection: { host: u.hostname, port: Number(u.port || 3306), user: decodeURIComponent(u.username || 'root'), password: decodeURIComponent(u.password || '') },
      pool: { min: 0, max: 1 },
    });
    try {
      const [rows] = await admin.raw('SHOW DATABASES');
      for (const r of rows as Array<{ Database: string }>) {
        if (r.Database.startsWith(`${base}_`)) await admin.raw(`DROP DATABASE \`${r.Database}\``);
      }
    } finally {
      await admin.destroy();
    }
  }
  if (TEST_REDIS_URL) {
    const redis = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', 'wms:wms_test*', 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
}
