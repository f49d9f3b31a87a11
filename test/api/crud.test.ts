/** REST interactions over real HTTP: create, read, vread, update, patch, delete, history, conditional forms. */
import type { Bundle, OperationOutcome, Patient } from 'fhir/r4.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enginesUnderTest } from '../support/databases.ts';
import { type TestApp, jsonBody, startTestApp } from '../support/app.ts';

const patient = (family: string, mrn = family): Patient => ({
  resourceType: 'Patient',
  identifier: [{ system: 'urn:test:mrn', value: mrn }],
  name: [{ family, given: ['Test'] }],
});

describe.each(enginesUnderTest())('REST interactions on %s', (engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(engine);
  });
  afterAll(() => t.close());

  async function create(resource: Patient): Promise<Patient> {
    const response = await t.api('/Patient', jsonBody(resource));
    expect(response.status).toBe(201);
    return (await response.json()) as Patient;
  }

  it('creates with Location, ETag and Last-Modified, and reads it back', async () => {
    const response = await t.api('/Patient', jsonBody({ ...patient('Create'), id: 'client-id-ignored' }));
    expect(response.status).toBe(201);
    const body = (await response.json()) as Patient;
    expect(body.id).not.toBe('client-id-ignored');
    expect(response.headers.get('etag')).toBe('W/"1"');
    expect(response.headers.get('location')).toBe(`${t.fhirBase}/Patient/${body.id}/_history/1`);
    expect(new Date(response.headers.get('last-modified') ?? '').getTime()).toBeGreaterThan(0);
    const read = await t.api(`/Patient/${body.id}`);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('W/"1"');
    expect(await read.json()).toEqual(body);
  });

  it('honours Prefer: return=minimal and return=OperationOutcome', async () => {
    const minimal = await t.api('/Patient', jsonBody(patient('Minimal'), { prefer: 'return=minimal' }));
    expect(minimal.status).toBe(201);
    expect(await minimal.text()).toBe('');
    expect(minimal.headers.get('location')).toContain('/Patient/');
    const outcome = await t.api('/Patient', jsonBody(patient('Outcome'), { prefer: 'return=OperationOutcome' }));
    expect(((await outcome.json()) as OperationOutcome).resourceType).toBe('OperationOutcome');
  });

  it('conditional create with If-None-Exist returns the existing resource', async () => {
    const first = await create(patient('Conditional', 'COND-1'));
    const again = await t.api('/Patient', jsonBody(patient('Conditional', 'COND-1'), { 'if-none-exist': 'identifier=urn:test:mrn|COND-1' }));
    expect(again.status).toBe(200);
    expect(((await again.json()) as Patient).id).toBe(first.id);
    await create(patient('Conditional', 'COND-1'));
    const ambiguous = await t.api('/Patient', jsonBody(patient('Conditional', 'COND-1'), { 'if-none-exist': 'identifier=urn:test:mrn|COND-1' }));
    expect(ambiguous.status).toBe(412);
  });

  it('answers If-None-Match with 304 and vreads old versions', async () => {
    const created = await create(patient('Versioned'));
    expect((await t.api(`/Patient/${created.id}`, { headers: { 'if-none-match': 'W/"1"' } })).status).toBe(304);
    await t.api(`/Patient/${created.id}`, jsonBody({ ...created, gender: 'other' }, {}, 'PUT'));
    expect((await t.api(`/Patient/${created.id}`, { headers: { 'if-none-match': 'W/"1"' } })).status).toBe(200);
    const v1 = await t.api(`/Patient/${created.id}/_history/1`);
    expect(v1.status).toBe(200);
    expect(((await v1.json()) as Patient).gender).toBeUndefined();
    expect((await t.api(`/Patient/${created.id}/_history/9`)).status).toBe(404);
  });

  it('updates with If-Match (412 on mismatch), update-as-create with a client id, id mismatch 400', async () => {
    const created = await create(patient('IfMatch'));
    const stale = await t.api(`/Patient/${created.id}`, jsonBody({ ...created, active: true }, { 'if-match': 'W/"5"' }, 'PUT'));
    expect(stale.status).toBe(412);
    const fresh = await t.api(`/Patient/${created.id}`, jsonBody({ ...created, active: true }, { 'if-match': 'W/"1"' }, 'PUT'));
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('etag')).toBe('W/"2"');
    const asCreate = await t.api('/Patient/my-own-id', jsonBody({ ...patient('OwnId'), id: 'my-own-id' }, {}, 'PUT'));
    expect(asCreate.status).toBe(201);
    const mismatch = await t.api('/Patient/other-id', jsonBody({ ...patient('OwnId'), id: 'my-own-id' }, {}, 'PUT'));
    expect(mismatch.status).toBe(400);
  });

  it('conditional update creates, then updates the single match', async () => {
    const url = '/Patient?identifier=urn:test:mrn|CU-1';
    const first = await t.api(url, jsonBody(patient('CondUpdate', 'CU-1'), {}, 'PUT'));
    expect(first.status).toBe(201);
    const id = ((await first.json()) as Patient).id;
    const second = await t.api(url, jsonBody({ ...patient('CondUpdate', 'CU-1'), gender: 'female' }, {}, 'PUT'));
    expect(second.status).toBe(200);
    expect(((await second.json()) as Patient).id).toBe(id);
  });

  it('patches with JSON Patch and refuses other content types', async () => {
    const created = await create(patient('Patchable'));
    const patchInit = (body: unknown, type = 'application/json-patch+json'): RequestInit => ({ method: 'PATCH', headers: { 'content-type': type }, body: JSON.stringify(body) });
    const ok = await t.api(`/Patient/${created.id}`, patchInit([{ op: 'add', path: '/birthDate', value: '1961-04-12' }]));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Patient).birthDate).toBe('1961-04-12');
    expect((await t.api(`/Patient/${created.id}`, patchInit([{ op: 'add', path: '/gender', value: 'nonsense' }]))).status).toBe(422);
    expect((await t.api(`/Patient/${created.id}`, patchInit([{ op: 'replace', path: '/maritalStatus', value: {} }]))).status).toBe(400);
    expect((await t.api(`/Patient/${created.id}`, patchInit({ not: 'a patch' }))).status).toBe(400);
    expect((await t.api(`/Patient/${created.id}`, patchInit([], 'text/plain'))).status).toBe(415);
  });

  it('deletes: then read is 410 Gone, history shows the delete', async () => {
    const created = await create(patient('Deleted'));
    const deleted = await t.api(`/Patient/${created.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    const gone = await t.api(`/Patient/${created.id}`);
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as OperationOutcome).issue[0]?.code).toBe('deleted');
    const history = (await (await t.api(`/Patient/${created.id}/_history`)).json()) as Bundle;
    expect(history.type).toBe('history');
    expect(history.entry?.map((e) => e.request?.method)).toEqual(['DELETE', 'POST']);
    expect((await t.api('/Patient/never-was', { method: 'DELETE' })).status).toBe(200);
  });

  it('reads history at type and system level with _count paging and _since', async () => {
    const since = new Date().toISOString();
    await create(patient('HistA'));
    await create(patient('HistB'));
    await create(patient('HistC'));
    const page = (await (await t.api(`/Patient/_history?_count=2&_since=${encodeURIComponent(since)}`)).json()) as Bundle;
    expect(page.entry).toHaveLength(2);
    const next = page.link?.find((l) => l.relation === 'next')?.url;
    expect(next).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir\/Patient\/_history\?/);
    const rest = (await (await t.follow(next as string)).json()) as Bundle;
    expect(rest.entry).toHaveLength(1);
    const system = (await (await t.api('/_history?_count=1')).json()) as Bundle;
    expect(system.entry).toHaveLength(1);
  });
});
