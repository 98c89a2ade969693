import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../context';
import { authenticate } from './auth.service';

/**
 * Resolves `Authorization: Bearer …` before routing. A bad token is remembered rather than
 * thrown, so public routes (health, login) still answer and protected ones answer 401.
 */
export function authMiddleware(ctx: AppContext) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.header('authorization');
    if (!header) return next();
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) {
      (req as any).authError = undefined;
      return next();
    }
    try {
      (req as any).principal = await authenticate(ctx, m[1]);
      next();
    } catch (err: any) {
      if (err?.status === 401) {
        (req as any).authError = err;
        next();
      } else next(err);
    }
  };
}
