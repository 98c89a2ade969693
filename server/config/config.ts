import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { z } from 'zod';

/**
 * Configuration from the environment, validated once at start. Every problem is listed at
 * once, so an operator fixes a broken deployment in one round instead of one error per restart.
 */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  WMS_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .refine((v) => /^(mysql|mariadb):\/\//.test(v) || /^sqlite:/.test(v), {
      message: 'must be mysql://user:pass@host:port/db or sqlite:/path/to/file.db',
    })
    .optional(),
  REDIS_URL: z
    .string()
    .refine((v) => /^rediss?:\/\//.test(v), { message: 'must be redis://host:port[/db]' })
    .optional(),
  WMS_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  WMS_DATA_KEY: z
    .string()
    .refine((v) => decodeKey(v) !== null, { message: 'must be 32 bytes as 64 hex characters or base64' })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WMS_DEMO: z.enum(['0', '1']).optional(),
  WMS_SESSION_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  WMS_JSON_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'like 1mb or 512kb').default('1mb'),
  WMS_UPLOAD_LIMIT_MB: z.coerce.number().int().min(1).max(1024).default(20),
  WMS_WORKERS: z.enum(['0', '1']).default('1'),
  WMS_PII_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  WMS_CARRIER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  WMS_PRINTER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  WMS_PUBLIC_URL: z
    .string()
    .refine((v) => /^https?:\/\/[^/\s]+/.test(v), { message: 'must be the http(s):// address carriers reach this hub at' })
    .optional(),
});

export type DatabaseKind = 'sqlite' | 'mysql';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  database: { kind: DatabaseKind; url: string; sqliteFile?: string };
  redisUrl?: string;
  adminPassword?: string;
  dataKey: Buffer;
  dataKeyGenerated: boolean;
  logLevel: string;
  demo: boolean;
  sessionHours: number;
  jsonLimit: string;
  uploadLimitBytes: number;
  /** whether `npm start` also runs job workers */
  workers: boolean;
  /** receivers' personal data is erased this many days after the order shipped or was cancelled */
  piiRetentionDays: number;
  /** where carriers reach this hub (their tracking pushes); without it parcels are only polled */
  publicUrl?: string;
  /** one carrier API request gives up after this long (the packer is waiting) */
  carrierTimeoutMs: number;
  /** one printer connection: connect, send, and close within this long */
  printerTimeoutMs: number;
  version: string;
}

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

function decodeKey(v: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  const b = Buffer.from(v, 'base64');
  return b.length === 32 ? b : null;
}

/** Reads the key from the data dir, creating it on first start (embedded mode). */
function loadOrCreateKeyFile(dataDir: string): { key: Buffer; generated: boolean } {
  const file = path.join(dataDir, 'data.key');
  if (fs.existsSync(file)) {
    const key = decodeKey(fs.readFileSync(file, 'utf8').trim());
    if (!key) throw new ConfigError([`${file} does not hold a valid 32-byte key`]);
    return { key, generated: false };
  }
  const key = crypto.randomBytes(32);
  fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, generated: true };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.WMS_DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true });

  let database: Config['database'];
  if (!e.DATABASE_URL) {
    const file = path.join(dataDir, 'wms.sqlite');
    database = { kind: 'sqlite', url: `sqlite:${file}`, sqliteFile: file };
  } else if (e.DATABASE_URL.startsWith('sqlite:')) {
    const file = e.DATABASE_URL.slice('sqlite:'.length).replace(/^\/\//, '');
    database = { kind: 'sqlite', url: e.DATABASE_URL, sqliteFile: file === ':memory:' ? file : path.resolve(file) };
  } else {
    database = { kind: 'mysql', url: e.DATABASE_URL.replace(/^mariadb:/, 'mysql:') };
  }

  const { key, generated } = e.WMS_DATA_KEY
    ? { key: decodeKey(e.WMS_DATA_KEY)!, generated: false }
    : loadOrCreateKeyFile(dataDir);

  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database,
    redisUrl: e.REDIS_URL,
    adminPassword: e.WMS_ADMIN_PASSWORD,
    dataKey: key,
    dataKeyGenerated: generated,
    logLevel: e.LOG_LEVEL,
    demo: e.WMS_DEMO ? e.WMS_DEMO === '1' : database.kind === 'sqlite',
    sessionHours: e.WMS_SESSION_HOURS,
    piiRetentionDays: e.WMS_PII_RETENTION_DAYS,
    carrierTimeoutMs: e.WMS_CARRIER_TIMEOUT_MS,
    printerTimeoutMs: e.WMS_PRINTER_TIMEOUT_MS,
    publicUrl: e.WMS_PUBLIC_URL ? e.WMS_PUBLIC_URL.replace(/\/+$/, '') : undefined,
    jsonLimit: e.WMS_JSON_LIMIT,
    uploadLimitBytes: e.WMS_UPLOAD_LIMIT_MB * 1024 * 1024,
    workers: e.WMS_WORKERS === '1',
    version: readVersion(),
  };
}

function readVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
}
