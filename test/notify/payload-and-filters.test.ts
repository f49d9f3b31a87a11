/**
 * Payload levels (empty, id-only, full-resource) and filters (patient, `_in` roster membership at event time,
 * Encounter class) of backport subscriptions, end to end over HTTP.
 */
import type { Bundle, Group } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, jsonBody } from '../support/app.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { type Receiver, eventNumbers, parameter, partOf, waitFor, receiverPool } from './support/receiver.ts';
import { ACT, admit, createPatient, discharge, startNotifyApp, subscribe } from './support/world.ts';

describe.each(enginesUnderTest())('payload levels and filters (%s)', (engine) => {
  let t: TestApp;
  const receivers = receiverPool();
  const receiver = receivers.start;

  beforeAll(async () => {
    t = await startNotifyApp(engine);
  });
  afterAll(async () => {
    await t.close();
    await receivers.closeAll();
  });

  it('sends empty, id-only and full-resource payloads as the backport profile describes', async () => {
    const [empty, idOnly, full] = [await receiver(), await receiver(), await receiver()];
    await subscribe(t, { endpoint: empty.url, content: 'empty' });
    await subscribe(t, { endpoint: idOnly.url, content: 'id-only' });
    await subscribe(t, { endpoint: full.url, content: 'full-resource' });
    const patient = await createPatient(t);
    const encounter = await admit(t, patient);
    await discharge(t, encounter);
    const got = async (r: Receiver) => (await waitFor(() => r.events()[0], 'a notification')).body as Bundle;
    const e = await got(empty);
    expect(parameter(e, 'topic')).toBeUndefined();
    expect(partOf(parameter(e, 'notification-event'), 'focus')).toBeUndefined();
    expect(e.entry).toHaveLength(1);
    expect(JSON.stringify(e)).not.toContain(patient);
    const i = await got(idOnly);
    expect(parameter(i, 'topic')?.valueCanonical).toBe(`${t.fhirBase}/SubscriptionTopic/encounter-discharge`);
    expect(partOf(parameter(i, 'notification-event'), 'focus')?.valueReference?.reference).toBe(`${t.fhirBase}/Encounter/${encounter.id}`);
    expect(i.entry).toHaveLength(1);
    const f = await got(full);
    const types = (f.entry ?? []).slice(1).map((entry) => entry.resource?.resourceType);
    expect(types).toEqual(['Encounter', 'Patient']);
    const sent = f.entry?.[1]?.resource as { status?: string; id?: string };
    expect(sent.status).toBe('finished');
    expect(sent.id).toBe(encounter.id);
    expect(partOf(parameter(f, 'notification-event'), 'additional-context')?.valueReference?.reference).toBe(`${t.fhirBase}/Patient/${patient}`);
    for (const bundle of [e, i, f]) expect(t.app.validator.validate(bundle)).toEqual([]);
  });

  it('filters on the patient, the Encounter class and active roster membership at event time', async () => {
    const [byPatient, byClass, byRoster] = [await receiver(), await receiver(), await receiver()];
    const alice = await createPatient(t);
    const bob = await createPatient(t);
    const carol = await createPatient(t);
    const group: Group = {
      resourceType: 'Group',
      id: 'roster-a',
      type: 'person',
      actual: true,
      member: [
        { entity: { reference: `Patient/${alice}` }, period: { start: '2020-01-01' } },
        { entity: { reference: `Patient/${bob}` }, period: { start: '2020-01-01', end: '2021-01-01' } },
        { entity: { reference: `Patient/${carol}` }, inactive: true },
      ],
    };
    expect((await t.api('/Group/roster-a', jsonBody(group, {}, 'PUT'))).status).toBe(201);
    await subscribe(t, { endpoint: byPatient.url, filters: [`Encounter?patient=Patient/${bob}`] });
    await subscribe(t, { endpoint: byClass.url, filters: [`Encounter?class=${ACT}|EMER`] });
    await subscribe(t, { endpoint: byRoster.url, filters: ['_in=Group/roster-a'] });
    for (const patient of [alice, bob, carol]) await discharge(t, await admit(t, patient));
    await discharge(t, await admit(t, carol, t.token, { class: { system: ACT, code: 'EMER' } }));
    const focusPatients = (r: Receiver) => r.events().length;
    await waitFor(() => byPatient.events().length === 1 && byClass.events().length === 1 && byRoster.events().length === 1, 'filtered notifications');
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect([focusPatients(byPatient), focusPatients(byClass), focusPatients(byRoster)]).toEqual([1, 1, 1]);
    expect(eventNumbers(byRoster.events()[0]?.body as Bundle)).toEqual([1]);
  });

  it('refuses filters the topic does not define and rosters the client cannot see', async () => {
    const r = await receiver();
    const unknown = await t.api('/Subscription', jsonBody({ resourceType: 'Subscription', status: 'requested', reason: 'x', criteria: `${t.fhirBase}/SubscriptionTopic/encounter-discharge`, _criteria: { extension: [{ url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria', valueString: 'Encounter?length=gt3' }] }, channel: { type: 'rest-hook', endpoint: r.url, payload: 'application/fhir+json' } }));
    expect(unknown.status).toBe(400);
    const missingGroup = await t.api('/Subscription', jsonBody({ resourceType: 'Subscription', status: 'requested', reason: 'x', criteria: `${t.fhirBase}/SubscriptionTopic/encounter-discharge`, _criteria: { extension: [{ url: 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria', valueString: '_in=Group/nope' }] }, channel: { type: 'rest-hook', endpoint: r.url, payload: 'application/fhir+json' } }));
    expect(missingGroup.status).toBe(422);
  });
});
