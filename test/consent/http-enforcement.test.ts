/**
 * Consent enforcement over real HTTP beyond the matrix (RELIABILITY.md cases 15, 18, 20, 21, 22, 38):
 * existence hiding, probing through counts and _has, break-the-glass, redaction, revocation between pages,
 * fail-closed on an unreadable consent store, who may write consents, labelling at write, the access log.
 */
import type { AuditEvent, Bundle, Communication, Condition, Consent, Encounter, Observation, OperationOutcome, Resource } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/shared/clock.ts';
import { type TestApp, jsonBody, startTestApp } from '../support/app.ts';
import { expectValidAuditTrail } from '../support/audit-trail.ts';
import { type ConsentWorld, ORG, POLICY, type WorldPatient, buildConsentWorld, idsIn } from '../support/consent-world.ts';

const DENY_ALL = { status: 'active' as const, policyRule: POLICY('OPTOUT'), provision: { type: 'deny' as const } };
const DENY_ACO = { status: 'active' as const, policyRule: POLICY('OPTIN'), provision: { type: 'permit' as const, provision: [{ type: 'deny' as const, actor: [{ role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] }, reference: { reference: `Organization/${ORG.aco}` } }] }] } };

describe('consent enforcement over HTTP', () => {
  let t: TestApp;
  let world: ConsentWorld;
  const clock = fixedClock(new Date().toISOString());
  const as = async (who: Parameters<ConsentWorld['token']>[0], purpose: string, path: string, headers: Record<string, string> = {}) => {
    const response = await t.follow(path.startsWith('http') ? path : `${t.fhirBase}${path}`, { headers: { authorization: `Bearer ${await world.token(who, purpose)}`, ...headers } });
    return { status: response.status, body: (await response.json()) as Bundle & Pick<OperationOutcome, 'issue'> };
  };

  beforeAll(async () => {
    t = await startTestApp('pglite', {}, clock);
    world = await buildConsentWorld(t);
  }, 120_000);
  afterAll(() => t.close());

  it('case 38: a denied patient looks exactly like a missing one, on every path', async () => {
    const p = await world.createPatient('bola');
    await world.consent(p.id, DENY_ACO);
    const denied = await as('aco', 'CAREMGT', `/Patient/${p.id}`);
    const missing = await as('aco', 'CAREMGT', '/Patient/no-such-patient-here');
    expect(denied.status).toBe(404);
    expect(missing.status).toBe(404);
    const shape = (outcome: unknown) => JSON.stringify(outcome).replace(/Patient\/[\w-]+/g, 'Patient/X');
    expect(shape(denied.body)).toBe(shape(missing.body));
    for (const path of [
      `/Observation?patient=${p.id}`,
      `/Observation?subject.identifier=urn:consent-test|bola`,
      `/Patient?_has:Encounter:patient:status=finished&_id=${p.id}`,
      `/Encounter?_id=${p.encounter}&_revinclude=*`,
      `/Patient?identifier=urn:consent-test|bola&_revinclude=Encounter:patient`,
    ]) {
      const result = await as('aco', 'CAREMGT', path);
      expect(result.status, path).toBe(200);
      // The self link echoes what the client sent; the entries must not carry the patient.
      expect(JSON.stringify(result.body.entry ?? []), path).not.toContain(p.id);
    }
    expect((await as('aco', 'CAREMGT', `/Patient/${p.id}/$everything`)).status).toBe(404);
    expect((await as('aco', 'CAREMGT', `/Patient/${p.id}/_history`)).status).toBe(404);
    expect((await as('aco', 'CAREMGT', `/Condition/${p.psy}`)).status).toBe(404);
    expect((await as('gp', 'TREAT', `/Patient/${p.id}`)).status).toBe(200);
  });

  it('case 18: counts over patient data are refused; _has cannot probe withheld codes', async () => {
    const p = await world.createPatient('probe');
    expect((await as('gp', 'TREAT', '/Condition?_summary=count')).status).toBe(400);
    expect((await as('gp', 'TREAT', `/Observation?patient=${p.id}&_total=accurate`)).status).toBe(400);
    const probe = await as('gp', 'TREAT', `/Patient?_id=${p.id}&_has:Condition:patient:code=F10.2`);
    expect(idsIn(probe.body)).toEqual([]);
    const honest = await as('gp', 'TREAT', `/Patient?_id=${p.id}&_has:Observation:patient:code=29463-7`);
    expect(idsIn(probe.body)).not.toContain(`Patient/${p.id}`);
    expect(idsIn(honest.body)).toContain(`Patient/${p.id}`);
    const chained = await as('gp', 'TREAT', `/Encounter?_id=${p.encounter}&_has:Condition:encounter:code=F32.1`);
    expect(idsIn(chained.body)).toEqual([]);
  });

  it('labels at write: codes give PSY/ETH, a social-care source gives SOC, references reveal labels', async () => {
    const p = await world.createPatient('labels');
    const labels = async (ref: string) => ((await as('hospital', 'ETREAT', `/${ref}`, { 'x-break-glass-reason': 'label check' })).body.meta?.security ?? []).map((c) => c.code);
    expect(await labels(`Condition/${p.psy}`)).toContain('PSY');
    expect(await labels(`Condition/${p.eth}`)).toEqual(expect.arrayContaining(['ETH', '42CFRPart2']));
    expect(await labels(`CarePlan/${p.soc}`)).toContain('SOC');
    expect(await labels(`Observation/${p.observation}`)).toEqual([]);
    const encounter = (await (await t.api('/Encounter', jsonBody({ resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' }, subject: { reference: `Patient/${p.id}` }, diagnosis: [{ condition: { reference: `Condition/${p.psy}` } }] }))).json()) as Encounter;
    expect(encounter.meta?.security?.map((c) => c.code)).toContain('PSY');
  });

  it('case 21: break-the-glass overrides a deny for a window, is audited, alerts the practice; others are refused', async () => {
    const p = await world.createPatient('btg');
    await world.consent(p.id, DENY_ALL);
    expect((await as('hospital', 'ETREAT', `/Patient/${p.id}`)).status).toBe(404);
    expect((await as('acoNoBtg', 'ETREAT', `/Patient/${p.id}`, { 'x-break-glass-reason': 'unconscious in ED' })).status).toBe(403);
    expect((await as('hospital', 'TREAT', `/Patient/${p.id}`, { 'x-break-glass-reason': 'not an emergency purpose' })).status).toBe(403);
    const opened = await as('hospital', 'ETREAT', `/Patient/${p.id}/$everything`, { 'x-break-glass-reason': 'unconscious in ED', 'x-break-glass-practitioner': 'Practitioner/dr-who' });
    expect(opened.status).toBe(200);
    expect(idsIn(opened.body)).toEqual(expect.arrayContaining([`Patient/${p.id}`, `Observation/${p.observation}`, `Condition/${p.psy}`, `Condition/${p.eth}`]));
    expect((await as('hospital', 'ETREAT', `/Condition/${p.psy}`)).status).toBe(200);
    const events = (await (await t.api(`/AuditEvent?subtype=http://dicom.nema.org/resources/ontology/DCM|110127&entity=Patient/${p.id}`)).json()) as Bundle;
    const started = events.entry?.map((e) => e.resource as AuditEvent) ?? [];
    expect(started).toHaveLength(1);
    expect(started[0]?.outcomeDesc).toContain('unconscious in ED');
    expect(started[0]?.agent.find((a) => a.requestor)?.who?.reference).toBe(`Organization/${ORG.hospital}`);
    const alerts = (await as('gp', 'TREAT', `/Communication?subject=Patient/${p.id}`)).body;
    const alert = alerts.entry?.[0]?.resource as Communication;
    expect(alert.recipient?.[0]?.reference).toBe(`Organization/${ORG.gp}`);
    expect(idsIn((await as('aco', 'CAREMGT', `/Communication?subject=Patient/${p.id}`)).body)).toEqual([]);
    clock.advance(4 * 3600_000 + 1000);
    try {
      const later = await world.tokenAt('hospital', 'ETREAT', clock.now());
      expect((await t.follow(`${t.fhirBase}/Patient/${p.id}`, { headers: { authorization: `Bearer ${later}` } })).status).toBe(404);
    } finally {
      clock.advance(-(4 * 3600_000 + 1000));
    }
  });

  it('redacts a labelled part of a permitted resource and marks it REDACTED', async () => {
    const p = await world.createPatient('redact');
    const observation: Observation = {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'Referral summary' },
      subject: { reference: `Patient/${p.id}` },
      contained: [{ resourceType: 'Condition', id: 'sensitive', meta: { security: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'PSY' }] }, subject: { reference: `Patient/${p.id}` } } as Condition],
    };
    const created = (await (await t.api('/Observation', jsonBody(observation))).json()) as Observation;
    const seen = await as('gp', 'TREAT', `/Observation/${created.id}`);
    expect(seen.status).toBe(200);
    expect((seen.body as unknown as Observation).contained ?? []).toEqual([]);
    expect(seen.body.meta?.security?.map((c) => c.code)).toContain('REDACTED');
  });

  it('case 20: revoking consent between pages withholds the rest', async () => {
    const p = await world.createPatient('revoke');
    for (let i = 0; i < 3; i++) await t.api('/Observation', jsonBody({ resourceType: 'Observation', status: 'final', code: { text: `extra ${i}` }, subject: { reference: `Patient/${p.id}` } }));
    const first = await as('aco', 'CAREMGT', `/Observation?patient=${p.id}&_count=2`);
    expect(idsIn(first.body)).toHaveLength(2);
    await world.consent(p.id, DENY_ALL);
    const next = first.body.link?.find((l) => l.relation === 'next')?.url as string;
    expect(idsIn((await as('aco', 'CAREMGT', next)).body)).toEqual([]);
  });

  it('case 22: an unreadable consent store fails closed with 503 and discloses nothing', async () => {
    const p = await world.createPatient('failclosed');
    await t.database.db.query('alter table sp_reference rename to sp_reference_offline');
    try {
      const result = await as('gp', 'TREAT', `/Patient/${p.id}`);
      expect(result.status).toBe(503);
      expect(JSON.stringify(result.body)).not.toContain('Consent-failclosed');
    } finally {
      await t.database.db.query('alter table sp_reference_offline rename to sp_reference');
    }
    expect((await as('gp', 'TREAT', `/Patient/${p.id}`)).status).toBe(200);
  });

  it('lets only the patient practice (or an administrator) record consent', async () => {
    const p = await world.createPatient('writers');
    const consent = { resourceType: 'Consent', status: 'active', scope: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/consentscope', code: 'patient-privacy' }] }, category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0' }] }], patient: { reference: `Patient/${p.id}` }, policyRule: POLICY('OPTIN'), provision: { type: 'permit' } };
    const post = async (who: Parameters<ConsentWorld['token']>[0]) => t.follow(`${t.fhirBase}/Consent`, jsonBody(consent, { authorization: `Bearer ${await world.token(who, 'TREAT')}` }));
    expect((await post('aco')).status).toBe(403);
    expect((await post('gp')).status).toBe(201);
    expect((await t.api('/Consent', jsonBody(consent))).status).toBe(201);
    const created = (await (await post('gp')).json()) as Consent;
    const withdraw = await t.follow(`${t.fhirBase}/Consent/${created.id}`, jsonBody({ ...created, status: 'inactive' }, { authorization: `Bearer ${await world.token('gp', 'TREAT')}` }, 'PUT'));
    expect(withdraw.status).toBe(200);
    expect(((await (await t.api(`/Consent/${created.id}/_history`)).json()) as Bundle).entry).toHaveLength(2);
  });

  it('records AuthZ-Consent decisions and shows the patient practice its access log', async () => {
    const p = await world.createPatient('accesslog');
    await world.consent(p.id, DENY_ACO);
    expect((await as('aco', 'CAREMGT', `/Patient/${p.id}`)).status).toBe(404);
    expect((await as('gp', 'TREAT', `/Patient/${p.id}`)).status).toBe(200);
    await t.app.audit.flush();
    const log = await as('gp', 'TREAT', `/Patient/${p.id}/$access-log?_count=100`);
    expect(log.status).toBe(200);
    const events = (log.body.entry ?? []).map((e) => e.resource as AuditEvent);
    const decisions = events.filter((e) => e.subtype?.[0]?.code === 'AuthZ-Consent');
    const acoDenied = decisions.find((e) => e.outcome === '4' && e.agent.some((a) => a.who?.reference === `Organization/${ORG.aco}`));
    expect(acoDenied?.entity?.some((e) => e.what?.reference?.startsWith('Consent/'))).toBe(true);
    expect(decisions.some((e) => e.outcome === '0' && e.agent.some((a) => a.who?.reference === `Organization/${ORG.gp}`))).toBe(true);
    expect((await as('aco', 'CAREMGT', `/Patient/${p.id}/$access-log`)).status).toBe(404);
    expect((await as('social', 'TREAT', `/Patient/${p.id}/$access-log`)).status).toBe(403);
  });

  it('leaves only valid FHIR R4 AuditEvents behind (consent decisions, break-the-glass, access log reads)', async () => {
    await t.app.audit.flush();
    const events = await expectValidAuditTrail(t.app);
    expect(events.some((e) => e.subtype?.some((s) => s.code === 'AuthZ-Consent'))).toBe(true);
  });
});
