/**
 * What a batch of events carries (event-content.ts): the focus as it was when each event fired, even when the
 * resource has moved on since, the patient, and the topic's includes, read for the whole batch at once.
 */
import type { Encounter, Location, Patient } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventRecord, readEventContents } from '../../src/notify/event-content.ts';
import type { TopicDefinition } from '../../src/notify/topics.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { type StoreFixture, TEST_BASE_URL, openStore, testRegistry } from '../support/store.ts';

const ACT = 'http://terminology.hl7.org/CodeSystem/v3-ActCode';

describe.each(enginesUnderTest())('readEventContents on %s', (engine) => {
  let fx: StoreFixture;
  beforeAll(async () => {
    fx = await openStore(engine);
  });
  afterAll(() => fx.database.dispose());

  it('gives each event its triggering version, its patient and the included resources, in order', async () => {
    await fx.store.update<Patient>({ resourceType: 'Patient', id: 'ec-p1', name: [{ family: 'One' }] });
    await fx.store.update<Patient>({ resourceType: 'Patient', id: 'ec-p2', name: [{ family: 'Two' }] });
    await fx.store.update<Location>({ resourceType: 'Location', id: 'ec-ward', name: 'Ward 7' });
    const encounter = (id: string, patient: string, status: Encounter['status']): Encounter => ({
      resourceType: 'Encounter', id, status, class: { system: ACT, code: 'IMP' }, subject: { reference: `Patient/${patient}` }, location: [{ location: { reference: 'Location/ec-ward' } }],
    });
    await fx.store.update(encounter('ec-e1', 'ec-p1', 'finished'));
    await fx.store.update(encounter('ec-e1', 'ec-p1', 'entered-in-error'));
    await fx.store.update(encounter('ec-e2', 'ec-p2', 'finished'));
    const event = (id: number, focus: string, version: string, patient: string | null): EventRecord => ({
      id, topic: 't', kind: 'event', focus_type: 'Encounter', focus_id: focus, focus_version: version, patient_id: patient, occurred_at: new Date(),
    });
    const topic = { includes: ['Encounter:patient', 'Encounter:location'] } as unknown as TopicDefinition;
    const contents = await readEventContents([event(1, 'ec-e1', '1', 'ec-p1'), event(2, 'ec-e2', '1', 'ec-p2'), event(3, 'ec-missing', '1', null)], topic, fx.store, testRegistry(), TEST_BASE_URL);
    expect(contents).toHaveLength(3);
    expect(contents[0]?.focus).toMatchObject({ id: 'ec-e1', status: 'finished', meta: { versionId: '1' } });
    expect(contents[0]?.patient?.id).toBe('ec-p1');
    expect(contents[0]?.included.map((r) => `${r.resourceType}/${r.id}`)).toEqual(['Patient/ec-p1', 'Location/ec-ward']);
    expect(contents[1]?.focus).toMatchObject({ id: 'ec-e2', status: 'finished', meta: { versionId: '1' } });
    expect(contents[1]?.patient?.id).toBe('ec-p2');
    expect(contents[2]).toEqual({ included: [] });
  });
});
