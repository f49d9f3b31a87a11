/**
 * The token endpoint over real HTTP: the happy path with RS384 and ES384, and every negative case of
 * RELIABILITY.md cases 1–9 and 13.
 */
import { randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { Bundle } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientAssertion } from '../../src/auth/assertion-builder.ts';
import { type TestApp, startTestApp } from '../support/app.ts';
import { type TestClient, registerClient } from '../support/clients.ts';
import { enginesUnderTest } from '../support/databases.ts';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

describe.each(enginesUnderTest())('POST /auth/token on %s', (engine) => {
  let t: TestApp;
  let tokenUrl: string;
  let rsClient: TestClient;
  let esClient: TestClient;
  let narrowClient: TestClient;

  const post = async (fields: Record<string, string>, headers: Record<string, string> = {}) => {
    const response = await fetch(tokenUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, headers: response.headers };
  };
  const assertionFor = (client: TestClient, overrides: { claims?: Record<string, unknown>; header?: Record<string, unknown>; lifetime?: number; now?: Date } = {}) =>
    buildClientAssertion({ clientId: client.clientId, tokenUrl, key: client.privateKey, alg: client.alg, kid: client.kid, ...overrides });
  const exchange = async (assertion: string, scope = 'system/*.rs') =>
    post({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, scope });

  beforeAll(async () => {
    t = await startTestApp(engine);
    tokenUrl = `${t.baseUrl}/auth/token`;
    rsClient = await registerClient(t.app, { alg: 'RS384', scopes: 'system/*.cruds' });
    esClient = await registerClient(t.app, { alg: 'ES384', scopes: 'system/*.cruds', purposes: ['TREAT', 'CAREMGT'], defaultPurpose: 'CAREMGT' });
    narrowClient = await registerClient(t.app, { scopes: 'system/Patient.rs system/Encounter.rs' });
  });
  afterAll(() => t.close());

  it('case 1: issues bearer tokens for RS384 and ES384 assertions without iat; v1 scopes map to v2', async () => {
    for (const client of [rsClient, esClient]) {
      const result = await exchange(await assertionFor(client), 'system/*.read');
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ token_type: 'bearer', scope: 'system/*.rs' });
      expect(result.body.expires_in).toBeLessThanOrEqual(300);
      expect(result.body.refresh_token).toBeUndefined();
      expect(result.headers.get('cache-control')).toBe('no-store');
      const claims = decodeJwt(result.body.access_token as string);
      expect(claims).toMatchObject({ client_id: client.clientId, scope: 'system/*.rs' });
      expect(JSON.stringify(claims)).not.toMatch(/Patient\//);
    }
    const v2 = await exchange(await assertionFor(narrowClient), 'system/Patient.rs');
    expect(v2.body.scope).toBe('system/Patient.rs');
  });

  it('case 2: a bad grant type is 400 unsupported_grant_type', async () => {
    const result = await post({ grant_type: 'not_a_grant_type', client_assertion_type: ASSERTION_TYPE, client_assertion: await assertionFor(esClient), scope: 'system/*.rs' });
    expect(result.status).toBe(400);
    expect(result.body).toEqual({ error: 'unsupported_grant_type' });
  });

  it('case 3: a bad assertion type, a missing assertion, or Basic auth as well is 400', async () => {
    const assertion = await assertionFor(esClient);
    expect((await post({ grant_type: 'client_credentials', client_assertion_type: 'not_an_assertion_type', client_assertion: assertion, scope: 'system/*.rs' })).status).toBe(400);
    expect((await post({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, scope: 'system/*.rs' })).status).toBe(400);
    const basic = await post({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, scope: 'system/*.rs' }, { authorization: 'Basic Zm9vOmJhcg==' });
    expect(basic.status).toBe(400);
    const refused = (await (await t.api(`/AuditEvent?type=http://dicom.nema.org/resources/ontology/DCM|110114&_count=200`)).json()) as Bundle;
    expect(refused.entry?.some((e) => (e.resource as { outcome?: string }).outcome === '4')).toBe(true);
  });

  it('case 4: forged signatures are invalid_client with no detail', async () => {
    const valid = await assertionFor(esClient);
    const [header, payload, signature] = valid.split('.');
    const tampered = JSON.parse(Buffer.from(payload as string, 'base64url').toString()) as Record<string, unknown>;
    tampered.jti = randomUUID();
    const flipped = `${header}.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${signature}`;
    const stranger = await generateKeyPair('ES384');
    const sameKid = await buildClientAssertion({ clientId: esClient.clientId, tokenUrl, key: stranger.privateKey, alg: 'ES384', kid: esClient.kid });
    const otherClientsKey = await buildClientAssertion({ clientId: esClient.clientId, tokenUrl, key: rsClient.privateKey, alg: 'RS384', kid: esClient.kid });
    for (const assertion of [flipped, sameKid, otherClientsKey]) {
      const result = await exchange(assertion);
      expect(result.status).toBe(401);
      expect(result.body).toEqual({ error: 'invalid_client' });
    }
  });

  it('case 5: the expiry window, both ways, with 60 s of clock tolerance', async () => {
    const now = Date.now();
    expect((await exchange(await assertionFor(esClient, { claims: { exp: Math.floor(now / 1000) - 120 } }))).status).toBe(401);
    expect((await exchange(await assertionFor(esClient, { lifetime: 301 + 61 }))).status).toBe(401);
    const noExp = await new SignJWT({ iss: esClient.clientId, sub: esClient.clientId, aud: tokenUrl, jti: randomUUID() }).setProtectedHeader({ alg: 'ES384', kid: esClient.kid, typ: 'JWT' }).sign(esClient.privateKey);
    expect((await exchange(noExp)).status).toBe(401);
    expect((await exchange(await assertionFor(esClient, { claims: { exp: String(Math.floor(now / 1000) + 100) } }))).status).toBe(401);
    // A client whose clock runs 20 s ahead of ours sends exp = its now + 300.
    expect((await exchange(await assertionFor(esClient, { now: new Date(now + 20_000) }))).status).toBe(200);
  });

  it('case 6: audience confusion', async () => {
    for (const aud of [t.fhirBase, `${tokenUrl}/`, tokenUrl.replace('http:', 'https:'), 'https://other.example/auth/token', ['https://wrong.example'], [tokenUrl, 'https://extra.example']]) {
      expect((await exchange(await assertionFor(esClient, { claims: { aud } }))).status, JSON.stringify(aud)).toBe(401);
    }
  });

  it('case 7: issuer/subject mismatches, unknown clients and a differing client_id', async () => {
    expect((await exchange(await assertionFor(esClient, { claims: { iss: 'not_a_valid_iss', sub: 'not_a_valid_iss' } }))).status).toBe(401);
    expect((await exchange(await assertionFor(esClient, { claims: { sub: rsClient.clientId } }))).status).toBe(401);
    const result = await post({ grant_type: 'client_credentials', client_assertion_type: ASSERTION_TYPE, client_assertion: await assertionFor(esClient), scope: 'system/*.rs', client_id: rsClient.clientId });
    expect(result.status).toBe(401);
  });

  it('case 8: a jti is used once per issuer, also across a restart (the record is in the database)', async () => {
    const jti = randomUUID();
    const assertion = await assertionFor(esClient, { claims: { jti } });
    expect((await exchange(assertion)).status).toBe(200);
    expect((await exchange(assertion)).status).toBe(401);
    const sameJtiOtherIssuer = await assertionFor(rsClient, { claims: { jti } });
    expect((await exchange(sameJtiOtherIssuer)).status).toBe(200);
    const rows = await t.database.db.query<{ n: number }>('select count(*)::int as n from assertion_jti where jti = $1', [jti]);
    expect(rows[0]?.n).toBe(2);
  });

  it('case 9: algorithm attacks: none, HS256 with the public key, RS256 not advertised, ES384 header over RSA', async () => {
    const claims = { iss: rsClient.clientId, sub: rsClient.clientId, aud: tokenUrl, exp: Math.floor(Date.now() / 1000) + 200, jti: randomUUID() };
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const none = `${b64({ alg: 'none', kid: rsClient.kid, typ: 'JWT' })}.${b64(claims)}.`;
    const publicJwk = rsClient.registration.jwks?.keys[0];
    const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
    const hs256 = await new SignJWT({ ...claims, jti: randomUUID() }).setProtectedHeader({ alg: 'HS256', kid: rsClient.kid, typ: 'JWT' }).sign(secret);
    const rsJwk = await exportJWK(rsClient.privateKey);
    const rs256 = await new SignJWT({ ...claims, jti: randomUUID() }).setProtectedHeader({ alg: 'RS256', kid: rsClient.kid, typ: 'JWT' }).sign(await importJWK(rsJwk, 'RS256'));
    const mismatch = await new SignJWT({ ...claims, jti: randomUUID() }).setProtectedHeader({ alg: 'ES384', kid: rsClient.kid, typ: 'JWT' }).sign((await generateKeyPair('ES384')).privateKey);
    for (const assertion of [none, hs256, rs256, mismatch]) expect((await exchange(assertion)).status).toBe(401);
  });

  it('case 13: scope escalation grants only the registered part, never more', async () => {
    const cases: [string, number, string | undefined][] = [
      ['system/Observation.rs', 400, undefined],
      ['system/*.cruds', 200, 'system/Patient.rs system/Encounter.rs'],
      ['system/Patient.dus', 400, undefined],
      ['patient/*.rs', 400, undefined],
      ['system/Observation.rs?category=laboratory', 400, undefined],
      ['system/Patient.cruds system/Observation.rs', 200, 'system/Patient.rs'],
    ];
    for (const [scope, status, granted] of cases) {
      const result = await exchange(await assertionFor(narrowClient), scope);
      expect(result.status, scope).toBe(status);
      if (granted) expect(result.body.scope, scope).toBe(granted);
      else expect(result.body.error, scope).toBe('invalid_scope');
    }
  });

  it('takes the purpose of use from the HL7 B2B extension when the client may assert it', async () => {
    const asserted = await exchange(await assertionFor(esClient, { claims: { extensions: { 'hl7-b2b': { version: '1', purpose_of_use: ['urn:oid:2.16.840.1.113883.5.8#TREAT'] } } } }));
    expect(decodeJwt(asserted.body.access_token as string).purpose_of_use).toBe('TREAT');
    const notAllowed = await exchange(await assertionFor(esClient, { claims: { extensions: { 'hl7-b2b': { purpose_of_use: ['HPAYMT'] } } } }));
    expect(decodeJwt(notAllowed.body.access_token as string).purpose_of_use).toBe('CAREMGT');
  });

  it('publishes SMART configuration, the gateway JWKS, and the oauth-uris security extension', async () => {
    const config = (await (await fetch(`${t.fhirBase}/.well-known/smart-configuration`)).json()) as Record<string, unknown>;
    expect(config).toMatchObject({
      token_endpoint: tokenUrl,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    });
    expect(config.capabilities).toContain('client-confidential-asymmetric');
    const jwks = (await (await fetch(`${t.baseUrl}/auth/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-384', use: 'sig' });
    expect(jwks.keys[0]?.d).toBeUndefined();
    const statement = (await (await t.anonymous('/metadata')).json()) as { rest: { security: { extension: { url: string; extension: { url: string; valueUri: string }[] }[] } }[] };
    const oauth = statement.rest[0]?.security.extension.find((e) => e.url.endsWith('oauth-uris'));
    expect(oauth?.extension).toContainEqual({ url: 'token', valueUri: tokenUrl });
  });
});
