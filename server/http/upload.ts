import type { Request } from 'express';
import busboy from 'busboy';
import { AppError, BadRequest } from './errors';

export interface Upload {
  data: Buffer;
  filename: string | null;
  contentType: string;
}

function tooLarge(limit: number): AppError {
  return new AppError(413, 'PAYLOAD_TOO_LARGE', `The file is larger than the limit of ${Math.round(limit / 1024 / 1024)} MB`);
}

/**
 * Reads an uploaded file: either the raw body (text/csv, an XLSX type, octet-stream) or the
 * first file part of multipart/form-data (what a browser form or `curl -F file=@x.csv` sends).
 */
export function readUpload(req: Request, limit: number): Promise<Upload> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit + 64 * 1024) return Promise.reject(tooLarge(limit));
  if (type.startsWith('multipart/form-data')) return readMultipart(req, limit);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > limit) {
        failed = true;
        reject(tooLarge(limit));
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => !failed && resolve({ data: Buffer.concat(chunks), filename: null, contentType: type }));
    req.on('error', (e) => !failed && reject(e));
  });
}

function readMultipart(req: Request, limit: number): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, limits: { fileSize: limit, files: 1, fields: 20 } });
    } catch {
      reject(new BadRequest('MALFORMED_UPLOAD', 'The multipart body could not be read'));
      return;
    }
    let found: Upload | null = null;
    let error: AppError | null = null;
    bb.on('file', (_name, stream, info) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('limit', () => {
        error = tooLarge(limit);
      });
      stream.on('close', () => {
        if (!error) found = { data: Buffer.concat(chunks), filename: info.filename ?? null, contentType: (info.mimeType ?? '').toLowerCase() };
      });
    });
    bb.on('error', () => reject(new BadRequest('MALFORMED_UPLOAD', 'The multipart body could not be read')));
    bb.on('close', () => {
      if (error) reject(error);
      else if (!found) reject(new BadRequest('NO_FILE', 'The upload has no file part'));
      else resolve(found);
    });
    req.pipe(bb);
  });
}
