/**
 * Key resolution against registered JWKS URLs (RELIABILITY.md cases 10–12): kid problems, foreign `jku`
 * without any outbound request, and hostile JWKS endpoints (slow, huge, redirecting, HTML, private keys,
 * rotation under Cache-Control).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type JWK, exportJWK, generateKeyPair, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClientAssertion, requestAccessToken } from '../../src/auth/assertion-builder.ts';
import { fixedClock } from '../../src/shared/clock.ts';
import { type TestApp, startTestApp } from '../support/app.ts';
import { type TestClient, registerClient } from '../support/clients.ts';

interface JwksBehaviour {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

describe('client JWKS URLs', () => {
  let t: TestApp;
  let jwksServer: http.Server;
  let jwksBase: string;
  const behaviours = new Map<string, JwksBehaviour>();
  const hits: string[] = [];
  const clock = fixedClock(new Date().toISOString());

  beforeAll(async () => {
    jwksServer = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      const behaviour = behaviours.get(req.url ?? '') ?? { status: 404, body: '{}' };
      setTimeout(() => {
        res.writeHead(behaviour.status ?? 200, { 'content-type': 'application/json', ...behaviour.headers });
        res.end(behaviour.body ?? '');
      }, behaviour.delayMs ?? 0);
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksBase = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
    t = await startTestApp('pglite', { JWKS_ALLOW_LOOPBACK: 'true', JWKS_FETCH_TIMEOUT_MS: '300' }, clock);
  });
  afterAll(async () => {
    jwksServer.closeAllConnections();
    await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
    await t.close();
  });

  const tokenStatus = async (client: TestClient, header: Record<string, unknown> = {}, kid = client.kid) => {
    const tokenUrl = `${t.baseUrl}/auth/token`;
    const assertion = await buildClientAssertion({ clientId: client.clientId, tokenUrl, key: client.privateKey, alg: client.alg, kid, header, now: clock.now() });
    return (await requestAccessToken(tokenUrl, assertion, 'system/*.rs')).status;
  };
  const keyPair = async () => ({ jwk: (await exportJWK((await generateKeyPair('ES384', { extractable: true })).publicKey)) as JWK });

  it('verifies with the key fetched from the registered JWKS URL', async () => {
    const client = await registerClient(t.app, { jwksUri: `${jwksBase}/good` });
    behaviours.set('/good', { body: JSON.stringify({ keys: [{ ...(await exportJWK(await publicOf(client))), kid: client.kid, alg: 'ES384', use: 'sig' }] }) });
    expect(await tokenStatus(client)).toBe(200);
  });

  it('case 10: missing, unknown and duplicate kids fail; random kids cause at most one refetch per cooldown', async () => {
    const client = await registerClient(t.app, { jwksUri: `${jwksBase}/dup` });
    const jwk = { ...(await exportJWK(await publicOf(client))), alg: 'ES384', use: 'sig' };
    behaviours.set('/dup', { body: JSON.stringify({ keys: [{ ...jwk, kid: 'twin' }, { ...jwk, kid: 'twin' }, { ...jwk, kid: client.kid }] }) });
    expect(await tokenStatus(client, {}, 'twin')).toBe(401);
    expect(await tokenStatus(client, {}, 'nobody-has-this')).toBe(401);
    expect(await tokenStatus(client, {}, '')).toBe(401);
    const before = hits.filter((h) => h === '/dup').length;
    for (let i = 0; i < 25; i++) expect(await tokenStatus(client, {}, `random-${i}`)).toBe(401);
    expect(hits.filter((h) => h === '/dup').length - before).toBeLessThanOrEqual(1);
    expect(await tokenStatus(client)).toBe(200);
  });

  it('case 11: a jku other than the registered URL fails without any outbound request', async () => {
    const client = await registerClient(t.app, { jwksUri: `${jwksBase}/registered` });
    behaviours.set('/registered', { body: JSON.stringify({ keys: [{ ...(await exportJWK(await publicOf(client))), kid: client.kid, alg: 'ES384', use: 'sig' }] }) });
    const before = hits.length;
    for (const jku of ['http://169.254.169.254/latest/meta-data/', 'http://localhost:5432/', `${jwksBase}/attacker`, `${jwksBase}/registered?x=1`]) {
      expect(await tokenStatus(client, { jku })).toBe(401);
    }
    expect(hits.length).toBe(before);
    expect(await tokenStatus(client, { jku: `${jwksBase}/registered` })).toBe(200);
  });

  it('case 12: slow, huge, redirecting, HTML and private-key JWKS endpoints are refused; other clients stay served', async () => {
    const cases: [string, (keys: string) => JwksBehaviour][] = [
      ['/slow', (keys) => ({ delayMs: 2000, body: keys })],
      ['/huge', (keys) => ({ body: `${keys.slice(0, -1)},"pad":"${'x'.repeat(2_000_000)}"}` })],
      ['/redirect', () => ({ status: 302, headers: { location: `${jwksBase}/good-target` } })],
      ['/html', () => ({ body: '<html><body>login</body></html>', headers: { 'content-type': 'text/html' } })],
    ];
    for (const [path, behaviour] of cases) {
      const client = await registerClient(t.app, { jwksUri: `${jwksBase}${path}` });
      const keys = JSON.stringify({ keys: [{ ...(await exportJWK(await publicOf(client))), kid: client.kid, alg: 'ES384', use: 'sig' }] });
      behaviours.set('/good-target', { body: keys });
      behaviours.set(path, behaviour(keys));
      expect(await tokenStatus(client), path).toBe(401);
    }
    expect(hits).not.toContain('/good-target');
    const leaky = await registerClient(t.app, { jwksUri: `${jwksBase}/private` });
    behaviours.set('/private', { body: JSON.stringify({ keys: [{ ...(await exportJWK(leaky.privateKey)), kid: leaky.kid, alg: 'ES384' }] }) });
    expect(await tokenStatus(leaky)).toBe(401);
    const healthy = await registerClient(t.app, { jwksUri: `${jwksBase}/healthy` });
    behaviours.set('/healthy', { body: JSON.stringify({ keys: [{ ...(await exportJWK(await publicOf(healthy))), kid: healthy.kid, alg: 'ES384', use: 'sig' }] }) });
    expect(await tokenStatus(healthy)).toBe(200);
  });

  it('case 12: a key rotated out stops validating once max-age has passed', async () => {
    const client = await registerClient(t.app, { jwksUri: `${jwksBase}/rotating` });
    const jwk = { ...(await exportJWK(await publicOf(client))), kid: client.kid, alg: 'ES384', use: 'sig' };
    behaviours.set('/rotating', { body: JSON.stringify({ keys: [jwk] }), headers: { 'cache-control': 'max-age=60' } });
    expect(await tokenStatus(client)).toBe(200);
    const { jwk: replacement } = await keyPair();
    behaviours.set('/rotating', { body: JSON.stringify({ keys: [{ ...replacement, kid: 'new-key', alg: 'ES384' }] }), headers: { 'cache-control': 'max-age=60' } });
    clock.advance(30_000);
    expect(await tokenStatus(client)).toBe(200);
    clock.advance(31_000);
    expect(await tokenStatus(client)).toBe(401);
  });

  it('refuses to register a JWKS URL that is not https (outside the loopback test allowance)', async () => {
    const response = await fetch(`${t.baseUrl}/admin/clients/plain-http`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', organization_id: 'org-x', organization_kind: 'aco', jwks_uri: 'http://jwks.example.org/keys', scope: 'system/*.rs', purposes: ['TREAT'], default_purpose: 'TREAT' }),
    });
    expect(response.status).toBe(400);
  });
});

/** The public half of a test client's key (registration with a JWKS URL keeps no inline keys). */
async function publicOf(client: TestClient) {
  const { d: _d, ...publicPart } = await exportJWK(client.privateKey);
  return importJWK({ ...publicPart, alg: client.alg }, client.alg);
}
