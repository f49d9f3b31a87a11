/** Access tokens the gateway issues, and the cache of tokens already verified. */
import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenIssuer } from '../../src/auth/access-token.ts';
import { type GatewayKeys, TOKEN_ALG } from '../../src/auth/gateway-keys.ts';
import { fixedClock } from '../../src/shared/clock.ts';

async function keys(): Promise<GatewayKeys> {
  const pair = await generateKeyPair(TOKEN_ALG, { extractable: true });
  return { kid: 'k1', privateKey: pair.privateKey, publicKey: pair.publicKey, publicJwks: { keys: [await exportJWK(pair.publicKey)] } };
}

const claims = { clientId: 'c1', organizationId: 'org-1', organizationKind: 'gp-practice' as const, scope: 'system/Patient.rs', purposeOfUse: 'TREAT' };

describe('access tokens', () => {
  it('verifies a token once and then trusts the same string only until it expires', async () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    const issuer = createTokenIssuer(await keys(), 'https://gw', 'https://gw/fhir', 300, clock);
    const { token, jti } = await issuer.issue(claims);
    expect(await issuer.verify(token)).toMatchObject({ ...claims, jti });
    clock.advance(299_000);
    expect(await issuer.verify(token)).toMatchObject({ clientId: 'c1' });
    clock.advance(1_000);
    expect(await issuer.verify(token)).toBeUndefined();
    clock.advance(-1_000);
    // Forgotten once expired: a clock set back re-verifies rather than trusting a stale entry.
    expect(await issuer.verify(token)).toMatchObject({ clientId: 'c1' });
  });

  it('never lets a verified token vouch for an edited one or for another issuer', async () => {
    const clock = fixedClock('2026-01-01T00:00:00Z');
    const issuer = createTokenIssuer(await keys(), 'https://gw', 'https://gw/fhir', 300, clock);
    const other = createTokenIssuer(await keys(), 'https://gw', 'https://gw/fhir', 300, clock);
    const { token } = await issuer.issue(claims);
    expect(await issuer.verify(token)).toBeDefined();
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const edited = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), scope: 'system/*.cruds' })).toString('base64url');
    expect(await issuer.verify(`${header}.${edited}.${signature}`)).toBeUndefined();
    expect(await other.verify(token)).toBeUndefined();
    expect(await issuer.verify(`${token}x`)).toBeUndefined();
  });
});
