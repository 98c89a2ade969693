import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { Transform, TransformCallback, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import busboy from 'busboy';
import { AppError, BadRequest } from './errors';

/** An uploaded file spooled to disk: memory stays flat whatever its size. */
export interface UploadedFile {
  path: string;
  size: number;
  filename: string | null;
  contentType: string;
  dispose(): Promise<void>;
}

function tooLarge(limit: number): AppError {
  return new AppError(413, 'PAYLOAD_TOO_LARGE', `The file is larger than the limit of ${Math.round(limit / 1024 / 1024)} MB`);
}

/** Counts bytes and fails the stream once the limit is passed. */
class Limit extends Transform {
  size = 0;
  constructor(private readonly limit: number) {
    super();
  }
  _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.limit) cb(tooLarge(this.limit));
    else cb(null, chunk);
  }
}

async function spool(source: Readable, limit: number, dir: string) {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${Date.now()}-${crypto.randomUUID()}.upload`);
  const counter = new Limit(limit);
  try {
    await pipeline(source, counter, fs.createWriteStream(file, { mode: 0o600 }));
  } catch (err) {
    await fs.promises.rm(file, { force: true });
    if (err instanceof AppError) throw err;
    throw new BadRequest('UPLOAD_FAILED', 'The upload was interrupted; send the file again');
  }
  return { path: file, size: counter.size, dispose: () => fs.promises.rm(file, { force: true }) };
}

/**
 * Receives an uploaded file: the raw body (text/csv, an XLSX type, octet-stream) or the first
 * file part of multipart/form-data (a browser form, `curl -F file=@x.csv`). It is written to
 * the data directory while it arrives, so no transaction waits on a slow upload and no file is
 * ever held in memory as a whole. Over the limit: 413, and nothing is kept.
 */
export async function receiveUpload(req: Request, opts: { limit: number; dir: string }): Promise<UploadedFile> {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (Number(req.headers['content-length'] ?? 0) > opts.limit + 64 * 1024) {
    req.resume();
    throw tooLarge(opts.limit);
  }
  if (!type.startsWith('multipart/form-data')) {
    const s = await spool(req, opts.limit, opts.dir);
    return { ...s, filename: null, contentType: type };
  }
  let bb: busboy.Busboy;
  try {
    bb = busboy({ headers: req.headers, limits: { fileSize: opts.limit + 1, files: 1, fields: 20 } });
  } catch {
    throw new BadRequest('MALFORMED_UPLOAD', 'The multipart body could not be read');
  }
  return new Promise<UploadedFile>((resolve, reject) => {
    let started = false;
    bb.on('file', (_name, stream, info) => {
      started = true;
      spool(stream, opts.limit, opts.dir).then(
        (s) => resolve({ ...s, filename: info.filename ?? null, contentType: (info.mimeType ?? '').toLowerCase() }),
        (e) => {
          stream.resume();
          reject(e);
        },
      );
    });
    bb.on('error', () => reject(new BadRequest('MALFORMED_UPLOAD', 'The multipart body could not be read')));
    bb.on('close', () => {
      if (!started) reject(new BadRequest('NO_FILE', 'The upload has no file part'));
    });
    req.pipe(bb);
  });
}

export function uploadDir(dataDir: string): string {
  return path.join(dataDir, 'uploads');
}

/** Receives the upload, hands its path to `use`, and removes the file afterwards whatever happens. */
export async function withUpload<T>(req: Request, opts: { limit: number; dataDir: string }, use: (file: UploadedFile) => Promise<T>): Promise<T> {
  const file = await receiveUpload(req, { limit: opts.limit, dir: uploadDir(opts.dataDir) });
  try {
    return await use(file);
  } finally {
    await file.dispose();
  }
}
