/**
 * HTTP endpoints of the access layer: `POST /auth/token`, `GET /auth/jwks` (the gateway's public keys),
 * and SMART discovery at `GET /fhir/.well-known/smart-configuration`.
 * https://hl7.org/fhir/smart-app-launch/conformance.html
 */
import express, { type Request, type Response } from 'express';
import type { AuditTrail } from '../audit/audit-trail.ts';
import { DCM_SYSTEM, securityAuditEvent } from '../audit/balp.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { GatewayKeys } from './gateway-keys.ts';
import { ADMIN_SCOPE } from './scopes.ts';
import { type TokenServiceDeps, requestToken } from './token-service.ts';

export interface AuthHttpOptions {
  tokenService: TokenServiceDeps;
  keys: GatewayKeys;
  tokenUrl: string;
  baseUrl: string;
  algorithms: string[];
  audit: AuditTrail;
  clock: Clock;
  logger: Logger;
  gateway: { name: string; url: string };
}

export function createAuthRouter(options: AuthHttpOptions): express.Router {
  const router = express.Router();
  router.post('/auth/token', express.urlencoded({ extended: false, limit: '64kb', type: () => true }), async (req: Request, res: Response, next) => {
    try {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
      const form = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<string, string | undefined>;
      const formEncoded = (req.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
      const basic = /^basic\s/i.test(req.headers.authorization ?? '');
      const outcome = formEncoded
        ? await requestToken(form, basic, options.tokenService)
        : { status: 400, body: { error: 'invalid_request' }, audit: { success: false, reason: 'not form encoded' } };
      await options.audit.record([
        securityAuditEvent({
          type: { system: DCM_SYSTEM, code: '110114', display: 'User Authentication' },
          subtype: { system: DCM_SYSTEM, code: '110122', display: 'Login' },
          action: 'E',
          outcome: outcome.audit.success ? '0' : '4',
          outcomeDesc: outcome.audit.reason,
          recorded: options.clock.now().toISOString(),
          gateway: options.gateway,
          actor: {
            ...(outcome.audit.clientId ? { clientId: outcome.audit.clientId } : {}),
            ...(outcome.audit.client ? { organizationId: outcome.audit.client.organizationId } : {}),
            ...(outcome.audit.purposeOfUse ? { purposeOfUse: outcome.audit.purposeOfUse } : {}),
            ...(outcome.audit.tokenJti ? { tokenJti: outcome.audit.tokenJti } : {}),
            ...(req.socket.remoteAddress ? { address: req.socket.remoteAddress } : {}),
          },
        }),
      ]);
      if (!outcome.audit.success) options.logger.info({ clientId: outcome.audit.clientId, reason: outcome.audit.reason }, 'token refused');
      res.status(outcome.status).json(outcome.body);
    } catch (error) {
      next(error);
    }
  });
  router.get('/auth/jwks', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(options.keys.publicJwks);
  });
  router.get('/fhir/.well-known/smart-configuration', (_req, res) => {
    res.json(smartConfiguration(options));
  });
  return router;
}

export function smartConfiguration(options: Pick<AuthHttpOptions, 'tokenUrl' | 'baseUrl' | 'algorithms'>): Record<string, unknown> {
  return {
    issuer: options.baseUrl,
    jwks_uri: `${options.baseUrl}/auth/jwks`,
    token_endpoint: options.tokenUrl,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: options.algorithms,
    scopes_supported: ['system/*.cruds', 'system/*.rs', 'system/*.read', 'system/*.write', 'system/Patient.rs', 'system/AuditEvent.rs', ADMIN_SCOPE],
    capabilities: ['client-confidential-asymmetric', 'permission-v2', 'permission-v1'],
  };
}
