/**
 * The Da Vinci channel (SPECS.md §b1): a discharge becomes a `Bundle.type=message` POSTed to the subscriber's
 * `$process-message`, MessageHeader first and focused on the Encounter, carrying Patient, Location,
 * Practitioner, Organization, Condition and Coverage, and it meets the key constraints of the IG's profiles
 * (read from the corpus StructureDefinitions). The checker is first run on the IG's own example.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Bundle, MessageHeader, Resource } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, jsonBody } from '../support/app.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { DAVINCI_RESOURCES, checkDifferential, loadDefinition, resolveIn } from './support/profile-check.ts';
import { type Receiver, startReceiver, waitFor } from './support/receiver.ts';
import { admit, createPatient, discharge, startNotifyApp, subscribe } from './support/world.ts';

const EXAMPLE = path.resolve(DAVINCI_RESOURCES, '../examples/discharge-notification-message-bundle-01.json');

function davinciProblems(bundle: Bundle, fhirBase: string): string[] {
  const problems = checkDifferential(bundle, loadDefinition('notifications-bundle'), bundle, fhirBase);
  const header = bundle.entry?.[0]?.resource as MessageHeader | undefined;
  if (header?.resourceType !== 'MessageHeader') problems.push('the MessageHeader is not the first entry');
  if (header) {
    problems.push(...checkDifferential(header, loadDefinition('notifications-messageheader'), bundle, fhirBase));
    if (header.meta?.profile?.some((p) => p.endsWith('/discharge-notification-messageheader'))) problems.push(...checkDifferential(header, loadDefinition('discharge-notification-messageheader'), bundle, fhirBase));
    for (const focus of header.focus ?? []) if (!resolveIn(bundle, focus.reference ?? '', fhirBase)) problems.push(`focus ${focus.reference} is not in the Bundle`);
  }
  for (const entry of bundle.entry ?? []) {
    if (entry.resource?.meta?.profile?.some((p) => p.endsWith('/adt-notification-encounter'))) problems.push(...checkDifferential(entry.resource, loadDefinition('adt-notification-encounter'), bundle, fhirBase));
  }
  return problems;
}

describe('the Da Vinci profile checker', () => {
  it('accepts the IG example discharge message', () => {
    const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as Bundle;
    expect(davinciProblems(example, 'https://example.org/fhir')).toEqual([]);
  });

  it('catches a message that breaks the profiles', () => {
    const example = JSON.parse(fs.readFileSync(EXAMPLE, 'utf8')) as Bundle;
    const broken: Bundle = { ...example, type: 'collection', entry: [...(example.entry ?? []).slice(1, 2), { ...example.entry?.[0], request: { method: 'POST', url: 'x' } }] };
    const problems = davinciProblems(broken, 'https://example.org/fhir');
    expect(problems.some((p) => p.includes('Bundle.type'))).toBe(true);
    expect(problems.some((p) => p.includes('first entry'))).toBe(true);
    expect(problems.some((p) => p.includes('Bundle.entry.request'))).toBe(true);
  });
});

describe.each(enginesUnderTest())('Da Vinci unsolicited notifications (%s)', (engine) => {
  let t: TestApp;
  let receiver: Receiver;

  beforeAll(async () => {
    t = await startNotifyApp(engine);
    receiver = await startReceiver('/fhir');
  });
  afterAll(async () => {
    await t.close();
    await receiver.close();
  });

  const put = async (resource: Resource) => {
    const response = await t.api(`/${resource.resourceType}/${resource.id}`, jsonBody(resource, {}, 'PUT'));
    expect(response.status, await response.clone().text()).toBeLessThan(300);
  };

  it('POSTs a notifications-bundle message to $process-message that meets the IG profiles', async () => {
    await put({ resourceType: 'Organization', id: 'dv-hospital', name: 'Holy Family Hospital', identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567893' }] } as Resource);
    await put({ resourceType: 'Organization', id: 'dv-payer', name: 'Payer Inc', identifier: [{ system: 'urn:payer', value: 'P1' }] } as Resource);
    await put({ resourceType: 'Location', id: 'dv-ward', name: 'Ward 3', managingOrganization: { reference: 'Organization/dv-hospital' } } as Resource);
    await put({ resourceType: 'Practitioner', id: 'dv-doctor', name: [{ family: 'Kildare', given: ['James'] }], identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567890' }] } as Resource);
    await subscribe(t, { endpoint: receiver.url, davinci: true, content: 'full-resource' });
    const patient = await createPatient(t);
    await put({ resourceType: 'Coverage', id: `dv-coverage-${patient}`, status: 'active', beneficiary: { reference: `Patient/${patient}` }, payor: [{ reference: 'Organization/dv-payer' }] } as Resource);
    const encounter = await admit(t, patient, t.token, {
      location: [{ location: { reference: 'Location/dv-ward' }, status: 'active' }],
      participant: [{ individual: { reference: 'Practitioner/dv-doctor' } }],
      serviceProvider: { reference: 'Organization/dv-hospital' },
      hospitalization: { dischargeDisposition: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/discharge-disposition', code: 'home' }] } },
    });
    const condition = await t.api('/Condition', jsonBody({ resourceType: 'Condition', subject: { reference: `Patient/${patient}` }, encounter: { reference: `Encounter/${encounter.id}` }, code: { coding: [{ system: 'http://snomed.info/sct', code: '22298006' }] } }));
    expect(condition.status).toBe(201);
    await discharge(t, encounter);
    const message = await waitFor(() => receiver.received.find((r) => r.body.type === 'message'), 'the Da Vinci message');
    expect(message.path).toBe('/fhir/$process-message');
    expect(message.headers['content-type']).toBe('application/fhir+json');
    const bundle = message.body;
    expect(davinciProblems(bundle, t.fhirBase)).toEqual([]);
    const header = bundle.entry?.[0]?.resource as MessageHeader;
    expect(header.eventCoding).toMatchObject({ system: 'http://hl7.org/fhir/us/davinci-alerts/CodeSystem/notification-event', code: 'notification-discharge' });
    expect(header.focus?.[0]?.reference).toBe(`Encounter/${encounter.id}`);
    const types = (bundle.entry ?? []).map((e) => e.resource?.resourceType).sort();
    expect(types).toEqual(['Condition', 'Coverage', 'Encounter', 'Location', 'MessageHeader', 'Organization', 'Organization', 'Patient', 'Practitioner']);
    expect(t.app.validator.validate(bundle)).toEqual([]);
    const encounterSent = bundle.entry?.find((e) => e.resource?.resourceType === 'Encounter')?.resource as { status?: string; class?: { code?: string } };
    expect(encounterSent.status).toBe('finished');
    expect(encounterSent.class?.code).toBe('IMP');
  });
});
