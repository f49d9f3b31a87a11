/**
 * The Express adapter of the FHIR API: bytes in, {@link FhirRequest} to the route's handler, {@link FhirResponse}
 * back out as `application/fhir+json`. It holds no FHIR logic.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { GatewayError } from '../../shared/errors.ts';
import type { Metrics } from '../../shared/metrics.ts';
import { resolveRoute, type MatchedRoute, type Route } from '../router.ts';
import type { ApiDeps, FhirRequest, FhirResponse, RequestContext } from '../types.ts';
import { parseBody } from './body.ts';
import { FHIR_JSON, checkAcceptable, serialize } from './format.ts';

/** One request's view of the gateway: its dependencies (a store gated for this caller) and its closing step. */
export interface RequestScope {
  deps: ApiDeps;
  /** Runs before the response is sent (the audit record); throwing replaces the response with an error. */
  complete(outcome: { status: number; error?: unknown }): Promise<void>;
}

export interface FhirHttpOptions {
  routes: readonly Route[];
  baseDeps: ApiDeps;
  bodyLimitBytes: number;
  metrics: Metrics;
  /** Establishes who is calling; may throw 401/429. Runs after routing, before the body is interpreted. */
  authenticate(req: Request, matched: MatchedRoute, requestId: string): Promise<RequestContext>;
  /** Opens the request's scope once the caller is known. */
  begin(request: FhirRequest, matched: MatchedRoute, req: Request): RequestScope;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

export function createFhirHttpRouter(options: FhirHttpOptions): express.Router {
  const router = express.Router();
  router.use(express.raw({ type: () => true, limit: options.bodyLimitBytes }));
  router.use(async (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    let interaction = 'unknown';
    try {
      checkAcceptable(firstQueryValue(req, '_format'), req.headers.accept);
      const request = toFhirRequest(req, res.locals.requestId as string);
      const matched = resolveRoute(options.routes, request, options.baseDeps);
      interaction = matched.route.operation ? `$${matched.route.operation}` : matched.route.interaction;
      res.locals.interaction = interaction;
      request.context = await options.authenticate(req, matched, request.context.requestId);
      if (BODY_METHODS.has(req.method)) request.body = parseBody(req.body as Buffer | undefined, req.headers['content-type'], req.method);
      const scope = options.begin(request, matched, req);
      let response: FhirResponse;
      try {
        response = await matched.route.handler(request, scope.deps);
      } catch (error) {
        await scope.complete({ status: statusOf(error), error }).catch(() => undefined);
        throw error;
      }
      await scope.complete({ status: response.status });
      send(res, req, response);
    } catch (error) {
      next(error);
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      options.metrics.httpDuration.observe({ interaction }, seconds);
      options.metrics.httpRequests.inc({ interaction, method: req.method, status: String(res.statusCode) });
    }
  });
  return router;
}

function statusOf(error: unknown): number {
  return error instanceof GatewayError ? error.status : 500;
}

function toFhirRequest(req: Request, requestId: string): FhirRequest {
  const rawPath = req.path.replace(/^\/+|\/+$/g, '');
  const path = rawPath === '' ? [] : rawPath.split('/').map(decodeSegment);
  return {
    method: req.method,
    path,
    query: queryPairs(req),
    headers: req.headers as Record<string, string | undefined>,
    context: { requestId, principal: 'anonymous' },
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The query string as ordered pairs, duplicates kept (Express's req.query object loses both). */
function queryPairs(req: Request): [string, string][] {
  const index = req.originalUrl.indexOf('?');
  return index < 0 ? [] : [...new URLSearchParams(req.originalUrl.slice(index + 1))];
}

function firstQueryValue(req: Request, name: string): string | undefined {
  return queryPairs(req).find(([key]) => key === name)?.[1];
}

function send(res: Response, req: Request, response: FhirResponse): void {
  res.status(response.status);
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  if (response.body === undefined || response.status === 304 || req.method === 'HEAD') {
    if (response.body !== undefined && req.method === 'HEAD') res.setHeader('Content-Type', FHIR_JSON);
    res.end();
    return;
  }
  res.setHeader('Content-Type', FHIR_JSON);
  res.send(serialize(response.body, firstQueryValue(req, '_pretty') === 'true'));
}
