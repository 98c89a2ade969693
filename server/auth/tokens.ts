import crypto from 'node:crypto';

export const SESSION_PREFIX = 'wmss_';
export const API_KEY_PREFIX = 'wmsk_';

/** Tokens carry 256 random bits, so a fast hash is enough to store them safely. */
export function sha256(s: string): string {
  return crypto.createHash('sha256').update(s).digest('hex');
}

export function newSessionToken(): string {
  return SESSION_PREFIX + crypto.randomBytes(32).toString('base64url');
}

export function newApiKey(): string {
  return API_KEY_PREFIX + crypto.randomBytes(32).toString('base64url');
}
