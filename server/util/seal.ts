import crypto from 'node:crypto';

/**
 * Sealing of personal data and credentials at rest: AES-256-GCM with WMS_DATA_KEY, a fresh
 * 96-bit IV per value, and the purpose (e.g. 'orders.receiver_phone') as associated data so that
 * a sealed value copied into another column does not open there.
 * Format: 'v1.' + base64(iv ‖ tag ‖ ciphertext).
 */
const VERSION = 'v1.';

export function seal(key: Buffer, purpose: string, plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(purpose));
  const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return VERSION + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64');
}

export function unseal(key: Buffer, purpose: string, sealed: string): string {
  if (!sealed.startsWith(VERSION)) throw new Error('not a sealed value');
  const raw = Buffer.from(sealed.slice(VERSION.length), 'base64');
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}

export function sealNullable(key: Buffer, purpose: string, plain: string | null | undefined): string | null {
  return plain === null || plain === undefined ? null : seal(key, purpose, plain);
}

export function unsealNullable(key: Buffer, purpose: string, sealed: string | null | undefined): string | null {
  return sealed ? unseal(key, purpose, sealed) : null;
}
