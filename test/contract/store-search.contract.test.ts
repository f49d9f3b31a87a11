/** FhirStore contract: search semantics of every parameter type, chaining, includes, sorting and paging. */
import type { Encounter, Observation, Patient, Resource } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/shared/errors.ts';
import { enginesUnderTest } from '../support/databases.ts';
import { type StoreFixture, openStore } from '../support/store.ts';

const ids = (resources: { resource: Resource }[]) => resources.map((e) => e.resource.id).sort();

describe.each(enginesUnderTest())('FhirStore search on %s', (engine) => {
  let fx: StoreFixture;
  const search = async (type: string, qs: string) => (await fx.store.search(fx.query(type, qs))).entries.filter((e) => e.mode === 'match');

  beforeAll(async () => {
    fx = await openStore(engine);
    const put = (resource: Resource) => fx.store.update(resource);
    await put({ resourceType: 'Organization', id: 'org-1', name: 'North Riverside Hospital', identifier: [{ system: 'urn:ods', value: 'RNR' }] } as Resource);
    await put({
      resourceType: 'Patient', id: 'p1', active: true, gender: 'female', birthDate: '1950-06-15',
      name: [{ family: 'Ångström', given: ['Ada', 'Marie'] }],
      identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990000018' }, { system: 'urn:mrn', value: 'A1' }],
      telecom: [{ system: 'phone', value: '0161 555 0101' }],
      address: [{ line: ['1 Mill Lane'], city: 'Dudley', postalCode: 'DY1 1AA' }],
      managingOrganization: { reference: 'Organization/org-1' },
    } as Patient);
    await put({ resourceType: 'Patient', id: 'p2', gender: 'male', birthDate: '1980', name: [{ family: 'Smith', given: ['John'] }], identifier: [{ system: 'urn:mrn', value: 'B2' }] } as Patient);
    await put({ resourceType: 'Patient', id: 'p3', gender: 'male', birthDate: '2001-02-03', name: [{ family: 'Smithson' }] } as Patient);
    const encounter = (id: string, patient: string, start: string, end?: string, cls = 'IMP'): Encounter => ({
      resourceType: 'Encounter', id, status: end ? 'finished' : 'in-progress',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: cls },
      subject: { reference: `Patient/${patient}` }, period: end ? { start, end } : { start },
      serviceProvider: { reference: 'Organization/org-1' },
    });
    await put(encounter('e1', 'p1', '2025-01-10T08:00:00Z', '2025-01-14T16:00:00Z'));
    await put(encounter('e2', 'p1', '2025-02-01T09:00:00Z', undefined, 'EMER'));
    await put(encounter('e3', 'p2', '2024-12-30T22:00:00+01:00', '2025-01-02T10:00:00Z'));
    const observation = (id: string, patient: string, code: string, value: number, unit: string, effective: string): Observation => ({
      resourceType: 'Observation', id, status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code, display: 'Body weight' }], text: 'Body weight' },
      subject: { reference: `Patient/${patient}` }, encounter: { reference: 'Encounter/e1' },
      effectiveDateTime: effective, valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
    });
    await put(observation('o1', 'p1', '29463-7', 72.5, 'kg', '2025-01-11T10:00:00Z'));
    await put(observation('o2', 'p1', '29463-7', 70, 'kg', '2025-01-13T10:00:00Z'));
    await put(observation('o3', 'p2', '8302-2', 180, 'cm', '2025-01-01T10:00:00Z'));
  });
  afterAll(() => fx.database.dispose());

  it('token: code, system|code, |code, system|, :not, :text, :missing', async () => {
    expect(ids(await search('Patient', 'identifier=9990000018'))).toEqual(['p1']);
    expect(ids(await search('Patient', 'identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018'))).toEqual(['p1']);
    expect(ids(await search('Patient', 'identifier=urn:other|9990000018'))).toEqual([]);
    expect(ids(await search('Patient', 'identifier=urn:mrn|'))).toEqual(['p1', 'p2']);
    expect(ids(await search('Patient', 'gender=|male'))).toEqual(['p2', 'p3']);
    expect(ids(await search('Patient', 'gender:not=male'))).toEqual(['p1']);
    expect(ids(await search('Observation', 'code:text=body'))).toEqual(['o1', 'o2', 'o3']);
    expect(ids(await search('Patient', 'identifier:missing=true'))).toEqual(['p3']);
    expect(ids(await search('Patient', 'identifier:missing=false'))).toEqual(['p1', 'p2']);
    expect(ids(await search('Patient', 'gender=female,male&active=true'))).toEqual(['p1']);
  });

  it('string: accent- and case-insensitive starts-with, :exact, :contains, names and addresses', async () => {
    expect(ids(await search('Patient', 'family=angstrom'))).toEqual(['p1']);
    expect(ids(await search('Patient', 'name=smith'))).toEqual(['p2', 'p3']);
    expect(ids(await search('Patient', 'name:exact=Smith'))).toEqual(['p2']);
    expect(ids(await search('Patient', 'name:contains=mith'))).toEqual(['p2', 'p3']);
    expect(ids(await search('Patient', 'given=marie'))).toEqual(['p1']);
    expect(ids(await search('Patient', 'address=dudley'))).toEqual(['p1']);
    expect(ids(await search('Patient', 'address-postalcode=DY1'))).toEqual(['p1']);
    expect(ids(await search('Patient', 'name=%25'))).toEqual([]);
  });

  it('date: prefixes, partial dates, periods and time zones', async () => {
    expect(ids(await search('Patient', 'birthdate=1950'))).toEqual(['p1']);
    expect(ids(await search('Patient', 'birthdate=1950-06'))).toEqual(['p1']);
    expect(ids(await search('Patient', 'birthdate=lt1981'))).toEqual(['p1', 'p2']);
    // 1980 (a year) overlaps values above 1980-06-01, so it matches ge as the spec defines it.
    expect(ids(await search('Patient', 'birthdate=ge1980-06-01'))).toEqual(['p2', 'p3']);
    expect(ids(await search('Patient', 'birthdate=gt1980-12-31'))).toEqual(['p3']);
    expect(ids(await search('Patient', 'birthdate=ne1980'))).toEqual(['p1', 'p3']);
    expect(ids(await search('Encounter', 'date=ge2025-01-01'))).toEqual(['e1', 'e2', 'e3']);
    expect(ids(await search('Encounter', 'date=sa2025-01-01'))).toEqual(['e1', 'e2']);
    expect(ids(await search('Encounter', 'date=eb2025-01-20'))).toEqual(['e1', 'e3']);
    expect(ids(await search('Encounter', 'date=2025-01-12'))).toEqual([]);
    expect(ids(await search('Encounter', 'date=ge2025-01-12&date=le2025-01-12'))).toEqual(['e1']);
    expect(ids(await search('Encounter', 'date=lt2024-12-30T22:30:00%2B01:00'))).toEqual(['e3']);
    expect(ids(await search('Encounter', 'date=ap2025-01-12'))).toContain('e1');
    await expect(fx.store.search(fx.query('Patient', 'birthdate=ge2020-13-45'))).rejects.toBeInstanceOf(GatewayError);
  });

  it('reference: Type/id, id, :Type, absolute, chained and reverse-chained', async () => {
    expect(ids(await search('Observation', 'subject=Patient/p1'))).toEqual(['o1', 'o2']);
    expect(ids(await search('Observation', 'patient=p2'))).toEqual(['o3']);
    expect(ids(await search('Observation', 'subject:Patient=p2'))).toEqual(['o3']);
    expect(ids(await search('Observation', 'subject=http://gateway.test/fhir/Patient/p1'))).toEqual(['o1', 'o2']);
    expect(ids(await search('Observation', 'subject:Patient.identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018'))).toEqual(['o1', 'o2']);
    expect(ids(await search('Observation', 'subject.name=smith'))).toEqual(['o3']);
    expect(ids(await search('Encounter', 'service-provider.name=north'))).toEqual(['e1', 'e2', 'e3']);
    expect(ids(await search('Patient', '_has:Observation:patient:code=8302-2'))).toEqual(['p2']);
    expect(ids(await search('Patient', 'organization=Organization/org-1'))).toEqual(['p1']);
  });

  it('number and quantity with implicit precision', async () => {
    expect(ids(await search('Observation', 'value-quantity=72.5'))).toEqual(['o1']);
    expect(ids(await search('Observation', 'value-quantity=70'))).toEqual(['o2']);
    expect(ids(await search('Observation', 'value-quantity=gt71|http://unitsofmeasure.org|kg'))).toEqual(['o1']);
    expect(ids(await search('Observation', 'value-quantity=ge70|http://unitsofmeasure.org|cm'))).toEqual(['o3']);
    expect(ids(await search('Observation', 'value-quantity=le72.5||kg'))).toEqual(['o1', 'o2']);
  });

  it('_id, _lastUpdated, _sort with several keys, _count paging and _total', async () => {
    expect(ids(await search('Patient', '_id=p2,p3'))).toEqual(['p2', 'p3']);
    expect(ids(await search('Patient', '_lastUpdated=ge2025-03-01'))).toEqual(['p1', 'p2', 'p3']);
    expect(ids(await search('Patient', '_lastUpdated=lt2025-03-01'))).toEqual([]);
    const sorted = await search('Patient', '_sort=gender,-birthdate');
    expect(sorted.map((e) => e.resource.id)).toEqual(['p1', 'p3', 'p2']);
    const byFamily = await search('Patient', '_sort=-family');
    expect(byFamily.map((e) => e.resource.id)).toEqual(['p3', 'p2', 'p1']);
    const page1 = await fx.store.search({ ...fx.query('Patient', '_sort=_id&_count=2&_total=accurate') });
    expect(page1.entries.map((e) => e.resource.id)).toEqual(['p1', 'p2']);
    expect(page1).toMatchObject({ hasMore: true, total: 3 });
    const page2 = await fx.store.search({ ...fx.query('Patient', '_sort=_id&_count=2'), offset: 2 });
    expect(page2.entries.map((e) => e.resource.id)).toEqual(['p3']);
    expect(page2.hasMore).toBe(false);
    const count = await fx.store.search(fx.query('Patient', '_summary=count'));
    expect(count).toMatchObject({ entries: [], total: 3 });
  });

  it('_include and _revinclude, with :iterate', async () => {
    const included = await fx.store.search(fx.query('Observation', '_id=o3&_include=Observation:subject'));
    expect(included.entries.map((e) => [e.resource.id, e.mode])).toEqual([['o3', 'match'], ['p2', 'include']]);
    const rev = await fx.store.search(fx.query('Patient', '_id=p1&_revinclude=Encounter:subject'));
    expect(rev.entries.filter((e) => e.mode === 'include').map((e) => e.resource.id).sort()).toEqual(['e1', 'e2']);
    const iterate = await fx.store.search(fx.query('Observation', '_id=o1&_include=Observation:encounter&_include:iterate=Encounter:service-provider'));
    expect(iterate.entries.map((e) => e.resource.id)).toEqual(['o1', 'e1', 'org-1']);
    const wildcard = await fx.store.search(fx.query('Observation', '_id=o1&_include=Observation:*'));
    expect(wildcard.entries.map((e) => e.resource.id).sort()).toEqual(['e1', 'o1', 'p1']);
  });

  it('compartments and $everything', async () => {
    const inCompartment = await fx.store.search({ ...fx.query('Observation', ''), compartmentPatientId: 'p1' });
    expect(ids(inCompartment.entries)).toEqual(['o1', 'o2']);
    const everything = await fx.store.everything({ patientId: 'p1', count: 100, offset: 0 });
    const got = everything.entries.map((e) => e.resource.id);
    expect(got[0]).toBe('p1');
    expect(got.slice(1).sort()).toEqual(['e1', 'e2', 'o1', 'o2', 'org-1']);
    const paged = await fx.store.everything({ patientId: 'p1', count: 2, offset: 4 });
    expect(paged.entries).toHaveLength(2);
    expect(paged.hasMore).toBe(false);
    const typed = await fx.store.everything({ patientId: 'p1', types: ['Observation'], count: 100, offset: 0 });
    expect(ids(typed.entries)).toEqual(['o1', 'o2']);
  });

  it('leaves the access log and what it references out of $everything unless AuditEvent is asked for', async () => {
    await fx.store.update({ resourceType: 'Organization', id: 'org-requester', name: 'Requester' } as Resource);
    await fx.store.update({
      resourceType: 'AuditEvent', id: 'audit-p1', type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110112' }, recorded: '2026-01-01T00:00:00Z',
      agent: [{ who: { reference: 'Organization/org-requester' }, requestor: true }], source: { observer: { display: 'test' } },
      entity: [{ what: { reference: 'Patient/p1' }, role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1' } }],
    } as Resource);
    const got = (await fx.store.everything({ patientId: 'p1', count: 100, offset: 0 })).entries.map((e) => e.resource.id);
    expect(got).not.toContain('audit-p1');
    expect(got).not.toContain('org-requester');
    const asked = await fx.store.everything({ patientId: 'p1', types: ['AuditEvent'], count: 100, offset: 0 });
    expect(ids(asked.entries)).toEqual(['audit-p1']);
  });

  it('keeps indexes in step with updates and deletes', async () => {
    await fx.store.update({ resourceType: 'Patient', id: 'p4', name: [{ family: 'Before' }] } as Patient);
    expect(ids(await search('Patient', 'family=before'))).toEqual(['p4']);
    await fx.store.update({ resourceType: 'Patient', id: 'p4', name: [{ family: 'After' }] } as Patient);
    expect(ids(await search('Patient', 'family=before'))).toEqual([]);
    expect(ids(await search('Patient', 'family=after'))).toEqual(['p4']);
    await fx.store.delete('Patient', 'p4');
    expect(ids(await search('Patient', 'family=after'))).toEqual([]);
  });

  it('treats hostile input as data, never as SQL', async () => {
    expect(await search('Patient', "name=' OR 1=1--")).toEqual([]);
    expect(await search('Patient', 'identifier=x%27)%3B drop table resource%3B--')).toEqual([]);
    expect(ids(await search('Patient', '_id=p1'))).toEqual(['p1']);
  });
});
