/**
 * Authorization and consent at send time (RELIABILITY.md case 53; DOMAIN.md §6): a patient whose consent
 * denies the subscriber's organization gets no notification at all to it — not even an id — and the
 * suppression is audited and counted; a client disabled after subscribing receives nothing more.
 */
import type { AuditEvent, Bundle, Parameters } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, jsonBody } from '../support/app.ts';
import { registerClient, tokenFor } from '../support/clients.ts';
import { type ConsentWorld, ORG, POLICY, buildConsentWorld } from '../support/consent-world.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { eventNumbers, waitFor, receiverPool } from './support/receiver.ts';
import { ACT, startNotifyApp, subscribe } from './support/world.ts';

const acoActor = { role: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'IRCP' }] }, reference: { reference: `Organization/${ORG.aco}` } };

describe.each(enginesUnderTest())('consent and authorization at send time (%s)', (engine) => {
  let t: TestApp;
  let world: ConsentWorld;
  const receivers = receiverPool();
  const receiver = receivers.start;

  beforeAll(async () => {
    t = await startNotifyApp(engine);
    world = await buildConsentWorld(t);
  });
  afterAll(async () => {
    await t.close();
    await receivers.closeAll();
  });

  const dischargeAsHospital = async (patientId: string) => {
    const token = await world.token('hospital', 'TREAT');
    const encounter = { resourceType: 'Encounter', status: 'finished', class: { system: ACT, code: 'IMP' }, subject: { reference: `Patient/${patientId}` }, period: { start: '2026-11-20T10:00:00Z', end: '2026-11-21T10:00:00Z' } };
    const response = await t.follow(`${t.fhirBase}/Encounter`, jsonBody(encounter, { authorization: `Bearer ${token}` }));
    expect(response.status).toBe(201);
  };
  const audits = async (subscriptionId: string): Promise<AuditEvent[]> => {
    await t.app.audit.flush();
    const bundle = (await (await t.api(`/AuditEvent?entity=Subscription/${subscriptionId}&_count=200`)).json()) as Bundle;
    return (bundle.entry ?? []).map((e) => e.resource as AuditEvent);
  };

  it("withholds everything about a patient whose consent denies the subscriber's organization, and audits it", async () => {
    const denied = await world.createPatient('notify-denied');
    const allowed = await world.createPatient('notify-allowed');
    await world.consent(denied.id, { status: 'active', policyRule: POLICY('OPTIN'), provision: { type: 'permit', provision: [{ type: 'deny', actor: [acoActor] }] } });
    const aco = await registerClient(t.app, { organizationId: ORG.aco, organizationKind: 'aco', scopes: 'system/*.rs system/Subscription.cruds', purposes: ['CAREMGT'], defaultPurpose: 'CAREMGT' });
    const token = await tokenFor(t.baseUrl, aco);
    const r = await receiver();
    const subscription = await subscribe(t, { endpoint: r.url, content: 'full-resource' }, token);
    await dischargeAsHospital(denied.id);
    await dischargeAsHospital(allowed.id);
    await waitFor(() => r.events().length === 1, 'the allowed patient notification');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(r.events()).toHaveLength(1);
    expect(eventNumbers(r.events()[0]?.body as Bundle)).toEqual([2]);
    expect(JSON.stringify(r.received)).not.toContain(denied.id);
    const events = await audits(subscription.id as string);
    const suppression = events.find((e) => e.subtype?.[0]?.code === 'suppression');
    expect(suppression?.entity?.some((e) => e.what?.reference === `Patient/${denied.id}`)).toBe(true);
    expect(suppression?.outcomeDesc).toMatch(/consent/);
    expect(events.some((e) => e.subtype?.[0]?.code === 'delivery' && e.outcome === '0' && e.entity?.some((x) => x.what?.reference === `Patient/${allowed.id}`))).toBe(true);
    const status = ((await (await t.follow(`${t.fhirBase}/Subscription/${subscription.id}/$status`, { headers: { authorization: `Bearer ${token}` } })).json()) as Bundle).entry?.[0]?.resource as Parameters;
    expect(status.parameter?.find((p) => p.name === 'events-since-subscription-start')?.valueString).toBe('2');
    expect(status.parameter?.find((p) => p.name === 'carebridge-delivery')?.part?.find((p) => p.name === 'suppressed')?.valueInteger).toBe(1);
    const recovered = (await (await t.follow(`${t.fhirBase}/Subscription/${subscription.id}/$events`, { headers: { authorization: `Bearer ${token}` } })).json()) as Bundle;
    expect(eventNumbers(recovered)).toEqual([2]);
    expect(JSON.stringify(recovered)).not.toContain(denied.id);
  });

  it('withholds notifications from a client disabled after it subscribed, and audits that', async () => {
    const practice = await registerClient(t.app, { organizationId: ORG.gp, scopes: 'system/*.rs system/Subscription.cruds' });
    const r = await receiver();
    const subscription = await subscribe(t, { endpoint: r.url }, await tokenFor(t.baseUrl, practice));
    await t.app.clients.setStatus(practice.clientId, 'disabled');
    const patient = await world.createPatient('notify-disabled');
    await dischargeAsHospital(patient.id);
    const suppression = await waitFor(async () => (await audits(subscription.id as string)).find((e) => e.subtype?.[0]?.code === 'suppression'), 'the suppression audit');
    expect(suppression.outcomeDesc).toMatch(/disabled/);
    expect(r.events()).toHaveLength(0);
  });
});
