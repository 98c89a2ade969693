import fs from 'node:fs';
import path from 'node:path';
import express, { Express, Router } from 'express';
import helmet from 'helmet';
import type { AppContext } from './context';
import { createRegistry, generateDocument } from './http/openapi';
import { accessLog, apiNotFound, errorHandler, requestId } from './http/middleware';
import { idempotency } from './http/idempotency';
import { authMiddleware } from './auth/auth.middleware';
import { authRoutes } from './auth/auth.routes';
import { ownerRoutes } from './owners/owners.routes';
import { layoutRoutes } from './layout/layout.routes';
import { jobRoutes } from './jobs/jobs.routes';
import { auditRoutes } from './audit/audit.routes';
import { healthRoutes } from './health/health.routes';
import { catalogRoutes } from './catalog/catalog.routes';
import { inboundRoutes } from './inbound/inbound.routes';
import { inventoryRoutes } from './inventory/inventory.routes';
import { storeRoutes } from './stores/stores.routes';
import { orderRoutes } from './orders/orders.routes';
import { waveRoutes } from './waves/waves.routes';
import { carrierRoutes } from './carriers/carriers.routes';
import { printingRoutes } from './printing/printing.routes';
import { packingRoutes } from './packing/packing.routes';
import { floorRoutes } from './floor';
import { manifestRoutes } from './manifests/manifests.routes';
import { trackingRoutes } from './tracking/tracking.routes';

const WEB_DIST = path.resolve(__dirname, '../web/dist');

/** The HTTP application: /api by API.md, and the built web app everywhere else. */
export function createApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');

  const registry = createRegistry();
  const api = Router();
  api.use(requestId);
  api.use(accessLog(ctx.log));
  // webhooks are verified over the exact bytes the platform signed
  api.use('/api/v1/webhooks', express.raw({ limit: ctx.config.jsonLimit, type: () => true }));
  api.use(express.json({ limit: ctx.config.jsonLimit, type: ['application/json', 'application/*+json'] }));
  api.use(authMiddleware(ctx));
  api.use(idempotency(ctx));
  for (const routes of [healthRoutes, authRoutes, ownerRoutes, layoutRoutes, catalogRoutes, inboundRoutes, inventoryRoutes, trackingRoutes, storeRoutes, orderRoutes, waveRoutes, carrierRoutes, printingRoutes, packingRoutes, manifestRoutes, floorRoutes, jobRoutes, auditRoutes]) {
    api.use(routes(ctx, registry));
  }
  const document = generateDocument(registry, ctx.config.version);
  api.get('/api/openapi.json', (_req, res) => {
    res.json(document);
  });
  api.use('/api', apiNotFound);
  api.use(errorHandler(ctx.log));

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'img-src': ["'self'", 'data:', 'blob:'], 'upgrade-insecure-requests': null },
      },
      hsts: false,
    }),
  );
  app.use(api);

  if (fs.existsSync(path.join(WEB_DIST, 'index.html'))) {
    app.use(express.static(WEB_DIST, { index: false, maxAge: '1h' }));
    // Single-page app: any non-API path gets index.html, and the client routes.
    app.get(/^(?!\/api\/).*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(WEB_DIST, 'index.html'));
    });
  } else {
    app.get('/', (_req, res) => {
      res.type('text/plain').send('Origin WMS API is running. The web app is not built: run `npm run build:web`.');
    });
  }
  return app;
}
