/**
 * The Express application: health and metrics, the access endpoints, the admin API, the FHIR API, and the
 * one error middleware. Transport only: every decision is made by the modules it mounts.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { createErrorHandler } from './api/http/errors.ts';
import { createFhirHttpRouter } from './api/http/fhir-router.ts';
import type { FhirApi } from './api/routes.ts';
import type { ApiDeps } from './api/types.ts';
import type { AccessLayer } from './auth/access-layer.ts';
import { type AdminHttpOptions, createAdminRouter } from './auth/admin-http.ts';
import { type AuthHttpOptions, createAuthRouter } from './auth/http.ts';
import type { GatewayConfig } from './config/index.ts';
import { GatewayError } from './shared/errors.ts';
import type { Logger } from './shared/logger.ts';
import type { Metrics } from './shared/metrics.ts';
import type { Database } from './store/db.ts';

export interface HttpParts {
  config: GatewayConfig;
  db: Database;
  deps: ApiDeps;
  api: FhirApi;
  logger: Logger;
  metrics: Metrics;
  access: AccessLayer;
  auth: AuthHttpOptions;
  admin: AdminHttpOptions;
  /** Routers of the gateway's modules (ingest, worklists…), mounted at the root. */
  moduleRouters: express.Router[];
}

export function buildHttp(parts: HttpParts): Express {
  const { config, db, deps, api, logger, metrics, access } = parts;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', false);
  app.use((req, res, next) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = Date.now();
    res.on('finish', () => {
      // The path's first segment only: query strings and ids can carry patient data.
      logger.info({ requestId, method: req.method, route: res.locals.interaction ?? req.path.split('/')[1], status: res.statusCode, ms: Date.now() - started }, 'request');
    });
    next();
  });
  const alive = (_req: express.Request, res: express.Response) => void res.json({ status: 'ok' });
  app.get('/livez', alive);
  app.get('/healthz', alive);
  app.get('/readyz', async (_req, res) => {
    const ready = await db.ping();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'database unavailable' });
  });
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  app.use(createAuthRouter(parts.auth));
  app.use(createAdminRouter(parts.admin));
  for (const router of parts.moduleRouters) app.use(router);
  app.use(
    '/fhir',
    createFhirHttpRouter({
      routes: api.routes,
      baseDeps: deps,
      bodyLimitBytes: config.bodyLimitBytes,
      metrics,
      authenticate: access.authenticate,
      begin: access.begin,
    }),
  );
  app.use((_req, _res, next) => next(new GatewayError('API-NO-ROUTE', 'not-found', 'Nothing is served at this path')));
  app.use(createErrorHandler(logger, metrics));
  return app;
}
