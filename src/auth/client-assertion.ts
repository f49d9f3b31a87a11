/**
 * Verifying a client's authentication JWT (RFC 7523 §3 as profiled by SMART Backend Services):
 * alg on the allow list, typ JWT, kid present, iss = sub = a known active client, aud = the token URL,
 * exp present, not past and at most 5 minutes ahead (60 s tolerance), jti never seen before for that iss.
 * `iat` is not required (Inferno's client does not send it).
 * https://hl7.org/fhir/smart-app-launch/client-confidential-asymmetric.html#authenticating-to-the-token-endpoint
 */
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import type { Clock } from '../shared/clock.ts';
import type { ClientKeys } from './client-keys.ts';
import type { ClientRegistry, RegisteredClient } from './client-registry.ts';
import type { ReplayGuard } from './replay-guard.ts';

export const CLOCK_TOLERANCE_S = 60;
export const MAX_ASSERTION_LIFETIME_S = 300;

export interface AssertionContext {
  tokenUrl: string;
  algorithms: string[];
  registry: ClientRegistry;
  keys: ClientKeys;
  replay: ReplayGuard;
  clock: Clock;
}

export interface VerifiedAssertion {
  client: RegisteredClient;
  claims: Record<string, unknown>;
}

/** Thrown for every failure; the token endpoint answers `invalid_client` without saying which check failed. */
export class AssertionRejected extends Error {
  constructor(readonly reason: string, readonly clientId?: string) {
    super(`client assertion rejected: ${reason}`);
  }
}

export async function verifyClientAssertion(assertion: string, ctx: AssertionContext): Promise<VerifiedAssertion> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  let unverified: ReturnType<typeof decodeJwt>;
  try {
    header = decodeProtectedHeader(assertion);
    unverified = decodeJwt(assertion);
  } catch {
    throw new AssertionRejected('malformed JWT');
  }
  const { alg, kid, typ, jku } = header;
  if (!alg || !ctx.algorithms.includes(alg)) throw new AssertionRejected('algorithm not allowed');
  if (typ !== undefined && typ.toUpperCase() !== 'JWT') throw new AssertionRejected('typ is not JWT');
  if (typeof kid !== 'string' || kid === '') throw new AssertionRejected('kid missing');
  const iss = unverified.iss;
  if (typeof iss !== 'string' || iss !== unverified.sub) throw new AssertionRejected('iss and sub must both name the client');
  const client = await ctx.registry.find(iss);
  if (!client || client.status !== 'active') throw new AssertionRejected('unknown or disabled client', iss);

  let key: Awaited<ReturnType<ClientKeys['resolve']>>;
  try {
    key = await ctx.keys.resolve(client, jku === undefined ? { alg, kid } : { alg, kid, jku });
  } catch (error) {
    throw new AssertionRejected(error instanceof Error ? error.message : 'key resolution failed', iss);
  }
  const now = ctx.clock.now();
  let claims: Record<string, unknown>;
  try {
    ({ payload: claims } = await jwtVerify(assertion, key, {
      algorithms: [alg],
      issuer: client.clientId,
      subject: client.clientId,
      audience: ctx.tokenUrl,
      requiredClaims: ['exp', 'jti'],
      clockTolerance: CLOCK_TOLERANCE_S,
      currentDate: now,
    }));
  } catch {
    throw new AssertionRejected('signature or claims invalid', iss);
  }
  const aud = claims.aud;
  if (Array.isArray(aud) && (aud.length !== 1 || aud[0] !== ctx.tokenUrl)) throw new AssertionRejected('aud must be the token URL', iss);
  const exp = claims.exp;
  const nowSeconds = now.getTime() / 1000;
  if (typeof exp !== 'number' || exp - nowSeconds > MAX_ASSERTION_LIFETIME_S + CLOCK_TOLERANCE_S) {
    throw new AssertionRejected('exp too far ahead', iss);
  }
  const jti = claims.jti;
  if (typeof jti !== 'string' || jti === '' || jti.length > 512) throw new AssertionRejected('jti missing', iss);
  const fresh = await ctx.replay.claim(iss, jti, new Date((exp + CLOCK_TOLERANCE_S) * 1000), now);
  if (!fresh) throw new AssertionRejected('jti replayed', iss);
  return { client, claims };
}
