/** Classifies driver errors so that domain code and the error middleware need not know dialects. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as any;
  return e?.code === 'ER_DUP_ENTRY' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as any;
  return e?.code === 'ER_NO_REFERENCED_ROW_2' || e?.code === 'ER_ROW_IS_REFERENCED_2' || e?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

export function isRetryableTxError(err: unknown): boolean {
  const e = err as any;
  return e?.code === 'ER_LOCK_DEADLOCK' || e?.code === 'ER_LOCK_WAIT_TIMEOUT' || e?.code === 'SQLITE_BUSY';
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  'ER_ACCESS_DENIED_ERROR',
  'ER_BAD_DB_ERROR',
  'SQLITE_CANTOPEN',
  'SQLITE_IOERR',
]);

export function isConnectionError(err: unknown): boolean {
  const e = err as any;
  if (!e) return false;
  if (e.name === 'KnexTimeoutError') return true;
  if (CONNECTION_CODES.has(e.code)) return true;
  if (e.fatal === true && typeof e.code === 'string') return true;
  if (typeof e.message === 'string' && /Connection lost|connect ECONNREFUSED|Pool is closed|Can't add new command when connection is in closed state/i.test(e.message)) return true;
  return false;
}
