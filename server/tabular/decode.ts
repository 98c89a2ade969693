import fs from 'node:fs';
import iconv from 'iconv-lite';
import chardet from 'chardet';

export type TextEncoding = 'utf-8' | 'gb18030' | 'utf-16le' | 'utf-16be';

/** The first bytes of a file (for type and delimiter sniffing). */
export async function readHead(file: string, bytes = 64 * 1024): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Whether the whole file is valid UTF-8, checked chunk by chunk without holding it. */
async function isUtf8File(file: string): Promise<boolean> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 256 * 1024 })) decoder.decode(chunk as Buffer, { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/**
 * Spreadsheet exports in China arrive as UTF-8 (with or without BOM) or as GBK, which Excel
 * writes by default. Strict UTF-8 validity over the whole file decides between them reliably
 * (GBK text is almost never valid UTF-8); chardet is only asked when the bytes are neither.
 */
export async function detectEncoding(file: string, head: Buffer): Promise<TextEncoding> {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (await isUtf8File(file)) return 'utf-8';
  const guess = (chardet.detect(head) ?? '').toLowerCase();
  if (guess.startsWith('utf-16le')) return 'utf-16le';
  if (guess.startsWith('utf-16be')) return 'utf-16be';
  // GB18030 is a superset of GBK and GB2312: the safe reading for any Chinese code page.
  return 'gb18030';
}

export function decodeHead(head: Buffer, encoding: TextEncoding): string {
  return iconv.decode(head.subarray(0, 8192), encoding);
}

export function decoder(encoding: TextEncoding): NodeJS.ReadWriteStream {
  return iconv.decodeStream(encoding, { stripBOM: true });
}
