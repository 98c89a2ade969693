import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
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
  // isUtf8 checks in place, without decoding a copy of a file that may be 20 MB.
  if (isUtf8(buf)) return 'utf-8';
  const guess = (chardet.detect(buf.subarray(0, 64 * 1024)) ?? '').toLowerCase();
  if (guess.startsWith('utf-16le')) return 'utf-16le';
  if (guess.startsWith('utf-16be')) return 'utf-16be';
  // GB18030 is a superset of GBK and GB2312: the safe reading for any Chinese code page.
  return 'gb18030';
}

/** The file as a stream of decoded text chunks (BOM removed), for parsing with backpressure. */
export function decodeStream(buf: Buffer, encoding: TextEncoding): NodeJS.ReadableStream {
  const CHUNK = 64 * 1024;
  function* chunks() {
    for (let i = 0; i < buf.length; i += CHUNK) yield buf.subarray(i, i + CHUNK);
  }
  return Readable.from(chunks()).pipe(iconv.decodeStream(encoding, { stripBOM: true }));
}

