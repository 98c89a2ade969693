import { classifyEntry, normalizeCode, restamp, sameCode, typedQuantity } from '../../web/src/terminal/scanTiming';

/** The scanner-or-typing logic of the terminal's scan field (pure: no DOM). */

/** Types `text` one character at a time, `gap` ms apart from `start`; returns value and stamps. */
function typeOut(text: string, start: number, gap: number, value = '', stamps: number[] = []) {
  let v = value;
  let s = stamps;
  let t = start;
  for (const ch of text) {
    const next = v + ch;
    s = restamp(v, s, next, t);
    v = next;
    t += gap;
  }
  return { value: v, stamps: s, last: t - gap };
}

describe('restamp', () => {
  test('keeps the times of untouched characters and stamps the inserted ones', () => {
    expect(restamp('', [], 'ab', 10)).toEqual([10, 10]);
    expect(restamp('ab', [1, 2], 'abc', 3)).toEqual([1, 2, 3]);
    expect(restamp('abc', [1, 2, 3], 'aXbc', 9)).toEqual([1, 9, 2, 3]);
    expect(restamp('abc', [1, 2, 3], 'ac', 9)).toEqual([1, 3]);
    expect(restamp('abc', [1, 2, 3], '', 9)).toEqual([]);
  });

  test('a value set in one go (a PDA filling the field) arrives at one instant', () => {
    expect(restamp('', [], '6920261123001', 50)).toEqual(Array(13).fill(50));
  });

  test('stamps out of step with the value start again', () => {
    expect(restamp('abc', [1], 'abcd', 7)).toEqual([7, 7, 7, 7]);
  });
});

describe('classifyEntry', () => {
  test('a burst of characters < 35 ms apart ending in Enter is a scan', () => {
    const { value, stamps, last } = typeOut('6920261123001', 1000, 8);
    expect(classifyEntry(value, stamps, last + 20)).toEqual({ value: '6920261123001', source: 'scan' });
  });

  test('characters typed 120 ms apart are typing, and still accepted', () => {
    const { value, stamps, last } = typeOut('DOCK-1', 1000, 120);
    expect(classifyEntry(value, stamps, last + 300)).toEqual({ value: 'DOCK-1', source: 'typed' });
  });

  test('a fast burst followed by a slow Enter is typing (a person pressed Enter)', () => {
    const { value, stamps, last } = typeOut('12345', 0, 5);
    expect(classifyEntry(value, stamps, last + 1000).source).toBe('typed');
  });

  test('two quick key presses are not a scan', () => {
    const { value, stamps, last } = typeOut('12', 0, 10);
    expect(classifyEntry(value, stamps, last + 10)).toEqual({ value: '12', source: 'typed' });
  });

  test('a scan after stray typed keys submits the scan alone', () => {
    const typed = typeOut('xy', 0, 200);
    const scanned = typeOut('LOT42', 2000, 6, typed.value, typed.stamps);
    expect(classifyEntry(scanned.value, scanned.stamps, scanned.last + 15)).toEqual({ value: 'LOT42', source: 'scan' });
  });

  test('a hiccup inside a scan (the browser was busy for 200 ms) does not split it', () => {
    const a = typeOut('69202', 0, 6);
    const b = typeOut('61123001', a.last + 200, 6, a.value, a.stamps);
    expect(classifyEntry(b.value, b.stamps, b.last + 5)).toEqual({ value: '6920261123001', source: 'scan' });
  });

  test('a person who pauses while typing keeps what was typed before the pause', () => {
    const a = typeOut('DOC', 0, 150);
    const b = typeOut('K-1', a.last + 1500, 150, a.value, a.stamps);
    expect(classifyEntry(b.value, b.stamps, b.last + 200)).toEqual({ value: 'DOCK-1', source: 'typed' });
  });

  test('mostly slow keys are typing even with a few quick ones', () => {
    const a = typeOut('AB', 0, 10);
    const b = typeOut('CDEF', a.last + 200, 120, a.value, a.stamps);
    expect(classifyEntry(b.value, b.stamps, b.last + 5)).toEqual({ value: 'ABCDEF', source: 'typed' });
  });

  test('an empty Enter is typed and empty', () => {
    expect(classifyEntry('', [], 10)).toEqual({ value: '', source: 'typed' });
  });

  test('surrounding spaces are trimmed', () => {
    const { value, stamps, last } = typeOut('  DOCK-2 ', 0, 150);
    expect(classifyEntry(value, stamps, last + 100).value).toBe('DOCK-2');
  });

  test('custom timing', () => {
    const { value, stamps, last } = typeOut('ABCD', 0, 50);
    expect(classifyEntry(value, stamps, last + 10).source).toBe('typed');
    expect(classifyEntry(value, stamps, last + 10, { maxGapMs: 60, maxEnterGapMs: 100, minLength: 4, staleMs: 1000, fastShare: 0.75 }).source).toBe('scan');
  });
});

describe('codes and quantities', () => {
  test('full-width characters from a Chinese input method become ASCII', () => {
    expect(normalizeCode('６９２０ ２６１')).toBe('6920261');
    expect(normalizeCode('ＤＯＣＫ－１')).toBe('DOCK-1');
    expect(sameCode('dock-1', 'DOCK-1')).toBe(true);
    expect(sameCode('DOCK-1', 'DOCK-2')).toBe(false);
    expect(sameCode('', '')).toBe(false);
  });

  test('a short typed number is a quantity; a scan or a long number is a code', () => {
    expect(typedQuantity({ value: '12', source: 'typed' })).toBe(12);
    expect(typedQuantity({ value: '１２', source: 'typed' })).toBe(12);
    expect(typedQuantity({ value: '12', source: 'scan' })).toBeNull();
    expect(typedQuantity({ value: '6920261123001', source: 'typed' })).toBeNull();
    expect(typedQuantity({ value: '0', source: 'typed' })).toBeNull();
    expect(typedQuantity({ value: 'A1', source: 'typed' })).toBeNull();
  });
});
