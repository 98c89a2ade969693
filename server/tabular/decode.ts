import iconv from 'iconv-lite';
import chardet from 'chardet';

export type TextEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

/**
 * Spreadsheet exports in China arrive as UTF-8 (with or without BOM) or as GBK, which Excel
 * writes by default. A strict UTF-8 decode decides between them reliably (GBK text is almost
 * never valid UTF-8); chardet is only asked when the bytes are neither.
 */
export function detectEncoding(buf: Buffer): TextEncoding {
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return 'utf-8';
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return 'utf-16le';
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return 'utf-16be';
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return 'utf-8';
  } catch {
    const guess = (chardet.detect(buf) ?? '').toLowerCase();
    if (guess.startsWith('utf-16le')) return 'utf-16le';
    if (guess.startsWith('utf-16be')) return 'utf-16be';
    // GB18030 is a superset of GBK and GB2312: the safe reading for any Chinese code page.
    return 'gb18030';
  }
}

export function decodeText(buf: Buffer): { text: string; encoding: TextEncoding } {
  const encoding = detectEncoding(buf);
  let text = encoding === 'utf-8' ? buf.toString('utf8') : iconv.decode(buf, encoding);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return { text, encoding };
}
