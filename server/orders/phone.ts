/**
 * Receiver phone numbers: Chinese mobiles, landlines with their area code, and the platforms'
 * privacy "virtual numbers" (a mobile with an extension: 13800138000-1234, 13800138000转1234).
 *
 * Normalised forms: 13800138000, 13800138000-1234, 0571-88888888, 0571-88888888-123.
 */

export type PhoneResult =
  | { ok: true; phone: string; kind: 'mobile' | 'landline'; extension?: string }
  | { ok: false; message: string };

const MOBILE = /^1[3-9]\d{9}$/;
const EXTENSION = /^(.*\d)\s*(?:转|分机|ext\.?|x|#|,|，|_)\s*(\d{1,6})#?$/i;

type Dialable = { phone: string; kind: 'mobile' | 'landline' };

/** 010 and 02x are three-digit area codes with 8-digit numbers; the rest are 0xxx with 7 or 8 digits. */
function landline(digits: string): Dialable | null {
  if (!digits.startsWith('0')) return null;
  const areaLength = /^0(10|2\d)/.test(digits) ? 3 : 4;
  const area = digits.slice(0, areaLength);
  const local = digits.slice(areaLength);
  if (/^01[1-9]/.test(digits)) return null;
  const ok = areaLength === 3 ? /^[2-9]\d{7}$/.test(local) : /^[2-9]\d{6,7}$/.test(local);
  return ok ? { phone: `${area}-${local}`, kind: 'landline' } : null;
}

function plain(digits: string): Dialable | null {
  if (MOBILE.test(digits)) return { phone: digits, kind: 'mobile' };
  return landline(digits);
}

/** Dashes either group the number (0571-88888888, 138-0013-8000) or set off an extension. */
function read(groups: string[]): { number: Dialable; extension?: string } | null {
  if (groups.length >= 2 && /^0\d{2,3}$/.test(groups[0])) {
    const grouped = landline(groups[0] + groups[1]);
    if (grouped && grouped.phone === `${groups[0]}-${groups[1]}`) {
      const extension = groups.slice(2).join('');
      if (!extension) return { number: grouped };
      if (extension.length <= 6) return { number: grouped, extension };
    }
  }
  const whole = plain(groups.join(''));
  if (whole) return { number: whole };
  const last = groups[groups.length - 1];
  if (groups.length >= 2 && last.length <= 6) {
    const number = plain(groups.slice(0, -1).join(''));
    if (number) return { number, extension: last };
  }
  return null;
}

export function validatePhone(raw: string): PhoneResult {
  const shown = (raw ?? '').trim();
  const fail = (zh: string, en: string): PhoneResult => ({ ok: false, message: `${zh} / ${en}: "${shown}"` });
  let s = shown
    .normalize('NFKC')
    .replace(/[\s\u200b-\u200d\ufeff]/g, '')
    .replace(/[—–－]/g, '-');
  if (!s) return fail('缺少电话', 'no phone number');
  if (/[*]|[xX]{2,}/.test(s)) return fail('电话号码被平台打码，需要真实号码', 'the phone number is masked; the real number is needed');

  let extension: string | undefined;
  const marked = EXTENSION.exec(s);
  if (marked) {
    s = marked[1];
    extension = marked[2];
  }
  if (/[^\d+\-()]/.test(s)) return fail('电话号码含有字母或符号', 'the phone number has letters or symbols');
  s = s.replace(/[()]/g, '');
  let international = false;
  const country = /^(?:\+|00)86-?|^86-?(?=1[3-9]\d{9}(?:-|$))/.exec(s);
  if (country) {
    international = true;
    s = s.slice(country[0].length);
  }
  if (/^(\+|00)/.test(s)) return fail('只支持中国大陆电话号码', 'only mainland China phone numbers are accepted');
  if (s.includes('+')) return fail('电话号码含有字母或符号', 'the phone number has letters or symbols');
  // +86 571 88888888: the trunk 0 of the area code is dropped when dialling from abroad.
  if (international && !s.startsWith('0') && !/^1[3-9]\d{9}/.test(s.replace(/-/g, ''))) s = `0${s}`;

  const groups = s.split('-').filter(Boolean);
  const found = groups.length ? read(groups) : null;
  if (found && !(extension && found.extension)) {
    const ext = extension ?? found.extension;
    const phone = ext ? `${found.number.phone}-${ext}` : found.number.phone;
    return ext ? { ok: true, phone, kind: found.number.kind, extension: ext } : { ok: true, phone, kind: found.number.kind };
  }

  const digits = groups.join('');
  if (digits.startsWith('1')) {
    if (digits.length !== 11) return fail('手机号应为11位', 'a mobile number has 11 digits');
    return fail('不是有效的手机号', 'not a valid mobile number');
  }
  if (digits.startsWith('0')) return fail('固定电话格式不对（区号加7到8位号码）', 'not a valid landline (area code and 7 or 8 digits)');
  if (digits.length >= 7 && digits.length <= 8) return fail('固定电话缺少区号', 'the landline needs its area code');
  return fail('不是有效的电话号码', 'not a valid phone number');
}
