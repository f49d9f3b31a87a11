/**
 * The real client: fhir-kit-client drives the running gateway over HTTP through every interaction a
 * practice system or ACO tool uses.
 */
import { Client } from 'fhir-kit-client';
import type { Bundle, CapabilityStatement, Encounter, Patient } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest } from '../support/databases.ts';
import { type TestApp, startTestApp } from '../support/app.ts';

interface HttpError {
  response?: { status: number; data: unknown };
}

async function statusOf(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
    return 200;
  } catch (error) {
    return (error as HttpError).response?.status;
  }
}

describe.each(enginesUnderTest())('fhir-kit-client against the gateway on %s', (engine) => {
  let t: TestApp;
  let client: Client;
  beforeAll(async () => {
    t = await startTestApp(engine, { DEFAULT_PAGE_SIZE: '5' });
    client = new Client({ baseUrl: t.fhirBase, bearerToken: t.token });
  });
  afterAll(() => t.close());

  it('reads the CapabilityStatement', async () => {
    const statement = (await client.capabilityStatement()) as unknown as CapabilityStatement;
    expect(statement.fhirVersion).toBe('4.0.1');
    const patient = statement.rest?.[0]?.resource?.find((r) => r.type === 'Patient');
    expect(patient?.interaction?.map((i) => i.code)).toEqual(expect.arrayContaining(['read', 'vread', 'update', 'patch', 'delete', 'create', 'search-type', 'history-instance']));
    expect(patient?.operation?.map((o) => o.name)).toContain('everything');
  });

  it('creates, reads, vreads, updates with If-Match, patches, deletes', async () => {
    const created = (await client.create({ resourceType: 'Patient', body: { resourceType: 'Patient', identifier: [{ system: 'urn:fkc', value: '1' }], name: [{ family: 'Kit' }] } })) as unknown as Patient;
    const id = created.id as string;
    expect(((await client.read({ resourceType: 'Patient', id })) as unknown as Patient).name?.[0]?.family).toBe('Kit');
    const updated = (await client.update({ resourceType: 'Patient', id, body: { ...created, gender: 'female' }, options: { headers: { 'If-Match': 'W/"1"' } } })) as unknown as Patient;
    expect(updated.meta?.versionId).toBe('2');
    expect(await statusOf(client.update({ resourceType: 'Patient', id, body: { ...created, gender: 'male' }, options: { headers: { 'If-Match': 'W/"1"' } } }))).toBe(412);
    expect(((await client.vread({ resourceType: 'Patient', id, version: '1' })) as unknown as Patient).gender).toBeUndefined();
    const patched = (await client.patch({ resourceType: 'Patient', id, jsonPatch: [{ op: 'add', path: '/birthDate', value: '1990-01-01' }] })) as unknown as Patient;
    expect(patched.birthDate).toBe('1990-01-01');
    const history = (await client.history({ resourceType: 'Patient', id })) as unknown as Bundle;
    expect(history.entry).toHaveLength(3);
    await client.delete({ resourceType: 'Patient', id });
    expect(await statusOf(client.read({ resourceType: 'Patient', id }))).toBe(410);
  });

  it('searches with paging to the end, by POST, and in a compartment', async () => {
    const entry = Array.from({ length: 12 }, (_, i) => ({ resource: { resourceType: 'Patient', name: [{ family: `Pager${i}` }], identifier: [{ system: 'urn:fkc:pager', value: String(i) }] }, request: { method: 'POST', url: 'Patient' } }));
    const batch = (await client.batch({ body: { resourceType: 'Bundle', type: 'batch', entry } })) as unknown as Bundle;
    expect(batch.type).toBe('batch-response');
    expect(batch.entry?.every((e) => e.response?.status.startsWith('201'))).toBe(true);
    let page = (await client.search({ resourceType: 'Patient', searchParams: { name: 'pager' } })) as unknown as Bundle | undefined;
    let seen = 0;
    while (page) {
      seen += page.entry?.length ?? 0;
      const next = client.nextPage({ bundle: page as never });
      page = next ? ((await next) as unknown as Bundle) : undefined;
    }
    expect(seen).toBe(12);
    const posted = (await client.search({ resourceType: 'Patient', searchParams: { identifier: 'urn:fkc:pager|3' }, options: { postSearch: true } })) as unknown as Bundle;
    expect(posted.entry).toHaveLength(1);
  });

  it('runs a transaction with urn:uuid references, then compartment search and $everything', async () => {
    const body = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:8c4f1b7e-1111-4c1a-9d1b-000000000001', resource: { resourceType: 'Patient', identifier: [{ system: 'urn:fkc', value: 'tx' }], name: [{ family: 'Transact' }] }, request: { method: 'POST', url: 'Patient' } },
        { resource: { resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP' }, subject: { reference: 'urn:uuid:8c4f1b7e-1111-4c1a-9d1b-000000000001' }, period: { start: '2025-01-01' } }, request: { method: 'POST', url: 'Encounter' } },
      ],
    };
    const result = (await client.transaction({ body })) as unknown as Bundle;
    expect(result.type).toBe('transaction-response');
    const patientId = result.entry?.[0]?.response?.location?.split('/')[1] as string;
    const encounters = (await client.compartmentSearch({ resourceType: 'Encounter', compartment: { resourceType: 'Patient', id: patientId } })) as unknown as Bundle;
    expect((encounters.entry?.[0]?.resource as Encounter).subject?.reference).toBe(`Patient/${patientId}`);
    const everything = (await client.operation({ name: '$everything', resourceType: 'Patient', id: patientId, method: 'GET' })) as unknown as Bundle;
    expect(everything.entry?.map((e) => e.resource?.resourceType).filter((type) => type !== 'Provenance')).toEqual(['Patient', 'Encounter']);
  });
});
