import crypto from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../context';
import { isUniqueViolation } from '../db/errors';
import { nowDb } from '../db/time';
import { Conflict, BadRequest } from './errors';

/**
 * `Idempotency-Key` on creating requests: the same key and body replay the first answer;
 * the same key with another body is a 409; a second request while the first still runs is a
 * 409 too. Keys are per caller. Answers of 5xx are not kept, so the client may retry.
 */
export function idempotency(ctx: AppContext) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = req.header('idempotency-key');
    if (!key || req.method !== 'POST') return next();
    if (!/^[\x21-\x7e]{1,128}$/.test(key)) return next(new BadRequest('INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1-128 printable ASCII characters'));
    const p = (req as any).principal;
    if (!p) return next();
    const who = p.userId ? `u${p.userId}` : `k${p.apiKeyId}`;
    const scopeKey = crypto.createHash('sha256').update(`${who}\n${key}`).digest('hex');
    const requestHash = crypto
      .createHash('sha256')
      .update(`${req.method} ${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`)
      .digest('hex');

    try {
      await ctx.db('idempotency_keys').insert({ scope_key: scopeKey, request_hash: requestHash, state: 'running', created_at: nowDb() });
    } catch (err) {
      if (!isUniqueViolation(err)) return next(err);
      const prior = await ctx.db('idempotency_keys').where({ scope_key: scopeKey }).first();
      if (!prior) return next(new Conflict('IDEMPOTENCY_RETRY', 'Retry the request'));
      if (prior.request_hash !== requestHash) {
        return next(new Conflict('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request'));
      }
      if (prior.state !== 'done') {
        return next(new Conflict('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still being processed'));
      }
      res.setHeader('Idempotent-Replayed', 'true');
      res.status(prior.status_code).type('application/json').send(prior.response_body);
      return;
    }

    // The answer is recorded before it is sent, so a retry right after the response replays it.
    const json = res.json.bind(res);
    let recorded = false;
    res.json = (body: unknown) => {
      recorded = true;
      const q = ctx.db('idempotency_keys').where({ scope_key: scopeKey });
      const write = res.statusCode < 500
        ? q.update({ state: 'done', status_code: res.statusCode, response_body: JSON.stringify(body) })
        : q.delete();
      write.then(
        () => json(body),
        (e: Error) => {
          ctx.log.warn({ err: e.message }, 'could not record idempotency result');
          json(body);
        },
      );
      return res;
    };
    res.on('close', () => {
      if (!recorded) ctx.db('idempotency_keys').where({ scope_key: scopeKey }).delete().catch(() => undefined);
    });
    next();
  };
}
