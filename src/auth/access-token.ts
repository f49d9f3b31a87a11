/**
 * Access tokens the gateway issues: short-lived JWTs (≤ 300 s) signed with its own key, naming the client,
 * its Organization, the granted scopes and the purpose of use. No refresh tokens.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import type { Clock } from '../shared/clock.ts';
import type { OrganizationKind } from './client-registry.ts';
import { type GatewayKeys, TOKEN_ALG } from './gateway-keys.ts';

export interface AccessClaims {
  clientId: string;
  organizationId: string;
  organizationKind: OrganizationKind;
  scope: string;
  purposeOfUse: string;
  jti: string;
  expiresAt: number;
}

export interface TokenIssuer {
  issue(claims: Omit<AccessClaims, 'jti' | 'expiresAt'>): Promise<{ token: string; expiresIn: number; jti: string }>;
  /** Verifies signature, issuer, audience and expiry; undefined when the token is not valid. */
  verify(token: string): Promise<AccessClaims | undefined>;
}

/** Verified tokens remembered at most; a client reuses its token for up to 300 s, so this covers many clients. */
const VERIFIED_CACHE_SIZE = 10_000;

export function createTokenIssuer(keys: GatewayKeys, issuer: string, audience: string, lifetimeSeconds: number, clock: Clock): TokenIssuer {
  // A token's signature and claims are checked once; later requests with the same string only check expiry.
  // Only tokens that verified get in, so callers cannot fill it with junk; the oldest entry makes room.
  const verified = new Map<string, AccessClaims>();
  return {
    async issue(claims) {
      const jti = randomUUID();
      const now = Math.floor(clock.now().getTime() / 1000);
      const token = await new SignJWT({
        client_id: claims.clientId,
        org: `Organization/${claims.organizationId}`,
        org_kind: claims.organizationKind,
        scope: claims.scope,
        purpose_of_use: claims.purposeOfUse,
      })
        .setProtectedHeader({ alg: TOKEN_ALG, kid: keys.kid, typ: 'at+jwt' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(claims.clientId)
        .setIssuedAt(now)
        .setExpirationTime(now + lifetimeSeconds)
        .setJti(jti)
        .sign(keys.privateKey);
      return { token, expiresIn: lifetimeSeconds, jti };
    },
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (known.expiresAt * 1000 > clock.now().getTime()) return known;
        verified.delete(token);
        return undefined;
      }
      const claims = await verifySignedToken(token);
      if (claims) {
        if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value as string);
        verified.set(token, claims);
      }
      return claims;
    },
  };

  async function verifySignedToken(token: string): Promise<AccessClaims | undefined> {
    try {
      const { payload } = await jwtVerify(token, keys.publicKey, {
        algorithms: [TOKEN_ALG],
        issuer,
        audience,
        currentDate: clock.now(),
        typ: 'at+jwt',
        requiredClaims: ['exp', 'jti', 'sub'],
      });
      const org = String(payload.org ?? '');
      return {
        clientId: String(payload.client_id ?? payload.sub),
        organizationId: org.replace(/^Organization\//, ''),
        organizationKind: payload.org_kind as OrganizationKind,
        scope: String(payload.scope ?? ''),
        purposeOfUse: String(payload.purpose_of_use ?? ''),
        jti: String(payload.jti),
        expiresAt: Number(payload.exp),
      };
    } catch {
      return undefined;
    }
  }
}
