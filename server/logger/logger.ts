import pino, { Logger } from 'pino';

/**
 * Structured logs. Secrets and personal data are redacted by path so that a careless
 * `log.info({ body })` cannot leak a password, a token or a receiver's phone number.
 */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'key',
  '*.key',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'credentials',
  '*.credentials',
  'phone',
  '*.phone',
  'receiver',
  '*.receiver',
];

export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
  });
}

export type { Logger };
