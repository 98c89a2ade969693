import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger/logger';
import { isConnectionError } from '../db/errors';
import { AppError } from './errors';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Every request gets an id: taken from X-Request-Id when sane, echoed back, logged. */
export function requestId(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.header('x-request-id');
  const id = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
  res.locals.requestId = id;
  res.setHeader('X-Request-Id', id);
  next();
}

/** One line per request, with no body, query values or credentials (they may hold personal data). */
export function accessLog(log: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const p = (req as any).principal;
      const entry = {
        reqId: res.locals.requestId,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        actor: p?.name,
      };
      // Changes are logged at info, reads at debug: a busy hub reads far more than it writes.
      if (res.statusCode >= 500) log.error(entry, 'request failed');
      else if (req.method === 'GET' || req.method === 'HEAD') log.debug(entry, 'request');
      else log.info(entry, 'request');
    });
    next();
  };
}

function send(res: Response, status: number, code: string, message: string, details: unknown[] = []): void {
  res.status(status).json({ error: { code, message, details } });
}

/** Maps everything thrown under /api to API.md's error shape. Never a stack trace. */
export function errorHandler(log: Logger) {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  return (err: any, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (err instanceof AppError) {
      for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
      send(res, err.status, err.code, err.message, err.details);
      return;
    }
    // body-parser errors
    if (err?.type === 'entity.too.large') {
      send(res, 413, 'PAYLOAD_TOO_LARGE', `The request body is larger than the limit of ${err.limit} bytes`);
      return;
    }
    if (err?.type === 'entity.parse.failed') {
      send(res, 400, 'MALFORMED_JSON', 'The request body is not valid JSON');
      return;
    }
    if (err?.type === 'encoding.unsupported' || err?.type === 'charset.unsupported') {
      send(res, 415, 'UNSUPPORTED_ENCODING', err.message);
      return;
    }
    if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500 && err.expose) {
      send(res, err.status, 'BAD_REQUEST', err.message);
      return;
    }
    if (isConnectionError(err)) {
      log.warn({ reqId: res.locals.requestId, err: { code: err.code, message: err.message } }, 'database unavailable');
      res.setHeader('Retry-After', '5');
      send(res, 503, 'DATABASE_UNAVAILABLE', 'The database is not reachable; try again shortly');
      return;
    }
    log.error({ reqId: res.locals.requestId, err }, 'unhandled error');
    send(res, 500, 'INTERNAL', `Something went wrong on our side (request ${res.locals.requestId})`);
  };
}

export function apiNotFound(req: Request, res: Response): void {
  send(res, 404, 'NOT_FOUND', `No such endpoint: ${req.method} ${req.path}`);
}
