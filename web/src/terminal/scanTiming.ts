/**
 * Telling a keyboard-wedge scanner from a person typing, by timing alone (no DOM here, so it
 * is unit-tested in tests/unit/web-scan.test.ts).
 *
 * Every character of the field's value carries the time it arrived. A scanner types the whole
 * code in a burst (a few ms between characters) and presses Enter at once; a person types
 * 100 ms or more apart. A PDA that fills the field in one go (no key events) counts as a scan:
 * all its characters arrive in the same instant.
 */

export interface ScanTiming {
  /** Longest gap between two characters of one scan. */
  maxGapMs: number;
  /** Longest wait from the last character to Enter in a scan. */
  maxEnterGapMs: number;
  /** A burst shorter than this is typing (two quick key presses are not a scan). */
  minLength: number;
  /**
   * A pause this long separates what was typed before from what came after: a scan after it
   * replaces the stray keys before it. (A busy browser may hold a scan's keys back for a
   * moment, so a short pause inside a scan never splits it.)
   */
  staleMs: number;
  /** Share of the gaps that must be fast for a scan (the rest are the browser's hiccups). */
  fastShare: number;
}

export const DEFAULT_TIMING: ScanTiming = { maxGapMs: 35, maxEnterGapMs: 150, minLength: 4, staleMs: 1000, fastShare: 0.75 };

/** The arrival time of each character of the value, kept in step with every change of the field. */
export function restamp(oldValue: string, oldStamps: readonly number[], newValue: string, now: number): number[] {
  const stamps = oldStamps.length === oldValue.length ? oldStamps : oldValue.split('').map(() => now);
  let head = 0;
  const max = Math.min(oldValue.length, newValue.length);
  while (head < max && oldValue[head] === newValue[head]) head++;
  let tail = 0;
  while (tail < max - head && oldValue[oldValue.length - 1 - tail] === newValue[newValue.length - 1 - tail]) tail++;
  const inserted = newValue.length - head - tail;
  return [...stamps.slice(0, head), ...Array.from({ length: inserted }, () => now), ...stamps.slice(oldValue.length - tail)];
}

export type ScanSource = 'scan' | 'typed';

export interface Entry {
  /** What the field submits: a scan typed after some stray keys is the scan alone. */
  value: string;
  source: ScanSource;
}

/**
 * What Enter submits. The characters since the last long pause are a scan when they are at
 * least `minLength`, mostly `maxGapMs` apart or less, and Enter follows at once; the scan alone
 * is submitted. Anything else is typing, submitted whole.
 */
export function classifyEntry(value: string, stamps: readonly number[], enterAt: number, timing: ScanTiming = DEFAULT_TIMING): Entry {
  const typed: Entry = { value: value.trim(), source: 'typed' };
  if (!value || stamps.length !== value.length) return typed;
  const last = stamps.length - 1;
  if (enterAt - stamps[last] > timing.maxEnterGapMs) return typed;
  let start = last;
  while (start > 0 && stamps[start] - stamps[start - 1] < timing.staleMs) start--;
  const burst = value.slice(start).trim();
  if (burst.length < timing.minLength) return typed;
  let fast = 0;
  for (let i = start + 1; i <= last; i++) if (stamps[i] - stamps[i - 1] <= timing.maxGapMs) fast++;
  const gaps = last - start;
  if (gaps > 0 && fast / gaps < timing.fastShare) return typed;
  return { value: burst, source: 'scan' };
}

/** Full-width digits and letters (a Chinese input method) as ASCII, spaces removed. */
export function normalizeCode(raw: string): string {
  return raw.replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\s\u3000]+/g, '');
}

/** Location codes and references compare without regard to case or width. */
export const sameCode = (a: string | null | undefined, b: string | null | undefined): boolean =>
  !!a && !!b && normalizeCode(a).toUpperCase() === normalizeCode(b).toUpperCase();

/** A short number typed by hand is a quantity; anything scanned, or longer, is a code. */
export function typedQuantity(entry: Entry, maxDigits = 5): number | null {
  if (entry.source === 'scan') return null;
  const v = normalizeCode(entry.value);
  if (!new RegExp(`^\\d{1,${maxDigits}}$`).test(v)) return null;
  const n = Number(v);
  return n > 0 ? n : null;
}
