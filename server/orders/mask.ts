import { validatePhone } from './phone';

/**
 * Masked receivers for lists, logs and privacy waybills (面单隐私: 张** / 138****5678).
 * Every function accepts anything, including text that is already masked, and never throws.
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
  const result = validatePhone(phone ?? '');
  if (result.ok) {
    const [main, area] = result.kind === 'landline' ? [result.phone.split('-')[1], result.phone.split('-')[0]] : [result.phone.slice(0, 11), ''];
    const masked = result.kind === 'landline' ? `${area}-${HIDDEN}${main.slice(-4)}` : `${main.slice(0, 3)}${HIDDEN}${main.slice(-4)}`;
    return result.extension ? `${masked}-${HIDDEN}` : masked;
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
