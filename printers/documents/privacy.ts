/**
 * Masked receivers for lists, logs and privacy waybills (面单隐私: 张** / 138****5678).
 * Every function accepts anything, including text that is already masked, and never throws.
 *
 * This lives in printers/ because the waybill masks its own receiver and sender (no caller can
 * forget), and printers/ must not import server/. server/orders/mask.ts re-exports it.
 */

const HIDDEN = '****';

/** 张三 → 张*, 欧阳娜娜 → 欧***, "John Smith" → "J*** S****"; a one-character name is all hidden. */
export function maskName(name: string): string {
  const trimmed = (name ?? '').trim();
  if (!trimmed) return '';
  if (/^[\p{Script=Latin}\s.'-]+$/u.test(trimmed)) {
    return trimmed
      .split(/\s+/)
      .map((word) => {
        const chars = Array.from(word);
        return chars[0] + '*'.repeat(chars.length - 1);
      })
      .join(' ');
  }
  const chars = Array.from(trimmed.replace(/\s+/g, ''));
  return chars.length === 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
}

/**
 * 13812345678 → 138****5678; 0571-88881234 → 0571-****1234. A virtual number's extension is
 * masked too (13812345678-1234 → 138****5678-****): it shows the number is virtual without
 * giving the code that reaches the buyer.
 */
export function maskPhone(phone: string): string {
  const found = recognisePhone(phone ?? '');
  if (found) {
    const masked = found.kind === 'landline' ? `${found.area}-${HIDDEN}${found.local.slice(-4)}` : `${found.local.slice(0, 3)}${HIDDEN}${found.local.slice(-4)}`;
    return found.extension ? `${masked}-${HIDDEN}` : masked;
  }
  const text = (phone ?? '').trim();
  if (!text || text.includes('*')) return text;
  const chars = Array.from(text);
  return chars.length >= 8 ? `${chars.slice(0, 3).join('')}${HIDDEN}${chars.slice(-4).join('')}` : HIDDEN;
}

/**
 * Keeps the start of the road name and hides the rest behind a fixed '****', so the length of
 * the address is not revealed either: 文三路90号3幢 → 文三路****. A short detail keeps at most
 * half of itself.
 */
export function maskAddress(detail: string): string {
  const chars = Array.from((detail ?? '').trim());
  if (!chars.length) return '';
  return chars.slice(0, Math.min(3, Math.floor(chars.length / 2))).join('') + HIDDEN;
}

// --- phone recognition ----------------------------------------------------------------------
// The part of server/orders/phone.ts's validatePhone that masking needs: which digits are the
// area code, the number and an extension, for exactly the inputs validatePhone accepts (the
// tests compare the two). What it refuses is masked by the generic rule above instead, so
// there are no messages here.

interface PhoneParts {
  kind: 'mobile' | 'landline';
  /** Landline area code with its trunk 0 (0571); '' for a mobile. */
  area: string;
  /** The mobile's 11 digits, or the landline's local number. */
  local: string;
  extension: boolean;
}

const MOBILE = /^1[3-9]\d{9}$/;
const EXTENSION = /^(.*\d)\s*(?:转|分机|ext\.?|x|#|,|，|_)\s*(\d{1,6})#?$/i;

/** 010 and 02x are three-digit area codes with 8-digit numbers; the rest are 0xxx with 7 or 8 digits. */
function landline(digits: string): Omit<PhoneParts, 'extension'> | null {
  if (!digits.startsWith('0') || /^01[1-9]/.test(digits)) return null;
  const areaLength = /^0(10|2\d)/.test(digits) ? 3 : 4;
  const local = digits.slice(areaLength);
  const ok = areaLength === 3 ? /^[2-9]\d{7}$/.test(local) : /^[2-9]\d{6,7}$/.test(local);
  return ok ? { kind: 'landline', area: digits.slice(0, areaLength), local } : null;
}

function plain(digits: string): Omit<PhoneParts, 'extension'> | null {
  return MOBILE.test(digits) ? { kind: 'mobile', area: '', local: digits } : landline(digits);
}

/** Dashes either group the number (0571-88888888, 138-0013-8000) or set off an extension. */
function read(groups: string[]): { number: Omit<PhoneParts, 'extension'>; extension: boolean } | null {
  if (groups.length >= 2 && /^0\d{2,3}$/.test(groups[0])) {
    const grouped = landline(groups[0] + groups[1]);
    if (grouped && grouped.area === groups[0] && grouped.local === groups[1] && groups.slice(2).join('').length <= 6) {
      return { number: grouped, extension: groups.length > 2 };
    }
  }
  const whole = plain(groups.join(''));
  if (whole) return { number: whole, extension: false };
  if (groups.length >= 2 && groups[groups.length - 1].length <= 6) {
    const number = plain(groups.slice(0, -1).join(''));
    if (number) return { number, extension: true };
  }
  return null;
}

function recognisePhone(raw: string): PhoneParts | null {
  let s = raw.trim().normalize('NFKC').replace(/[\s\u200b-\u200d\ufeff]/g, '').replace(/[—–－]/g, '-');
  if (!s || /[*]|[xX]{2,}/.test(s)) return null;
  const marked = EXTENSION.exec(s);
  if (marked) s = marked[1];
  if (/[^\d+\-()]/.test(s)) return null;
  s = s.replace(/[()]/g, '');
  const country = /^(?:\+|00)86-?|^86-?(?=1[3-9]\d{9}(?:-|$))/.exec(s);
  if (country) s = s.slice(country[0].length);
  if (s.includes('+') || /^00/.test(s)) return null;
  // +86 571 88888888: the trunk 0 of the area code is dropped when dialling from abroad.
  if (country && !s.startsWith('0') && !/^1[3-9]\d{9}/.test(s.replace(/-/g, ''))) s = `0${s}`;
  const groups = s.split('-').filter(Boolean);
  const found = groups.length ? read(groups) : null;
  if (!found || (marked && found.extension)) return null;
  return { ...found.number, extension: found.extension || !!marked };
}
