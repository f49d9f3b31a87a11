/**
 * The resource-server side of SMART Backend Services: every FHIR request but discovery carries a valid
 * bearer token from an active client, within that client's rate limit. Failures are 401 with
 * `WWW-Authenticate: Bearer` (no detail) or 429 with `Retry-After`.
 * https://hl7.org/fhir/smart-app-launch/backend-services.html#step-4-fhir-api-access
 */
import type { Clock } from '../shared/clock.ts';
import { GatewayError } from '../shared/errors.ts';
import type { AccessGrant } from './access-grant.ts';
import type { TokenIssuer } from './access-token.ts';
import type { ClientRegistry } from './client-registry.ts';
import { parseScopes } from './scopes.ts';

export interface ResourceServerOptions {
  issuer: TokenIssuer;
  registry: ClientRegistry;
  clock: Clock;
  /** How long a client's active/disabled status is trusted before it is read again (ms). */
  statusTtlMs: number;
  /** Requests per minute when a client has no limit of its own. */
  defaultRateLimitPerMinute: number;
}

export interface ResourceServer {
  authenticate(authorization: string | undefined): Promise<AccessGrant>;
}

export function unauthorized(): GatewayError {
  return new GatewayError('AUT-UNAUTHORIZED', 'unauthorized', 'A valid bearer token is required', {
    headers: { 'WWW-Authenticate': 'Bearer realm="carebridge"' },
  });
}

export function createResourceServer(options: ResourceServerOptions): ResourceServer {
  const status = new Map<string, { active: boolean; limit: number; breakGlass: boolean; checkedAt: number }>();
  const buckets = new Map<string, { tokens: number; updatedAt: number }>();

  async function clientState(clientId: string): Promise<{ active: boolean; limit: number; breakGlass: boolean }> {
    const now = options.clock.now().getTime();
    const cached = status.get(clientId);
    if (cached && now - cached.checkedAt < options.statusTtlMs) return cached;
    const client = await options.registry.find(clientId);
    const state = {
      active: client?.status === 'active',
      limit: client?.rateLimitPerMinute ?? options.defaultRateLimitPerMinute,
      breakGlass: client?.breakGlass ?? false,
      checkedAt: now,
    };
    status.set(clientId, state);
    return state;
  }

  /** Token bucket per client: `limit` requests per minute, bursts up to one minute's worth. */
  function takeToken(clientId: string, limit: number): void {
    const now = options.clock.now().getTime();
    const bucket = buckets.get(clientId) ?? { tokens: limit, updatedAt: now };
    // A clock that jumps backwards refills nothing rather than draining the bucket (RELIABILITY.md case 56).
    bucket.tokens = Math.min(limit, bucket.tokens + (Math.max(0, now - bucket.updatedAt) * limit) / 60_000);
    bucket.updatedAt = now;
    if (bucket.tokens < 1) {
      const waitSeconds = Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / limit));
      buckets.set(clientId, bucket);
      throw new GatewayError('AUT-RATE-LIMIT', 'throttled', 'Too many requests; slow down', { headers: { 'Retry-After': String(waitSeconds) } });
    }
    bucket.tokens -= 1;
    buckets.set(clientId, bucket);
  }

  return {
    async authenticate(authorization) {
      const match = /^Bearer\s+([A-Za-z0-9\-_.~+/]+=*)$/i.exec(authorization ?? '');
      if (!match) throw unauthorized();
      const claims = await options.issuer.verify(match[1] as string);
      if (!claims) throw unauthorized();
      const state = await clientState(claims.clientId);
      if (!state.active) throw unauthorized();
      takeToken(claims.clientId, state.limit);
      return {
        clientId: claims.clientId,
        organizationId: claims.organizationId,
        organizationKind: claims.organizationKind,
        scopes: parseScopes(claims.scope),
        purposeOfUse: claims.purposeOfUse,
        tokenJti: claims.jti,
        breakGlassAllowed: state.breakGlass,
      };
    },
  };
}
