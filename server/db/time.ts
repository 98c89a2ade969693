/** Timestamps are stored as UTC text 'YYYY-MM-DD HH:MM:SS.mmm' in both dialects. */
export function toDbTime(d: Date = new Date()): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

export function nowDb(): string {
  return toDbTime(new Date());
}

export function addMs(ms: number, from: Date = new Date()): string {
  return toDbTime(new Date(from.getTime() + ms));
}

/** A stored timestamp as ISO-8601 with offset, or null. */
export function toIso(v: string | Date | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  const s = String(v);
  if (s.includes('T')) return new Date(s).toISOString();
  return new Date(s.replace(' ', 'T') + 'Z').toISOString();
}
