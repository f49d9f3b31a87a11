/** Search over real HTTP: bundles, absolute links, paging to the end, cursors, unknown parameters, shaping. */
import type { Bundle, Encounter, OperationOutcome, Patient } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest } from '../support/databases.ts';
import { type TestApp, jsonBody, startTestApp } from '../support/app.ts';

describe.each(enginesUnderTest())('search over HTTP on %s', (engine) => {
  let t: TestApp;
  const get = async (path: string) => {
    const response = await t.api(path);
    return { status: response.status, body: (await response.json()) as Bundle };
  };

  beforeAll(async () => {
    t = await startTestApp(engine, { MAX_PAGE_SIZE: '50', DEFAULT_PAGE_SIZE: '10' });
    const entries = Array.from({ length: 25 }, (_, i) => ({
      fullUrl: `urn:uuid:00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      resource: { resourceType: 'Patient', identifier: [{ system: 'urn:test:batch', value: `B${i}` }], name: [{ family: `Paging${String(i).padStart(2, '0')}` }], gender: i % 2 ? 'male' : 'female' },
      request: { method: 'POST', url: 'Patient' },
    }));
    const encounters = entries.slice(0, 3).map((e, i) => ({
      resource: { resourceType: 'Encounter', status: 'finished', class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' }, subject: { reference: e.fullUrl }, period: { start: `2025-0${i + 1}-01` } } as Encounter,
      request: { method: 'POST', url: 'Encounter' },
    }));
    const response = await t.api('', jsonBody({ resourceType: 'Bundle', type: 'transaction', entry: [...entries, ...encounters] }));
    expect(response.status).toBe(200);
  });
  afterAll(() => t.close());

  it('returns a searchset with absolute self and next links and follows next to the end', async () => {
    const first = await get('/Patient?name=paging&_sort=family');
    expect(first.status).toBe(200);
    expect(first.body.type).toBe('searchset');
    expect(first.body.link?.find((l) => l.relation === 'self')?.url).toBe(`${t.fhirBase}/Patient?name=paging&_sort=family`);
    const families: string[] = [];
    let page: Bundle | undefined = first.body;
    let pages = 0;
    while (page) {
      pages++;
      for (const entry of page.entry ?? []) families.push((entry.resource as Patient).name?.[0]?.family ?? '');
      expect(page.entry?.every((e) => e.fullUrl?.startsWith(`${t.fhirBase}/Patient/`) && e.search?.mode === 'match')).toBe(true);
      const next: string | undefined = page.link?.find((l) => l.relation === 'next')?.url;
      page = next ? ((await (await t.follow(next)).json()) as Bundle) : undefined;
    }
    expect(pages).toBe(3);
    expect(families).toEqual(Array.from({ length: 25 }, (_, i) => `Paging${String(i).padStart(2, '0')}`));
  });

  it('refuses a tampered, foreign or re-targeted cursor', async () => {
    const first = await get('/Patient?name=paging&_count=5');
    const next = new URL(first.body.link?.find((l) => l.relation === 'next')?.url as string);
    const cursor = next.searchParams.get('_cursor') as string;
    const [body, signature] = cursor.split('.');
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body as string, 'base64url').toString()), offset: 20 })).toString('base64url');
    expect((await t.api(`/Patient?name=paging&_count=5&_cursor=${tampered}.${signature}`)).status).toBe(404);
    expect((await t.api(`/Patient?name=other&_count=5&_cursor=${cursor}`)).status).toBe(404);
    expect((await t.api(`/Patient?name=paging&_count=5&_cursor=garbage`)).status).toBe(404);
    expect((await t.follow(next.toString())).status).toBe(200);
  });

  it('supports POST _search with form parameters', async () => {
    const response = await t.api('/Patient/_search', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'identifier=urn:test:batch|B7' });
    const bundle = (await response.json()) as Bundle;
    expect(bundle.entry?.map((e) => (e.resource as Patient).name?.[0]?.family)).toEqual(['Paging07']);
  });

  it('reports unknown parameters in an outcome entry, or refuses them under handling=strict', async () => {
    const lenient = await get('/Patient?name=paging03&foo=bar');
    const outcome = lenient.body.entry?.find((e) => e.search?.mode === 'outcome')?.resource as OperationOutcome;
    expect(outcome.issue[0]?.diagnostics).toContain('foo');
    expect(lenient.body.entry?.filter((e) => e.search?.mode === 'match')).toHaveLength(1);
    const strict = await t.api('/Patient?name=paging03&foo=bar', { headers: { prefer: 'handling=strict' } });
    expect(strict.status).toBe(400);
  });

  it('clamps _count, refuses bad values, counts with _summary=count and _total=accurate', async () => {
    const clamped = await get('/Patient?_count=1000000');
    expect(clamped.body.entry?.length).toBe(25);
    expect(new URL(clamped.body.link?.[0]?.url as string).searchParams.get('_count')).toBe('1000000');
    expect((await t.api('/Patient?_count=-1')).status).toBe(400);
    expect((await t.api('/Patient?birthdate=ge2020-13-45')).status).toBe(400);
    expect((await t.api('/Patient?_sort=-(select 1)')).status).toBe(400);
    // Counting patient data would reveal matches consent withholds: refused, as HAPI does.
    expect((await t.api('/Patient?name=paging&_summary=count')).status).toBe(400);
    expect((await t.api('/Encounter?_total=accurate')).status).toBe(400);
    await t.api('/Organization', jsonBody({ resourceType: 'Organization', name: 'Counted One' }));
    await t.api('/Organization', jsonBody({ resourceType: 'Organization', name: 'Counted Two' }));
    const count = await get('/Organization?name=counted&_summary=count');
    expect(count.body.total).toBe(2);
    expect(count.body.entry ?? []).toHaveLength(0);
    const total = await get('/Organization?name=counted&_total=accurate&_count=1');
    expect(total.body.total).toBe(2);
    expect(total.body.entry).toHaveLength(1);
  });

  it('shapes results with _elements and _summary, marked SUBSETTED', async () => {
    const elements = await get('/Patient?identifier=urn:test:batch|B1&_elements=gender');
    const resource = elements.body.entry?.[0]?.resource as Patient;
    expect(resource.gender).toBe('male');
    expect(resource.name).toBeUndefined();
    expect(resource.meta?.tag?.some((t) => t.code === 'SUBSETTED')).toBe(true);
    const summary = await get('/Patient?identifier=urn:test:batch|B1&_summary=true');
    expect((summary.body.entry?.[0]?.resource as Patient).name).toBeDefined();
  });

  it('searches a patient compartment and includes referenced resources', async () => {
    const withPatient = await get('/Encounter?_include=Encounter:subject&_sort=date');
    expect(withPatient.body.entry?.filter((e) => e.search?.mode === 'include')).toHaveLength(3);
    const patientId = (withPatient.body.entry?.[0]?.resource as Encounter).subject?.reference?.split('/')[1];
    const compartment = await get(`/Patient/${patientId}/Encounter`);
    expect(compartment.body.entry).toHaveLength(1);
    expect((await t.api('/Patient/missing/Encounter')).status).toBe(404);
  });

  it('pages Patient/$everything and validates with $validate', async () => {
    const encounters = await get('/Encounter?_sort=date');
    const patientId = (encounters.body.entry?.[0]?.resource as Encounter).subject?.reference?.split('/')[1];
    const everything = await get(`/Patient/${patientId}/$everything`);
    const types = everything.body.entry?.map((e) => e.resource?.resourceType) ?? [];
    expect(types.filter((type) => type !== 'Provenance')).toEqual(['Patient', 'Encounter']);
    expect(types).toContain('Provenance');
    expect(types).not.toContain('AuditEvent');
    const paged = await get(`/Patient/${patientId}/$everything?_count=1&_type=Patient,Encounter`);
    expect(paged.body.entry).toHaveLength(1);
    const next = paged.body.link?.find((l) => l.relation === 'next')?.url as string;
    expect(((await (await t.follow(next)).json()) as Bundle).entry?.[0]?.resource?.resourceType).toBe('Encounter');
    const valid = await t.api('/Patient/$validate', jsonBody({ resourceType: 'Patient', name: [{ family: 'Ok' }], identifier: [{ system: 'urn:x', value: '1' }] }));
    expect(valid.status).toBe(200);
    const invalid = await t.api('/Patient/$validate', jsonBody({ resourceType: 'Patient', birthDate: 'not-a-date' }));
    expect(invalid.status).toBe(422);
    expect(JSON.stringify(await invalid.json())).toContain('Patient.birthDate');
  });
});
