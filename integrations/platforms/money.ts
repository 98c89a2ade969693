/**
 * A platform's money ("199.00", or 12.5 where line prices are numbers) → integer fen, rounding
 * half-up beyond two decimals, without floating-point arithmetic; null when unreadable.
 */
export function toFen(value: unknown): number | null {
  const s = typeof value === 'number' && Number.isFinite(value) ? value.toFixed(6) : typeof value === 'string' ? value.trim() : '';
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) return null;
  const frac = (m[3] ?? '').padEnd(3, '0');
  const fen = Number(m[2]) * 100 + Number(frac.slice(0, 2)) + (Number(frac[2]) >= 5 ? 1 : 0);
  return m[1] ? -fen : fen;
}
