/**
 * The client side of SMART Backend Services: building a signed authentication JWT and exchanging it for
 * an access token. Used by `npm run token` and by tests that act as a client.
 * https://hl7.org/fhir/smart-app-launch/client-confidential-asymmetric.html
 */
import { randomUUID } from 'node:crypto';
import { type CryptoKey, type JWK, type JWTPayload, SignJWT, importJWK } from 'jose';

export interface AssertionInput {
  clientId: string;
  tokenUrl: string;
  key: CryptoKey | Uint8Array;
  alg: string;
  kid: string;
  /** Seconds until expiry (default 300, the most SMART allows). */
  lifetime?: number;
  /** Extra claims (for example the HL7 B2B extension) or overrides of the standard ones. */
  claims?: JWTPayload;
  /** Extra protected-header fields (`jku`…). */
  header?: Record<string, unknown>;
  now?: Date;
}

export async function buildClientAssertion(input: AssertionInput): Promise<string> {
  const now = Math.floor((input.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ iss: input.clientId, sub: input.clientId, aud: input.tokenUrl, exp: now + (input.lifetime ?? 300), jti: randomUUID(), ...input.claims })
    .setProtectedHeader({ alg: input.alg, kid: input.kid, typ: 'JWT', ...input.header })
    .sign(input.key);
}

export async function keyFromJwk(jwk: JWK): Promise<{ key: CryptoKey | Uint8Array; alg: string; kid: string }> {
  const alg = jwk.alg ?? (jwk.kty === 'EC' ? 'ES384' : 'RS384');
  return { key: await importJWK(jwk, alg), alg, kid: jwk.kid ?? '' };
}

export interface TokenResponse {
  status: number;
  body: { access_token?: string; token_type?: string; expires_in?: number; scope?: string; error?: string };
}

export async function requestAccessToken(tokenUrl: string, assertion: string, scope: string): Promise<TokenResponse> {
  const response = await fetch(tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
      scope,
    }),
  });
  return { status: response.status, body: (await response.json()) as TokenResponse['body'] };
}
