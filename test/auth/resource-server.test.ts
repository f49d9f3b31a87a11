/**
 * The resource server (RELIABILITY.md case 14), scope enforcement per interaction and per batch entry,
 * rate limits, and what every request leaves behind: Provenance for writes and BALP AuditEvents.
 */
import { SignJWT, generateKeyPair } from 'jose';
import type { AuditEvent, Bundle, Patient, Provenance } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/shared/clock.ts';
import { type TestApp, jsonBody, startTestApp } from '../support/app.ts';
import { registerClient, tokenFor } from '../support/clients.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { expectValidAuditTrail } from '../support/audit-trail.ts';

const bearer = (token: string, init: RequestInit = {}): RequestInit => ({ ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${token}` } });
const patient = (family: string): Patient => ({ resourceType: 'Patient', identifier: [{ system: 'urn:rs', value: family }], name: [{ family }] });

describe.each(enginesUnderTest())('resource server on %s', (engine) => {
  let t: TestApp;
  const clock = fixedClock(new Date().toISOString());
  beforeAll(async () => {
    t = await startTestApp(engine, { CLIENT_STATUS_TTL_MS: '10000' }, clock);
  });
  afterAll(() => t.close());

  it('case 14: missing, malformed, expired, foreign and edited tokens are 401 with WWW-Authenticate and an OperationOutcome', async () => {
    const readerClient = await registerClient(t.app, { scopes: 'system/Patient.rs' });
    const reader = await tokenFor(t.baseUrl, readerClient);
    const [h, payload, s] = reader.split('.');
    const edited = JSON.parse(Buffer.from(payload as string, 'base64url').toString()) as Record<string, unknown>;
    edited.scope = 'system/*.cruds';
    const foreign = await new SignJWT({ client_id: readerClient.clientId, scope: 'system/*.cruds' }).setProtectedHeader({ alg: 'ES384', typ: 'at+jwt' }).setIssuer(t.baseUrl).setAudience(t.fhirBase).setSubject(readerClient.clientId).setExpirationTime('5m').setJti('x').sign((await generateKeyPair('ES384')).privateKey);
    const tokens = [undefined, 'not-a-jwt', `${h}.${Buffer.from(JSON.stringify(edited)).toString('base64url')}.${s}`, foreign];
    for (const token of tokens) {
      const response = await t.anonymous('/Patient', token ? bearer(token) : {});
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(((await response.json()) as { resourceType: string }).resourceType).toBe('OperationOutcome');
    }
    expect((await t.anonymous('/Patient', bearer(reader))).status).toBe(200);
    clock.advance(301_000);
    expect((await t.anonymous('/Patient', bearer(reader))).status).toBe(401);
    clock.advance(-301_000);
    expect((await t.anonymous('/metadata')).status).toBe(200);
    expect((await t.anonymous('/.well-known/smart-configuration')).status).toBe(200);
  });

  it('refuses a disabled client within the status TTL', async () => {
    const client = await registerClient(t.app, { scopes: 'system/Patient.rs' });
    const token = await tokenFor(t.baseUrl, client);
    expect((await t.anonymous('/Patient', bearer(token))).status).toBe(200);
    const disable = await fetch(`${t.baseUrl}/admin/clients/${client.clientId}/disable`, bearer(t.token, { method: 'POST' }));
    expect(disable.status).toBe(200);
    clock.advance(10_001);
    expect((await t.anonymous('/Patient', bearer(token))).status).toBe(401);
  });

  it('enforces scopes per interaction and type, and per entry of a batch', async () => {
    const client = await registerClient(t.app, { scopes: 'system/Patient.rs system/Observation.c' });
    const token = await tokenFor(t.baseUrl, client);
    const created = (await (await t.api('/Patient', jsonBody(patient('Scoped')))).json()) as Patient;
    expect((await t.anonymous(`/Patient/${created.id}`, bearer(token))).status).toBe(200);
    expect((await t.anonymous('/Patient?name=scoped', bearer(token))).status).toBe(200);
    expect((await t.anonymous(`/Patient/${created.id}/_history`, bearer(token))).status).toBe(200);
    expect((await t.anonymous('/Patient', bearer(token, jsonBody(patient('Nope'))))).status).toBe(403);
    expect((await t.anonymous(`/Patient/${created.id}`, bearer(token, { method: 'DELETE' }))).status).toBe(403);
    expect((await t.anonymous('/Encounter', bearer(token))).status).toBe(403);
    expect((await t.anonymous('/_history', bearer(token))).status).toBe(403);
    const batch = await t.anonymous('', bearer(token, jsonBody({ resourceType: 'Bundle', type: 'batch', entry: [
      { request: { method: 'GET', url: `Patient/${created.id}` } },
      { request: { method: 'GET', url: 'Encounter?status=finished' } },
      { resource: patient('BatchNope'), request: { method: 'POST', url: 'Patient' } },
    ] })));
    const statuses = ((await batch.json()) as Bundle).entry?.map((e) => e.response?.status.slice(0, 3));
    expect(statuses).toEqual(['200', '403', '403']);
  });

  it('drops included resources of types the token may not read', async () => {
    const client = await registerClient(t.app, { scopes: 'system/Encounter.rs' });
    const token = await tokenFor(t.baseUrl, client);
    const p = (await (await t.api('/Patient', jsonBody(patient('IncludeMe')))).json()) as Patient;
    await t.api('/Encounter', jsonBody({ resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: `Patient/${p.id}` } }));
    const bundle = (await (await t.anonymous(`/Encounter?subject=Patient/${p.id}&_include=Encounter:subject`, bearer(token))).json()) as Bundle;
    expect(bundle.entry?.map((e) => e.resource?.resourceType)).toEqual(['Encounter']);
  });

  it('refuses AuditEvent writes to everyone and AuditEvent reads without the audit scope', async () => {
    const event = { resourceType: 'AuditEvent', type: { code: 'rest' }, recorded: new Date().toISOString(), agent: [{ requestor: true }], source: { observer: { display: 'x' } } };
    expect((await t.api('/AuditEvent', jsonBody(event))).status).toBe(403);
    const reader = await tokenFor(t.baseUrl, await registerClient(t.app, { scopes: 'system/Patient.rs' }));
    expect((await t.anonymous('/AuditEvent', bearer(reader))).status).toBe(403);
  });

  it('answers 429 with Retry-After past the client rate limit', async () => {
    const client = await registerClient(t.app, { scopes: 'system/Patient.rs' });
    await t.app.clients.save({ ...client.registration, rateLimitPerMinute: 3 });
    const token = await tokenFor(t.baseUrl, client);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await t.anonymous('/Patient', bearer(token));
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('keeps serving a client after the clock jumps back (the rate limiter never drains on a clock fault)', async () => {
    const client = await registerClient(t.app, { scopes: 'system/Patient.rs' });
    await t.app.clients.save({ ...client.registration, rateLimitPerMinute: 100 });
    const token = await tokenFor(t.baseUrl, client);
    expect((await t.anonymous('/Patient', bearer(token))).status).toBe(200);
    clock.advance(-10 * 60_000);
    try {
      expect((await t.anonymous('/Patient', bearer(token))).status).not.toBe(429);
    } finally {
      clock.advance(10 * 60_000);
    }
    expect((await t.anonymous('/Patient', bearer(token))).status).toBe(200);
  });

  it('records a Provenance for every write, in the same transaction, naming client and organization', async () => {
    const created = (await (await t.api('/Patient', jsonBody(patient('Provenanced')))).json()) as Patient;
    const found = (await (await t.api(`/Provenance?target=Patient/${created.id}/_history/1`)).json()) as Bundle;
    const provenance = found.entry?.[0]?.resource as Provenance;
    expect(provenance.activity?.coding?.[0]?.code).toBe('CREATE');
    expect(provenance.agent.map((a) => a.who.reference ?? a.who.identifier?.value)).toEqual(['Organization/org-test-admin', t.client.clientId]);
  });

  it('writes BALP AuditEvents: one per patient for searches, with the query; reads; failures; writes', async () => {
    const a = (await (await t.api('/Patient', jsonBody(patient('AuditA')))).json()) as Patient;
    const b = (await (await t.api('/Patient', jsonBody(patient('AuditB')))).json()) as Patient;
    await t.api('/Patient?name=audit');
    await t.api(`/Patient/${a.id}`);
    await t.api('/Patient/does-not-exist');
    await t.app.audit.flush();
    const events = async (query: string) => ((await (await t.api(`/AuditEvent?${query}&_count=500`)).json()) as Bundle).entry?.map((e) => e.resource as AuditEvent) ?? [];
    const rest = (list: AuditEvent[]) => list.filter((e) => e.type.code === 'rest');
    const forA = rest(await events(`entity=Patient/${a.id}`));
    const forB = rest(await events(`entity=Patient/${b.id}`));
    const searchA = forA.filter((e) => e.action === 'E');
    expect(searchA).toHaveLength(1);
    expect(forB.filter((e) => e.action === 'E')).toHaveLength(1);
    const queryEntity = searchA[0]?.entity?.find((e) => e.role?.code === '24');
    expect(Buffer.from(queryEntity?.query ?? '', 'base64').toString()).toBe('/Patient?name=audit');
    expect(searchA[0]?.agent.find((agent) => agent.requestor)?.who?.reference).toBe('Organization/org-test-admin');
    expect(searchA[0]?.agent.find((agent) => agent.requestor)?.purposeOfUse?.[0]?.coding?.[0]?.code).toBe('TREAT');
    expect(forA.filter((e) => e.action === 'R' && e.subtype?.[0]?.code === 'read')).toHaveLength(1);
    expect(forA.filter((e) => e.action === 'C')).toHaveLength(1);
    const failures = await events('outcome=4&subtype=read');
    expect(failures.length).toBeGreaterThan(0);
    const update = await t.api(`/AuditEvent/${forA[0]?.id}`, jsonBody({ ...forA[0] }, {}, 'PUT'));
    expect(update.status).toBe(403);
    expect((await t.api(`/AuditEvent/${forA[0]?.id}`, { method: 'DELETE' })).status).toBe(403);
  });

  it('leaves only valid FHIR R4 AuditEvents behind (logins, reads, searches, refusals)', async () => {
    await t.app.audit.flush();
    const events = await expectValidAuditTrail(t.app);
    expect([...new Set(events.map((e) => e.type.code))].sort()).toEqual(['110113', '110114', 'rest']);
  });
});
