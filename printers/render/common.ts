/**
 * What the renderers share: options, warnings, and making text printable for the target.
 *
 * A label must never fail to print because of one odd character (an emoji in a product name, a
 * rare symbol in an address). Each renderer keeps only characters its font can draw, replaces
 * the others with a visible '?' and reports them as warnings.
 */
import iconv from 'iconv-lite';
import { hasGlyph, type Weight } from '../font';
import type { Dpi } from '../label';

export type WarningCode = 'unsupported-char' | 'text-truncated' | 'unsupported-element';

export interface RenderWarning {
  /** Index of the label in the batch (set by renderLabels). */
  labelIndex?: number;
  elementIndex: number;
  code: WarningCode;
  message: string;
  /** The characters that were replaced (unsupported-char). */
  chars?: string[];
}

export interface PrinterRenderOptions {
  dpi: Dpi;
  /** Copies of each label (integer ≥ 1, default 1). */
  copies?: number;
  /** Warnings are appended here (renderers return bytes only). */
  warnings?: RenderWarning[];
}

export function copiesOf(opts: { copies?: number }): number {
  const c = opts.copies ?? 1;
  if (!Number.isInteger(c) || c < 1 || c > 9999) throw new Error(`copies must be an integer from 1 to 9999, got ${c}`);
  return c;
}

export function checkDpi(dpi: number): Dpi {
  if (dpi !== 203 && dpi !== 300) throw new Error(`dpi must be 203 or 300, got ${dpi}`);
  return dpi;
}

/**
 * Which characters a renderer can print:
 * - 'font': those Noto Sans SC has a glyph for (PDF, ZPL bitmaps);
 * - 'gbk': printable ASCII and characters GB18030 encodes in two bytes, i.e. the GBK
 *   repertoire that the built-in Chinese fonts of TSPL and ESC/POS printers cover. GB18030's
 *   four-byte sequences (emoji, rare CJK extensions) would print as garbage there.
 */
export type CharTarget = 'font' | 'gbk';

// Invisible characters that only decorate others (emoji variation selectors, joiners): dropped.
const INVISIBLE = /[\u200b-\u200f\u2060\ufe00-\ufe0f\ufeff]|\udb40[\udd00-\uddef]/g;

const gbkCache = new Map<number, boolean>();
function inGbk(cp: number): boolean {
  let ok = gbkCache.get(cp);
  if (ok === undefined) {
    ok = iconv.encode(String.fromCodePoint(cp), 'gb18030').length === 2;
    gbkCache.set(cp, ok);
  }
  return ok;
}

function printable(cp: number, target: CharTarget, weight: Weight): boolean {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0xd800 && cp <= 0xdfff)) return false;
  if (cp < 0x7f) return true;
  return target === 'font' ? hasGlyph(cp, weight) : inGbk(cp);
}

export interface SafeText {
  text: string;
  /** Characters replaced by '?' or dropped. */
  replaced: string[];
}

/** The code points INVISIBLE matches (U+E0100–E01EF are the pair \udb40[\udd00-\uddef]). */
function invisible(cp: number): boolean {
  return (cp >= 0x200b && cp <= 0x200f) || cp === 0x2060 || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0xfeff || (cp >= 0xe0100 && cp <= 0xe01ef);
}

export function safeText(text: string, target: CharTarget, weight: Weight = 'regular'): SafeText {
  // Nearly every line is printable as it is: check that in one pass without building a new
  // string (this runs for every line of every label), and take the general path otherwise.
  let clean = true;
  for (let i = 0; i < text.length && clean; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (cp >= 0x20 && cp < 0x7f) continue;
    clean = !invisible(cp) && printable(cp, target, weight);
  }
  if (clean) return { text, replaced: [] };
  const replaced: string[] = [];
  let out = '';
  const stripped = text.replace(INVISIBLE, (m) => {
    replaced.push(m);
    return '';
  });
  for (const ch of stripped) {
    if (printable(ch.codePointAt(0)!, target, weight)) out += ch;
    else {
      replaced.push(ch);
      out += '?';
    }
  }
  return { text: out, replaced };
}

/** safeText plus a warning when something was replaced. */
export function printableLine(
  text: string,
  target: CharTarget,
  weight: Weight,
  elementIndex: number,
  warnings: RenderWarning[] | undefined,
  format: string,
): string {
  const r = safeText(text, target, weight);
  if (r.replaced.length && warnings) {
    const shown = r.replaced.map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`).join(' ');
    warnings.push({
      elementIndex,
      code: 'unsupported-char',
      message: `${format}: ${r.replaced.length} character(s) the font cannot print were replaced by '?' or, if invisible, dropped (${shown})`,
      chars: r.replaced,
    });
  }
  return r.text;
}

export function warnTruncated(elementIndex: number, text: string, warnings: RenderWarning[] | undefined): void {
  warnings?.push({ elementIndex, code: 'text-truncated', message: `text cut to fit its lines: "${text}"` });
}
